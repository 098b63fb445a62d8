/** Drops empty optional values so the API's allowlist validation sees only what the user filled in. */
export function compact<T extends Record<string, unknown>>(data: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(data).filter(([, value]) => value !== null && value !== undefined && value !== ''),
  ) as Partial<T>;
}

/** "gpt-4o, claude-sonnet-4" -> ["gpt-4o", "claude-sonnet-4"] */
export function splitList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String).filter(Boolean);
  if (typeof value !== 'string') return [];
  return [...new Set(value.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean))];
}

/** Date input value (Date or local date-time string) -> ISO 8601, or undefined when empty. */
export function toIso(value: unknown): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const date = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
