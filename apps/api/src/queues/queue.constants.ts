import type { JobsOptions } from 'bullmq';
import type { UsageEvent } from '../usage/usage-event';

/** The one registry of queues, job names and payloads. Jobs are named `<queue>.<verb>`. */
export const QueueName = {
  Audit: 'audit',
  Billing: 'billing',
  Maintenance: 'maintenance',
  Usage: 'usage',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const JobName = {
  AuditRecord: 'audit.record',
  ProbeProviderKeys: 'maintenance.probe-provider-keys',
  UsageRecord: 'usage.record',
  UsageRecordBatch: 'usage.record-batch',
  RelayUsageOutbox: 'maintenance.relay-usage-outbox',
  ReconcileInflight: 'maintenance.reconcile-inflight',
  CheckBudgets: 'maintenance.check-budgets',
  BillingReportUsage: 'billing.report-usage',
  BillingReconcile: 'billing.reconcile',
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];

/** Which queue carries each job. */
export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.AuditRecord]: QueueName.Audit,
  [JobName.ProbeProviderKeys]: QueueName.Maintenance,
  [JobName.UsageRecord]: QueueName.Usage,
  [JobName.UsageRecordBatch]: QueueName.Usage,
  [JobName.RelayUsageOutbox]: QueueName.Maintenance,
  [JobName.ReconcileInflight]: QueueName.Maintenance,
  [JobName.CheckBudgets]: QueueName.Maintenance,
  [JobName.BillingReportUsage]: QueueName.Billing,
  [JobName.BillingReconcile]: QueueName.Billing,
};

/** Payloads carry ids and counts only: BullMQ stores them in clear text in Redis. Never secrets. */
export interface JobPayloads {
  [JobName.AuditRecord]: {
    id: string;
    teamId: string | null;
    actorUserId: string | null;
    actorApiKeyId: string | null;
    action: string;
    targetType: string | null;
    targetId: string | null;
    metadata: Record<string, unknown>;
    ip: string | null;
    requestId: string | null;
    createdAt: string;
  };
  [JobName.ProbeProviderKeys]: Record<string, never>;
  [JobName.UsageRecord]: UsageEvent;
  /** What one API process finished within a few milliseconds, in one job (see MeteringService). */
  [JobName.UsageRecordBatch]: { events: UsageEvent[] };
  [JobName.RelayUsageOutbox]: Record<string, never>;
  [JobName.ReconcileInflight]: Record<string, never>;
  [JobName.CheckBudgets]: Record<string, never>;
  [JobName.BillingReportUsage]: Record<string, never>;
  [JobName.BillingReconcile]: Record<string, never>;
}

export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 86_400 },
};
