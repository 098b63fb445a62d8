import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AuditProcessor } from './audit/audit.processor';
import { CommonModule } from './common/common.module';
import { ProviderKeysModule } from './provider-keys/provider-keys.module';
import { ProviderKeysProcessor } from './provider-keys/provider-keys.processor';
import { coreImports } from './core.imports';
import { WorkerRunner } from './queues/worker-runner';

/** The worker process: every job handler, no HTTP. */
@Module({
  imports: [...coreImports('worker'), DiscoveryModule, CommonModule, ProviderKeysModule],
  providers: [WorkerRunner, AuditProcessor, ProviderKeysProcessor],
})
export class WorkerModule {}
