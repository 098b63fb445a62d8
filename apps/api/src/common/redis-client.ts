import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config';
import { createRedis } from '../queues/redis';

/** One general-purpose Redis connection per process (sessions, caches, limits), keys under QUEUE_PREFIX. */
@Injectable()
export class RedisClient implements OnApplicationShutdown {
  readonly redis: Redis;
  readonly prefix: string;

  constructor(config: AppConfig) {
    this.redis = createRedis(config.get('REDIS_URL'), 'client', 'client');
    this.redis.on('error', () => undefined);
    this.prefix = config.get('QUEUE_PREFIX');
  }

  key(...parts: string[]): string {
    return [this.prefix, ...parts].join(':');
  }

  /** A dedicated connection for SUBSCRIBE (a subscribed connection can do nothing else). */
  duplicate(name: string): Redis {
    const sub = this.redis.duplicate({ connectionName: `tollgate:${name}`, maxRetriesPerRequest: null, enableOfflineQueue: true });
    sub.on('error', () => undefined);
    return sub;
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}
