import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { QueueProducer } from '../queues/queue.producer';
import { JobName, JobPayloads } from '../queues/queue.constants';

export type AuditInput = Partial<Omit<JobPayloads[typeof JobName.AuditRecord], 'id' | 'createdAt' | 'action'>> & {
  action: string;
};

type AuditRow = JobPayloads[typeof JobName.AuditRecord];

/** Writes audit events through the `audit` queue; if Redis refuses, writes straight to Postgres. */
@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(
    private readonly producer: QueueProducer,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async record(input: AuditInput): Promise<string> {
    const row: AuditRow = {
      id: randomUUID(),
      teamId: input.teamId ?? null,
      actorUserId: input.actorUserId ?? null,
      actorApiKeyId: input.actorApiKeyId ?? null,
      action: input.action,
      targetType: input.targetType ?? null,
      targetId: input.targetId ?? null,
      metadata: input.metadata ?? {},
      ip: input.ip ?? null,
      requestId: input.requestId ?? null,
      createdAt: new Date().toISOString(),
    };
    try {
      await this.producer.add(JobName.AuditRecord, row, row.id);
    } catch (err) {
      this.logger.warn({ action: row.action, err: (err as Error).message }, 'audit enqueue failed; writing directly');
      await insertAuditRows(this.db, [row]);
    }
    return row.id;
  }
}

/** Idempotent insert: the event id is the primary key, so a redelivered job changes nothing. */
export async function insertAuditRows(db: DataSource, rows: AuditRow[]): Promise<void> {
  if (rows.length === 0) return;
  const values: unknown[] = [];
  const tuples = rows.map((r, i) => {
    values.push(r.id, r.teamId, r.actorUserId, r.actorApiKeyId, r.action, r.targetType, r.targetId, JSON.stringify(r.metadata), r.ip, r.requestId, r.createdAt);
    const b = i * 11;
    return `($${b + 1},$${b + 2},$${b + 3},$${b + 4},$${b + 5},$${b + 6},$${b + 7},$${b + 8}::jsonb,$${b + 9},$${b + 10},$${b + 11})`;
  });
  await db.query(
    `INSERT INTO audit_events (id, team_id, actor_user_id, actor_api_key_id, action, target_type, target_id, metadata, ip, request_id, created_at)
     VALUES ${tuples.join(',')} ON CONFLICT (id) DO NOTHING`,
    values,
  );
}
