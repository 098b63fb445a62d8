/** Field names that never reach a log line with their value. */
export const SECRET_KEY_PATTERN = /(authorization|cookie|password|passwd|secret|token|api[-_]?key|apikey|private[-_]?key|pepper|credential|key$)/i;

const MAX_DEPTH = 6;

/** Deep copy with every secret-looking field replaced. Used by the logger's formatter. */
export function redactDeep(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[Truncated]';
  if (value instanceof Error) return { type: value.name, message: value.message };
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_KEY_PATTERN.test(k) ? '[REDACTED]' : redactDeep(v, depth + 1);
  }
  return out;
}
