import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { JobHandler } from '../queues/job-handler.decorator';
import { JobName, JobPayloads } from '../queues/queue.constants';
import { insertAuditRows } from './audit.service';

@Injectable()
export class AuditProcessor {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @JobHandler(JobName.AuditRecord)
  async record(data: unknown): Promise<void> {
    await insertAuditRows(this.db, [data as JobPayloads[typeof JobName.AuditRecord]]);
  }
}
