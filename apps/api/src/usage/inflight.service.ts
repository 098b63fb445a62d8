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
 * Requests in flight, in Redis (one hash: request id -> the record, start time included): if an API
 * process dies mid-request, the reconciler closes the request as `incomplete` with an estimate.
 * One command registers the requests of a turn of the event loop and one removes a batch; the
 * reconciler, once a minute at most, scans the hash for records started too long ago. Before, a
 * sorted set by start time sat beside the hash: a second command on every registration and removal
 * for the reconciler's sake (the in-flight registry was the largest Redis cost per request at c=1 in
 * the bench profile). Records written by older versions are in the same hash and are found the same
 * way; their sorted-set members are dropped when the reconciler closes them.
 */
@Injectable()
export class InflightRegistry {
  private readonly logger = new Logger('Inflight');
  /** Only for records of older versions: their scores, dropped along with them. */
  private readonly legacyZkey: string;
  private readonly hkey: string;
  readonly reconcileAfterMs: number;
  private pendingData: string[] = [];
  private flushQueued = false;

  constructor(
    private readonly redis: RedisClient,
    config: AppConfig,
  ) {
    this.legacyZkey = redis.key('inflight');
    this.hkey = redis.key('inflight', 'data');
    this.reconcileAfterMs = config.get('INFLIGHT_RECONCILE_AFTER_MS') ?? config.get('GATEWAY_TOTAL_TIMEOUT_MS') + 60_000;
  }

  /**
   * Registers a request. Registrations made in one turn of the event loop leave together at its end
   * (setImmediate): one HSET for all of them, on the auto-pipelined client. Nothing waits on it; a
   * failure is logged. removeMany() sends what is waiting first, so a removal can never reach Redis
   * ahead of its registration.
   */
  add(rec: InflightRecord): void {
    this.pendingData.push(rec.requestId, JSON.stringify(rec));
    if (!this.flushQueued) {
      this.flushQueued = true;
      setImmediate(() => this.flush());
    }
  }

  /** Sends the registrations waiting for the end of this turn of the event loop. */
  flush(): void {
    this.flushQueued = false;
    if (this.pendingData.length === 0) return;
    const data = this.pendingData;
    this.pendingData = [];
    this.redis.redis.hset(this.hkey, ...data).catch((err: Error) => this.logger.warn({ err: err.message, requests: data.length / 2 }, 'could not register in-flight requests'));
  }

  async remove(requestId: string): Promise<void> {
    this.flush();
    await Promise.all([this.redis.redis.hdel(this.hkey, requestId), this.redis.redis.zrem(this.legacyZkey, requestId)]).catch(() => undefined);
  }

  async removeMany(requestIds: string[]): Promise<void> {
    if (requestIds.length === 0) return;
    this.flush();
    await this.redis.redis.hdel(this.hkey, ...requestIds).catch(() => undefined);
  }

  /**
   * Requests started longer ago than the reconcile threshold and never finished, at most `limit`
   * (the rest wait for the next run). Scans the whole hash: it holds only what is in flight now.
   */
  async stale(limit = 500): Promise<InflightRecord[]> {
    const before = Date.now() - this.reconcileAfterMs;
    const out: InflightRecord[] = [];
    const found = new Set<string>(); // HSCAN may return an entry twice
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.redis.hscan(this.hkey, cursor, 'COUNT', 1000);
      cursor = next;
      for (let i = 0; i < flat.length && out.length < limit; i += 2) {
        const rec = parseRecord(flat[i + 1]);
        if (rec === null) void this.remove(flat[i]); // unreadable: nothing to close it with
        else if (Date.parse(rec.startedAt) < before && !found.has(rec.requestId)) {
          found.add(rec.requestId);
          out.push(rec);
        }
      }
    } while (cursor !== '0' && out.length < limit);
    return out;
  }
}

function parseRecord(text: string): InflightRecord | null {
  try {
    const rec = JSON.parse(text) as InflightRecord;
    return typeof rec?.requestId === 'string' && typeof rec.startedAt === 'string' && Number.isFinite(Date.parse(rec.startedAt)) ? rec : null;
  } catch {
    return null;
  }
}
