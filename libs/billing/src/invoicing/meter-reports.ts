import { createHash } from 'node:crypto';

/**
 * Turns closed hourly ledger aggregates into Stripe meter events (pure: no SDK, no I/O).
 *
 * Two meters (see stripe/bootstrap.ts):
 * - `tollgate_tokens`: value = tokens of the hour (all classes), priced per token.
 * - `tollgate_markup_micro_usd`: value = the markup in whole micro-USD, priced 0.0001 cents per unit.
 *
 * Markup rounding (nano → micro-USD, meter values are whole numbers): CARRY THE REMAINDER.
 * Per team, hours in chronological order:
 *   due   = carry + markupNanoUsd(hour)
 *   value = max(0, floor(due / 1000))      // whole micro-USD reported for this hour
 *   carry = due − value·1000               // the unreported nano-USD moves to the next hour
 * So the sum reported over any run of hours is floor((carryIn + Σ markup) / 1000): less than one
 * micro-USD is ever outstanding, nothing is dropped, nothing is billed twice. A negative hour (a
 * ledger correction) is not reportable (meter values are ≥ 0): it becomes a negative carry that
 * later hours absorb before anything more is billed. Tokens use the same rule with divisor 1
 * (their carry stays 0 unless a correction makes an hour negative).
 *
 * The caller persists `carry` per team together with the outbox rows built from the reports (one
 * transaction). For a ledger without negative hours, carry.markupNanoUsd equals the team's
 * cumulative markup before the first hour modulo 1000, so it can also be recomputed from the ledger.
 * Values and identifiers are a pure function of (rows, carry), so a rebuilt batch is identical.
 *
 * Pass only CLOSED hours: an identifier is sent once, so a late ledger row for an already-reported
 * hour must not be reported under the same identifier (Stripe would deduplicate it away). Report
 * it as a delta row with `revision` n > 0 (its own identifier, same hour). Hours that have not
 * ended at `now` are returned in `openHours` and do not move the carry.
 */
export const TOKENS_METER_EVENT_NAME = 'tollgate_tokens';
export const MARKUP_METER_EVENT_NAME = 'tollgate_markup_micro_usd';
export const NANO_PER_MICRO = 1000n;
/** Stripe accepts meter event timestamps up to 35 days in the past and 5 minutes in the future. */
export const STRIPE_METER_EVENT_MAX_AGE_MS = 35 * 24 * 3600 * 1000;
export const STRIPE_METER_EVENT_MAX_FUTURE_MS = 5 * 60 * 1000;
/** Default cut-off: one hour of headroom inside Stripe's window for queueing and retries. */
export const DEFAULT_REPORT_MAX_AGE_MS = STRIPE_METER_EVENT_MAX_AGE_MS - 3600 * 1000;
export const METER_EVENT_IDENTIFIER_MAX_LENGTH = 100;

const HOUR_MS = 3600 * 1000;

export type MeterKind = 'tokens' | 'markup';

/** One team's ledger totals for one UTC hour. */
export interface HourlyTeamUsage {
  teamId: string;
  /** Start of the UTC hour (minutes, seconds and ms are zero). */
  hourStart: Date;
  totalTokens: bigint;
  markupNanoUsd: bigint;
  /**
   * 0 for the first report of this team and hour; n > 0 for the n-th delta report of rows that
   * reached the ledger after the hour had been reported (a distinct identifier, so Stripe keeps both).
   */
  revision?: number;
}

export interface MeterReport {
  /** Deterministic; used as the meter event `identifier` and as the Idempotency-Key. */
  identifier: string;
  eventName: string;
  customerId: string;
  teamId: string;
  meter: MeterKind;
  hourStart: Date;
  /** The input row's revision (0 = first report of the hour). */
  revision: number;
  /** Whole, positive number (tokens, or micro-USD of markup). */
  value: bigint;
  /** Meter event timestamp in Unix seconds (the start of the hour, inside the billed period). */
  timestamp: number;
}

/** Unreported remainder per team; markupNanoUsd is normally in [0, 1000). */
export interface MeterCarry {
  tokens: bigint;
  markupNanoUsd: bigint;
}

export interface BuildMeterReportsOptions {
  now: Date;
  /** Stripe customer of a team; undefined = not linked yet (the team lands in `unmappedTeams`). */
  customerIdForTeam: ReadonlyMap<string, string> | ((teamId: string) => string | undefined);
  /** Event names of the meters to report; null disables a meter (e.g. no markup in the fee plan). */
  eventNames?: { tokens?: string | null; markup?: string | null };
  /** Carry per team from the previous batch (absent = zero). */
  carry?: ReadonlyMap<string, MeterCarry>;
  /** Hours starting earlier than now − maxAgeMs go to `tooOld`. Default DEFAULT_REPORT_MAX_AGE_MS. */
  maxAgeMs?: number;
}

export interface MeterReportBatch {
  /** Ready to send, per team in chronological order. Zero values are omitted. */
  reports: MeterReport[];
  /** Built but outside Stripe's timestamp window: not sendable, raise an alert. They still moved the carry. */
  tooOld: MeterReport[];
  /** Rows whose hour has not ended at `now`: left for a later batch. */
  openHours: HourlyTeamUsage[];
  /** Teams without a Stripe customer: none of their rows were used and their carry is unchanged. */
  unmappedTeams: string[];
  /** Carry per team after this batch (every team seen in the input that has a customer). */
  carry: Map<string, MeterCarry>;
}

/** floor(a / b) for bigint (BigInt division truncates toward zero). */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

/** `2026-11-23T18Z`: the UTC hour, compact and sortable. */
export function hourKey(hourStart: Date): string {
  return `${hourStart.toISOString().slice(0, 13)}Z`;
}

/**
 * `tg:<eventName>:<teamId>:<hour>` (revision 0) or `tg:<eventName>:<teamId>:<hour>:r<n>` (a delta
 * report); longer than Stripe's 100 characters → `tg:<sha256 of that>`, still deterministic.
 */
export function meterEventIdentifier(eventName: string, teamId: string, hourStart: Date, revision = 0): string {
  if (!Number.isSafeInteger(revision) || revision < 0) throw new RangeError(`meter reports: revision must be a non-negative integer, got ${String(revision)}`);
  const plain = `tg:${eventName}:${teamId}:${hourKey(hourStart)}${revision > 0 ? `:r${revision}` : ''}`;
  if (plain.length <= METER_EVENT_IDENTIFIER_MAX_LENGTH) return plain;
  return `tg:${createHash('sha256').update(plain).digest('hex')}`;
}

function assertHourRow(row: HourlyTeamUsage): void {
  if (!row.teamId) throw new TypeError('meter reports: teamId is required');
  const ms = row.hourStart instanceof Date ? row.hourStart.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new TypeError(`meter reports: invalid hourStart for team ${row.teamId}`);
  if (ms % HOUR_MS !== 0) throw new RangeError(`meter reports: hourStart ${row.hourStart.toISOString()} is not on a UTC hour`);
  if (typeof row.totalTokens !== 'bigint' || typeof row.markupNanoUsd !== 'bigint') {
    throw new TypeError(`meter reports: totalTokens and markupNanoUsd must be bigint (team ${row.teamId})`);
  }
}

export function buildMeterReports(rows: readonly HourlyTeamUsage[], opts: BuildMeterReportsOptions): MeterReportBatch {
  const nowMs = opts.now instanceof Date ? opts.now.getTime() : Number.NaN;
  if (Number.isNaN(nowMs)) throw new TypeError('meter reports: `now` must be a valid Date');
  const maxAgeMs = opts.maxAgeMs ?? DEFAULT_REPORT_MAX_AGE_MS;
  if (!(maxAgeMs > 0) || maxAgeMs > STRIPE_METER_EVENT_MAX_AGE_MS) {
    throw new RangeError(`meter reports: maxAgeMs must be in (0, ${STRIPE_METER_EVENT_MAX_AGE_MS}]`);
  }
  const tokensEvent = opts.eventNames?.tokens === undefined ? TOKENS_METER_EVENT_NAME : opts.eventNames.tokens;
  const markupEvent = opts.eventNames?.markup === undefined ? MARKUP_METER_EVENT_NAME : opts.eventNames.markup;
  const lookup = opts.customerIdForTeam;
  const customerOf = (teamId: string) => (typeof lookup === 'function' ? lookup(teamId) : lookup.get(teamId));

  const seen = new Set<string>();
  for (const row of rows) {
    assertHourRow(row);
    const key = `${row.teamId}\u0000${row.hourStart.getTime()}`;
    if (seen.has(key)) throw new Error(`meter reports: two rows for team ${row.teamId} at ${row.hourStart.toISOString()}`);
    seen.add(key);
  }
  const sorted = [...rows].sort((a, b) =>
    a.teamId < b.teamId ? -1 : a.teamId > b.teamId ? 1 : a.hourStart.getTime() - b.hourStart.getTime(),
  );

  const out: MeterReportBatch = { reports: [], tooOld: [], openHours: [], unmappedTeams: [], carry: new Map() };
  const oldestSendableMs = nowMs - maxAgeMs;
  for (const row of sorted) {
    const customerId = customerOf(row.teamId);
    if (!customerId) {
      if (!out.unmappedTeams.includes(row.teamId)) out.unmappedTeams.push(row.teamId);
      continue;
    }
    let carry = out.carry.get(row.teamId);
    if (!carry) {
      const prev = opts.carry?.get(row.teamId);
      carry = { tokens: prev?.tokens ?? 0n, markupNanoUsd: prev?.markupNanoUsd ?? 0n };
      out.carry.set(row.teamId, carry);
    }
    const startMs = row.hourStart.getTime();
    if (startMs + HOUR_MS > nowMs) {
      out.openHours.push(row);
      continue;
    }
    const target = startMs < oldestSendableMs ? out.tooOld : out.reports;
    const emit = (meter: MeterKind, eventName: string, value: bigint) => {
      if (value <= 0n) return;
      target.push({
        identifier: meterEventIdentifier(eventName, row.teamId, row.hourStart, row.revision ?? 0),
        eventName,
        customerId,
        teamId: row.teamId,
        meter,
        hourStart: new Date(startMs),
        revision: row.revision ?? 0,
        value,
        timestamp: startMs / 1000,
      });
    };
    if (tokensEvent) {
      const due = carry.tokens + row.totalTokens;
      const value = due > 0n ? due : 0n;
      carry.tokens = due - value;
      emit('tokens', tokensEvent, value);
    }
    if (markupEvent) {
      const due = carry.markupNanoUsd + row.markupNanoUsd;
      const micro = floorDiv(due, NANO_PER_MICRO);
      const value = micro > 0n ? micro : 0n;
      carry.markupNanoUsd = due - value * NANO_PER_MICRO;
      emit('markup', markupEvent, value);
    }
  }
  return out;
}
