import { ceilDiv } from './cost';
import { toTokenBigInt } from './tokens';
import type { TokenCount } from './price.types';

/**
 * Platform fee: a per-token fee plus a markup on provider cost.
 * - feeMicroUsdPerMTok: micro-USD per million tokens of ALL classes (see totalTokens()).
 * - markupBasisPoints: integer 0..100000 (0 %..1000 %) of costNanoUsd; 100 bp = 1 %.
 */
export interface FeePlan {
  feeMicroUsdPerMTok: bigint;
  markupBasisPoints: number;
}

export const MAX_MARKUP_BASIS_POINTS = 100_000;
export const ZERO_FEE_PLAN: Readonly<FeePlan> = Object.freeze({ feeMicroUsdPerMTok: 0n, markupBasisPoints: 0 });

export function validateFeePlan(plan: FeePlan): void {
  if (typeof plan.feeMicroUsdPerMTok !== 'bigint' || plan.feeMicroUsdPerMTok < 0n) {
    throw new RangeError(`feeMicroUsdPerMTok must be a non-negative bigint, got ${String(plan.feeMicroUsdPerMTok)}`);
  }
  const bp = plan.markupBasisPoints;
  if (!Number.isInteger(bp) || bp < 0 || bp > MAX_MARKUP_BASIS_POINTS) {
    throw new RangeError(`markupBasisPoints must be an integer in 0..${MAX_MARKUP_BASIS_POINTS}, got ${String(bp)}`);
  }
}

/** One version of a fee plan. teamId null = the operator default for every team. */
export interface FeePlanRow {
  teamId: string | null;
  effectiveFrom: Date;
  plan: FeePlan;
}

export type FeePlanLayer = 'team' | 'default';

export interface ResolvedFeePlan extends FeePlan {
  layer: FeePlanLayer;
  effectiveFrom: Date;
  teamId?: string;
}

/**
 * Team plan beats the default plan; within each, the latest `effectiveFrom <= at` wins, and a team
 * with no plan in effect yet falls back to the default. Returns null when nothing is in effect
 * (callers usually fall back to ZERO_FEE_PLAN). Two rows for the same team and effectiveFrom throw.
 */
export function resolveFeePlan(
  rows: readonly FeePlanRow[],
  query: { teamId?: string | null; at: Date },
): ResolvedFeePlan | null {
  const atMs = query.at instanceof Date ? query.at.getTime() : Number.NaN;
  if (Number.isNaN(atMs)) throw new Error('resolveFeePlan: `at` must be a valid Date');
  const seen = new Set<string>();
  let bestTeam: FeePlanRow | undefined;
  let bestDefault: FeePlanRow | undefined;
  for (const row of rows) {
    const ms = row.effectiveFrom instanceof Date ? row.effectiveFrom.getTime() : Number.NaN;
    if (Number.isNaN(ms)) throw new Error(`fee plan for team ${row.teamId ?? '(default)'}: invalid effectiveFrom`);
    validateFeePlan(row.plan);
    const key = `${row.teamId ?? ''}\u0000${ms}`;
    if (seen.has(key)) {
      throw new Error(`two fee plans for team ${row.teamId ?? '(default)'} effective ${row.effectiveFrom.toISOString()}`);
    }
    seen.add(key);
    if (ms > atMs) continue;
    if (row.teamId === null) {
      if (!bestDefault || ms > bestDefault.effectiveFrom.getTime()) bestDefault = row;
    } else if (query.teamId && row.teamId === query.teamId) {
      if (!bestTeam || ms > bestTeam.effectiveFrom.getTime()) bestTeam = row;
    }
  }
  const winner = bestTeam ?? bestDefault;
  if (!winner) return null;
  const resolved: ResolvedFeePlan = {
    feeMicroUsdPerMTok: winner.plan.feeMicroUsdPerMTok,
    markupBasisPoints: winner.plan.markupBasisPoints,
    layer: bestTeam ? 'team' : 'default',
    effectiveFrom: new Date(winner.effectiveFrom.getTime()),
  };
  if (bestTeam) resolved.teamId = bestTeam.teamId as string;
  return resolved;
}

export interface FeeResult {
  /** tokenFeeNanoUsd + markupNanoUsd, exactly. */
  feeNanoUsd: bigint;
  tokenFeeNanoUsd: bigint;
  markupNanoUsd: bigint;
}

/**
 * fee = ceil( (totalTokens·feeMicroUsdPerMTok·10 + costNanoUsd·markupBasisPoints) / 10000 ) nano-USD.
 * (tokens·µUSD/MTok is pico-USD: ·10/10000 = /1000 to nano; cost·bp/10000 is the markup.)
 * Rounded ONCE, up, like the cost. The split: tokenFeeNanoUsd = ceil(tokens·fee/1000) on its own,
 * markupNanoUsd = feeNanoUsd − tokenFeeNanoUsd (≥ 0, and at most ceil(cost·bp/10000)), so the parts
 * always add up to the total.
 */
export function computeFee(input: { totalTokens: TokenCount; costNanoUsd: bigint }, plan: FeePlan): FeeResult {
  validateFeePlan(plan);
  const tokens = toTokenBigInt(input.totalTokens, 'totalTokens');
  if (typeof input.costNanoUsd !== 'bigint' || input.costNanoUsd < 0n) {
    throw new RangeError(`costNanoUsd must be a non-negative bigint, got ${String(input.costNanoUsd)}`);
  }
  const tokenFeePicoUsd = tokens * plan.feeMicroUsdPerMTok;
  const feeNanoUsd = ceilDiv(tokenFeePicoUsd * 10n + input.costNanoUsd * BigInt(plan.markupBasisPoints), 10_000n);
  const tokenFeeNanoUsd = ceilDiv(tokenFeePicoUsd, 1000n);
  return { feeNanoUsd, tokenFeeNanoUsd, markupNanoUsd: feeNanoUsd - tokenFeeNanoUsd };
}
