import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RedisClient } from '../common/redis-client';

/** Logged-out sessions, shared by every API process until their access tokens have expired anyway. */
@Injectable()
export class SessionRevocations {
  constructor(
    private readonly redis: RedisClient,
    private readonly config: AppConfig,
  ) {}

  async revoke(sessionId: string): Promise<void> {
    await this.redis.redis.set(this.redis.key('revoked-session', sessionId), '1', 'EX', this.config.get('JWT_ACCESS_TTL_SECONDS') + 5);
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    return (await this.redis.redis.exists(this.redis.key('revoked-session', sessionId))) === 1;
  }
}
