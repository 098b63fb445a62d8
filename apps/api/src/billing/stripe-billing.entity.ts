import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The Stripe meters the fee plan is billed on (`tokens`, `markup`), as created or adopted by the bootstrap. */
@Entity({ name: 'stripe_meters' })
export class StripeMeterRow {
  /** MeterKind of libs/billing: 'tokens' | 'markup'. */
  @PrimaryColumn('text')
  meter!: string;

  @Column('text', { name: 'meter_id', unique: true })
  meterId!: string;

  @Column('text', { name: 'event_name' })
  eventName!: string;

  @Column('text', { name: 'product_id' })
  productId!: string;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}

/**
 * What of each team's ledger hour has already been turned into meter reports. The next build
 * reports only the difference (a late ledger row becomes a delta report with revision + 1).
 */
@Entity({ name: 'stripe_meter_hours' })
export class StripeMeterHour {
  @PrimaryColumn('uuid', { name: 'team_id' })
  teamId!: string;

  @PrimaryColumn('timestamptz', { name: 'hour_start' })
  hourStart!: Date;

  @Column('bigint', { name: 'total_tokens', default: 0 })
  totalTokens!: string;

  @Column('bigint', { name: 'markup_nano_usd', default: 0 })
  markupNanoUsd!: string;

  /** Revision of the last reports built for this hour (0 = the first). */
  @Column('integer', { default: 0 })
  revision!: number;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}

/**
 * The meter-report outbox: one row per meter event. The identifier is decided and stored here
 * before the first send and is both Stripe's `identifier` and the Idempotency-Key of every retry.
 */
@Entity({ name: 'stripe_meter_reports' })
@Index('idx_stripe_meter_reports_due', ['status', 'nextAttemptAt'])
@Index('idx_stripe_meter_reports_team_hour', ['teamId', 'meter', 'hourStart'])
export class StripeMeterReportRow {
  @PrimaryColumn('text')
  identifier!: string;

  @Column('uuid', { name: 'team_id' })
  teamId!: string;

  @Column('text', { name: 'customer_id' })
  customerId!: string;

  /** 'tokens' (value in tokens) | 'markup' (value in micro-USD). */
  @Column('text')
  meter!: string;

  @Column('text', { name: 'event_name' })
  eventName!: string;

  @Column('timestamptz', { name: 'hour_start' })
  hourStart!: Date;

  @Column('integer', { default: 0 })
  revision!: number;

  /** Whole meter units: tokens for `tokens`, micro-USD for `markup`. */
  @Column('bigint')
  value!: string;

  /** pending | delivered | expired (outside Stripe's window: never sent) | failed (Stripe refused it). */
  @Column('text', { default: 'pending' })
  status!: string;

  @Column('integer', { default: 0 })
  attempts!: number;

  @Column('timestamptz', { name: 'next_attempt_at', default: () => 'now()' })
  nextAttemptAt!: Date;

  @Column('text', { name: 'last_error', nullable: true })
  lastError!: string | null;

  @Column('timestamptz', { name: 'delivered_at', nullable: true })
  deliveredAt!: Date | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;
}

/** Ledger totals against Stripe's meter event summaries, per team, meter and UTC day (latest check). */
@Entity({ name: 'stripe_reconciliations' })
@Index('idx_stripe_reconciliations_status', ['status', 'periodStart'])
export class StripeReconciliationRow {
  @PrimaryColumn('uuid', { name: 'team_id' })
  teamId!: string;

  @PrimaryColumn('text')
  meter!: string;

  @PrimaryColumn('timestamptz', { name: 'period_start' })
  periodStart!: Date;

  @Column('timestamptz', { name: 'period_end' })
  periodEnd!: Date;

  /** All values in whole meter units (tokens, or micro-USD of markup). */
  @Column('bigint', { name: 'ledger_value' })
  ledgerValue!: string;

  /** Outbox rows of the period Stripe confirmed. */
  @Column('bigint', { name: 'delivered_value' })
  deliveredValue!: string;

  /** Outbox rows of the period still waiting to be sent. */
  @Column('bigint', { name: 'pending_value' })
  pendingValue!: string;

  @Column('bigint', { name: 'stripe_value' })
  stripeValue!: string;

  /** stripe_value − ledger_value. */
  @Column('bigint')
  difference!: string;

  /** ok | pending | mismatch. */
  @Column('text')
  status!: string;

  @Column('timestamptz', { name: 'checked_at', default: () => 'now()' })
  checkedAt!: Date;
}
