import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AuditProcessor } from './audit/audit.processor';
import { coreImports } from './core.imports';
import { WorkerRunner } from './queues/worker-runner';

/** The worker process: every job handler, no HTTP. */
@Module({
  imports: [...coreImports('worker'), DiscoveryModule],
  providers: [WorkerRunner, AuditProcessor],
})
export class WorkerModule {}
