/**
 * Money arrives as decimal strings of integer units (nano-USD, micro-USD per million tokens, cents) so that
 * nothing is lost to floating point. Sums and ratios use BigInt; only the final rendering becomes text.
 */

const NANO_PER_USD = 1_000_000_000n;

/** Parses an integer money string (or number/bigint); anything else is 0. */
export function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return BigInt(value.trim());
  return 0n;
}

export function sumBigInt(...values: unknown[]): bigint {
  return values.reduce<bigint>((total, v) => total + toBigInt(v), 0n);
}

/** Integer division rounding half away from zero. */
function divRound(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const q = (n + d / 2n) / d;
  return negative ? -q : q;
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Renders `units / 10^scale` with `decimals` fraction digits, e.g. (1234500n, 9, 7) -> "0.0012345". */
function fixed(units: bigint, scale: number, decimals: number): string {
  const rounded = divRound(units, 10n ** BigInt(scale - decimals));
  const negative = rounded < 0n;
  const abs = (negative ? -rounded : rounded).toString().padStart(decimals + 1, '0');
  const whole = abs.slice(0, abs.length - decimals);
  const fraction = decimals > 0 ? `.${abs.slice(abs.length - decimals)}` : '';
  return `${negative ? '-' : ''}${groupThousands(whole)}${fraction}`;
}

/**
 * "$12.35" for amounts of a cent or more; small amounts keep enough digits to be seen
 * ("$0.0012345"), never scientific notation. Exact: no float math.
 */
export function formatNanoUsd(value: unknown): string {
  const nano = toBigInt(value);
  const abs = nano < 0n ? -nano : nano;
  if (abs === 0n) return '$0.00';
  if (abs >= 10_000_000n) return `$${fixed(nano, 9, 2)}`;
  // Below a cent: up to 9 decimals, trailing zeros trimmed but at least 2 kept.
  const text = fixed(nano, 9, 9).replace(/0+$/, '');
  const [whole, fraction = ''] = text.split('.');
  return `$${whole}.${fraction.padEnd(2, '0')}`;
}

/** Dollar value as a float, for chart geometry only (axes and bar heights), never for sums. */
export function nanoUsdToChartNumber(value: unknown): number {
  return Number(toBigInt(value)) / Number(NANO_PER_USD);
}

/** Price per million tokens: micro-USD per MTok string -> "$0.15 / 1M". */
export function formatMicroUsdPerMTok(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  const micro = toBigInt(value);
  const text = fixed(micro, 6, 6).replace(/0+$/, '');
  const [whole, fraction = ''] = text.split('.');
  return `$${whole}.${fraction.padEnd(2, '0')}`;
}

/** Integer minor units (Stripe cents) with an ISO currency: 1234, 'usd' -> "$12.34". */
export function formatCents(cents: unknown, currency = 'usd'): string {
  const value = toBigInt(cents);
  const code = currency.toUpperCase();
  const amount = fixed(value, 2, 2);
  return code === 'USD' ? `$${amount}` : `${amount} ${code}`;
}

/** Whole percentage of used over total, 0 when there is no total (BigInt, rounded down). */
export function percentOf(used: unknown, total: unknown): number {
  const t = toBigInt(total);
  if (t <= 0n) return 0;
  return Number((toBigInt(used) * 100n) / t);
}

/** "1,234,567" */
export function formatCount(value: unknown): string {
  const n = typeof value === 'number' ? value : Number(value ?? 0);
  if (!Number.isFinite(n)) return '0';
  return groupThousands(String(Math.round(n)));
}

/** "1.2M", "34.5k", "999" for compact chart labels. */
export function formatCompactCount(value: number): string {
  if (value >= 1e9) return `${(value / 1e9).toFixed(1)}B`;
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return String(value);
}

/** Converts a dollar amount typed by a person ("12.5") to nano-USD without float math. */
export function usdToNano(input: string): bigint | null {
  const match = /^\s*\$?\s*(\d+)(?:\.(\d{0,9}))?\s*$/.exec(input);
  if (!match) return null;
  const [, whole, fraction = ''] = match;
  return BigInt(whole) * NANO_PER_USD + BigInt(fraction.padEnd(9, '0') || '0');
}

/** nano-USD -> plain decimal dollars for an input field ("12.5"), exact. */
export function nanoToUsdInput(value: unknown): string {
  const text = fixed(toBigInt(value), 9, 9).replace(/,/g, '');
  return text.replace(/\.?0+$/, '');
}
