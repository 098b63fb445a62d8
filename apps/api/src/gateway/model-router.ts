import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isProviderId } from '@tollgate/providers';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { ApiError } from '../common/api-error';
import { RedisClient } from '../common/redis-client';
import { ProviderKeyRing, RingKey } from '../provider-keys/provider-key-ring';
import type { RouteTarget } from '../routes/route.entity';

export interface Target {
  /** `provider/model` as the client names it */
  id: string;
  provider: string;
  model: string;
}

const ROUTE_TTL_MS = 60_000;

/** Splits `provider/model` (model ids may contain `/`, e.g. groq's). */
export function parseModelId(id: string): Target | null {
  const i = id.indexOf('/');
  if (i <= 0 || i === id.length - 1) return null;
  const provider = id.slice(0, i);
  if (!isProviderId(provider)) return null;
  return { id, provider, model: id.slice(i + 1) };
}

/** Orders by weight: the first pick is weighted-random; the rest follow in their listed order. */
export function weightedOrder<T>(items: T[], weight: (t: T) => number, rnd = Math.random): T[] {
  if (items.length <= 1) return items;
  const total = items.reduce((s, t) => s + Math.max(0, weight(t)), 0);
  if (total <= 0) return items;
  let r = rnd() * total;
  let first = 0;
  for (let i = 0; i < items.length; i++) {
    r -= Math.max(0, weight(items[i]));
    if (r < 0) {
      first = i;
      break;
    }
  }
  return [items[first], ...items.slice(0, first), ...items.slice(first + 1)];
}

/**
 * Turns a requested model (`provider/model` or a team alias) into an ordered list of targets, and a
 * provider into the team's usable keys (priority first, then weighted; invalid and cooling keys skipped).
 */
@Injectable()
export class ModelRouter implements OnModuleInit, OnModuleDestroy {
  private readonly routes = new Map<string, { byName: Map<string, RouteTarget[]>; until: number }>();
  private subscriber?: Redis;
  private readonly channel: string;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ring: ProviderKeyRing,
    private readonly redis: RedisClient,
  ) {
    this.channel = redis.key('routes-changed');
  }

  async onModuleInit(): Promise<void> {
    this.subscriber = this.redis.duplicate('routes-changed');
    this.subscriber.on('message', (_c: string, teamId: string) => this.routes.delete(teamId));
    this.subscriber.on('ready', () => this.routes.clear());
    await this.subscriber.subscribe(this.channel).catch(() => undefined);
  }

  onModuleDestroy(): void {
    this.subscriber?.disconnect();
  }

  async invalidateRoutes(teamId: string): Promise<void> {
    this.routes.delete(teamId);
    await this.redis.redis.publish(this.channel, teamId).catch(() => undefined);
  }

  async teamRoutes(teamId: string): Promise<Map<string, RouteTarget[]>> {
    const hit = this.routes.get(teamId);
    if (hit && hit.until > Date.now()) return hit.byName;
    const rows: Array<{ name: string; targets: RouteTarget[] }> = await this.db.query(`SELECT name, targets FROM routes WHERE team_id = $1`, [teamId]);
    const byName = new Map(rows.map((r) => [r.name, r.targets]));
    this.routes.set(teamId, { byName, until: Date.now() + ROUTE_TTL_MS });
    return byName;
  }

  async resolve(teamId: string, requested: string, allowlist: string[] | null): Promise<Target[]> {
    if (allowlist && !allowlist.includes(requested)) {
      throw new ApiError(403, 'model_not_allowed', `This API key may not use model "${requested}"`, 'permission_error');
    }
    const alias = (await this.teamRoutes(teamId)).get(requested);
    if (alias) {
      const targets = weightedOrder(alias, (t) => t.weight)
        .map((t) => parseModelId(t.model))
        .filter((t): t is Target => t !== null);
      if (targets.length === 0) throw new ApiError(404, 'not_found', `Route "${requested}" has no usable targets`, 'not_found_error');
      return targets;
    }
    const target = parseModelId(requested);
    if (!target) {
      throw new ApiError(404, 'not_found', `Model "${requested}" not found: use provider/model (e.g. openai/gpt-4o-mini) or a route name`, 'not_found_error');
    }
    return [target];
  }

  /** Keys usable now for a provider, in the order to try them. */
  async keysFor(teamId: string, provider: string, now = Date.now()): Promise<RingKey[]> {
    const usable: RingKey[] = [];
    for (const k of await this.ring.keysFor(teamId)) {
      if (k.provider !== provider) continue;
      if (k.status === 'active' || k.status === 'unverified' || (k.status === 'cooling_down' && (k.cooldownUntil ?? 0) <= now)) usable.push(k);
    }
    if (usable.length <= 1) return usable; // the common case: nothing to order
    const byPriority = new Map<number, RingKey[]>();
    for (const k of usable) byPriority.set(k.priority, [...(byPriority.get(k.priority) ?? []), k]);
    return [...byPriority.keys()].sort((a, b) => b - a).flatMap((p) => shuffleWeighted(byPriority.get(p) ?? []));
  }
}

/** A weighted random permutation (Efraimidis-Spirakis). */
function shuffleWeighted<T extends { weight: number }>(items: T[]): T[] {
  if (items.length <= 1) return items;
  return items
    .map((k) => ({ k, score: k.weight > 0 ? Math.pow(Math.random(), 1 / k.weight) : -1 }))
    .sort((a, b) => b.score - a.score)
    .map((x) => x.k);
}
