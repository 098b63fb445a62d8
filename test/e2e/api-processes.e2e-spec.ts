import { FakeUpstream, fakeUpstreamBaseUrls, startFakeUpstream } from '@tollgate/providers/testing';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import net from 'node:net';
import { Client } from 'pg';
import { http } from '../support/http';
import { DIST_MAIN, Stack, startProcess, startStack, waitFor } from '../support/stack';
import { as, createApiKey, signupOwner } from '../support/tenants';

/** One request on a connection of its own: the supervisor hands out connections, not requests. */
function onNewConnection(url: string, path: string, opts: { method?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<{ status: number; requestId: string; body: any }> {
  return new Promise((resolve, reject) => {
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const headers = { connection: 'close', ...(payload ? { 'content-type': 'application/json' } : {}), ...opts.headers };
    const req = request(`${url}${path}`, { method: opts.method ?? 'GET', agent: false, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, requestId: String(res.headers['x-request-id']), body: JSON.parse(text) });
        } catch (err) {
          reject(err);
        }
      });
    });
    // A connection handed to a process at the moment it is killed gets no answer: fail it, do not hang.
    req.setTimeout(5_000, () => req.destroy(new Error(`no answer on ${path} within 5 s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

async function liveOnNewConnection(url: string): Promise<string> {
  return ((await onNewConnection(url, '/health/live')).body as { instanceId: string }).instanceId;
}

async function instancesSeen(url: string, connections = 12): Promise<Set<string>> {
  const ids = new Set<string>();
  for (let i = 0; i < connections; i++) ids.add(await liveOnNewConnection(url));
  return ids;
}

/** Live child processes of a pid, from /proc. */
function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === pid && fields[0] !== 'Z') out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

describe('API_PROCESSES=2: one supervisor, two API processes on one port (real processes from dist/)', () => {
  let stack: Stack;
  let upstream: FakeUpstream;
  let pg: Client;
  let api: Awaited<ReturnType<Stack['startApi']>>;
  let pid: number;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    stack = await startStack('apiprocs', { PROVIDER_BASE_URLS: JSON.stringify(fakeUpstreamBaseUrls(upstream.url)), GATEWAY_MAX_RETRIES: '0', LOG_LEVEL: 'warn' });
    api = await stack.startApi({ API_PROCESSES: '2' });
    pid = api.child.pid!;
    stack.startWorker();
    pg = new Client({ connectionString: stack.db.url });
    await pg.connect();
  });
  afterAll(async () => {
    await pg.end();
    await stack.stop();
    await upstream.close();
  });

  it('starts two API processes under the one started, and new connections reach both', async () => {
    await waitFor(async () => childPids(pid).length === 2, 20_000, 'two api processes');
    // Both must be listening before the supervisor can hand either a connection.
    const ids = await waitFor(async () => {
      const seen = await instancesSeen(api.url);
      return seen.size === 2 && seen;
    }, 20_000, 'both processes to answer');
    expect(ids.size).toBe(2);
  });

  it('gateway requests through both processes are each metered once', async () => {
    const owner = await signupOwner(api.url, 'apiprocs');
    expect((await http(api.url, 'POST', '/provider-keys', { ...as(owner), body: { provider: 'openai', label: 'openai', key: 'sk-openai-apiprocs-1' } })).status).toBe(201);
    const key = await createApiKey(api.url, owner, { name: 'apiprocs' });
    // Separate connections, so both processes take a share.
    const ids = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const r = await onNewConnection(api.url, '/v1/chat/completions', {
          method: 'POST',
          headers: { authorization: `Bearer ${key.key}` },
          body: { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] },
        });
        expect(r.status).toBe(200);
        expect(r.body.choices[0].message.role).toBe('assistant');
        return r.requestId;
      }),
    );
    const rows = await waitFor(async () => {
      const r = await pg.query(`SELECT request_id, status FROM usage_ledger WHERE api_key_id = $1`, [key.id]);
      return r.rows.length >= 20 && r.rows;
    }, 30_000, '20 ledger rows');
    expect(rows.map((r: { request_id: string }) => r.request_id).sort()).toEqual([...ids].sort());
    expect(rows.every((r: { status: string }) => r.status === 'success')).toBe(true);
  });

  it('a process that dies is replaced, and the port answers meanwhile', async () => {
    const before = childPids(pid);
    const seenBefore = await instancesSeen(api.url);
    process.kill(before[0], 'SIGKILL');
    // The survivor answers while the replacement starts (a connection caught by the kill may get nothing).
    const answered = await waitFor(() => liveOnNewConnection(api.url), 10_000, 'an answer after the kill');
    expect(seenBefore.has(answered)).toBe(true);
    const after = await waitFor(async () => {
      const now = childPids(pid);
      return now.length === 2 && !now.includes(before[0]) && now;
    }, 20_000, 'a replacement process');
    expect(after).toContain(before[1]);
    // The replacement serves: an instance id not seen before answers.
    await waitFor(async () => [...(await instancesSeen(api.url))].some((id) => !seenBefore.has(id)), 30_000, 'the replacement to answer');
    expect(api.output()).toContain('an api process died; starting another');
  });

  it('SIGTERM stops the supervisor and every API process, with exit code 0', async () => {
    const children = childPids(pid);
    expect(children).toHaveLength(2);
    const code = await api.stop('SIGTERM');
    expect(code).toBe(0);
    for (const child of children) expect(existsSync(`/proc/${child}`)).toBe(false);
  });
});

describe('API process start-up failures and the shutdown grace period', () => {
  let stack: Stack;
  let upstream: FakeUpstream;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    stack = await startStack('apigrace', { PROVIDER_BASE_URLS: JSON.stringify(fakeUpstreamBaseUrls(upstream.url)), GATEWAY_MAX_RETRIES: '0', LOG_LEVEL: 'warn' });
  });
  afterAll(async () => {
    await stack.stop();
    await upstream.close();
  });

  it('with API_PROCESSES=2, processes that cannot listen (port taken) end the supervisor with exit code 1', async () => {
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const p = startProcess(DIST_MAIN, { ...stack.env, PORT: String(port), API_PROCESSES: '2' });
      const code = await new Promise<number | null>((r) => p.child.once('exit', (c) => r(c)));
      expect(code).toBe(1);
      expect(p.output()).toContain('an api process failed to start; stopping');
      expect(childPids(p.child.pid!)).toEqual([]);
    } finally {
      taken.close();
    }
  });

  it('a stream still open when SHUTDOWN_TIMEOUT_MS runs out: the API exits 1 and says why, instead of waiting for it', async () => {
    const api = await stack.startApi({ SHUTDOWN_TIMEOUT_MS: '1000' });
    const owner = await signupOwner(api.url, 'apigrace');
    expect((await http(api.url, 'POST', '/provider-keys', { ...as(owner), body: { provider: 'openai', label: 'openai', key: 'sk-openai-apigrace-1' } })).status).toBe(201);
    const key = await createApiKey(api.url, owner, { name: 'apigrace' });
    // The upstream sends two chunks and then nothing: the stream stays open far past the grace period.
    const res = await fetch(`${api.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini~fault=stall,after=2,chunks=8', stream: true, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read();
    const started = Date.now();
    const code = await api.stop('SIGTERM');
    const took = Date.now() - started;
    await reader.cancel().catch(() => undefined);
    expect(code).toBe(1);
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(8_000);
    expect(api.output()).toContain('shutdown grace period (SHUTDOWN_TIMEOUT_MS) over');
  });
});
