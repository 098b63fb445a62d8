import { redactSecret } from './adapter-kit';
import { parseDurationMs, parseRetryAfterMs, ProviderError, providerErrorFromHttp } from './errors';

describe('parseRetryAfterMs', () => {
  it('prefers retry-after-ms, then retry-after seconds or HTTP date', () => {
    expect(parseRetryAfterMs({ 'retry-after-ms': '250', 'retry-after': '9' })).toBe(250);
    expect(parseRetryAfterMs({ 'retry-after': '2' })).toBe(2000);
    expect(parseRetryAfterMs({ 'retry-after': '1.5' })).toBe(1500);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfterMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }, now)).toBe(30_000);
    expect(parseRetryAfterMs({ 'retry-after': 'soon' })).toBeUndefined();
    expect(parseRetryAfterMs({})).toBeUndefined();
    expect(parseRetryAfterMs({ 'retry-after': '999999999' })).toBe(24 * 60 * 60 * 1000);
  });

  it('parses Google durations', () => {
    expect(parseDurationMs('37s')).toBe(37_000);
    expect(parseDurationMs('0.5s')).toBe(500);
    expect(parseDurationMs('5m')).toBeUndefined();
    expect(parseDurationMs(37)).toBeUndefined();
  });
});

describe('providerErrorFromHttp', () => {
  const map = (status: number, extra: Partial<Parameters<typeof providerErrorFromHttp>[0]> = {}) =>
    providerErrorFromHttp({ provider: 'openai', status, headers: {}, body: '{"error":{"message":"secret prompt echo"}}', ...extra });

  it.each([
    [401, 'credential_rejected', false],
    [403, 'credential_rejected', false],
    [402, 'credential_rejected', false],
    [400, 'bad_request', false],
    [404, 'bad_request', false],
    [422, 'bad_request', false],
    [408, 'timeout', true],
    [429, 'rate_limited', true],
    [500, 'upstream_error', true],
    [503, 'upstream_error', true],
    [529, 'upstream_error', true],
    [302, 'upstream_error', false],
  ])('%i → %s (retryable %s)', (status, code, retryable) => {
    const e = map(status);
    expect(e).toMatchObject({ code, retryable, httpStatus: status });
  });

  it('quota exhaustion is a non-retryable rate limit', () => {
    expect(map(429, { upstreamCode: 'insufficient_quota' })).toMatchObject({ code: 'rate_limited', retryable: false, detail: 'quota_exhausted' });
  });

  it('keeps the upstream body out of message, JSON and enumerable keys', () => {
    const e = map(500);
    expect(e.message).not.toContain('secret prompt echo');
    expect(e.upstreamBody).toContain('secret prompt echo');
    expect(JSON.stringify(e)).not.toContain('secret prompt echo');
    expect(Object.keys(e)).not.toContain('upstreamBody');
    expect(JSON.parse(JSON.stringify(e))).toMatchObject({ code: 'upstream_error', httpStatus: 500, retryable: true });
  });

  it('sanitises upstream codes', () => {
    expect(map(400, { upstreamCode: 'bad code<script>' }).upstreamCode).toBe('badcodescript');
  });

  it('ProviderError is an Error with a name', () => {
    const e = new ProviderError({ code: 'unsupported' });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('ProviderError');
    expect(e.retryable).toBe(false);
  });
});

describe('redactSecret', () => {
  it('removes the caller key from text kept for logs', () => {
    const ctx = { apiKey: { reveal: () => 'sk-live-123456' }, baseUrl: 'x' };
    expect(redactSecret('bad key sk-live-123456 given', ctx)).toBe('bad key [REDACTED] given');
  });
});
