import { FakeUpstream, fakeUpstreamBaseUrls, startFakeUpstream } from '@tollgate/providers/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { TestApp, startTestApp } from '../../../../test/support/app';
import { http } from '../../../../test/support/http';
import { as, createApiKey, signupOwner } from '../../../../test/support/tenants';
import { JobName, QueueName } from '../queues/queue.constants';
import type { UsageEvent } from './usage-event';

/**
 * No worker runs here, so the jobs the API queued stay in Redis to be looked at: requests that end
 * together travel in one `usage.record-batch` job, nothing goes to the Postgres outbox while Redis is
 * up, requests are in the in-flight registry while they run, and every one leaves it once its event is queued.
 */
describe('metering batches usage events per API process (real Redis + Postgres)', () => {
  let t: TestApp;
  let upstream: FakeUpstream;
  let redis: Redis;
  let queue: Queue;
  let pg: Client;
  let prefix: string;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    t = await startTestApp('metering', { PROVIDER_BASE_URLS: JSON.stringify(fakeUpstreamBaseUrls(upstream.url)), USAGE_BATCH_MS: '50' });
    prefix = process.env.QUEUE_PREFIX as string;
    redis = new Redis(process.env.REDIS_URL as string, { maxRetriesPerRequest: null });
    queue = new Queue(QueueName.Usage, { connection: redis, prefix });
    pg = new Client({ connectionString: t.db.url });
    await pg.connect();
  });
  afterAll(async () => {
    await pg.end();
    await queue.close();
    redis.disconnect();
    await t.close();
    await upstream.close();
  });

  it('30 concurrent requests: a few batch jobs holding exactly their 30 events, no outbox, in-flight registry empty', async () => {
    const owner = await signupOwner(t.url, 'batch');
    expect((await http(t.url, 'POST', '/provider-keys', { ...as(owner), body: { provider: 'openai', label: 'main', key: 'sk-openai-good-key-1' } })).status).toBe(201);
    const key = await createApiKey(t.url, owner, { name: 'batch' });
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => http(t.url, 'POST', '/v1/chat/completions', { apiKey: key.key, body: { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: `batch ${i}` }] } })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(30).fill(200));
    const ids = results.map((r) => r.headers.get('x-request-id'));

    const jobs = await (async () => {
      for (let i = 0; i < 50; i++) {
        const found = (await queue.getJobs(['waiting', 'prioritized'])).filter((j) => j.name === JobName.UsageRecordBatch);
        if (found.reduce((n, j) => n + (j.data as { events: UsageEvent[] }).events.length, 0) >= 30) return found;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('the batch jobs never held 30 events');
    })();
    const events = jobs.flatMap((j) => (j.data as { events: UsageEvent[] }).events);
    expect(events.map((e) => e.requestId).sort()).toEqual([...ids].sort());
    expect(jobs.length).toBeLessThan(30);
    for (const j of jobs) expect(j.id).toBe(`batch-${(j.data as { events: UsageEvent[] }).events[0].requestId}`);
    expect(events.every((e) => e.status === 'success' && e.outputTokens > 0 && !e.estimated)).toBe(true);
    expect((await pg.query(`SELECT count(*)::int AS n FROM usage_outbox`)).rows[0].n).toBe(0);
    expect(await redis.zcard(`${prefix}:inflight`)).toBe(0);
    expect(await redis.hlen(`${prefix}:inflight:data`)).toBe(0);
  });

  it('requests in flight are registered with what the reconciler needs, and leave the registry when they end', async () => {
    const owner = await signupOwner(t.url, 'inflight');
    expect((await http(t.url, 'POST', '/provider-keys', { ...as(owner), body: { provider: 'openai', label: 'main', key: 'sk-openai-good-key-2' } })).status).toBe(201);
    const key = await createApiKey(t.url, owner, { name: 'inflight' });
    const pending = Array.from({ length: 12 }, (_, i) =>
      http(t.url, 'POST', '/v1/chat/completions', { apiKey: key.key, body: { model: 'openai/gpt-4o-mini~latency=1500', messages: [{ role: 'user', content: `slow ${i}` }] } }),
    );
    // While the upstream holds them, every one is in the registry with what the reconciler needs
    // (the fake holds each for 1.5 s; collected over the whole run, so a busy machine that starts them
    // late cannot make the check miss them).
    let done = false;
    const all = Promise.all(pending).finally(() => (done = true));
    const seen = new Map<string, { requestId: string; apiKeyId: string; requestedModel: string; inputTokens: number; startedAt: string }>();
    let scored = 0;
    while (!done) {
      const entries = await redis.hgetall(`${prefix}:inflight:data`);
      for (const [id, v] of Object.entries(entries)) seen.set(id, JSON.parse(v));
      // One command per registration: the sorted set older versions kept beside the hash stays empty.
      scored = Math.max(scored, await redis.zcard(`${prefix}:inflight`));
      await new Promise((r) => setTimeout(r, 25));
    }
    const results = await all;
    expect(results.map((r) => r.status)).toEqual(Array(12).fill(200));
    expect([...seen.keys()].sort()).toEqual(results.map((r) => r.headers.get('x-request-id')).sort());
    expect(scored).toBe(0);
    const recs = [...seen.values()];
    expect(recs.every((r) => r.apiKeyId === key.id && r.requestedModel === 'openai/gpt-4o-mini~latency=1500' && r.inputTokens > 0 && Number.isFinite(Date.parse(r.startedAt)))).toBe(true);
    expect(recs.map((r) => r.requestId).sort()).toEqual([...seen.keys()].sort());
    for (let i = 0; i < 50 && (await redis.hlen(`${prefix}:inflight:data`)) > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await redis.zcard(`${prefix}:inflight`)).toBe(0);
    expect(await redis.hlen(`${prefix}:inflight:data`)).toBe(0);
  });
});
