import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import type { ApiKeyAuthContext } from '../auth/auth-context';
import { ApiError } from '../common/api-error';
import { RedisClient } from '../common/redis-client';
import type { Target } from '../gateway/model-router';
import { PriceBook } from '../pricing/price-book.service';
import type { UsageEvent } from './usage-event';

interface BudgetRule {
  id: string;
  scope: 'team' | 'member' | 'api_key';
  subjectId: string;
  period: 'day' | 'month' | 'total';
  amountNanoUsd: bigint;
  mode: 'hard' | 'soft';
}

interface RateRule {
  id: string;
  scope: 'team' | 'member' | 'api_key';
  subjectId: string;
  rpm: number | null;
  tpm: number | null;
}

export interface Admission {
  reservationId: string;
  reservedNanoUsd: bigint;
  reservedTokens: number;
  budgetKeys: string[];
  tpmKeys: string[];
  teamId: string;
}

const RULES_TTL_MS = 30_000;
/** Used as the worst-case output when a request under a hard budget sets no max_tokens (then injected). */
export const BUDGET_DEFAULT_MAX_TOKENS = 4096;

/**
 * One Redis round trip decides admission: fixed one-minute windows for RPM/TPM and atomic
 * worst-case reservations against hard budgets, all or nothing. Returns 0 when admitted, or the
 * 1-based index of the first limit that refused.
 */
const ADMIT_LUA = `
local n_rpm = tonumber(ARGV[1]); local n_tpm = tonumber(ARGV[2]); local n_budget = tonumber(ARGV[3])
local tokens = tonumber(ARGV[4]); local reserve = tonumber(ARGV[5]); local ttl = tonumber(ARGV[6])
local a = 7; local k = 1
for i = 1, n_rpm do
  local cur = tonumber(redis.call('GET', KEYS[k]) or '0')
  if cur + 1 > tonumber(ARGV[a]) then return k end
  k = k + 1; a = a + 1
end
for i = 1, n_tpm do
  local cur = tonumber(redis.call('GET', KEYS[k]) or '0')
  if cur + tokens > tonumber(ARGV[a]) then return k end
  k = k + 1; a = a + 1
end
for i = 1, n_budget do
  local cur = tonumber(redis.call('GET', KEYS[k]) or '0')
  if cur + reserve > tonumber(ARGV[a]) then return k end
  k = k + 1; a = a + 1
end
k = 1
for i = 1, n_rpm do redis.call('INCR', KEYS[k]); redis.call('EXPIRE', KEYS[k], ttl); k = k + 1 end
for i = 1, n_tpm do redis.call('INCRBY', KEYS[k], tokens); redis.call('EXPIRE', KEYS[k], ttl); k = k + 1 end
for i = 1, n_budget do redis.call('INCRBY', KEYS[k], reserve); k = k + 1 end
return 0
`;

export function periodStart(period: 'day' | 'month' | 'total', now = new Date()): Date {
  if (period === 'total') return new Date(0);
  if (period === 'day') return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/**
 * Budgets and rate limits on the gateway hot path. Rules are cached per team (reloaded on change
 * through Redis pub/sub); counters live in Redis so every API process shares them.
 */
@Injectable()
export class AdmissionService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Admission');
  private readonly rules = new Map<string, { budgets: BudgetRule[]; rates: RateRule[]; until: number }>();
  private subscriber?: Redis;
  private readonly channel: string;

  constructor(
    private readonly redis: RedisClient,
    @InjectDataSource() private readonly db: DataSource,
    private readonly prices: PriceBook,
  ) {
    this.channel = redis.key('limits-changed');
  }

  async onModuleInit(): Promise<void> {
    this.redis.redis.defineCommand('tollgateAdmit', { lua: ADMIT_LUA });
    this.subscriber = this.redis.duplicate('limits-changed');
    this.subscriber.on('message', (_c: string, teamId: string) => this.rules.delete(teamId));
    this.subscriber.on('ready', () => this.rules.clear());
    await this.subscriber.subscribe(this.channel).catch(() => undefined);
    await this.prices.refresh(true).catch(() => undefined);
  }

  onModuleDestroy(): void {
    this.subscriber?.disconnect();
  }

  async invalidate(teamId: string): Promise<void> {
    this.rules.delete(teamId);
    await this.redis.redis.publish(this.channel, teamId).catch(() => undefined);
  }

  private async rulesFor(teamId: string): Promise<{ budgets: BudgetRule[]; rates: RateRule[] }> {
    const hit = this.rules.get(teamId);
    if (hit && hit.until > Date.now()) return hit;
    const [budgets, rates] = await Promise.all([
      this.db.query(`SELECT id, scope, membership_id, api_key_id, period, amount_nano_usd, mode FROM budgets WHERE team_id = $1`, [teamId]) as Promise<
        Array<{ id: string; scope: BudgetRule['scope']; membership_id: string | null; api_key_id: string | null; period: BudgetRule['period']; amount_nano_usd: string; mode: BudgetRule['mode'] }>
      >,
      this.db.query(`SELECT id, scope, membership_id, api_key_id, rpm, tpm FROM rate_limits WHERE team_id = $1`, [teamId]) as Promise<
        Array<{ id: string; scope: RateRule['scope']; membership_id: string | null; api_key_id: string | null; rpm: number | null; tpm: number | null }>
      >,
    ]);
    const subject = (scope: string, m: string | null, k: string | null) => (scope === 'team' ? teamId : scope === 'member' ? (m as string) : (k as string));
    const entry = {
      budgets: budgets.map((b) => ({ id: b.id, scope: b.scope, subjectId: subject(b.scope, b.membership_id, b.api_key_id), period: b.period, amountNanoUsd: BigInt(b.amount_nano_usd), mode: b.mode })),
      rates: rates.map((r) => ({ id: r.id, scope: r.scope, subjectId: subject(r.scope, r.membership_id, r.api_key_id), rpm: r.rpm, tpm: r.tpm })),
      until: Date.now() + RULES_TTL_MS,
    };
    this.rules.set(teamId, entry);
    return entry;
  }

  budgetKey(budgetId: string, period: BudgetRule['period'], now = new Date()): string {
    return this.redis.key('budget', budgetId, periodStart(period, now).toISOString());
  }

  async admit(input: { requestId: string; auth: ApiKeyAuthContext; target: Target; promptTokens: number; maxTokens: number | null; res: ServerResponse }): Promise<Admission | null> {
    const { auth } = input;
    const { budgets, rates } = await this.rulesFor(auth.teamId);
    const applies = (r: { scope: string; subjectId: string }) =>
      (r.scope === 'team' && r.subjectId === auth.teamId) || (r.scope === 'member' && r.subjectId === auth.membershipId) || (r.scope === 'api_key' && r.subjectId === auth.apiKeyId);
    const myRates = rates.filter(applies);
    const hard = budgets.filter((b) => b.mode === 'hard' && applies(b));
    if (myRates.length === 0 && hard.length === 0) return null;

    const outputWorstCase = input.maxTokens ?? BUDGET_DEFAULT_MAX_TOKENS;
    const tokens = input.promptTokens + outputWorstCase;
    let reserve = 0n;
    if (hard.length) {
      await this.prices.refresh();
      const now = new Date();
      const price = this.prices.price(input.target.provider, input.target.model, auth.teamId, now, {
        inputTokens: input.promptTokens,
        cachedInputTokens: 0,
        cacheWriteTokens: 0,
        outputTokens: outputWorstCase,
        reasoningTokens: 0,
      });
      reserve = price.costNanoUsd + price.feeNanoUsd;
    }
    const minute = Math.floor(Date.now() / 60_000);
    const rpmRules = myRates.filter((r) => r.rpm !== null);
    const tpmRules = myRates.filter((r) => r.tpm !== null);
    const keys = [
      ...rpmRules.map((r) => this.redis.key('rpm', r.id, String(minute))),
      ...tpmRules.map((r) => this.redis.key('tpm', r.id, String(minute))),
      ...hard.map((b) => this.budgetKey(b.id, b.period)),
    ];
    const limits = [...rpmRules.map((r) => String(r.rpm)), ...tpmRules.map((r) => String(r.tpm)), ...hard.map((b) => b.amountNanoUsd.toString())];
    let refused: number;
    try {
      refused = Number(
        await (this.redis.redis as unknown as { tollgateAdmit(...args: Array<string | number>): Promise<number> }).tollgateAdmit(
          keys.length,
          ...keys,
          rpmRules.length,
          tpmRules.length,
          hard.length,
          tokens,
          reserve.toString(),
          120,
          ...limits,
        ),
      );
    } catch (err) {
      // Limits are configured but cannot be checked: refuse rather than overspend.
      this.logger.error({ err: (err as Error).message }, 'admission check failed');
      throw new ApiError(503, 'service_unavailable', 'Limits cannot be checked right now; retry shortly', 'api_error', { 'retry-after': '1' });
    }
    if (refused > 0) {
      const retryAfter = String(60 - (Math.floor(Date.now() / 1000) % 60));
      if (refused <= rpmRules.length) {
        const r = rpmRules[refused - 1];
        input.res.setHeader('x-ratelimit-limit-requests', String(r.rpm));
        input.res.setHeader('x-ratelimit-remaining-requests', '0');
        throw new ApiError(429, 'rate_limited', `Rate limit reached: ${r.rpm} requests per minute for this ${r.scope.replace('_', ' ')}`, 'rate_limit_error', { 'retry-after': retryAfter });
      }
      if (refused <= rpmRules.length + tpmRules.length) {
        const r = tpmRules[refused - rpmRules.length - 1];
        input.res.setHeader('x-ratelimit-limit-tokens', String(r.tpm));
        input.res.setHeader('x-ratelimit-remaining-tokens', '0');
        throw new ApiError(429, 'rate_limited', `Rate limit reached: ${r.tpm} tokens per minute for this ${r.scope.replace('_', ' ')}`, 'rate_limit_error', { 'retry-after': retryAfter });
      }
      const b = hard[refused - rpmRules.length - tpmRules.length - 1];
      throw new ApiError(402, 'budget_exceeded', `The ${b.period === 'total' ? '' : `${b.period}ly `}budget of this ${b.scope.replace('_', ' ')} is used up`, 'invalid_request_error');
    }
    for (const r of rpmRules.slice(0, 1)) input.res.setHeader('x-ratelimit-limit-requests', String(r.rpm));
    return {
      reservationId: input.requestId,
      reservedNanoUsd: reserve,
      reservedTokens: tokens,
      budgetKeys: hard.map((b) => this.budgetKey(b.id, b.period)),
      tpmKeys: tpmRules.map((r) => this.redis.key('tpm', r.id, String(minute))),
      teamId: auth.teamId,
    };
  }

  /** Replaces the worst-case reservation by the real cost (released entirely when nothing was spent). */
  async settle(admission: Admission, event: UsageEvent): Promise<void> {
    let actual = 0n;
    if (admission.budgetKeys.length) {
      const tokens = {
        inputTokens: Math.max(0, event.inputTokens - event.cachedInputTokens - event.cacheWriteTokens),
        cachedInputTokens: event.cachedInputTokens,
        cacheWriteTokens: event.cacheWriteTokens,
        outputTokens: event.outputTokens,
        reasoningTokens: Math.min(event.reasoningTokens, event.outputTokens),
      };
      const p = this.prices.price(event.provider, event.servedModel, event.teamId, new Date(event.startedAt), tokens);
      actual = p.costNanoUsd + p.feeNanoUsd;
    }
    const delta = actual - admission.reservedNanoUsd;
    const tokenDelta = event.inputTokens + event.outputTokens - admission.reservedTokens;
    // Plain INCRBYs on the auto-pipelined client: settlements of requests ending together share a write.
    const r = this.redis.redis;
    await Promise.all([...admission.budgetKeys.map((k) => (delta === 0n ? null : r.incrby(k, delta.toString()))), ...admission.tpmKeys.map((k) => (tokenDelta === 0 ? null : r.incrby(k, tokenDelta)))]).catch(
      (err: Error) => this.logger.warn({ err: err.message }, 'could not settle a reservation; the ledger reconciliation will correct it'),
    );
  }
}
