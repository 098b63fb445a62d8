import { FakeUpstream, fakeUpstreamBaseUrls, startFakeUpstream } from '@tollgate/providers/testing';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { TestApp, startTestApp } from '../../../../test/support/app';
import { http } from '../../../../test/support/http';
import { baseTestEnv } from '../../../../test/support/test-env';
import { Session, addMember, as, signupOwner } from '../../../../test/support/tenants';

const ROOT = resolve(__dirname, '../../../..');

describe('provider key vault (real Postgres + Redis + fake upstream)', () => {
  let t: TestApp;
  let pg: Client;
  let upstream: FakeUpstream;
  let owner: Session;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    t = await startTestApp('vault', {
      PROVIDER_BASE_URLS: JSON.stringify(fakeUpstreamBaseUrls(upstream.url)),
      ALLOWED_CUSTOM_UPSTREAM_HOSTS: new URL(upstream.url).host,
    });
    pg = new Client({ connectionString: t.db.url });
    await pg.connect();
    owner = await signupOwner(t.url, 'vault');
  });
  afterAll(async () => {
    await pg.end();
    await t.close();
    await upstream.close();
  });

  const add = (s: Session, body: Record<string, unknown>) => http(t.url, 'POST', '/provider-keys', { ...as(s), body: { label: 'main', ...body } });

  it('is write-only: no response ever carries the key; the row holds only ciphertext', async () => {
    const secret = `sk-canary-${Date.now()}-write-only`;
    const created = await add(owner, { provider: 'openai', key: secret, organization: 'org-1' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual(expect.objectContaining({ provider: 'openai', label: 'main', last4: secret.slice(-4), status: 'unverified', organization: 'org-1' }));
    expect(created.body.fingerprint).toMatch(/^fp_[0-9a-f]{16}$/);
    const list = await http(t.url, 'GET', '/provider-keys', as(owner));
    const one = await http(t.url, 'GET', `/provider-keys/${created.body.id}`, as(owner));
    for (const r of [created, list, one]) {
      expect(r.text).not.toContain(secret);
      expect(r.text).not.toMatch(/ciphertext|wrapped/i);
    }
    const row = await pg.query(`SELECT * FROM provider_keys WHERE id = $1`, [created.body.id]);
    expect(JSON.stringify(row.rows)).not.toContain(secret);
    expect(row.rows[0].secret_ciphertext.toString('latin1')).not.toContain(secret);
    expect(row.rows[0].kek_id).toBe('t1');
  });

  it('the test action records valid and invalid keys without returning the upstream body', async () => {
    const good = await add(owner, { provider: 'anthropic', key: 'sk-ant-good-key-0001' });
    const bad = await add(owner, { provider: 'openai', key: 'bad-key-0000000001' });
    const g = await http(t.url, 'POST', `/provider-keys/${good.body.id}/test`, as(owner));
    expect(g.status).toBe(200);
    expect(g.body.status).toBe('valid');
    expect(g.body.key.status).toBe('active');
    const b = await http(t.url, 'POST', `/provider-keys/${bad.body.id}/test`, as(owner));
    expect(b.body.status).toBe('invalid');
    expect(b.body.httpStatus).toBe(401);
    expect(b.body.key.status).toBe('invalid');
    expect(b.body.key.lastErrorCode).toBe('credential_rejected_401');
    expect(b.text).not.toMatch(/Incorrect API key|invalid_api_key/);
  });

  it('a key whose upstream is down is recorded unreachable', async () => {
    const created = await add(owner, { provider: 'ollama', key: 'ollama-key-123456', baseUrl: 'http://127.0.0.1:9/ollama/v1' });
    // Port 9 is not in ALLOWED_CUSTOM_UPSTREAM_HOSTS: refused at creation.
    expect(created.status).toBe(400);
    expect(created.body.error.message).toContain('not allowed');
  });

  it('destinations come from server config only', async () => {
    expect((await add(owner, { provider: 'openai', key: 'sk-xxxxxxxx1', baseUrl: 'http://evil.example/v1' })).status).toBe(400);
    expect((await add(owner, { provider: 'azure-openai', key: 'az-xxxxxxxx1', baseUrl: 'http://evil.example' })).status).toBe(400);
    expect((await add(owner, { provider: 'nope', key: 'sk-xxxxxxxx1' })).status).toBe(400);
    const ok = await add(owner, { provider: 'vllm', key: 'vllm-key-12345678', baseUrl: `${upstream.url}/vllm/v1` });
    expect(ok.status).toBe(201);
    expect((await http(t.url, 'POST', `/provider-keys/${ok.body.id}/test`, as(owner))).body.status).toBe('valid');
  });

  it('a ciphertext copied from another row or team fails closed, generically, with no upstream call', async () => {
    const other = await signupOwner(t.url, 'vault-b');
    const victim = await add(owner, { provider: 'openai', key: 'sk-victim-000000001' });
    const thief = await add(other, { provider: 'openai', key: 'sk-thief-0000000001' });
    const sibling = await add(owner, { provider: 'openai', key: 'sk-sibling-00000001' });
    for (const target of [thief, sibling]) {
      await pg.query(`UPDATE provider_keys SET secret_ciphertext = v.secret_ciphertext, wrapped_key = v.wrapped_key, kek_id = v.kek_id FROM provider_keys v WHERE v.id = $1 AND provider_keys.id = $2`, [
        victim.body.id,
        target.body.id,
      ]);
    }
    const before = upstream.requests.length;
    const r1 = await http(t.url, 'POST', `/provider-keys/${thief.body.id}/test`, as(other));
    const r2 = await http(t.url, 'POST', `/provider-keys/${sibling.body.id}/test`, as(owner));
    for (const r of [r1, r2]) {
      expect(r.status).toBe(500);
      expect(r.body).toEqual({ error: { message: 'The provider key for this request could not be used', type: 'api_error', code: 'internal_error' } });
      expect(r.text).not.toContain('sk-victim');
    }
    expect(upstream.requests.length).toBe(before);
  });

  it('members cannot see or add provider keys; other teams get 404', async () => {
    const member = await addMember(t.url, owner, 'pkmember', 'member');
    expect((await http(t.url, 'GET', '/provider-keys', as(member))).status).toBe(403);
    expect((await add(member, { provider: 'openai', key: 'sk-member-000001' })).status).toBe(403);
    const other = await signupOwner(t.url, 'vault-c');
    const mine = await add(owner, { provider: 'mistral', key: 'mistral-key-0000001' });
    for (const [m, p] of [
      ['GET', ''],
      ['PUT', ''],
      ['DELETE', ''],
      ['POST', '/test'],
    ]) {
      expect((await http(t.url, m, `/provider-keys/${mine.body.id}${p}`, { ...as(other), body: m === 'PUT' ? { label: 'x' } : undefined })).status).toBe(404);
    }
    expect((await http(t.url, 'GET', `/provider-keys/${mine.body.id}`, as(owner))).status).toBe(200);
  });

  it('rotation re-wraps every key under the new primary (idempotent), and readiness catches a missing key id', async () => {
    const a = await add(owner, { provider: 'openai', key: 'sk-rotate-0000000001' });
    const env = { ...baseTestEnv(), DATABASE_URL: t.db.url, QUEUE_PREFIX: process.env.QUEUE_PREFIX ?? 'x', VAULT_PRIMARY_KEY_ID: 't2' };
    const cli = resolve(ROOT, 'dist/apps/api/src/cli.js');
    // The rows tampered with above cannot be re-wrapped: reported by id, exit 1, the rest moves on.
    const run0 = spawnSync(process.execPath, [cli, 'vault:rotate'], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
    expect(run0.status).toBe(1);
    expect(run0.stdout).toMatch(/could not be re-wrapped \(decrypt_failed\)/);
    expect((await pg.query(`SELECT count(*)::int AS n FROM provider_keys WHERE kek_id <> 't2'`)).rows[0].n).toBe(2);
    await pg.query(`DELETE FROM provider_keys WHERE kek_id <> 't2'`);
    const a2 = await add(owner, { provider: 'openai', key: 'sk-rotate-0000000002' });
    expect(a2.status).toBe(201);
    const run1 = spawnSync(process.execPath, [cli, 'vault:rotate'], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
    expect(run1.status).toBe(0);
    expect(run1.stdout).toMatch(/re-wrapped/);
    expect(run1.stdout).toMatch(/provider keys per key id: t2=\d+/);
    const left = await pg.query(`SELECT count(*)::int AS n FROM provider_keys WHERE kek_id <> 't2'`);
    expect(left.rows[0].n).toBe(0);
    const run2 = spawnSync(process.execPath, [cli, 'vault:rotate'], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
    expect(run2.stdout).toMatch(/0 provider keys to re-wrap/);
    // This app still has t2 in its keyring (primary t1): re-wrapped keys keep working.
    expect((await http(t.url, 'POST', `/provider-keys/${a.body.id}/test`, as(owner))).body.status).toBe('valid');
    // A row on a key id the keyring lacks makes readiness fail, loudly and by name.
    await pg.query(`UPDATE provider_keys SET kek_id = 'gone' WHERE id = $1`, [a.body.id]);
    const ready = await http(t.url, 'GET', '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.checks.vault.error).toContain('gone (1 keys)');
    await pg.query(`DELETE FROM provider_keys WHERE id = $1`, [a.body.id]);
    expect((await http(t.url, 'GET', '/health/ready')).status).toBe(200);
  });
});
