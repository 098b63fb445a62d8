import { FakeUpstream, fakeUpstreamBaseUrls, startFakeUpstream } from '@tollgate/providers/testing';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { Redis } from 'ioredis';
import { http } from '../support/http';
import { Stack, startStack, waitFor } from '../support/stack';
import { as, createApiKey, signupOwner } from '../support/tenants';

function pgDumpBin(): string {
  const base = '/usr/lib/postgresql';
  const v = existsSync(base) ? readdirSync(base).sort().reverse().find((d) => existsSync(`${base}/${d}/bin/pg_dump`)) : undefined;
  return v ? `${base}/${v}/bin/pg_dump` : 'pg_dump';
}

/** Every value in Redis, read by type (DUMP output may be compressed and would hide a hit). */
async function redisEverything(url: string, prefix: string): Promise<string> {
  const r = new Redis(url);
  const out: string[] = [];
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      for (const k of keys) {
        out.push(k);
        const type = await r.type(k);
        if (type === 'string') out.push((await r.get(k)) ?? '');
        else if (type === 'hash') out.push(JSON.stringify(await r.hgetall(k)));
        else if (type === 'list') out.push(JSON.stringify(await r.lrange(k, 0, -1)));
        else if (type === 'set') out.push(JSON.stringify(await r.smembers(k)));
        else if (type === 'zset') out.push(JSON.stringify(await r.zrange(k, 0, -1, 'WITHSCORES')));
        else if (type === 'stream') out.push(JSON.stringify(await r.xrange(k, '-', '+')));
      }
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
  return out.join('\n');
}

/**
 * The canary sweep: a provider key `sk-canary-<uuid>` goes through every path (create, list, show,
 * test, use, stream, upstream errors, a rejected key) and must then appear in no log line, no API
 * response, no Redis key or value, and nowhere in a pg_dump.
 */
describe('canary sweep: a provider key never leaks', () => {
  let stack: Stack;
  let upstream: FakeUpstream;
  const canary = `sk-canary-${randomUUID()}`;
  const badCanary = `bad-sk-canary-${randomUUID()}`;
  const responses: string[] = [];

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    stack = await startStack('canary', { PROVIDER_BASE_URLS: JSON.stringify(fakeUpstreamBaseUrls(upstream.url)), LOG_LEVEL: 'debug', GATEWAY_MAX_RETRIES: '0' });
    await stack.startApi();
    stack.startWorker();
  });
  afterAll(async () => {
    await stack.stop();
    await upstream.close();
  });

  it('exercises every path with the canary key', async () => {
    const url = stack.apis[0].url;
    const keep = <T extends { text: string }>(r: T) => (responses.push(r.text), r);
    const owner = await signupOwner(url, 'canary');
    const created = keep(await http(url, 'POST', '/provider-keys', { ...as(owner), body: { provider: 'openai', label: 'canary', key: canary } }));
    expect(created.status).toBe(201);
    const bad = keep(await http(url, 'POST', '/provider-keys', { ...as(owner), body: { provider: 'anthropic', label: 'bad canary', key: badCanary } }));
    keep(await http(url, 'GET', '/provider-keys', as(owner)));
    keep(await http(url, 'GET', `/provider-keys/${created.body.id}`, as(owner)));
    expect(keep(await http(url, 'POST', `/provider-keys/${created.body.id}/test`, as(owner))).body.status).toBe('valid');
    expect(keep(await http(url, 'POST', `/provider-keys/${bad.body.id}/test`, as(owner))).body.status).toBe('invalid');
    keep(await http(url, 'PUT', `/provider-keys/${created.body.id}`, { ...as(owner), body: { label: 'renamed' } }));
    // Invalid body fields naming the key (a client trying to set it) are refused without echoing it.
    keep(await http(url, 'PUT', `/provider-keys/${created.body.id}`, { ...as(owner), body: { key: canary, nonsense: canary } }));
    const k = await createApiKey(url, owner, { name: 'canary use' });
    keep(await http(url, 'POST', '/v1/chat/completions', { apiKey: k.key, body: { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] } }));
    keep(await http(url, 'POST', '/v1/chat/completions', { apiKey: k.key, body: { model: 'openai/gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hello' }] } }));
    keep(await http(url, 'POST', '/v1/chat/completions', { apiKey: k.key, body: { model: 'openai/gpt-4o-mini~fault=500', messages: [{ role: 'user', content: 'x' }] } }));
    keep(await http(url, 'POST', '/v1/chat/completions', { apiKey: k.key, body: { model: 'openai/gpt-4o-mini~fault=401', messages: [{ role: 'user', content: 'x' }] } }));
    keep(await http(url, 'POST', '/v1/chat/completions', { apiKey: k.key, body: { model: 'anthropic/claude-haiku-4-5', messages: [{ role: 'user', content: 'x' }] } }));
    keep(await http(url, 'POST', '/v1/embeddings', { apiKey: k.key, body: { model: 'openai/text-embedding-3-small', input: 'x' } }));
    keep(await http(url, 'GET', '/v1/models', { apiKey: k.key }));
    keep(await http(url, 'GET', '/audit-events?range=[0,200]', as(owner)));
    keep(await http(url, 'GET', '/requests?range=[0,200]', as(owner)));
    // The upstream did receive the key: the sweep below is meaningful.
    expect(upstream.requests.some((r) => JSON.stringify(r.headers).includes(canary))).toBe(true);
    await waitFor(async () => (await http(url, 'GET', '/requests', as(owner))).body.length >= 5, 15_000, 'ledger rows');
  });

  it('finds the canary in no log, response, Redis key or value, or database dump', async () => {
    const needles = [canary, badCanary, canary.slice(-20), Buffer.from(canary).toString('hex'), Buffer.from(canary).toString('base64').slice(0, 24)];
    const logs = [...stack.apis, ...stack.workers].map((p) => p.output()).join('\n');
    expect(logs.length).toBeGreaterThan(1000);
    const redis = await redisEverything(stack.env.REDIS_URL, stack.env.QUEUE_PREFIX);
    expect(redis.length).toBeGreaterThan(100);
    const dump = execFileSync(pgDumpBin(), ['--data-only', '--no-owner', stack.db.url], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    expect(dump).toContain('provider_keys');
    const sinks: Record<string, string> = { logs, responses: responses.join('\n'), redis, dump };
    const hits = Object.entries(sinks).flatMap(([sink, text]) => needles.filter((n) => text.includes(n)).map((n) => `${sink}: ${n.slice(0, 12)}…`));
    expect(hits).toEqual([]);
  });
});
