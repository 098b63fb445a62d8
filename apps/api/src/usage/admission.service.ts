import { BeforeApplicationShutdown, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import type { ApiKeyAuthContext } from '../auth/auth-context';
import { ApiError } from '../common/api-error';
import { RedisClient } from '../common/redis-client';
import { AppConfig } from '../config/app-config';
import type { Target } from '../gateway/model-router';
import { PriceBook } from '../pricing/price-book.service';
import { AdmissionLeases, type CounterNeed } from './admission-leases';
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
 * worst-case reservations against hard budgets, all or nothing. Returns the 1-based index of the
 * first limit that refused, or, when admitted, `{0, g1, g2, ...}`: on each counter the calling process
 * was also granted g_k more requests' worth of allowance (added to the counter here, atomically).
 * ARGV[7] is the share: a grant is at most 1/share of the headroom left after this request, so near
 * a limit nothing is granted and every decision is made here. ARGV[7 + k] is counter k's limit and
 * ARGV[7 + n + k] the most requests' worth the process asks for on it (what it lacks of a full lease).
 */
const ADMIT_LUA = `
local n_rpm = tonumber(ARGV[1]); local n_tpm = tonumber(ARGV[2]); local n_budget = tonumber(ARGV[3])
local ttl = tonumber(ARGV[6]); local share = tonumber(ARGV[7])
local n = n_rpm + n_tpm + n_budget
local cur = {}; local need = {}; local needs = {}
for k = 1, n do
  if k <= n_rpm then needs[k] = '1' elseif k <= n_rpm + n_tpm then needs[k] = ARGV[4] else needs[k] = ARGV[5] end
  need[k] = tonumber(needs[k])
  cur[k] = tonumber(redis.call('GET', KEYS[k]) or '0')
  if cur[k] + need[k] > tonumber(ARGV[7 + k]) then return k end
end
local out = {0}
for k = 1, n do
  local g = tonumber(ARGV[7 + n + k])
  if g > 0 then
    local room = math.floor((tonumber(ARGV[7 + k]) - cur[k] - need[k]) / (math.max(need[k], 1) * share))
    if room < g then g = room end
    if g < 0 or need[k] * g >= 9007199254740992 then g = 0 end
  end
  redis.call('INCRBY', KEYS[k], needs[k])
  if g > 0 and need[k] > 0 then redis.call('INCRBY', KEYS[k], string.format('%.0f', need[k] * g)) end
  if k <= n_rpm + n_tpm then redis.call('EXPIRE', KEYS[k], ttl) end
  out[k + 1] = g
end
return out
`;

/** Gives unused allowance back (a counter whose window already expired is left alone). */
const RETURN_LUA = `
for i = 1, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('DECRBY', KEYS[i], ARGV[i]) end
end
return 0
`;

/** A grant takes at most this share (1/100) of the headroom a counter has left. */
const LEASE_SHARE = 100;

export function periodStart(period: 'day' | 'month' | 'total', now = new Date()): Date {
  if (period === 'total') return new Date(0);
  if (period === 'day') return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/**
 * Budgets and rate limits on the gateway hot path. Rules are cached per team (reloaded on change
 * through Redis pub/sub); counters live in Redis so every API process shares them.
 *
 * Far from a limit, a request is admitted from an allowance this process already took from the
 * counter (see AdmissionLeases and ADMIT_LUA): no Redis round trip before the upstream call. Close
 * to a limit (under 100 requests' worth of headroom) nothing is granted and every request is decided
 * in Redis. ADMISSION_LEASE_REQUESTS=0 decides every request in Redis.
 */
@Injectable()
export class AdmissionService implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger('Admission');
  private readonly rules = new Map<string, { budgets: BudgetRule[]; rates: RateRule[]; until: number }>();
  private subscriber?: Redis;
  private readonly channel: string;
  private readonly leaseMax: number;
  private readonly leases: AdmissionLeases;
  private sweeper?: NodeJS.Timeout;
  private closing = false;
  /** Where admissions with limits were decided, and counters settled without Redis (read by tests and the bench). */
  readonly decided = { local: 0, redis: 0, settledLocally: 0 };

  constructor(
    private readonly redis: RedisClient,
    @InjectDataSource() private readonly db: DataSource,
    private readonly prices: PriceBook,
    config: AppConfig,
  ) {
    this.channel = redis.key('limits-changed');
    this.leaseMax = config.get('ADMISSION_LEASE_REQUESTS');
    const holdMs = config.get('ADMISSION_LEASE_MS');
    this.leases = new AdmissionLeases(holdMs);
    if (this.leaseMax > 0) {
      this.sweeper = setInterval(() => this.giveBack(this.leases.release(Date.now())), Math.max(50, Math.floor(holdMs / 2)));
      this.sweeper.unref();
    }
  }

  async onModuleInit(): Promise<void> {
    this.redis.redis.defineCommand('tollgateAdmit', { lua: ADMIT_LUA });
    this.redis.redis.defineCommand('tollgateReturn', { lua: RETURN_LUA });
    this.subscriber = this.redis.duplicate('limits-changed');
    this.subscriber.on('message', (_c: string, teamId: string) => this.forget(teamId));
    this.subscriber.on('ready', () => this.rules.clear());
    await this.subscriber.subscribe(this.channel).catch(() => undefined);
    await this.prices.refresh(true).catch(() => undefined);
  }

  onModuleDestroy(): void {
    this.subscriber?.disconnect();
  }

  /** Grants stop and what this process holds goes back before the Redis connection closes. */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    clearInterval(this.sweeper);
    await this.giveBack(this.leases.release(Date.now(), { all: true }));
  }

  async invalidate(teamId: string): Promise<void> {
    await this.forget(teamId);
    await this.redis.redis.publish(this.channel, teamId).catch(() => undefined);
  }

  /** A team's limits changed: reload its rules, and give back what was granted under the old ones. */
  private async forget(teamId: string): Promise<void> {
    this.rules.delete(teamId);
    await this.giveBack(this.leases.release(Date.now(), { teamId }));
  }

  private async giveBack(unused: CounterNeed[]): Promise<void> {
    if (unused.length === 0) return;
    await (this.redis.redis as unknown as { tollgateReturn(...args: Array<string | number>): Promise<number> })
      .tollgateReturn(unused.length, ...unused.map((u) => u.key), ...unused.map((u) => u.need.toString()))
      .catch((err: Error) => this.logger.warn({ err: err.message, counters: unused.length }, 'could not give back unused limit allowance; it counts as used until its period ends'));
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
    const tokenNeed = BigInt(tokens);
    const needs: CounterNeed[] = keys.map((key, i) => ({ key, need: i < rpmRules.length ? 1n : i < rpmRules.length + tpmRules.length ? tokenNeed : reserve }));
    const nowMs = Date.now();
    if (this.leases.take(needs, nowMs)) {
      this.decided.local++;
    } else {
      this.decided.redis++;
      // An expired allowance admits nothing: give it back now (it leaves ahead of this decision on the
      // same connection), so that what is asked for below counts only live allowance.
      const expired = this.leases.release(nowMs);
      if (expired.length) void this.giveBack(expired);
      const limits = [...rpmRules.map((r) => String(r.rpm)), ...tpmRules.map((r) => String(r.tpm)), ...hard.map((b) => b.amountNanoUsd.toString())];
      // Ask on each counter for what this process lacks of a full lease: what it holds stays bounded.
      const asks = needs.map((n) => (this.closing || this.leaseMax === 0 ? 0 : Math.max(0, this.leaseMax - Number(this.leases.held(n.key) / (n.need > 0n ? n.need : 1n)))));
      let answer: number | number[];
      try {
        answer = await (this.redis.redis as unknown as { tollgateAdmit(...args: Array<string | number>): Promise<number | number[]> }).tollgateAdmit(
          keys.length,
          ...keys,
          rpmRules.length,
          tpmRules.length,
          hard.length,
          tokens,
          reserve.toString(),
          120,
          LEASE_SHARE,
          ...limits,
          ...asks,
        );
      } catch (err) {
        // Limits are configured but cannot be checked: refuse rather than overspend.
        this.logger.error({ err: (err as Error).message }, 'admission check failed');
        throw new ApiError(503, 'service_unavailable', 'Limits cannot be checked right now; retry shortly', 'api_error', { 'retry-after': '1' });
      }
      if (Array.isArray(answer)) {
        const granted: CounterNeed[] = [];
        for (let i = 0; i < needs.length; i++) {
          const requests = Number(answer[i + 1]);
          if (requests > 0) granted.push({ key: needs[i].key, need: needs[i].need * BigInt(requests) });
        }
        // Shutdown began during the round trip: what was just granted goes straight back.
        if (this.closing) void this.giveBack(granted.filter((g) => g.need > 0n));
        else for (const g of granted) this.leases.grant(g.key, auth.teamId, g.need, nowMs);
      } else {
        this.refuse(Number(answer), rpmRules, tpmRules, hard, input.res);
      }
    }
    for (const r of rpmRules.slice(0, 1)) input.res.setHeader('x-ratelimit-limit-requests', String(r.rpm));
    return {
      reservationId: input.requestId,
      reservedNanoUsd: reserve,
      reservedTokens: tokens,
      budgetKeys: keys.slice(rpmRules.length + tpmRules.length),
      tpmKeys: keys.slice(rpmRules.length, rpmRules.length + tpmRules.length),
      teamId: auth.teamId,
    };
  }

  /** Throws the answer for the limit at 1-based `refused` (rpm rules, then tpm rules, then hard budgets). */
  private refuse(refused: number, rpmRules: RateRule[], tpmRules: RateRule[], hard: BudgetRule[], res: ServerResponse): never {
    const retryAfter = String(60 - (Math.floor(Date.now() / 1000) % 60));
    if (refused <= rpmRules.length) {
      const r = rpmRules[refused - 1];
      res.setHeader('x-ratelimit-limit-requests', String(r.rpm));
      res.setHeader('x-ratelimit-remaining-requests', '0');
      throw new ApiError(429, 'rate_limited', `Rate limit reached: ${r.rpm} requests per minute for this ${r.scope.replace('_', ' ')}`, 'rate_limit_error', { 'retry-after': retryAfter });
    }
    if (refused <= rpmRules.length + tpmRules.length) {
      const r = tpmRules[refused - rpmRules.length - 1];
      res.setHeader('x-ratelimit-limit-tokens', String(r.tpm));
      res.setHeader('x-ratelimit-remaining-tokens', '0');
      throw new ApiError(429, 'rate_limited', `Rate limit reached: ${r.tpm} tokens per minute for this ${r.scope.replace('_', ' ')}`, 'rate_limit_error', { 'retry-after': retryAfter });
    }
    const b = hard[refused - rpmRules.length - tpmRules.length - 1];
    throw new ApiError(402, 'budget_exceeded', `The ${b.period === 'total' ? '' : `${b.period}ly `}budget of this ${b.scope.replace('_', ' ')} is used up`, 'invalid_request_error');
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
    const tokenDelta = BigInt(event.inputTokens + event.outputTokens - admission.reservedTokens);
    // Where this process holds allowance on the counter, the difference stays with it (no Redis command);
    // otherwise plain INCRBYs on the auto-pipelined client: settlements of requests ending together share a write.
    const now = Date.now();
    const r = this.redis.redis;
    // Held at most two full leases of requests like this one (a grant tops up to one; give-backs add to it).
    const inRedis = (k: string, d: bigint, reserved: bigint) => (d === 0n || this.leases.settle(k, d, now, reserved * BigInt(2 * this.leaseMax)) ? null : r.incrby(k, d.toString()));
    const pending = [
      ...admission.budgetKeys.map((k) => inRedis(k, delta, admission.reservedNanoUsd)),
      ...admission.tpmKeys.map((k) => inRedis(k, tokenDelta, BigInt(admission.reservedTokens))),
    ].filter((p) => p !== null);
    this.decided.settledLocally += admission.budgetKeys.length + admission.tpmKeys.length - pending.length;
    if (pending.length === 0) return;
    await Promise.all(pending).catch((err: Error) => this.logger.warn({ err: err.message }, 'could not settle a reservation; the ledger reconciliation will correct it'));
  }
}
