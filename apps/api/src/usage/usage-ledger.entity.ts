import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

const bigint = { type: 'bigint' as const, default: 0 };

/** The append-only usage ledger: one row per gateway request (unique request id). */
@Entity({ name: 'usage_ledger' })
@Index('idx_usage_ledger_team_started', ['teamId', 'startedAt'])
@Index('idx_usage_ledger_team_member_started', ['teamId', 'membershipId', 'startedAt'])
@Index('idx_usage_ledger_team_key_started', ['teamId', 'apiKeyId', 'startedAt'])
export class UsageLedgerRow {
  @PrimaryColumn('text', { name: 'request_id' })
  requestId!: string;

  @Column('uuid', { name: 'team_id' })
  teamId!: string;

  @Column('uuid', { name: 'membership_id' })
  membershipId!: string;

  @Column('uuid', { name: 'user_id' })
  userId!: string;

  @Column('uuid', { name: 'api_key_id' })
  apiKeyId!: string;

  @Column('uuid', { name: 'provider_key_id', nullable: true })
  providerKeyId!: string | null;

  @Column('text', { nullable: true })
  provider!: string | null;

  @Column('text')
  endpoint!: string;

  @Column('text', { name: 'requested_model' })
  requestedModel!: string;

  @Column('text', { name: 'served_model', nullable: true })
  servedModel!: string | null;

  @Column('boolean', { default: false })
  stream!: boolean;

  @Column('text')
  status!: string;

  @Column('text', { name: 'error_code', nullable: true })
  errorCode!: string | null;

  @Column({ ...bigint, name: 'input_tokens' })
  inputTokens!: string;

  @Column({ ...bigint, name: 'cached_input_tokens' })
  cachedInputTokens!: string;

  @Column({ ...bigint, name: 'cache_write_tokens' })
  cacheWriteTokens!: string;

  @Column({ ...bigint, name: 'output_tokens' })
  outputTokens!: string;

  @Column({ ...bigint, name: 'reasoning_tokens' })
  reasoningTokens!: string;

  @Column({ ...bigint, name: 'cost_nano_usd' })
  costNanoUsd!: string;

  @Column({ ...bigint, name: 'fee_nano_usd' })
  feeNanoUsd!: string;

  @Column('boolean', { default: false })
  unpriced!: boolean;

  @Column('boolean', { default: false })
  estimated!: boolean;

  @Column('integer', { name: 'latency_ms', default: 0 })
  latencyMs!: number;

  @Column('integer', { name: 'ttft_ms', nullable: true })
  ttftMs!: number | null;

  @Column('integer', { name: 'attempt_count', default: 0 })
  attemptCount!: number;

  @Column('jsonb', { default: () => "'[]'" })
  attempts!: unknown[];

  @Column('timestamptz', { name: 'started_at' })
  startedAt!: Date;

  @Column('timestamptz', { name: 'finished_at' })
  finishedAt!: Date;

  @Column('timestamptz', { name: 'recorded_at', default: () => 'now()' })
  recordedAt!: Date;
}

/** Daily rollups maintained in the same transaction as the ledger insert; reports read these. */
@Entity({ name: 'usage_rollup_daily' })
@Index('idx_usage_rollup_team_day', ['teamId', 'day'])
export class UsageRollupDaily {
  @PrimaryColumn('uuid', { name: 'team_id' })
  teamId!: string;

  @PrimaryColumn('date')
  day!: string;

  @PrimaryColumn('uuid', { name: 'membership_id' })
  membershipId!: string;

  @PrimaryColumn('uuid', { name: 'api_key_id' })
  apiKeyId!: string;

  @PrimaryColumn('text')
  provider!: string;

  @PrimaryColumn('text')
  model!: string;

  @Column({ ...bigint })
  requests!: string;

  @Column({ ...bigint, name: 'input_tokens' })
  inputTokens!: string;

  @Column({ ...bigint, name: 'cached_input_tokens' })
  cachedInputTokens!: string;

  @Column({ ...bigint, name: 'cache_write_tokens' })
  cacheWriteTokens!: string;

  @Column({ ...bigint, name: 'output_tokens' })
  outputTokens!: string;

  @Column({ ...bigint, name: 'reasoning_tokens' })
  reasoningTokens!: string;

  @Column({ ...bigint, name: 'cost_nano_usd' })
  costNanoUsd!: string;

  @Column({ ...bigint, name: 'fee_nano_usd' })
  feeNanoUsd!: string;

  @Column({ ...bigint, name: 'unpriced_requests' })
  unpricedRequests!: string;
}

/** Usage events that could not be enqueued (Redis down); a relay job enqueues them later. */
@Entity({ name: 'usage_outbox' })
export class UsageOutbox {
  @PrimaryColumn('text', { name: 'request_id' })
  requestId!: string;

  @Column('jsonb')
  payload!: unknown;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;
}
