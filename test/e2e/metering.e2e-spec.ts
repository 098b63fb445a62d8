import { computeCost, loadSeedCatalog } from '@tollgate/billing';
import { FakeUpstream, fakeUpstreamBaseUrls, startFakeUpstream } from '@tollgate/providers/testing';
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { http } from '../support/http';
import { Stack, startStack, waitFor } from '../support/stack';
import { Session, as, createApiKey, signupOwner } from '../support/tenants';

/** A private Redis with AOF, so this suite may kill and restart it without touching the others. */
async function startRedis(port: number, dir: string): Promise<ChildProcess> {
  const p = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--maxmemory-policy', 'noeviction', '--save', ''], { stdio: 'ignore' });
  await waitFor(async () => new Promise<boolean>((res) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.destroy();
      res(true);
    });
    s.on('error', () => res(false));
  }), 10_000, 'redis');
  return p;
}

function freePort(): Promise<number> {
  return new Promise((res) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => res(port));
    });
  });
}

const PRICES = loadSeedCatalog();

describe('metering end to end: two API processes, workers, real Postgres, a private Redis', () => {
  let stack: Stack;
  let upstream: FakeUpstream;
  let redis: ChildProcess;
  let redisPort: number;
  let redisDir: string;
  let pg: Client;
  let owner: Session;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    redisPort = await freePort();
    redisDir = mkdtempSync(join(tmpdir(), 'tg-redis-'));
    redis = await startRedis(redisPort, redisDir);
    stack = await startStack('metering', { REDIS_URL: `redis://127.0.0.1:${redisPort}`, PROVIDER_BASE_URLS: JSON.stringify(fakeUpstreamBaseUrls(upstream.url)), GATEWAY_MAX_RETRIES: '0' });
    await stack.startApi();
    await stack.startApi();
    stack.startWorker();
    pg = new Client({ connectionString: stack.db.url });
    await pg.connect();
    owner = await signupOwner(stack.apis[0].url, 'meter');
    for (const provider of ['openai', 'anthropic', 'gemini']) {
      await http(stack.apis[0].url, 'POST', '/provider-keys', { ...as(owner), body: { provider, label: provider, key: `sk-${provider}-meter-1` } });
    }
    await http(stack.apis[0].url, 'POST', '/routes', { ...as(owner), body: { name: 'fallback', targets: [{ model: 'openai/gpt-4o-mini~fault=500', weight: 1 }, { model: 'anthropic/claude-haiku-4-5', weight: 0 }] } });
  });
  afterAll(async () => {
    await pg.end();
    await stack.stop();
    redis.kill('SIGKILL');
    await upstream.close();
  });

  function send(apiUrl: string, key: string, i: number): Promise<unknown> {
    const kinds = i % 6;
    const model = ['openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5', 'gemini/gemini-2.5-flash', 'fallback', 'openai/gpt-4o-mini~fault=500', 'anthropic/claude-haiku-4-5'][kinds];
    const stream = i % 2 === 0;
    const body: Record<string, unknown> = { model, stream, messages: [{ role: 'user', content: `request ${i} ${'word '.repeat(i % 13)}` }] };
    if (stream) body.stream_options = { include_usage: true };
    if (kinds === 5) body.tools = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }];
    if (i % 50 === 7) {
      // A client that gives up mid-stream.
      const ctl = new AbortController();
      return fetch(`${apiUrl}/v1/chat/completions`, { method: 'POST', signal: ctl.signal, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ ...body, model: 'openai/gpt-4o-mini~chunks=40,delay=20', stream: true }) })
        .then(async (r) => {
          const reader = r.body?.getReader();
          await reader?.read();
          ctl.abort();
        })
        .catch(() => undefined);
    }
    return http(apiUrl, 'POST', '/v1/chat/completions', { apiKey: key, body });
  }

  async function run(n: number, key: string, concurrency = 16, during?: (i: number) => Promise<void>): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < n) {
          const i = next++;
          if (during) await during(i);
          await send(stack.apis[i % 2].url, key, i);
        }
      }),
    );
  }

  async function ledgerFor(apiKeyId: string, n: number, timeoutMs = 60_000): Promise<Array<Record<string, any>>> {
    let last = 0;
    try {
      return await waitFor(async () => {
        const r = await pg.query(`SELECT * FROM usage_ledger WHERE api_key_id = $1`, [apiKeyId]);
        last = r.rows.length;
        return r.rows.length >= n ? r.rows : undefined;
      }, timeoutMs, `${n} ledger rows`);
    } catch (err) {
      const outbox = (await pg.query(`SELECT count(*)::int AS n FROM usage_outbox`)).rows[0].n;
      throw new Error(`${(err as Error).message}: have ${last}, outbox ${outbox}`);
    }
  }

  it('1,000 mixed requests: one row each, no duplicates, tokens = the upstream’s own count, cost = catalog × tokens', async () => {
    const key = await createApiKey(stack.apis[0].url, owner, { name: 'mixed' });
    await run(1000, key.key);
    const rows = await ledgerFor(key.id, 1000);
    expect(rows).toHaveLength(1000);
    const byStatus: Record<string, number> = {};
    for (const r of rows) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    expect(byStatus.success).toBeGreaterThan(700);
    expect(byStatus.upstream_error).toBeGreaterThan(100);
    expect(byStatus.client_abort).toBeGreaterThan(0);
    let checked = 0;
    for (const r of rows) {
      expect(r.input_tokens).not.toBeNull();
      expect(r.output_tokens).not.toBeNull();
      if (r.status !== 'success' || r.estimated) continue;
      const served = upstream.served.get(r.request_id);
      expect(served).toBeDefined();
      expect([Number(r.input_tokens), Number(r.output_tokens)]).toEqual([served!.inputTokens, served!.outputTokens]);
      const price = PRICES.find((p) => p.provider === r.provider && p.model === r.served_model) ?? null;
      const expected = computeCost(
        { inputTokens: Number(r.input_tokens) - Number(r.cached_input_tokens) - Number(r.cache_write_tokens), cachedInputTokens: Number(r.cached_input_tokens), cacheWriteTokens: Number(r.cache_write_tokens), outputTokens: Number(r.output_tokens), reasoningTokens: Number(r.reasoning_tokens) },
        price,
      );
      expect(BigInt(r.cost_nano_usd)).toBe(expected.costNanoUsd);
      checked++;
    }
    expect(checked).toBeGreaterThan(600);
    const fallbacks = rows.filter((r) => r.requested_model === 'fallback' && r.status === 'success');
    expect(fallbacks.length).toBeGreaterThan(100);
    for (const r of fallbacks) expect(r.attempt_count).toBe(2);
  });

  it('worker SIGKILLed and Redis restarted mid-load: no loss, no duplicates', async () => {
    const key = await createApiKey(stack.apis[0].url, owner, { name: 'chaos' });
    await run(600, key.key, 12, async (i) => {
      if (i === 150) {
        stack.workers[0].child.kill('SIGKILL');
      }
      if (i === 250) stack.startWorker();
      if (i === 350) {
        redis.kill('SIGKILL');
        await new Promise((r) => setTimeout(r, 300));
        redis = await startRedis(redisPort, redisDir);
      }
    });
    // Stalled jobs of the killed worker come back after BullMQ's lock expires (30 s).
    const rows = await ledgerFor(key.id, 600, 150_000);
    expect(rows).toHaveLength(600);
    const dup = await pg.query(`SELECT count(*)::int AS n FROM (SELECT request_id FROM usage_ledger GROUP BY 1 HAVING count(*) > 1) d`);
    expect(dup.rows[0].n).toBe(0);
    // Rollups agree with the ledger to the unit.
    const [l] = (await pg.query(`SELECT count(*)::bigint AS n, sum(cost_nano_usd)::text AS c, sum(output_tokens)::text AS o FROM usage_ledger WHERE team_id = $1`, [owner.teamId])).rows;
    const [r] = (await pg.query(`SELECT sum(requests)::bigint AS n, sum(cost_nano_usd)::text AS c, sum(output_tokens)::text AS o FROM usage_rollup_daily WHERE team_id = $1`, [owner.teamId])).rows;
    expect(r).toEqual(l);
  }, 240_000);

  it('100 concurrent requests against a hard budget worth 3 requests, across two API processes: at most 3 admitted, never overspent', async () => {
    const team = await signupOwner(stack.apis[0].url, 'budget');
    await http(stack.apis[0].url, 'POST', '/provider-keys', { ...as(team), body: { provider: 'openai', label: 'k', key: 'sk-budget-000001' } });
    const key = await createApiKey(stack.apis[0].url, team, { name: 'b' });
    // One request's real cost, measured first (the fake answers deterministically), then a budget worth 3.5 of them.
    const calibrate = await createApiKey(stack.apis[0].url, team, { name: 'calibrate' });
    const one = await http(stack.apis[0].url, 'POST', '/v1/chat/completions', { apiKey: calibrate.key, body: { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] } });
    const [row] = await ledgerFor(calibrate.id, 1);
    const cost = BigInt(row.cost_nano_usd) + BigInt(row.fee_nano_usd);
    expect(cost).toBeGreaterThan(0n);
    const maxTokens = one.body.usage.completion_tokens as number;
    const amount = cost * 3n + cost / 2n + cost; // + the calibration request itself, already spent
    const b = await http(stack.apis[0].url, 'POST', '/budgets', { ...as(team), body: { scope: 'team', period: 'month', amountNanoUsd: amount.toString(), mode: 'hard' } });
    expect(b.status).toBe(201);
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        http(stack.apis[i % 2].url, 'POST', '/v1/chat/completions', { apiKey: key.key, body: { model: 'openai/gpt-4o-mini', max_tokens: maxTokens, messages: [{ role: 'user', content: 'hi' }] } }),
      ),
    );
    const ok = results.filter((r) => r.status === 200).length;
    const refused = results.filter((r) => r.status === 402);
    expect(ok).toBeGreaterThan(0);
    expect(ok).toBeLessThanOrEqual(3);
    expect(refused.length).toBe(100 - ok);
    expect(refused[0].body.error.code).toBe('budget_exceeded');
    const rows = await ledgerFor(key.id, 100);
    const spent = rows.reduce((s, r) => s + BigInt(r.cost_nano_usd) + BigInt(r.fee_nano_usd), 0n) + cost;
    expect(spent).toBeLessThanOrEqual(amount);
    expect(rows.filter((r) => r.status === 'rejected')).toHaveLength(100 - ok);
  });

  it('a burst at 2× RPM across two API processes admits exactly the limit', async () => {
    const team = await signupOwner(stack.apis[0].url, 'rpm');
    await http(stack.apis[0].url, 'POST', '/provider-keys', { ...as(team), body: { provider: 'openai', label: 'k', key: 'sk-rpm-000001' } });
    const key = await createApiKey(stack.apis[0].url, team, { name: 'r' });
    expect((await http(stack.apis[0].url, 'POST', '/rate-limits', { ...as(team), body: { scope: 'api_key', apiKeyId: key.id, rpm: 20 } })).status).toBe(201);
    // Keep the burst inside one minute window.
    const s = new Date().getUTCSeconds();
    if (s > 50) await new Promise((r) => setTimeout(r, (61 - s) * 1000));
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => http(stack.apis[i % 2].url, 'POST', '/v1/chat/completions', { apiKey: key.key, body: { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] } })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(20);
    const limited = results.filter((r) => r.status === 429);
    expect(limited).toHaveLength(20);
    expect(limited[0].body.error.code).toBe('rate_limited');
    expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited[0].headers.get('x-ratelimit-limit-requests')).toBe('20');
  });
});
