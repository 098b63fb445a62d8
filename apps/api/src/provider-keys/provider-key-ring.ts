import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { RedisClient } from '../common/redis-client';
import type { SealedSecret } from '../common/envelope';

/** A team's provider key as the gateway sees it: sealed; decrypted on first use while the ring holds it (VaultService.openHeld). */
export interface RingKey {
  id: string;
  teamId: string;
  provider: string;
  baseUrl: string | null;
  organization: string | null;
  project: string | null;
  weight: number;
  priority: number;
  status: string;
  cooldownUntil: number | null;
  sealed: SealedSecret;
}

const TTL_MS = 60_000;

/**
 * Per-team cache of sealed provider keys for the gateway hot path (no Postgres query per request).
 * Changes are announced on Redis pub/sub so every API process reloads the team.
 */
@Injectable()
export class ProviderKeyRing implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ProviderKeyRing');
  private readonly cache = new Map<string, { keys: RingKey[]; until: number }>();
  private readonly inflight = new Map<string, Promise<RingKey[]>>();
  private subscriber?: Redis;
  private readonly channel: string;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly redis: RedisClient,
  ) {
    this.channel = redis.key('provider-keys-changed');
  }

  async onModuleInit(): Promise<void> {
    this.subscriber = this.redis.duplicate('provider-keys-changed');
    this.subscriber.on('message', (_c: string, teamId: string) => (teamId === '*' ? this.cache.clear() : this.cache.delete(teamId)));
    this.subscriber.on('ready', () => this.cache.clear());
    await this.subscriber.subscribe(this.channel).catch((err: Error) => this.logger.warn({ err: err.message }, 'provider key change channel unavailable'));
  }

  onModuleDestroy(): void {
    this.subscriber?.disconnect();
  }

  async invalidate(teamId: string | '*'): Promise<void> {
    if (teamId === '*') this.cache.clear();
    else this.cache.delete(teamId);
    await this.redis.redis.publish(this.channel, teamId).catch(() => undefined);
  }

  async keysFor(teamId: string): Promise<RingKey[]> {
    const hit = this.cache.get(teamId);
    if (hit && hit.until > Date.now()) return hit.keys;
    let p = this.inflight.get(teamId);
    if (!p) {
      p = this.load(teamId).finally(() => this.inflight.delete(teamId));
      this.inflight.set(teamId, p);
    }
    return p;
  }

  private async load(teamId: string): Promise<RingKey[]> {
    const rows: Array<{
      id: string;
      provider: string;
      base_url: string | null;
      organization: string | null;
      project: string | null;
      weight: number;
      priority: number;
      status: string;
      cooldown_until: Date | null;
      secret_ciphertext: Buffer;
      wrapped_key: Buffer;
      kek_id: string;
    }> = await this.db.query(
      `SELECT id, provider, base_url, organization, project, weight, priority, status, cooldown_until, secret_ciphertext, wrapped_key, kek_id
         FROM provider_keys WHERE team_id = $1 ORDER BY priority DESC, created_at ASC`,
      [teamId],
    );
    const keys = rows.map((r) => ({
      id: r.id,
      teamId,
      provider: r.provider,
      baseUrl: r.base_url,
      organization: r.organization,
      project: r.project,
      weight: r.weight,
      priority: r.priority,
      status: r.status,
      cooldownUntil: r.cooldown_until ? r.cooldown_until.getTime() : null,
      sealed: { ciphertext: r.secret_ciphertext, wrappedKey: r.wrapped_key, kekId: r.kek_id },
    }));
    this.cache.set(teamId, { keys, until: Date.now() + TTL_MS });
    return keys;
  }
}
