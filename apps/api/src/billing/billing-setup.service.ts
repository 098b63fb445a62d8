import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  MARKUP_METER_EVENT_NAME,
  TOKENS_METER_EVENT_NAME,
  ZERO_FEE_PLAN,
  bootstrapStripeBilling,
  ensureCustomerAndSubscription,
  resolveFeePlan,
  type BootstrapStripeBillingResult,
  type FeePlan,
  type FeePlanRow,
} from '@tollgate/billing';
import { DataSource } from 'typeorm';
import { StripeApi } from './stripe-api';

export interface BillingSetupSummary {
  /** What this run wrote to Stripe (empty on a re-run). */
  changes: string[];
  linkedTeams: number;
  createdCustomers: number;
  createdSubscriptions: number;
  /** Teams whose fee plan has neither a per-token fee nor a markup: nothing to bill, not linked. */
  noFeeTeams: string[];
  /** Subscription items on a meter with another price (the team's fee changed): left alone, migrate by hand. */
  conflicts: Array<{ teamId: string; itemId: string; priceId: string; meterId: string }>;
  failedTeams: Array<{ teamId: string; error: string }>;
}

const planKey = (p: FeePlan) => `${p.feeMicroUsdPerMTok.toString()}:${p.markupBasisPoints}`;

/**
 * The Stripe side of the fee plan, idempotent and resumable: the meters and metered prices
 * (libs/billing bootstrapStripeBilling), and per team a customer plus a subscription holding only
 * metered items (no fixed fee). Every Stripe id is stored locally (stripe_meters, stripe_customers)
 * and each team commits on its own, so an interrupted run resumes and a re-run creates nothing.
 */
@Injectable()
export class BillingSetupService {
  private readonly logger = new Logger('StripeBilling');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly stripe: StripeApi,
  ) {}

  /**
   * `onlyUnlinked`: teams without a stored customer only (what the report job runs before each
   * batch). Without it (the CLI), every team's customer and subscription is checked again.
   */
  async run(opts: { onlyUnlinked?: boolean } = {}): Promise<BillingSetupSummary> {
    const summary: BillingSetupSummary = { changes: [], linkedTeams: 0, createdCustomers: 0, createdSubscriptions: 0, noFeeTeams: [], conflicts: [], failedTeams: [] };
    const now = new Date();
    const planRows: Array<{ team_id: string | null; effective_from: Date; fee_micro_usd_per_mtok: string; markup_basis_points: number }> = await this.db.query(
      `SELECT team_id, effective_from, fee_micro_usd_per_mtok, markup_basis_points FROM fee_plans WHERE effective_from <= $1`,
      [now],
    );
    const rows: FeePlanRow[] = planRows.map((r) => ({ teamId: r.team_id, effectiveFrom: r.effective_from, plan: { feeMicroUsdPerMTok: BigInt(r.fee_micro_usd_per_mtok), markupBasisPoints: r.markup_basis_points } }));
    const planOf = (teamId: string | null): FeePlan => {
      const p = resolveFeePlan(rows, { teamId, at: now });
      return p ? { feeMicroUsdPerMTok: p.feeMicroUsdPerMTok, markupBasisPoints: p.markupBasisPoints } : ZERO_FEE_PLAN;
    };
    const billable = (p: FeePlan) => p.feeMicroUsdPerMTok > 0n || p.markupBasisPoints > 0;

    const teams: Array<{ id: string; name: string; customer_id: string | null }> = await this.db.query(
      `SELECT t.id, t.name, c.customer_id FROM teams t LEFT JOIN stripe_customers c ON c.team_id = t.id
        ${opts.onlyUnlinked ? 'WHERE c.team_id IS NULL' : ''} ORDER BY t.created_at, t.id`,
    );
    const todo = teams.filter((t) => {
      if (billable(planOf(t.id))) return true;
      summary.noFeeTeams.push(t.id);
      return false;
    });
    const [{ n: meters }] = await this.db.query(`SELECT count(*)::int AS n FROM stripe_meters`);
    // The report job calls this every run: without work to do, it costs one query and no Stripe call.
    if (opts.onlyUnlinked && todo.length === 0 && meters === 2) return summary;

    const stripe = this.stripe.require();
    const booted = new Map<string, BootstrapStripeBillingResult>();
    const boot = async (plan: FeePlan): Promise<BootstrapStripeBillingResult> => {
      const key = planKey(plan);
      let res = booted.get(key);
      if (!res) {
        res = await bootstrapStripeBilling(stripe, { feePlan: plan });
        summary.changes.push(...res.changes);
        booted.set(key, res);
      }
      return res;
    };
    // Meters do not depend on the plan; the default plan's prices come along.
    const base = await boot(planOf(null));
    await this.db.query(
      `INSERT INTO stripe_meters (meter, meter_id, event_name, product_id) VALUES ('tokens', $1, $2, $5), ('markup', $3, $4, $5)
       ON CONFLICT (meter) DO UPDATE SET meter_id = excluded.meter_id, event_name = excluded.event_name, product_id = excluded.product_id, updated_at = now()
       WHERE (stripe_meters.meter_id, stripe_meters.product_id) IS DISTINCT FROM (excluded.meter_id, excluded.product_id)`,
      [base.ids.tokensMeterId, TOKENS_METER_EVENT_NAME, base.ids.markupMeterId, MARKUP_METER_EVENT_NAME, base.ids.productId],
    );

    for (const team of todo) {
      try {
        const prices = await boot(planOf(team.id));
        const res = await ensureCustomerAndSubscription(stripe, {
          teamId: team.id,
          teamName: team.name,
          existingCustomerId: team.customer_id ?? undefined,
          prices: prices.priceIds,
        });
        await this.db.query(
          `INSERT INTO stripe_customers (team_id, customer_id, subscription_id, synced_at) VALUES ($1, $2, $3, now())
           ON CONFLICT (team_id) DO UPDATE SET customer_id = excluded.customer_id, subscription_id = excluded.subscription_id, synced_at = now()`,
          [team.id, res.customerId, res.subscriptionId],
        );
        summary.linkedTeams += 1;
        if (res.createdCustomer) {
          summary.createdCustomers += 1;
          summary.changes.push(`created customer ${res.customerId} (team ${team.id})`);
        }
        if (res.createdSubscription) {
          summary.createdSubscriptions += 1;
          summary.changes.push(`created subscription ${res.subscriptionId} (team ${team.id})`);
        }
        for (const p of res.addedPriceIds) summary.changes.push(`added price ${p} to subscription ${res.subscriptionId}`);
        for (const c of res.conflictingItems) summary.conflicts.push({ teamId: team.id, ...c });
      } catch (err) {
        // One team's problem (e.g. a customer id that belongs to another team) must not stop the others.
        summary.failedTeams.push({ teamId: team.id, error: (err as Error).message });
        this.logger.error({ teamId: team.id, err: (err as Error).message }, 'Stripe customer/subscription setup failed');
      }
    }
    if (summary.changes.length > 0) this.logger.log({ changes: summary.changes }, 'Stripe billing setup changed');
    if (summary.conflicts.length > 0) this.logger.warn({ conflicts: summary.conflicts }, 'subscription items on a meter with another price were left alone');
    return summary;
  }
}
