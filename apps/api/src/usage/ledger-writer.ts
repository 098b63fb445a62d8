import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PriceBook } from '../pricing/price-book.service';
import type { UsageEvent } from './usage-event';

const COLUMNS = [
  'request_id',
  'team_id',
  'membership_id',
  'user_id',
  'api_key_id',
  'provider_key_id',
  'provider',
  'endpoint',
  'requested_model',
  'served_model',
  'stream',
  'status',
  'error_code',
  'input_tokens',
  'cached_input_tokens',
  'cache_write_tokens',
  'output_tokens',
  'reasoning_tokens',
  'cost_nano_usd',
  'fee_nano_usd',
  'unpriced',
  'estimated',
  'latency_ms',
  'ttft_ms',
  'attempt_count',
  'attempts',
  'started_at',
  'finished_at',
];

function clampCount(n: unknown): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

/**
 * Sums the rows of `inserted` into usage_rollup_daily (one row per team, UTC day, member, key, provider,
 * model), in key order: concurrent batches then take the rollup rows' locks in the same order and
 * wait for each other instead of deadlocking.
 */
const ROLLUP_UPSERT = `INSERT INTO usage_rollup_daily AS r (team_id, day, membership_id, api_key_id, provider, model, requests, input_tokens, cached_input_tokens,
                                    cache_write_tokens, output_tokens, reasoning_tokens, cost_nano_usd, fee_nano_usd, unpriced_requests)
         SELECT team_id, (started_at AT TIME ZONE 'UTC')::date, membership_id, api_key_id, coalesce(provider, ''), coalesce(served_model, requested_model),
                count(*), sum(input_tokens), sum(cached_input_tokens), sum(cache_write_tokens), sum(output_tokens), sum(reasoning_tokens),
                sum(cost_nano_usd), sum(fee_nano_usd), count(*) FILTER (WHERE unpriced)
           FROM inserted
          GROUP BY 1, 2, 3, 4, 5, 6
          ORDER BY 1, 2, 3, 4, 5, 6
         ON CONFLICT (team_id, day, membership_id, api_key_id, provider, model) DO UPDATE SET
           requests = r.requests + excluded.requests,
           input_tokens = r.input_tokens + excluded.input_tokens,
           cached_input_tokens = r.cached_input_tokens + excluded.cached_input_tokens,
           cache_write_tokens = r.cache_write_tokens + excluded.cache_write_tokens,
           output_tokens = r.output_tokens + excluded.output_tokens,
           reasoning_tokens = r.reasoning_tokens + excluded.reasoning_tokens,
           cost_nano_usd = r.cost_nano_usd + excluded.cost_nano_usd,
           fee_nano_usd = r.fee_nano_usd + excluded.fee_nano_usd,
           unpriced_requests = r.unpriced_requests + excluded.unpriced_requests`;

/**
 * Writes ledger rows and their daily rollups in one statement (so one transaction and one round trip):
 * insert-or-ignore on the request id, and the rollups summed from what the insert returned, so a
 * redelivered event changes nothing and only newly inserted rows reach the rollups.
 */
@Injectable()
export class LedgerWriter {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly prices: PriceBook,
  ) {}

  async write(events: UsageEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    await this.prices.refresh();
    // One row per request id even inside a batch.
    const unique = [...new Map(events.map((e) => [e.requestId, e])).values()];
    const values: unknown[] = [];
    const tuples = unique.map((e, i) => {
      const tokens = {
        // The gateway reports all prompt tokens (libs/providers convention); billing prices uncached ones.
        inputTokens: Math.max(0, clampCount(e.inputTokens) - clampCount(e.cachedInputTokens) - clampCount(e.cacheWriteTokens)),
        cachedInputTokens: clampCount(e.cachedInputTokens),
        cacheWriteTokens: clampCount(e.cacheWriteTokens),
        outputTokens: clampCount(e.outputTokens),
        reasoningTokens: Math.min(clampCount(e.reasoningTokens), clampCount(e.outputTokens)),
      };
      const startedAt = new Date(e.startedAt);
      const priced = this.prices.price(e.provider, e.servedModel, e.teamId, startedAt, tokens);
      values.push(
        e.requestId,
        e.teamId,
        e.membershipId,
        e.userId,
        e.apiKeyId,
        e.providerKeyId,
        e.provider,
        e.endpoint,
        e.requestedModel,
        e.servedModel,
        e.stream,
        e.status,
        e.errorCode,
        clampCount(e.inputTokens),
        tokens.cachedInputTokens,
        tokens.cacheWriteTokens,
        tokens.outputTokens,
        tokens.reasoningTokens,
        priced.costNanoUsd.toString(),
        priced.feeNanoUsd.toString(),
        priced.unpriced,
        e.estimated,
        Math.max(0, Math.round(e.latencyMs)),
        e.ttftMs === null ? null : Math.max(0, Math.round(e.ttftMs)),
        e.attempts.length,
        JSON.stringify(e.attempts),
        startedAt,
        new Date(e.finishedAt),
      );
      const b = i * COLUMNS.length;
      return `(${COLUMNS.map((c, j) => `$${b + j + 1}${c === 'attempts' ? '::jsonb' : ''}`).join(',')})`;
    });
    // Data-modifying CTEs run once and to completion whatever the outer query reads; `rolled` sees
    // exactly the rows `inserted` returned (ON CONFLICT DO NOTHING returns none for known ids).
    const [row]: Array<{ inserted: number }> = await this.db.query(
      `WITH inserted AS (
         INSERT INTO usage_ledger (${COLUMNS.join(',')}) VALUES ${tuples.join(',')}
         ON CONFLICT (request_id) DO NOTHING
         RETURNING team_id, started_at, membership_id, api_key_id, provider, served_model, requested_model, input_tokens, cached_input_tokens,
                   cache_write_tokens, output_tokens, reasoning_tokens, cost_nano_usd, fee_nano_usd, unpriced
       ), rolled AS (
         ${ROLLUP_UPSERT}
       )
       SELECT count(*)::int AS inserted FROM inserted`,
      values,
    );
    return row?.inserted ?? 0;
  }
}
