import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { insertAuditRows } from '../audit/audit.service';

export type BillingAlertAction = 'billing.meter_report_expired' | 'billing.meter_report_failed' | 'billing.reconciliation_mismatch';

/**
 * An alert the operator sees: a log line at error and an audit entry (audit-events, filter by action).
 * Written straight to Postgres: it is raised inside a worker job and must not depend on Redis.
 */
export async function raiseBillingAlert(
  db: DataSource,
  logger: Logger,
  alert: { action: BillingAlertAction; teamId: string; targetType: string; targetId: string; message: string; metadata: Record<string, unknown> },
): Promise<void> {
  logger.error({ alert: alert.action, teamId: alert.teamId, ...alert.metadata }, alert.message);
  await insertAuditRows(db, [
    {
      id: randomUUID(),
      teamId: alert.teamId,
      actorUserId: null,
      actorApiKeyId: null,
      action: alert.action,
      targetType: alert.targetType,
      targetId: alert.targetId,
      metadata: { message: alert.message, ...alert.metadata },
      ip: null,
      requestId: null,
      createdAt: new Date().toISOString(),
    },
  ]);
}
