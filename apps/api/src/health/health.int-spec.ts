import { TestApp, startTestApp } from '../../../../test/support/app';
import { http } from '../../../../test/support/http';

describe('health and the HTTP basics (real Postgres + Redis)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('health');
  });
  afterAll(async () => {
    await t.close();
  });

  it('GET /health/live is public and reports the instance', async () => {
    const { status, body } = await http(t.url, 'GET', '/health/live');
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.instanceId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('GET /health/ready checks Postgres and Redis', async () => {
    const { status, body } = await http(t.url, 'GET', '/health/ready');
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.checks.postgres.status).toBe('ok');
    expect(body.checks.redis.status).toBe('ok');
  });

  it('echoes a sane x-request-id and replaces an unsafe one', async () => {
    const a = await fetch(`${t.url}/health/live`, { headers: { 'x-request-id': 'req-123' } });
    expect(a.headers.get('x-request-id')).toBe('req-123');
    const b = await fetch(`${t.url}/health/live`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(b.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('unknown routes get the OpenAI error shape with 404', async () => {
    const res = await fetch(`${t.url}/no/such/route`);
    expect(res.status).toBe(404);
    const body = await res.json();
    expect(body).toEqual({ error: { message: expect.any(String), type: 'not_found_error', code: 'not_found' } });
  });

  it('malformed JSON gets a 400 in the OpenAI error shape', async () => {
    const res = await fetch(`${t.url}/health/live`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { message: 'Request body is not valid JSON', type: 'invalid_request_error', code: 'invalid_request' } });
  });

  it('an oversized body gets 413 and the process keeps serving', async () => {
    const big = JSON.stringify({ x: 'a'.repeat(5 * 1024 * 1024) });
    const res = await http(t.url, 'POST', '/health/live', { raw: big });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
    expect((await fetch(`${t.url}/health/live`)).status).toBe(200);
  });
});
