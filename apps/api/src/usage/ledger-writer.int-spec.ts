import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { TestApp, startTestApp } from '../../../../test/support/app';
import { createApiKey, signupOwner } from '../../../../test/support/tenants';
import { LedgerWriter } from './ledger-writer';
import type { UsageEvent } from './usage-event';

/**
 * The ledger writer against real Postgres: rows are inserted once per request id, and the daily
 * rollups always equal the sums of the ledger rows they cover, through redelivered, overlapping and
 * concurrent batches (one statement writes both, so a batch can't land in one and not the other).
 */
describe('ledger writer: append-only rows and their daily rollups (real Postgres)', () => {
  let t: TestApp;
  let pg: Client;
  let writer: LedgerWriter;
  let ids: { teamId: string; membershipId: string; userId: string; apiKeyId: string };

  beforeAll(async () => {
    t = await startTestApp('ledgerwriter', {}, { withWorker: true });
    writer = t.worker!.get(LedgerWriter);
    pg = new Client({ connectionString: t.db.url });
    await pg.connect();
    const owner = await signupOwner(t.url, 'ledger');
    const key = await createApiKey(t.url, owner, { name: 'ledger' });
    const row = (await pg.query(`SELECT membership_id, user_id FROM api_keys WHERE id = $1`, [key.id])).rows[0] as { membership_id: string; user_id: string };
    ids = { teamId: owner.teamId, membershipId: row.membership_id, userId: row.user_id, apiKeyId: key.id };
  });
  afterAll(async () => {
    await pg.end();
    await t.close();
  });

  const event = (requestId: string, i: number): UsageEvent => {
    // two UTC days, two models, varied counts
    const started = new Date(Date.UTC(2026, 10, 1 + (i % 2), 12, 0, i % 60));
    return {
      requestId,
      ...ids,
      providerKeyId: null,
      provider: 'openai',
      endpoint: 'chat',
      requestedModel: i % 3 === 0 ? 'openai/gpt-4o' : 'openai/gpt-4o-mini',
      servedModel: i % 3 === 0 ? 'gpt-4o' : 'gpt-4o-mini',
      stream: i % 2 === 0,
      status: 'success',
      errorCode: null,
      inputTokens: 100 + i,
      cachedInputTokens: i % 4 === 0 ? 20 : 0,
      cacheWriteTokens: 0,
      outputTokens: 10 + i,
      reasoningTokens: 0,
      estimated: false,
      latencyMs: 12.5,
      ttftMs: null,
      startedAt: started.toISOString(),
      finishedAt: new Date(started.getTime() + 13).toISOString(),
      attempts: [{ provider: 'openai', model: 'gpt-4o-mini', providerKeyId: null, outcome: 'success', latencyMs: 12 }],
      reservationId: null,
    };
  };
  const batch = (requestIds: string[], offset = 0) => requestIds.map((id, i) => event(id, i + offset));
  const newIds = (n: number) => Array.from({ length: n }, () => `req-${randomUUID()}`);

  /** Ledger sums and rollup sums per (day, model) for the team, as comparable strings. */
  async function sums(): Promise<{ ledger: string[]; rollup: string[]; rows: number }> {
    const ledger = await pg.query(
      `SELECT (started_at AT TIME ZONE 'UTC')::date::text AS day, served_model AS model, count(*)::text AS n, sum(input_tokens)::text AS i, sum(cached_input_tokens)::text AS c,
              sum(output_tokens)::text AS o, sum(cost_nano_usd)::text AS cost, sum(fee_nano_usd)::text AS fee
         FROM usage_ledger WHERE team_id = $1 GROUP BY 1, 2 ORDER BY 1, 2`,
      [ids.teamId],
    );
    const rollup = await pg.query(
      `SELECT day::text AS day, model, sum(requests)::text AS n, sum(input_tokens)::text AS i, sum(cached_input_tokens)::text AS c,
              sum(output_tokens)::text AS o, sum(cost_nano_usd)::text AS cost, sum(fee_nano_usd)::text AS fee
         FROM usage_rollup_daily WHERE team_id = $1 GROUP BY 1, 2 ORDER BY 1, 2`,
      [ids.teamId],
    );
    const rows = (await pg.query(`SELECT count(*)::int AS n FROM usage_ledger WHERE team_id = $1`, [ids.teamId])).rows[0].n as number;
    const fmt = (r: Record<string, string>) => `${r.day} ${r.model} n=${r.n} in=${r.i} cached=${r.c} out=${r.o} cost=${r.cost} fee=${r.fee}`;
    return { ledger: ledger.rows.map(fmt), rollup: rollup.rows.map(fmt), rows };
  }

  it('a batch lands once: its rows, and rollups equal to their sums; delivered again it changes nothing', async () => {
    const first = newIds(30);
    expect(await writer.write(batch(first))).toBe(30);
    const after = await sums();
    expect(after.rows).toBe(30);
    expect(after.ledger).toHaveLength(4); // 2 days x 2 models
    expect(after.rollup).toEqual(after.ledger);
    expect(Number((await pg.query(`SELECT sum(cost_nano_usd)::text AS c FROM usage_ledger WHERE team_id = $1`, [ids.teamId])).rows[0].c)).toBeGreaterThan(0);

    expect(await writer.write(batch(first))).toBe(0);
    expect(await sums()).toEqual(after);
  });

  it('an overlapping batch with a duplicate inside adds only its new requests', async () => {
    const before = await sums();
    const known = (await pg.query(`SELECT request_id FROM usage_ledger WHERE team_id = $1 ORDER BY request_id LIMIT 10`, [ids.teamId])).rows.map((r: { request_id: string }) => r.request_id);
    const fresh = newIds(10);
    const events = [...batch(known), ...batch(fresh, 7), event(fresh[0], 7)];
    expect(await writer.write(events)).toBe(10);
    const after = await sums();
    expect(after.rows).toBe(before.rows + 10);
    expect(after.rollup).toEqual(after.ledger);
  });

  it('concurrent overlapping batches: every request once, rollups still equal the ledger', async () => {
    const before = await sums();
    const pool = newIds(60);
    const results = await Promise.all([writer.write(batch(pool.slice(0, 40))), writer.write(batch(pool.slice(20, 60), 20)), writer.write(batch(pool.slice(10, 50), 10))]);
    expect(results.reduce((a, b) => a + b, 0)).toBe(60);
    const after = await sums();
    expect(after.rows).toBe(before.rows + 60);
    expect(after.rollup).toEqual(after.ledger);
  });

  it('every column lands as sent, nulls, quotes, backslashes, commas, braces and non-ASCII included (one array parameter per column)', async () => {
    const awkward = 'a "quoted", {braced} \\ back\\slash, NULL, ünïcødé ☃';
    const requestId = `req-${randomUUID()}`;
    const e: UsageEvent = {
      ...event(requestId, 0),
      servedModel: null,
      provider: null,
      requestedModel: `openai/${awkward}`,
      status: 'upstream_error',
      errorCode: 'NULL', // the word, not a null
      ttftMs: 7.6,
      latencyMs: 0.4,
      estimated: true,
      stream: true,
      inputTokens: 3_000_000_000, // past int4: the column is bigint
      attempts: [{ provider: 'openai', model: awkward, providerKeyId: null, outcome: 'error', latencyMs: 3, errorCode: 'x"y\\z' }],
    };
    expect(await writer.write([e, event(`req-${randomUUID()}`, 1)])).toBe(2);
    const row = (
      await pg.query(
        `SELECT provider, served_model, requested_model, status, error_code, ttft_ms, latency_ms, estimated, stream, input_tokens::text AS input_tokens,
                attempt_count, attempts, started_at, finished_at, provider_key_id, membership_id, unpriced
           FROM usage_ledger WHERE request_id = $1`,
        [requestId],
      )
    ).rows[0];
    expect(row).toEqual({
      provider: null,
      served_model: null,
      requested_model: `openai/${awkward}`,
      status: 'upstream_error',
      error_code: 'NULL',
      ttft_ms: 8,
      latency_ms: 0,
      estimated: true,
      stream: true,
      input_tokens: '3000000000',
      attempt_count: 1,
      attempts: e.attempts,
      started_at: new Date(e.startedAt),
      finished_at: new Date(e.finishedAt),
      provider_key_id: null,
      membership_id: ids.membershipId,
      unpriced: true,
    });
    // The rollup keys a row without a served model by the requested one.
    const rollup = await pg.query(`SELECT provider, requests::int AS requests FROM usage_rollup_daily WHERE team_id = $1 AND model = $2`, [ids.teamId, `openai/${awkward}`]);
    expect(rollup.rows).toEqual([{ provider: '', requests: 1 }]);
  });
});
