import { FakeUpstream, fakeUpstreamBaseUrls, startFakeUpstream } from '@tollgate/providers/testing';
import { Client } from 'pg';
import { TestApp, startTestApp } from '../../../../test/support/app';
import { http } from '../../../../test/support/http';
import { waitFor } from '../../../../test/support/stack';
import { Session, as, createApiKey, signupOwner } from '../../../../test/support/tenants';

const ATTEMPT_MS = 500;
const TOTAL_MS = 1_300;

/**
 * The gateway's two clocks against an upstream that never answers (the fake's `fault=hang`):
 * GATEWAY_ATTEMPT_TIMEOUT_MS ends one attempt and the route falls back; GATEWAY_TOTAL_TIMEOUT_MS
 * ends the request, however many targets are left, with 504 upstream_timeout. Real Postgres, Redis
 * and worker; the ledger row says what happened.
 */
describe('gateway timeouts: per attempt and per request (real stack, hanging fake upstream)', () => {
  let t: TestApp;
  let pg: Client;
  let upstream: FakeUpstream;
  let owner: Session;
  let key: { id: string; key: string };

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    t = await startTestApp(
      'timeouts',
      {
        PROVIDER_BASE_URLS: JSON.stringify(fakeUpstreamBaseUrls(upstream.url)),
        GATEWAY_MAX_RETRIES: '0',
        GATEWAY_ATTEMPT_TIMEOUT_MS: String(ATTEMPT_MS),
        GATEWAY_TOTAL_TIMEOUT_MS: String(TOTAL_MS),
      },
      { withWorker: true },
    );
    pg = new Client({ connectionString: t.db.url });
    await pg.connect();
    owner = await signupOwner(t.url, 'timeouts');
    for (const provider of ['openai', 'anthropic', 'mistral']) {
      const r = await http(t.url, 'POST', '/provider-keys', { ...as(owner), body: { provider, label: provider, key: `sk-${provider}-timeouts-1` } });
      expect(r.status).toBe(201);
    }
    key = await createApiKey(t.url, owner, { name: 'timeouts' });
  });
  afterAll(async () => {
    await pg.end();
    await t.close();
    await upstream.close();
  });

  async function route(name: string, models: string[]): Promise<void> {
    const r = await http(t.url, 'POST', '/routes', { ...as(owner), body: { name, targets: models.map((model, i) => ({ model, weight: i === 0 ? 1 : 0 })) } });
    expect(r.status).toBe(201);
  }

  async function chat(model: string) {
    const started = Date.now();
    const r = await http(t.url, 'POST', '/v1/chat/completions', { apiKey: key.key, body: { model, messages: [{ role: 'user', content: 'x' }] } });
    return { ...r, ms: Date.now() - started, requestId: String(r.headers.get('x-request-id')) };
  }

  async function ledgerRow(requestId: string) {
    return waitFor(async () => (await pg.query(`SELECT status, error_code, attempt_count, attempts FROM usage_ledger WHERE request_id = $1`, [requestId])).rows[0], 15_000, `the ledger row of ${requestId}`);
  }

  it('an attempt that gets no answer ends at GATEWAY_ATTEMPT_TIMEOUT_MS and the route falls back to the next target', async () => {
    await route('hang-then-ok', ['openai/gpt-4o-mini~fault=hang', 'anthropic/claude-sonnet-4-5']);
    const r = await chat('hang-then-ok');
    expect(r.status).toBe(200);
    expect(r.body.model).toMatch(/^anthropic\//);
    expect(r.ms).toBeGreaterThanOrEqual(ATTEMPT_MS - 50);
    expect(r.ms).toBeLessThan(TOTAL_MS);
    const row = await ledgerRow(r.requestId);
    expect(row.status).toBe('success');
    expect(row.attempt_count).toBe(2);
    expect(row.attempts.map((a: { provider: string; outcome: string; errorCode?: string }) => [a.provider, a.outcome, a.errorCode ?? null])).toEqual([
      ['openai', 'error', 'timeout'],
      ['anthropic', 'success', null],
    ]);
  });

  it('a request whose every target hangs ends at GATEWAY_TOTAL_TIMEOUT_MS with 504 upstream_timeout, not at the sum of its attempts', async () => {
    // Three targets at 500 ms each would take 1.5 s; the request's own clock stops it at 1.3 s.
    await route('all-hang', ['openai/gpt-4o-mini~fault=hang', 'mistral/mistral-large-latest~fault=hang', 'anthropic/claude-sonnet-4-5~fault=hang']);
    const r = await chat('all-hang');
    expect(r.status).toBe(504);
    expect(r.body.error).toEqual({ message: 'The provider did not answer in time', type: 'api_error', code: 'upstream_timeout' });
    expect(r.ms).toBeGreaterThanOrEqual(TOTAL_MS - 50);
    expect(r.ms).toBeLessThan(TOTAL_MS + 1_000);
    const row = await ledgerRow(r.requestId);
    expect(row.status).toBe('upstream_error');
    expect(row.error_code).toBe('upstream_timeout');
    // The third attempt got only what was left of the request's time.
    expect(row.attempts.map((a: { provider: string }) => a.provider)).toEqual(['openai', 'mistral', 'anthropic']);
    expect(row.attempts[2].latencyMs).toBeLessThan(ATTEMPT_MS - 100);
  });

  it('a streamed request whose upstream hangs before its first byte gets the same 504 JSON error (nothing was committed yet)', async () => {
    const started = Date.now();
    const r = await http(t.url, 'POST', '/v1/chat/completions', { apiKey: key.key, body: { model: 'all-hang', stream: true, messages: [{ role: 'user', content: 'x' }] } });
    expect(r.status).toBe(504);
    expect(r.body.error.code).toBe('upstream_timeout');
    expect(Date.now() - started).toBeLessThan(TOTAL_MS + 1_000);
  });

  it('a JSON answer whose body stalls after the headers ends at the attempt clock with 504 upstream_timeout', async () => {
    const r = await chat('openai/gpt-4o-mini~fault=stall');
    expect(r.status).toBe(504);
    expect(r.body.error.code).toBe('upstream_timeout');
    expect(r.ms).toBeGreaterThanOrEqual(ATTEMPT_MS - 50);
    expect(r.ms).toBeLessThan(TOTAL_MS);
    const row = await ledgerRow(r.requestId);
    expect(row.error_code).toBe('upstream_timeout');
    expect(row.attempts.map((a: { outcome: string; errorCode?: string }) => [a.outcome, a.errorCode])).toEqual([['error', 'timeout']]);
  });

  it('a stream that has started is not cut at the attempt clock: it runs to the request deadline, then ends with an upstream_timeout error event', async () => {
    const started = Date.now();
    const res = await fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini~fault=stall,after=2,chunks=8', stream: true, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    const ms = Date.now() - started;
    const events = text.split('\n\n').filter((e) => e.startsWith('data: ')).map((e) => e.slice(6));
    // Two content chunks (after the role chunk), then the error event; no [DONE].
    expect(events.length).toBeGreaterThanOrEqual(3);
    expect(events.at(-1)).not.toBe('[DONE]');
    expect(JSON.parse(events.at(-1)!)).toEqual({ error: { message: 'The provider did not answer in time', type: 'api_error', code: 'upstream_timeout' } });
    // Past the attempt clock (500 ms): only the request's own deadline ended it.
    expect(ms).toBeGreaterThanOrEqual(TOTAL_MS - 50);
    expect(ms).toBeLessThan(TOTAL_MS + 1_000);
    const row = await ledgerRow(String(res.headers.get('x-request-id')));
    expect(row.status).toBe('upstream_error');
    expect(row.error_code).toBe('upstream_timeout');
  });
});
