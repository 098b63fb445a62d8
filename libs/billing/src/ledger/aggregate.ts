/**
 * Pure aggregation over ledger rows for statements and reports. Everything is summed as bigint.
 * Row values may be bigint, safe-integer numbers, or base-10 integer strings (Postgres bigint
 * columns arrive as strings through pg/TypeORM); anything else throws rather than being coerced.
 * Signs are not policed here (a correction row may carry negative money); the ledger owns that.
 */
export type IntegerLike = bigint | number | string;

export interface AggregatableRow {
  inputTokens: IntegerLike;
  cachedInputTokens: IntegerLike;
  cacheWriteTokens: IntegerLike;
  outputTokens: IntegerLike;
  reasoningTokens: IntegerLike;
  costNanoUsd: IntegerLike;
  feeNanoUsd: IntegerLike;
  /** Requests this row stands for; default 1 (one ledger row per request). */
  requests?: IntegerLike;
  /** True when the model had no price; counted in unpricedRequests. */
  unpriced?: boolean;
}

export interface UsageTotals {
  requests: bigint;
  unpricedRequests: bigint;
  inputTokens: bigint;
  cachedInputTokens: bigint;
  cacheWriteTokens: bigint;
  /** Includes reasoningTokens (same convention as a single request). */
  outputTokens: bigint;
  reasoningTokens: bigint;
  /** inputTokens + cachedInputTokens + cacheWriteTokens + outputTokens. */
  totalTokens: bigint;
  costNanoUsd: bigint;
  feeNanoUsd: bigint;
}

const INT_STRING_RE = /^-?\d+$/;

export function toBigIntStrict(value: IntegerLike, name: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new TypeError(`${name} must be a safe integer, got ${value}`);
    return BigInt(value);
  }
  if (typeof value === 'string' && INT_STRING_RE.test(value)) return BigInt(value);
  throw new TypeError(`${name} must be an integer (bigint, number or digit string), got ${JSON.stringify(String(value))}`);
}

export function emptyTotals(): UsageTotals {
  return {
    requests: 0n,
    unpricedRequests: 0n,
    inputTokens: 0n,
    cachedInputTokens: 0n,
    cacheWriteTokens: 0n,
    outputTokens: 0n,
    reasoningTokens: 0n,
    totalTokens: 0n,
    costNanoUsd: 0n,
    feeNanoUsd: 0n,
  };
}

/** Adds one row into `totals` in place and returns it. */
export function addRow(totals: UsageTotals, row: AggregatableRow): UsageTotals {
  const requests = row.requests === undefined ? 1n : toBigIntStrict(row.requests, 'requests');
  const input = toBigIntStrict(row.inputTokens, 'inputTokens');
  const cached = toBigIntStrict(row.cachedInputTokens, 'cachedInputTokens');
  const write = toBigIntStrict(row.cacheWriteTokens, 'cacheWriteTokens');
  const output = toBigIntStrict(row.outputTokens, 'outputTokens');
  totals.requests += requests;
  if (row.unpriced) totals.unpricedRequests += requests;
  totals.inputTokens += input;
  totals.cachedInputTokens += cached;
  totals.cacheWriteTokens += write;
  totals.outputTokens += output;
  totals.reasoningTokens += toBigIntStrict(row.reasoningTokens, 'reasoningTokens');
  totals.totalTokens += input + cached + write + output;
  totals.costNanoUsd += toBigIntStrict(row.costNanoUsd, 'costNanoUsd');
  totals.feeNanoUsd += toBigIntStrict(row.feeNanoUsd, 'feeNanoUsd');
  return totals;
}

/** Adds two totals into a new object (for merging partial aggregates). */
export function mergeTotals(a: UsageTotals, b: UsageTotals): UsageTotals {
  const out = emptyTotals();
  for (const k of Object.keys(out) as Array<keyof UsageTotals>) out[k] = a[k] + b[k];
  return out;
}

export function sumUsage(rows: Iterable<AggregatableRow>): UsageTotals {
  const totals = emptyTotals();
  for (const row of rows) addRow(totals, row);
  return totals;
}

/** Totals per key, in first-seen key order. Keys are strings so grouping never depends on identity. */
export function groupBy<R extends AggregatableRow>(
  rows: Iterable<R>,
  keyFn: (row: R) => string,
): Map<string, UsageTotals> {
  const groups = new Map<string, UsageTotals>();
  for (const row of rows) {
    const key = keyFn(row);
    let totals = groups.get(key);
    if (!totals) {
      totals = emptyTotals();
      groups.set(key, totals);
    }
    addRow(totals, row);
  }
  return groups;
}

const NANO_PER_USD = 1_000_000_000n;

/**
 * Exact USD rendering of nano-USD: at least 2 decimals, up to 9, trailing zeros trimmed beyond 2.
 * 123000n → "$0.000123", 1_500_000_000n → "$1.50", 1n → "$0.000000001", -5n → "-$0.000000005".
 * No rounding, no floats, no thousands separators.
 */
export function formatNanoUsd(n: bigint): string {
  if (typeof n !== 'bigint') throw new TypeError('formatNanoUsd expects a bigint');
  const negative = n < 0n;
  const abs = negative ? -n : n;
  const whole = abs / NANO_PER_USD;
  let frac = (abs % NANO_PER_USD).toString().padStart(9, '0').replace(/0+$/, '');
  if (frac.length < 2) frac = frac.padEnd(2, '0');
  return `${negative ? '-' : ''}$${whole}.${frac}`;
}
