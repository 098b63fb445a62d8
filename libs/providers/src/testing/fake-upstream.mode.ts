import type { FakeMode } from './fake-upstream.types';

const NUMERIC: Record<string, keyof FakeMode> = {
  status: 'status',
  'retry-after': 'retryAfter',
  latency: 'latency',
  chunks: 'chunks',
  delay: 'delay',
  after: 'after',
  cached: 'cached',
  'cache-write': 'cacheWrite',
  reasoning: 'reasoning',
};
const FAULTS = new Set(['none', 'status', 'hang', 'stall', 'drop', 'reset', 'malformed', 'error-event', 'redirect']);

/** `fault=drop; after=2` or `fault=429,retry-after=3` → FakeMode. Unknown keys are ignored. */
export function parseFakeMode(spec: string | undefined): FakeMode {
  const mode: FakeMode = {};
  if (!spec) return mode;
  for (const pair of spec.split(/[;,&]/)) {
    const [rawKey, ...rest] = pair.split('=');
    const key = rawKey?.trim().toLowerCase();
    const value = rest.join('=').trim();
    if (!key) continue;
    if (key === 'fault') {
      if (/^\d{3}$/.test(value)) {
        mode.fault = 'status';
        mode.status = Number(value);
      } else if (FAULTS.has(value)) mode.fault = value as FakeMode['fault'];
    } else if (key === 'location') {
      mode.location = value;
    } else if (NUMERIC[key] && /^\d+$/.test(value)) {
      (mode as Record<string, number>)[NUMERIC[key]] = Number(value);
    }
  }
  if (mode.status !== undefined && mode.fault === undefined) mode.fault = 'status';
  return mode;
}

/** Splits `model~spec` into the bare model and its mode. */
export function splitModel(model: string): { model: string; mode: FakeMode } {
  const at = model.indexOf('~');
  if (at === -1) return { model, mode: {} };
  return { model: model.slice(0, at), mode: parseFakeMode(model.slice(at + 1)) };
}
