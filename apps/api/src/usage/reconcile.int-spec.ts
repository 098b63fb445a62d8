import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { TestApp, startTestApp } from '../../../../test/support/app';
import { waitFor } from '../../../../test/support/stack';
import { createApiKey, signupOwner } from '../../../../test/support/tenants';
import { InflightRegistry, type InflightRecord } from './inflight.service';
import { ReconcileProcessor } from './reconcile.processor';

/**
 * The in-flight registry and its reconciler, as after a crash: records left behind by a process that
 * died are closed as `incomplete` estimates in the ledger by the worker, records still young are left
 * alone, and records in the layout of older versions (a sorted set beside the hash) are closed too.
 */
describe('in-flight reconciler: a lost process\' requests reach the ledger as incomplete (real Redis + Postgres)', () => {
  const AFTER_MS = 60_000;
  let t: TestApp;
  let redis: Redis;
  let pg: Client;
  let prefix: string;
  let ids: { teamId: string; membershipId: string; userId: string; apiKeyId: string };

  beforeAll(async () => {
    t = await startTestApp('reconcile', { INFLIGHT_RECONCILE_AFTER_MS: String(AFTER_MS) }, { withWorker: true });
    prefix = process.env.QUEUE_PREFIX as string;
    redis = new Redis(process.env.REDIS_URL as string, { maxRetriesPerRequest: null });
    pg = new Client({ connectionString: t.db.url });
    await pg.connect();
    const owner = await signupOwner(t.url, 'reconcile');
    const key = await createApiKey(t.url, owner, { name: 'reconcile' });
    const row = (await pg.query(`SELECT membership_id, user_id FROM api_keys WHERE id = $1`, [key.id])).rows[0] as { membership_id: string; user_id: string };
    ids = { teamId: owner.teamId, membershipId: row.membership_id, userId: row.user_id, apiKeyId: key.id };
  });
  afterAll(async () => {
    await pg.end();
    redis.disconnect();
    await t.close();
  });

  const record = (startedAt: Date, inputTokens: number): InflightRecord => ({
    requestId: `req-${randomUUID()}`,
    ...ids,
    provider: 'openai',
    servedModel: 'gpt-4o-mini',
    endpoint: 'chat',
    requestedModel: 'openai/gpt-4o-mini',
    stream: false,
    inputTokens,
    startedAt: startedAt.toISOString(),
  });

  it('closes records older than the threshold (this layout and the old one), keeps young ones, drops unreadable ones', async () => {
    const registry = t.app.get(InflightRegistry);
    const old = record(new Date(Date.now() - AFTER_MS - 120_000), 41);
    const young = record(new Date(), 7);
    registry.add(old);
    registry.add(young);
    registry.flush();
    // As an older version registered: the hash entry plus a score in the sorted set.
    const legacy = record(new Date(Date.now() - AFTER_MS - 60_000), 13);
    await redis.hset(`${prefix}:inflight:data`, legacy.requestId, JSON.stringify(legacy));
    await redis.zadd(`${prefix}:inflight`, Date.parse(legacy.startedAt), legacy.requestId);
    await redis.hset(`${prefix}:inflight:data`, 'req-garbled', '{not json');
    await waitFor(async () => (await redis.hlen(`${prefix}:inflight:data`)) === 4, 5_000, 'the registrations to reach Redis');

    const stale = await registry.stale();
    expect(stale.map((r) => r.requestId).sort()).toEqual([old.requestId, legacy.requestId].sort());

    await t.worker!.get(ReconcileProcessor).reconcile();
    const rows = async () =>
      (
        await pg.query(
          `SELECT request_id, status, error_code, estimated, input_tokens::int AS input_tokens, output_tokens::int AS output_tokens, api_key_id
             FROM usage_ledger WHERE team_id = $1 ORDER BY input_tokens`,
          [ids.teamId],
        )
      ).rows;
    await waitFor(async () => (await rows()).length === 2, 10_000, 'the reconciled rows to reach the ledger');
    expect(await rows()).toEqual([
      { request_id: legacy.requestId, status: 'incomplete', error_code: 'process_lost', estimated: true, input_tokens: 13, output_tokens: 0, api_key_id: ids.apiKeyId },
      { request_id: old.requestId, status: 'incomplete', error_code: 'process_lost', estimated: true, input_tokens: 41, output_tokens: 0, api_key_id: ids.apiKeyId },
    ]);
    // The young request is still in flight; the closed ones, the legacy score and the garbled entry are gone.
    await waitFor(async () => (await redis.hlen(`${prefix}:inflight:data`)) === 1, 5_000, 'the registry to hold only the young request');
    expect(Object.keys(await redis.hgetall(`${prefix}:inflight:data`))).toEqual([young.requestId]);
    expect(await redis.zcard(`${prefix}:inflight`)).toBe(0);

    // When the young one ends, its removal empties the registry.
    await registry.removeMany([young.requestId]);
    expect(await redis.hlen(`${prefix}:inflight:data`)).toBe(0);
  });
});
