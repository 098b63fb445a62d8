import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  DEFAULT_REPORT_MAX_AGE_MS,
  STRIPE_METER_EVENT_MAX_AGE_MS,
  buildMeterReports,
  sendMeterEvent,
  type HourlyTeamUsage,
  type MeterCarry,
  type MeterReport,
  type StripeClient,
} from '@tollgate/billing';
import { DataSource, type EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { raiseBillingAlert } from './billing-alerts';
import { StripeApi } from './stripe-api';

const HOUR_MS = 3_600_000;
/** pg advisory lock namespace ("tg"); key 1 serializes builders, other keys are (customer, meter) pairs. */
export const ADVISORY_NAMESPACE = 0x7467;
const BUILD_LOCK_KEY = 1;
/** The frequent build looks back this far; the reconcile job's build covers Stripe's whole window. */
export const RECENT_LOOKBACK_MS = 48 * HOUR_MS;
/** One day beyond Stripe's window, so usage that is already too old is still seen (and alerted) once. */
export const FULL_LOOKBACK_MS = STRIPE_METER_EVENT_MAX_AGE_MS + 24 * HOUR_MS;
const MAX_BACKOFF_MS = 15 * 60_000;

/**
 * Fee tokens of one ledger row, as LedgerWriter prices them: input_tokens holds every prompt token,
 * billing counts uncached input + cache reads + cache writes + output (libs/billing totalTokens).
 */
const FEE_TOKENS = `(greatest(l.input_tokens - l.cached_input_tokens - l.cache_write_tokens, 0) + l.cached_input_tokens + l.cache_write_tokens + l.output_tokens)`;

/**
 * Per team and UTC hour: fee tokens, and the markup part of the fee. The ledger stores the whole fee;
 * the token part is ceil(tokens · fee_micro_usd_per_mtok / 1000) nano-USD under the fee plan in
 * effect when the request started (computeFee's split), so markup = fee − token part, per row.
 */
export const LEDGER_HOURS_SQL = `
  SELECT l.team_id AS "teamId", (date_trunc('hour', l.started_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') AS "hourStart",
         sum(${FEE_TOKENS})::text AS "totalTokens",
         sum(l.fee_nano_usd - div(${FEE_TOKENS}::numeric * coalesce(p.fee_micro_usd_per_mtok, 0) + 999, 1000))::text AS "markupNanoUsd"
    FROM usage_ledger l
    JOIN stripe_customers c ON c.team_id = l.team_id
    LEFT JOIN LATERAL (
      SELECT fp.fee_micro_usd_per_mtok FROM fee_plans fp
       WHERE (fp.team_id = l.team_id OR fp.team_id IS NULL) AND fp.effective_from <= l.started_at
       ORDER BY (fp.team_id IS NULL), fp.effective_from DESC LIMIT 1) p ON true
   WHERE l.started_at >= $1 AND l.started_at < $2
   GROUP BY 1, 2`;

export interface BuildResult {
  /** Team-hours whose ledger totals changed since they were last built. */
  changedHours: number;
  reports: number;
  expired: number;
}

export interface SendResult {
  delivered: number;
  /** Of `delivered`: Stripe already had the identifier (HTTP 400 "already exists"). */
  alreadyDelivered: number;
  retried: number;
  failed: number;
  expired: number;
  /** (customer, meter) pairs skipped because another sender holds their lock. */
  busy: number;
}

export function floorHour(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

/** Exponential backoff from 1 s, capped at 15 min, ±20 % jitter; never shorter than Retry-After. */
export function backoffMs(attempts: number, retryAfterMs?: number): number {
  const base = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, attempts - 1));
  const jittered = Math.round(base * (0.8 + Math.random() * 0.4));
  return Math.max(jittered, retryAfterMs ?? 0);
}

interface PendingRow {
  identifier: string;
  team_id: string;
  customer_id: string;
  meter: string;
  event_name: string;
  hour_start: Date;
  value: string;
  attempts: number;
}

/**
 * The meter-report outbox (see README "Stripe invoicing").
 * build(): for hours closed for STRIPE_REPORT_GRACE_SECONDS, compares the ledger with what was
 *   already built (stripe_meter_hours) and turns the difference into outbox rows with
 *   libs/billing buildMeterReports (markup carry per team). The first report of an hour has
 *   revision 0; a late ledger row makes a delta report with the next revision and its own
 *   identifier. Rows, hour totals and carry commit in one transaction: identifiers are fixed and
 *   stored before anything is sent.
 * send(): one call in flight per (customer, meter) (a session advisory lock, released by Postgres
 *   if the worker dies), oldest first, identifier as Idempotency-Key; 429/5xx/connection errors back
 *   off, the duplicate-identifier 400 counts as delivered, rows past Stripe's window are never sent.
 */
@Injectable()
export class MeterOutboxService {
  private readonly logger = new Logger('StripeMeterReports');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly stripe: StripeApi,
    private readonly config: AppConfig,
  ) {}

  /** The end of the last hour that may be reported at `now` (exclusive). */
  closedUntil(now: Date): Date {
    return new Date(floorHour(now.getTime() - this.config.get('STRIPE_REPORT_GRACE_SECONDS') * 1000));
  }

  async build(opts: { now?: Date; lookbackMs?: number } = {}): Promise<BuildResult> {
    const now = opts.now ?? new Date();
    const until = this.closedUntil(now);
    const from = new Date(floorHour(now.getTime() - (opts.lookbackMs ?? RECENT_LOOKBACK_MS)));
    const result: BuildResult = { changedHours: 0, reports: 0, expired: 0 };
    if (from >= until) return result;
    const expired = await this.db.transaction(async (em) => {
      // Two builders (overlapping job runs, a CLI run) would read the same totals and both report the difference.
      await em.query(`SELECT pg_advisory_xact_lock($1, $2)`, [ADVISORY_NAMESPACE, BUILD_LOCK_KEY]);
      const customers: Array<{ team_id: string; customer_id: string; carry_tokens: string; carry_markup_nano_usd: string }> = await em.query(
        `SELECT team_id, customer_id, carry_tokens::text, carry_markup_nano_usd::text FROM stripe_customers`,
      );
      if (customers.length === 0) return [];
      const ledger: Array<{ teamId: string; hourStart: Date; totalTokens: string; markupNanoUsd: string }> = await em.query(LEDGER_HOURS_SQL, [from, until]);
      const built: Array<{ team_id: string; hour_start: Date; total_tokens: string; markup_nano_usd: string; revision: number }> = await em.query(
        `SELECT team_id, hour_start, total_tokens::text, markup_nano_usd::text, revision FROM stripe_meter_hours WHERE hour_start >= $1 AND hour_start < $2`,
        [from, until],
      );
      const builtByKey = new Map(built.map((b) => [`${b.team_id}/${b.hour_start.getTime()}`, b]));
      const deltas: HourlyTeamUsage[] = [];
      const totals = new Map<string, { tokens: bigint; markup: bigint }>();
      for (const h of ledger) {
        const key = `${h.teamId}/${h.hourStart.getTime()}`;
        const prev = builtByKey.get(key);
        const tokens = BigInt(h.totalTokens);
        const markup = BigInt(h.markupNanoUsd);
        const dTokens = tokens - BigInt(prev?.total_tokens ?? '0');
        const dMarkup = markup - BigInt(prev?.markup_nano_usd ?? '0');
        if (dTokens === 0n && dMarkup === 0n) continue;
        deltas.push({ teamId: h.teamId, hourStart: h.hourStart, totalTokens: dTokens, markupNanoUsd: dMarkup, revision: prev ? prev.revision + 1 : 0 });
        totals.set(key, { tokens, markup });
      }
      result.changedHours = deltas.length;
      if (deltas.length === 0) return [];
      const carry = new Map<string, MeterCarry>(customers.map((c) => [c.team_id, { tokens: BigInt(c.carry_tokens), markupNanoUsd: BigInt(c.carry_markup_nano_usd) }]));
      const batch = buildMeterReports(deltas, {
        now,
        customerIdForTeam: new Map(customers.map((c) => [c.team_id, c.customer_id])),
        carry,
        maxAgeMs: DEFAULT_REPORT_MAX_AGE_MS,
      });
      await this.insertReports(em, batch.reports, 'pending', null);
      await this.insertReports(em, batch.tooOld, 'expired', "outside Stripe's meter event window; not sent");
      await em.query(
        `INSERT INTO stripe_meter_hours (team_id, hour_start, total_tokens, markup_nano_usd, revision, updated_at)
         SELECT * , now() FROM unnest($1::uuid[], $2::timestamptz[], $3::bigint[], $4::bigint[], $5::int[])
         ON CONFLICT (team_id, hour_start) DO UPDATE SET total_tokens = excluded.total_tokens, markup_nano_usd = excluded.markup_nano_usd,
           revision = excluded.revision, updated_at = now()`,
        [
          deltas.map((d) => d.teamId),
          deltas.map((d) => d.hourStart),
          deltas.map((d) => totals.get(`${d.teamId}/${d.hourStart.getTime()}`)?.tokens.toString()),
          deltas.map((d) => totals.get(`${d.teamId}/${d.hourStart.getTime()}`)?.markup.toString()),
          deltas.map((d) => d.revision ?? 0),
        ],
      );
      for (const [teamId, c] of batch.carry) {
        await em.query(`UPDATE stripe_customers SET carry_tokens = $2, carry_markup_nano_usd = $3 WHERE team_id = $1`, [teamId, c.tokens.toString(), c.markupNanoUsd.toString()]);
      }
      result.reports = batch.reports.length;
      result.expired = batch.tooOld.length;
      return batch.tooOld;
    });
    // One alert per team and build, after the commit (the rows are there to inspect).
    const byTeam = new Map<string, MeterReport[]>();
    for (const r of expired) byTeam.set(r.teamId, [...(byTeam.get(r.teamId) ?? []), r]);
    for (const [teamId, rows] of byTeam) {
      await raiseBillingAlert(this.db, this.logger, {
        action: 'billing.meter_report_expired',
        teamId,
        targetType: 'stripe_meter_report',
        targetId: rows[0].identifier,
        message: `${rows.length} meter reports are older than Stripe's meter event window and will not be billed through Stripe`,
        metadata: { reports: rows.length, identifiers: rows.slice(0, 20).map((r) => r.identifier), oldestHour: rows[0].hourStart.toISOString() },
      });
    }
    if (result.reports > 0) this.logger.log(result, 'meter reports built');
    return result;
  }

  private async insertReports(em: EntityManager, reports: MeterReport[], status: 'pending' | 'expired', lastError: string | null): Promise<void> {
    if (reports.length === 0) return;
    await em.query(
      `INSERT INTO stripe_meter_reports (identifier, team_id, customer_id, meter, event_name, hour_start, revision, value, status, last_error)
       SELECT *, $9::text, $10::text FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::int[], $8::bigint[])
       ON CONFLICT (identifier) DO NOTHING`,
      [
        reports.map((r) => r.identifier),
        reports.map((r) => r.teamId),
        reports.map((r) => r.customerId),
        reports.map((r) => r.meter),
        reports.map((r) => r.eventName),
        reports.map((r) => r.hourStart),
        reports.map((r) => r.revision),
        reports.map((r) => r.value.toString()),
        status,
        lastError,
      ],
    );
  }

  /** Sends due rows; up to `parallel` (customer, meter) pairs at once, never two calls for one pair. */
  async send(opts: { now?: Date; parallel?: number } = {}): Promise<SendResult> {
    const stripe = this.stripe.require();
    const now = opts.now ?? new Date();
    const result: SendResult = { delivered: 0, alreadyDelivered: 0, retried: 0, failed: 0, expired: 0, busy: 0 };
    const pairs: Array<{ customer_id: string; meter: string }> = await this.db.query(
      `SELECT customer_id, meter FROM stripe_meter_reports WHERE status = 'pending' AND next_attempt_at <= $1
        GROUP BY customer_id, meter ORDER BY min(hour_start) LIMIT 1000`,
      [now],
    );
    let next = 0;
    const lanes = Math.max(1, Math.min(opts.parallel ?? 4, pairs.length));
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        while (next < pairs.length) {
          const pair = pairs[next++];
          await this.sendPair(stripe, pair.customer_id, pair.meter, now, result);
        }
      }),
    );
    if (result.delivered + result.retried + result.failed + result.expired > 0) this.logger.log(result, 'meter reports sent');
    return result;
  }

  private async sendPair(stripe: StripeClient, customerId: string, meter: string, now: Date, result: SendResult): Promise<void> {
    const qr = this.db.createQueryRunner();
    await qr.connect();
    const lockArgs = [ADVISORY_NAMESPACE, `${customerId}/${meter}`];
    try {
      // Session lock on this connection: if the worker is killed mid-call, Postgres drops it with the connection.
      const [{ locked }] = await qr.query(`SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked`, lockArgs);
      if (!locked) {
        result.busy += 1;
        return;
      }
      try {
        for (;;) {
          // Re-read under the lock: another sender may have delivered these rows a moment ago.
          const rows: PendingRow[] = await qr.query(
            `SELECT identifier, team_id, customer_id, meter, event_name, hour_start, value::text AS value, attempts FROM stripe_meter_reports
              WHERE customer_id = $1 AND meter = $2 AND status = 'pending' AND next_attempt_at <= $3 ORDER BY hour_start, revision LIMIT 100`,
            [customerId, meter, now],
          );
          if (rows.length === 0) return;
          for (const row of rows) {
            const outcome = await this.sendRow(stripe, qr.manager, row, now, result);
            if (outcome === 'stop') return;
          }
        }
      } finally {
        await qr.query(`SELECT pg_advisory_unlock($1, hashtext($2))`, lockArgs);
      }
    } finally {
      await qr.release();
    }
  }

  private async sendRow(stripe: StripeClient, em: EntityManager, row: PendingRow, now: Date, result: SendResult): Promise<'next' | 'stop'> {
    if (row.hour_start.getTime() < now.getTime() - DEFAULT_REPORT_MAX_AGE_MS) {
      // Waited too long (Stripe unreachable for weeks): Stripe would refuse the timestamp.
      await em.query(`UPDATE stripe_meter_reports SET status = 'expired', last_error = $2 WHERE identifier = $1 AND status = 'pending'`, [row.identifier, "outside Stripe's meter event window; not sent"]);
      result.expired += 1;
      await raiseBillingAlert(this.db, this.logger, {
        action: 'billing.meter_report_expired',
        teamId: row.team_id,
        targetType: 'stripe_meter_report',
        targetId: row.identifier,
        message: `meter report ${row.identifier} was not delivered within Stripe's meter event window and will not be billed through Stripe`,
        metadata: { reports: 1, identifiers: [row.identifier], meter: row.meter, value: row.value, attempts: row.attempts },
      });
      return 'next';
    }
    const res = await sendMeterEvent(stripe, {
      identifier: row.identifier,
      eventName: row.event_name,
      customerId: row.customer_id,
      value: BigInt(row.value),
      timestamp: Math.floor(row.hour_start.getTime() / 1000),
    });
    const attempts = row.attempts + 1;
    if (res.outcome === 'delivered') {
      const already = res.reason === 'duplicate_identifier';
      await em.query(
        `UPDATE stripe_meter_reports SET status = 'delivered', attempts = $2, delivered_at = $3, last_error = $4 WHERE identifier = $1 AND status = 'pending'`,
        [row.identifier, attempts, now, already ? 'Stripe already had this identifier (counted as delivered)' : null],
      );
      result.delivered += 1;
      if (already) result.alreadyDelivered += 1;
      return 'next';
    }
    const error = `${res.reason ?? 'error'}${res.statusCode ? ` (HTTP ${res.statusCode})` : ''}: ${res.message ?? ''}`.slice(0, 500);
    if (res.outcome === 'retry') {
      const delay = backoffMs(attempts, res.retryAfterMs);
      await em.query(`UPDATE stripe_meter_reports SET attempts = $2, next_attempt_at = $3, last_error = $4 WHERE identifier = $1 AND status = 'pending'`, [
        row.identifier,
        attempts,
        new Date(now.getTime() + delay),
        error,
      ]);
      result.retried += 1;
      this.logger.warn({ identifier: row.identifier, attempts, retryInMs: delay, reason: res.reason, status: res.statusCode }, 'meter report will be retried');
      // Stripe asked us to slow down (or is failing): leave the rest of this pair for later.
      return 'stop';
    }
    await em.query(`UPDATE stripe_meter_reports SET status = 'failed', attempts = $2, last_error = $3 WHERE identifier = $1 AND status = 'pending'`, [row.identifier, attempts, error]);
    result.failed += 1;
    await raiseBillingAlert(this.db, this.logger, {
      action: 'billing.meter_report_failed',
      teamId: row.team_id,
      targetType: 'stripe_meter_report',
      targetId: row.identifier,
      message: `Stripe refused meter report ${row.identifier}; it will not be retried`,
      metadata: { meter: row.meter, value: row.value, error },
    });
    return 'next';
  }
}
