import { Injectable, Logger } from '@nestjs/common';
import { RedisClient } from '../common/redis-client';
import { AppConfig } from '../config/app-config';
import type { UsageEvent } from './usage-event';

/** What is known of a request when it starts: enough to close it if its process dies. */
export type InflightRecord = Omit<UsageEvent, 'status' | 'finishedAt' | 'latencyMs' | 'ttftMs' | 'attempts' | 'errorCode' | 'estimated' | 'outputTokens' | 'cachedInputTokens' | 'cacheWriteTokens' | 'reasoningTokens' | 'providerKeyId' | 'provider' | 'servedModel'> & {
  provider: string | null;
  servedModel: string | null;
};

/**
 * Requests in flight, in Redis (a sorted set by start time plus their ids): if an API process dies
 * mid-request, the reconciler closes the request as `incomplete` with an estimate.
 */
@Injectable()
export class InflightRegistry {
  private readonly logger = new Logger('Inflight');
  private readonly zkey: string;
  private readonly hkey: string;
  readonly reconcileAfterMs: number;
  private pendingScores: Array<number | string> = [];
  private pendingData: string[] = [];
  private flushQueued = false;

  constructor(
    private readonly redis: RedisClient,
    config: AppConfig,
  ) {
    this.zkey = redis.key('inflight');
    this.hkey = redis.key('inflight', 'data');
    this.reconcileAfterMs = config.get('INFLIGHT_RECONCILE_AFTER_MS') ?? config.get('GATEWAY_TOTAL_TIMEOUT_MS') + 60_000;
  }

  /**
   * Registers a request. Registrations made in one turn of the event loop leave together at its end
   * (setImmediate): one ZADD and one HSET for all of them, plain commands, no MULTI, on the
   * auto-pipelined client. Two commands per request were ~4% of the API's CPU under load (bench
   * profile). Nothing waits on it; a failure is logged. removeMany() sends what is waiting first, so a
   * removal can never reach Redis ahead of its registration. A hash entry without its score is
   * harmless; stale() drops a score without data.
   */
  add(rec: InflightRecord): void {
    this.pendingScores.push(Date.now(), rec.requestId);
    this.pendingData.push(rec.requestId, JSON.stringify(rec));
    if (!this.flushQueued) {
      this.flushQueued = true;
      setImmediate(() => this.flush());
    }
  }

  /** Sends the registrations waiting for the end of this turn of the event loop. */
  flush(): void {
    this.flushQueued = false;
    if (this.pendingScores.length === 0) return;
    const scores = this.pendingScores;
    const data = this.pendingData;
    this.pendingScores = [];
    this.pendingData = [];
    Promise.all([this.redis.redis.zadd(this.zkey, ...scores), this.redis.redis.hset(this.hkey, ...data)]).catch((err: Error) =>
      this.logger.warn({ err: err.message, requests: scores.length / 2 }, 'could not register in-flight requests'),
    );
  }

  async remove(requestId: string): Promise<void> {
    await this.removeMany([requestId]);
  }

  async removeMany(requestIds: string[]): Promise<void> {
    if (requestIds.length === 0) return;
    this.flush();
    await Promise.all([this.redis.redis.zrem(this.zkey, ...requestIds), this.redis.redis.hdel(this.hkey, ...requestIds)]).catch(() => undefined);
  }

  /** Requests started longer ago than the reconcile threshold and never finished. */
  async stale(limit = 500): Promise<InflightRecord[]> {
    const ids = await this.redis.redis.zrangebyscore(this.zkey, 0, Date.now() - this.reconcileAfterMs, 'LIMIT', 0, limit);
    if (ids.length === 0) return [];
    const values = await this.redis.redis.hmget(this.hkey, ...ids);
    const out: InflightRecord[] = [];
    ids.forEach((id, i) => {
      const v = values[i];
      if (v) out.push(JSON.parse(v) as InflightRecord);
      else void this.remove(id);
    });
    return out;
  }
}
