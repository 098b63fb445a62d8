import { Redis, RedisOptions } from 'ioredis';

/**
 * BullMQ needs `maxRetriesPerRequest: null` on connections used by workers; producers keep a small
 * retry budget so a Redis outage fails fast (callers then fall back, e.g. to a Postgres outbox).
 */
export function createRedis(url: string, role: 'producer' | 'worker' | 'client', name: string): Redis {
  const options: RedisOptions = {
    connectionName: `tollgate:${name}`,
    lazyConnect: false,
    enableReadyCheck: true,
    maxRetriesPerRequest: role === 'worker' ? null : 2,
    enableOfflineQueue: role === 'worker',
    retryStrategy: (times) => Math.min(times * 200, 2000),
    // Commands issued in the same tick by concurrent requests leave in one write (fewer syscalls).
    enableAutoPipelining: role === 'client',
  };
  return new Redis(url, options);
}
