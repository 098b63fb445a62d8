import { FakeUpstream, fakeUpstreamBaseUrls, startFakeUpstream } from '@tollgate/providers/testing';
import { spawn } from 'node:child_process';
import { Client } from 'pg';
import { http } from '../support/http';
import { DIST_MAIN, Stack, startStack } from '../support/stack';
import { Session, addMember, as, createApiKey, signupOwner } from '../support/tenants';

const CLI = DIST_MAIN.replace(/main\.js$/, 'cli.js');
const KEK = { t1: Buffer.alloc(32, 1).toString('base64'), t2: Buffer.alloc(32, 2).toString('base64') };

/**
 * The operator's rotation procedure under traffic: API processes roll to a keyring whose primary is the
 * new key id (the old id kept), `vault:rotate` re-wraps every row while members keep calling the gateway,
 * then the old id is retired. No request may fail and no row may stay on the old id.
 */
describe('key-encryption key rotation with requests running', () => {
  let stack: Stack;
  let upstream: FakeUpstream;
  let pg: Client;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    // No retries: a request that hit an undecryptable key would surface as a failure, not be papered over.
    stack = await startStack('rotate', { PROVIDER_BASE_URLS: JSON.stringify(fakeUpstreamBaseUrls(upstream.url)), GATEWAY_MAX_RETRIES: '0', VAULT_KEYRING: JSON.stringify(KEK) });
    pg = new Client({ connectionString: stack.db.url });
    await pg.connect();
  });
  afterAll(async () => {
    await pg.end();
    await stack.stop();
    await upstream.close();
  });

  it('re-wraps every key while two API processes serve traffic: zero failed requests, zero rows on the old id', async () => {
    // Before: everything written under t1.
    const old = await stack.startApi({ VAULT_PRIMARY_KEY_ID: 't1' });
    const owner = await signupOwner(old.url, 'rot');
    const member = await addMember(old.url, owner, 'rotmember', 'member');
    const key = await createApiKey(old.url, member, { name: 'traffic' });
    const add = async (s: Session, url: string, n: number, tag: string) => {
      for (let i = 0; i < n; i++) {
        const res = await http(url, 'POST', '/provider-keys', { ...as(s), body: { provider: 'openai', label: `${tag}-${i}`, key: `sk-rot-${tag}-${String(i).padStart(6, '0')}` } });
        if (res.status !== 201) throw new Error(`add key: ${res.status} ${res.text}`);
      }
    };
    await add(owner, old.url, 3, 'traffic');
    // Enough other teams' keys that the rotation runs in several batches while traffic flows.
    for (const label of ['rota', 'rotb', 'rotc']) await add(await signupOwner(old.url, label), old.url, 150, label);
    expect((await pg.query(`SELECT count(*)::int AS n FROM provider_keys WHERE kek_id = 't1'`)).rows[0].n).toBe(453);
    await old.stop();

    // Rolling deploy: both processes wrap new keys under t2 and still open t1.
    const a = await stack.startApi({ VAULT_PRIMARY_KEY_ID: 't2' });
    const b = await stack.startApi({ VAULT_PRIMARY_KEY_ID: 't2' });
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let running = true;
    const client = async (url: string) => {
      while (running) {
        const res = await http(url, 'POST', '/v1/chat/completions', { apiKey: key.key, body: { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'during rotation' }] } });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status !== 200 && failures.length < 5) failures.push(`${res.status} ${res.text}`);
      }
    };
    const clients = [a.url, b.url, a.url, b.url, a.url, b.url].map(client);
    await new Promise((r) => setTimeout(r, 500));

    const count = () => [...statuses.values()].reduce((s, n) => s + n, 0);
    const atSpawn = count();
    const rotation = spawn(process.execPath, [CLI, 'vault:rotate'], { env: { PATH: process.env.PATH ?? '', ...stack.env, VAULT_PRIMARY_KEY_ID: 't2' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    rotation.stdout.on('data', (d: Buffer) => (out += d.toString()));
    rotation.stderr.on('data', (d: Buffer) => (out += d.toString()));
    // A key added while the rotation runs lands on the new primary.
    await add(owner, a.url, 2, 'during');
    const code = await new Promise<number | null>((res) => rotation.once('exit', res));
    const duringRotation = count() - atSpawn;
    await new Promise((r) => setTimeout(r, 1_000));
    running = false;
    await Promise.all(clients);

    expect({ code, out }).toEqual({ code: 0, out: expect.stringContaining('provider keys per key id: t2=455') });
    expect(out).toMatch(/453 provider keys to re-wrap under "t2"/);
    expect(out).toMatch(/re-wrapped \(\d+%/);
    expect(failures).toEqual([]);
    const total = count();
    expect(statuses.get(200)).toBe(total);
    expect(duringRotation).toBeGreaterThan(0);
    process.stdout.write(`rotation under traffic: ${total} requests, all 200 (${duringRotation} completed while the CLI ran)\n`);
    expect((await pg.query(`SELECT kek_id, count(*)::int AS n FROM provider_keys GROUP BY kek_id`)).rows).toEqual([{ kek_id: 't2', n: 455 }]);

    // Retire t1: a process whose keyring no longer has it serves every key.
    const retired = await stack.startApi({ VAULT_PRIMARY_KEY_ID: 't2', VAULT_KEYRING: JSON.stringify({ t2: KEK.t2 }) });
    for (let i = 0; i < 5; i++) {
      const res = await http(retired.url, 'POST', '/v1/chat/completions', { apiKey: key.key, body: { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'after retirement' }] } });
      expect(res.status).toBe(200);
    }
    expect((await http(retired.url, 'GET', '/health/ready')).status).toBe(200);
  }, 120_000);
});
