import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** Stripe invoices mirrored from webhooks (only when Stripe is configured). */
@Entity({ name: 'invoices' })
@Index('idx_invoices_team_period', ['teamId', 'periodStart'])
export class Invoice {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'team_id', nullable: true })
  teamId!: string | null;

  @Column('text', { name: 'stripe_invoice_id', unique: true })
  stripeInvoiceId!: string;

  @Column('text', { name: 'customer_id' })
  customerId!: string;

  @Column('text')
  status!: string;

  @Column('bigint', { name: 'amount_due_cents', default: 0 })
  amountDueCents!: string;

  @Column('bigint', { name: 'amount_paid_cents', default: 0 })
  amountPaidCents!: string;

  @Column('text', { default: 'usd' })
  currency!: string;

  @Column('timestamptz', { name: 'period_start', nullable: true })
  periodStart!: Date | null;

  @Column('timestamptz', { name: 'period_end', nullable: true })
  periodEnd!: Date | null;

  @Column('text', { name: 'hosted_invoice_url', nullable: true })
  hostedInvoiceUrl!: string | null;

  /** Stripe's event time of the last applied change: an older event never overwrites a newer one. */
  @Column('timestamptz', { name: 'event_created_at' })
  eventCreatedAt!: Date;
}

/** Webhook event ids already handled (Stripe delivers at least once). */
@Entity({ name: 'stripe_events' })
export class StripeEventSeen {
  @PrimaryColumn('text', { name: 'event_id' })
  eventId!: string;

  @Column('timestamptz', { name: 'received_at', default: () => 'now()' })
  receivedAt!: Date;
}

/** A team's Stripe customer and usage-only subscription. */
@Entity({ name: 'stripe_customers' })
export class StripeCustomer {
  @PrimaryColumn('uuid', { name: 'team_id' })
  teamId!: string;

  @Column('text', { name: 'customer_id', unique: true })
  customerId!: string;

  @Column('text', { name: 'subscription_id', nullable: true })
  subscriptionId!: string | null;

  /** Tokens built into meter reports but not reported yet (only a ledger correction makes it non-zero). */
  @Column('bigint', { name: 'carry_tokens', default: 0 })
  carryTokens!: string;

  /** Markup below one whole micro-USD, carried to the team's next report (see libs/billing meter-reports). */
  @Column('bigint', { name: 'carry_markup_nano_usd', default: 0 })
  carryMarkupNanoUsd!: string;

  /** Last time the bootstrap checked the customer and its metered subscription against Stripe. */
  @Column('timestamptz', { name: 'synced_at', nullable: true })
  syncedAt!: Date | null;
}
