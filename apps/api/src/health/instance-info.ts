import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditService } from '../audit/audit.service';

/** Identifies this API process; its start is an audit event (written by the worker via the queue). */
@Injectable()
export class InstanceInfo implements OnApplicationBootstrap {
  readonly instanceId = randomUUID();
  readonly startedAt = new Date();
  private readonly logger = new Logger('Instance');

  constructor(private readonly audit: AuditService) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.audit.record({ action: 'system.api_started', metadata: { instanceId: this.instanceId, pid: process.pid } });
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'could not record the start event');
    }
  }
}
