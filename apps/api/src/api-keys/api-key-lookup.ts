import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import type { ApiKeyAuthContext } from '../auth/auth-context';
import { hexEqual, hmacSha256Hex } from '../common/crypto';
import { RedisClient } from '../common/redis-client';
import { AppConfig } from '../config/app-config';
import type { TeamRole } from '../members/membership.entity';
import { parseApiKey } from './api-key-format';

interface CachedKey {
  ctx: ApiKeyAuthContext;
  secretHash: string;
  revoked: boolean;
  keyExpiresAt: number | null;
  cachedUntil: number;
  /**
   * The secret that last passed the HMAC check against secretHash, so the same key's next requests are
   * checked with one constant-time comparison instead of an HMAC: createHmac costs 7-13 µs per request
   * on a busy process (OpenSSL's context set-up with cold caches; the bench profile and an A/B run,
   * README Performance). Lives only as long as this entry (API_KEY_CACHE_TTL_MS, dropped on revocation
   * and change), in this process' memory, which already holds the pepper and the vault keyring; it is
   * never logged, sent or stored anywhere else.
   */
  verified?: Buffer;
}

const NEGATIVE_TTL_MS = 5_000;
const MAX_ENTRIES = 100_000;
const LAST_USED_FLUSH_MS = 10_000;

/**
 * Authenticates member API keys on the gateway hot path without a Postgres query per request:
 * entries are cached in process and dropped in every API process through Redis pub/sub on
 * revocation or change (and by TTL as a backstop).
 */
@Injectable()
export class ApiKeyLookup implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ApiKeyLookup.name);
  private readonly cache = new Map<string, CachedKey | { missing: true; cachedUntil: number }>();
  private readonly inflight = new Map<string, Promise<CachedKey | null>>();
  private readonly usedSinceFlush = new Set<string>();
  private subscriber?: Redis;
  private flushTimer?: NodeJS.Timeout;
  private readonly channel: string;
  private readonly pepper: string;
  private readonly ttlMs: number;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly redis: RedisClient,
    config: AppConfig,
  ) {
    this.channel = redis.key('api-key-invalidate');
    this.pepper = config.get('API_KEY_PEPPER');
    this.ttlMs = config.get('API_KEY_CACHE_TTL_MS');
  }

  async onModuleInit(): Promise<void> {
    this.subscriber = this.redis.duplicate('api-key-invalidate');
    this.subscriber.on('message', (_channel: string, prefix: string) => {
      if (prefix === '*') this.cache.clear();
      else this.cache.delete(prefix);
    });
    // After a reconnect we may have missed messages: start over.
    this.subscriber.on('ready', () => this.cache.clear());
    await this.subscriber.subscribe(this.channel).catch((err: Error) => this.logger.warn({ err: err.message }, 'api key invalidation channel unavailable'));
    this.flushTimer = setInterval(() => void this.flushLastUsed(), LAST_USED_FLUSH_MS);
    this.flushTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.flushTimer);
    await this.flushLastUsed();
    this.subscriber?.disconnect();
  }

  /** Tells every API process to forget these keys (call after revoke or change). */
  async invalidate(prefixes: string[]): Promise<void> {
    for (const p of prefixes) this.cache.delete(p);
    await Promise.all(prefixes.map((p) => this.redis.redis.publish(this.channel, p)));
  }

  async authenticate(presented: string): Promise<ApiKeyAuthContext | null> {
    const parsed = parseApiKey(presented);
    if (!parsed) return null;
    const entry = await this.load(parsed.prefix);
    if (!entry) return null;
    const secret = Buffer.from(parsed.secret);
    // A wrong secret never replaces the verified one: it must pass the HMAC check first.
    if (!(entry.verified && entry.verified.length === secret.length && timingSafeEqual(entry.verified, secret))) {
      if (!hexEqual(hmacSha256Hex(this.pepper, parsed.secret), entry.secretHash)) return null;
      entry.verified = secret;
    }
    if (entry.revoked) return null;
    if (entry.keyExpiresAt !== null && entry.keyExpiresAt <= Date.now()) return null;
    this.usedSinceFlush.add(entry.ctx.apiKeyId);
    return entry.ctx;
  }

  private async load(prefix: string): Promise<CachedKey | null> {
    const now = Date.now();
    const hit = this.cache.get(prefix);
    if (hit && hit.cachedUntil > now) return 'missing' in hit ? null : hit;
    let pending = this.inflight.get(prefix);
    if (!pending) {
      pending = this.fetch(prefix).finally(() => this.inflight.delete(prefix));
      this.inflight.set(prefix, pending);
    }
    return pending;
  }

  private async fetch(prefix: string): Promise<CachedKey | null> {
    const rows: Array<{
      id: string;
      team_id: string;
      user_id: string;
      membership_id: string;
      secret_hash: string;
      model_allowlist: string[] | null;
      expires_at: Date | null;
      revoked_at: Date | null;
      role: TeamRole;
    }> = await this.db.query(
      `SELECT k.id, k.team_id, k.user_id, k.membership_id, k.secret_hash, k.model_allowlist, k.expires_at, k.revoked_at, m.role
         FROM api_keys k JOIN memberships m ON m.id = k.membership_id
        WHERE k.prefix = $1`,
      [prefix],
    );
    if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
    const r = rows[0];
    if (!r) {
      this.cache.set(prefix, { missing: true, cachedUntil: Date.now() + NEGATIVE_TTL_MS });
      return null;
    }
    const entry: CachedKey = {
      ctx: {
        kind: 'apiKey',
        apiKeyId: r.id,
        prefix,
        teamId: r.team_id,
        userId: r.user_id,
        membershipId: r.membership_id,
        role: r.role,
        modelAllowlist: r.model_allowlist,
      },
      secretHash: r.secret_hash,
      revoked: r.revoked_at !== null,
      keyExpiresAt: r.expires_at ? r.expires_at.getTime() : null,
      cachedUntil: Date.now() + this.ttlMs,
    };
    this.cache.set(prefix, entry);
    return entry;
  }

  private async flushLastUsed(): Promise<void> {
    if (this.usedSinceFlush.size === 0) return;
    const ids = [...this.usedSinceFlush];
    this.usedSinceFlush.clear();
    await this.db.query(`UPDATE api_keys SET last_used_at = now() WHERE id = ANY($1::uuid[])`, [ids]).catch((err: Error) => {
      this.logger.warn({ err: err.message }, 'could not record api key last use');
    });
  }
}
