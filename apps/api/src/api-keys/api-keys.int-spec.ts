import { Client } from 'pg';
import { TestApp, startTestApp } from '../../../../test/support/app';
import { http } from '../../../../test/support/http';
import { waitFor } from '../../../../test/support/stack';
import { Session, as, createApiKey, signupOwner } from '../../../../test/support/tenants';

describe('member API keys (real Postgres + Redis)', () => {
  let t: TestApp;
  let pg: Client;
  let owner: Session;

  beforeAll(async () => {
    t = await startTestApp('apikeys', {}, { withWorker: true });
    pg = new Client({ connectionString: t.db.url });
    await pg.connect();
    owner = await signupOwner(t.url, 'keys');
  });
  afterAll(async () => {
    await pg.end();
    await t.close();
  });

  it('is tg_<prefix>_<secret>, shown once, stored only as a keyed hash', async () => {
    const created = await createApiKey(t.url, owner, { name: 'ci', modelAllowlist: ['openai/gpt-4o-mini'] });
    expect(created.key).toMatch(/^tg_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(created.key.startsWith(`tg_${created.prefix}_`)).toBe(true);
    const secret = created.key.split('_').slice(2).join('_');
    const shown = await http(t.url, 'GET', `/api-keys/${created.id}`, as(owner));
    expect(shown.body.key).toBeUndefined();
    expect(shown.text).not.toContain(secret);
    expect(shown.body.modelAllowlist).toEqual(['openai/gpt-4o-mini']);
    const list = await http(t.url, 'GET', '/api-keys', as(owner));
    expect(list.text).not.toContain(secret);
    const row = await pg.query(`SELECT * FROM api_keys WHERE id = $1`, [created.id]);
    expect(JSON.stringify(row.rows)).not.toContain(secret);
    expect(row.rows[0].secret_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('authenticates by Bearer or x-api-key; two different keys in the two headers are refused', async () => {
    const k1 = await createApiKey(t.url, owner, { name: 'one' });
    const k2 = await createApiKey(t.url, owner, { name: 'two' });
    expect((await http(t.url, 'GET', '/v1/key', { apiKey: k1.key })).body.id).toBe(k1.id);
    expect((await http(t.url, 'GET', '/v1/key', { headers: { 'x-api-key': k1.key } })).body.id).toBe(k1.id);
    expect((await http(t.url, 'GET', '/v1/key', { apiKey: k1.key, headers: { 'x-api-key': k1.key } })).status).toBe(200);
    expect((await http(t.url, 'GET', '/v1/key', { apiKey: k1.key, headers: { 'x-api-key': k2.key } })).status).toBe(401);
  });

  it('a wrong secret with a valid prefix is refused', async () => {
    const k = await createApiKey(t.url, owner, { name: 'prefix' });
    const forged = `tg_${k.prefix}_${'A'.repeat(43)}`;
    expect((await http(t.url, 'GET', '/v1/key', { apiKey: forged })).status).toBe(401);
    expect((await http(t.url, 'GET', '/v1/key', { apiKey: k.key })).status).toBe(200);
    // Once the right secret has been seen (the process remembers it for its next requests), a wrong
    // one is still refused: one that differs in its last character only, and one of another length.
    const last = k.key.at(-1) === 'A' ? 'B' : 'A';
    expect((await http(t.url, 'GET', '/v1/key', { apiKey: k.key.slice(0, -1) + last })).status).toBe(401);
    expect((await http(t.url, 'GET', '/v1/key', { apiKey: `${k.key}A` })).status).toBe(401);
    expect((await http(t.url, 'GET', '/v1/key', { apiKey: forged })).status).toBe(401);
    expect((await http(t.url, 'GET', '/v1/key', { apiKey: k.key })).status).toBe(200);
  });

  it('an expired key stops working', async () => {
    const k = await createApiKey(t.url, owner, { name: 'short', expiresAt: new Date(Date.now() + 1500).toISOString() });
    expect((await http(t.url, 'GET', '/v1/key', { apiKey: k.key })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1600));
    expect((await http(t.url, 'GET', '/v1/key', { apiKey: k.key })).status).toBe(401);
  });

  it('creating and revoking are audited (written by the worker through the queue)', async () => {
    const k = await createApiKey(t.url, owner, { name: 'audited' });
    await http(t.url, 'DELETE', `/api-keys/${k.id}`, as(owner));
    const events = await waitFor(async () => {
      const r = await http(t.url, 'GET', `/audit-events?filter=${encodeURIComponent(JSON.stringify({ action: 'api_key.' }))}&range=[0,99]`, as(owner));
      const mine = r.body.filter((e: { targetId: string }) => e.targetId === k.id);
      return mine.length === 2 ? mine : undefined;
    }, 10_000, 'two audit rows');
    expect(events.map((e: { action: string }) => e.action).sort()).toEqual(['api_key.created', 'api_key.revoked']);
    expect(JSON.stringify(events)).not.toContain(k.key.split('_').slice(2).join('_'));
  });

  it('the audit log is append-only in the database itself', async () => {
    await expect(pg.query(`UPDATE audit_events SET action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(pg.query(`DELETE FROM audit_events`)).rejects.toThrow(/append-only/);
  });
});
