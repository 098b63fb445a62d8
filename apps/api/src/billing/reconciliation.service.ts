import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { NANO_PER_MICRO } from '@tollgate/billing';
import { DataSource } from 'typeorm';
import { raiseBillingAlert } from './billing-alerts';
import { FULL_LOOKBACK_MS, LEDGER_HOURS_SQL, MeterOutboxService } from './meter-outbox.service';
import { StripeApi } from './stripe-api';

const DAY_MS = 86_400_000;
/** Stripe's summaries are eventually consistent: a difference this soon after a delivery is "pending". */
export const SUMMARY_SETTLE_MS = 10 * 60_000;
/** Days checked on each run (today so far and the days before; older days do not change any more). */
export const RECONCILE_DAYS = 3;

export interface ReconcileResult {
  checked: number;
  ok: number;
  pending: number;
  mismatches: number;
  errors: number;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/**
 * Compares, per team, meter and UTC day, the ledger's totals with Stripe's meter event summaries and
 * stores the latest result in stripe_reconciliations (GET /billing/reconciliations). A day is
 * - pending: outbox rows are still waiting, or one was delivered less than SUMMARY_SETTLE_MS ago;
 * - ok: Stripe equals the ledger (markup: within 1 micro-USD, the sub-micro carry crossing a day);
 * - mismatch: anything else; raised as an alert once per new difference.
 * The ledger side covers only hours the outbox may already report (closed for the grace period);
 * each run first builds the outbox over Stripe's whole window at the same `now`, so every ledger row
 * compared is either in an outbox row (delivered or pending) or a real difference.
 */
@Injectable()
export class ReconciliationService {
  private readonly logger = new Logger('StripeReconciliation');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly stripe: StripeApi,
    private readonly outbox: MeterOutboxService,
  ) {}

  async run(opts: { now?: Date; days?: number } = {}): Promise<ReconcileResult> {
    const stripe = this.stripe.require();
    const now = opts.now ?? new Date();
    const until = this.outbox.closedUntil(now).getTime();
    const firstDay = Math.floor(until / DAY_MS) * DAY_MS - ((opts.days ?? RECONCILE_DAYS) - 1) * DAY_MS;
    const result: ReconcileResult = { checked: 0, ok: 0, pending: 0, mismatches: 0, errors: 0 };
    if (firstDay >= until) return result;
    await this.outbox.build({ now, lookbackMs: FULL_LOOKBACK_MS });
    const meters: Array<{ meter: string; meter_id: string }> = await this.db.query(`SELECT meter, meter_id FROM stripe_meters`);
    const customers: Array<{ team_id: string; customer_id: string }> = await this.db.query(`SELECT team_id, customer_id FROM stripe_customers`);
    const ledger: Array<{ teamId: string; hourStart: Date; totalTokens: string; markupNanoUsd: string }> = await this.db.query(LEDGER_HOURS_SQL, [new Date(firstDay), new Date(until)]);
    const sent: Array<{ team_id: string; meter: string; day: Date; delivered: string; pending: string; last_delivered: Date | null }> = await this.db.query(
      `SELECT team_id, meter, (date_trunc('day', hour_start AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') AS day,
              coalesce(sum(value) FILTER (WHERE status = 'delivered'), 0)::text AS delivered,
              coalesce(sum(value) FILTER (WHERE status = 'pending'), 0)::text AS pending,
              max(delivered_at) AS last_delivered
         FROM stripe_meter_reports WHERE hour_start >= $1 AND hour_start < $2 GROUP BY 1, 2, 3`,
      [new Date(firstDay), new Date(until)],
    );
    const ledgerDay = new Map<string, { tokens: bigint; markupNano: bigint }>();
    for (const h of ledger) {
      const key = `${h.teamId}/${Math.floor(h.hourStart.getTime() / DAY_MS) * DAY_MS}`;
      const acc = ledgerDay.get(key) ?? { tokens: 0n, markupNano: 0n };
      acc.tokens += BigInt(h.totalTokens);
      acc.markupNano += BigInt(h.markupNanoUsd);
      ledgerDay.set(key, acc);
    }
    const sentDay = new Map(sent.map((s) => [`${s.team_id}/${s.meter}/${s.day.getTime()}`, s]));
    const previous: Array<{ team_id: string; meter: string; period_start: Date; status: string; difference: string }> = await this.db.query(
      `SELECT team_id, meter, period_start, status, difference::text FROM stripe_reconciliations WHERE period_start >= $1`,
      [new Date(firstDay)],
    );
    const prevByKey = new Map(previous.map((p) => [`${p.team_id}/${p.meter}/${p.period_start.getTime()}`, p]));

    for (const c of customers) {
      for (const m of meters) {
        for (let start = firstDay; start < until; start += DAY_MS) {
          const end = Math.min(start + DAY_MS, until);
          const l = ledgerDay.get(`${c.team_id}/${start}`);
          const s = sentDay.get(`${c.team_id}/${m.meter}/${start}`);
          // Idle days cost no Stripe call.
          if (!l && !s) continue;
          const ledgerValue = !l ? 0n : m.meter === 'tokens' ? l.tokens : floorDiv(l.markupNano, NANO_PER_MICRO);
          let stripeValue = 0n;
          try {
            const page = await stripe.billing.meters.listEventSummaries(m.meter_id, { customer: c.customer_id, start_time: start / 1000, end_time: end / 1000, limit: 100 });
            for (const row of page.data) stripeValue += BigInt(Math.round(row.aggregated_value));
          } catch (err) {
            result.errors += 1;
            this.logger.warn({ teamId: c.team_id, meter: m.meter, err: (err as Error).message }, 'meter event summaries unavailable; will retry next run');
            continue;
          }
          const delivered = BigInt(s?.delivered ?? '0');
          const pending = BigInt(s?.pending ?? '0');
          const difference = stripeValue - ledgerValue;
          const tolerance = m.meter === 'markup' ? 1n : 0n;
          const within = difference <= tolerance && difference >= -tolerance;
          const settling = s?.last_delivered ? now.getTime() - s.last_delivered.getTime() < SUMMARY_SETTLE_MS : false;
          let status: 'ok' | 'pending' | 'mismatch';
          if (pending > 0n) status = 'pending';
          else if (within) status = 'ok';
          // Stripe has not counted a delivery of the last few minutes yet.
          else if (settling && stripeValue < delivered) status = 'pending';
          else status = 'mismatch';
          await this.db.query(
            `INSERT INTO stripe_reconciliations (team_id, meter, period_start, period_end, ledger_value, delivered_value, pending_value, stripe_value, difference, status, checked_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (team_id, meter, period_start) DO UPDATE SET period_end = excluded.period_end, ledger_value = excluded.ledger_value,
               delivered_value = excluded.delivered_value, pending_value = excluded.pending_value, stripe_value = excluded.stripe_value,
               difference = excluded.difference, status = excluded.status, checked_at = excluded.checked_at`,
            [c.team_id, m.meter, new Date(start), new Date(end), ledgerValue.toString(), delivered.toString(), pending.toString(), stripeValue.toString(), difference.toString(), status, now],
          );
          result.checked += 1;
          if (status === 'ok') result.ok += 1;
          else if (status === 'pending') result.pending += 1;
          else {
            result.mismatches += 1;
            const prev = prevByKey.get(`${c.team_id}/${m.meter}/${start}`);
            if (prev?.status !== 'mismatch' || prev.difference !== difference.toString()) {
              await raiseBillingAlert(this.db, this.logger, {
                action: 'billing.reconciliation_mismatch',
                teamId: c.team_id,
                targetType: 'stripe_reconciliation',
                targetId: `${c.team_id}:${m.meter}:${new Date(start).toISOString()}`,
                message: `Stripe's ${m.meter} meter differs from the ledger by ${difference.toString()} on ${new Date(start).toISOString().slice(0, 10)}`,
                metadata: { meter: m.meter, periodStart: new Date(start).toISOString(), ledgerValue: ledgerValue.toString(), stripeValue: stripeValue.toString(), deliveredValue: delivered.toString(), difference: difference.toString() },
              });
            }
          }
        }
      }
    }
    return result;
  }
}
