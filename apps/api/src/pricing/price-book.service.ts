import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  FeePlan,
  ModelPrice,
  PriceCatalog,
  ResolvedFeePlan,
  ResolvedPrice,
  TeamModelPrice,
  computeCost,
  computeFee,
  createPriceCatalog,
  loadSeedCatalog,
  resolveFeePlan,
  totalTokens,
} from '@tollgate/billing';
import { DataSource } from 'typeorm';

const REFRESH_MS = 30_000;

export interface Priced {
  costNanoUsd: bigint;
  feeNanoUsd: bigint;
  unpriced: boolean;
  price: ResolvedPrice | null;
}

export interface TokenCounts {
  /** Uncached prompt tokens (libs/billing convention, providers.md §8). */
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
}

/**
 * The versioned price catalog (seed CSV + operator and team overrides from the database) and the
 * fee plans, refreshed every 30 s. All arithmetic is libs/billing's integer code.
 */
@Injectable()
export class PriceBook {
  private readonly seed = loadSeedCatalog();
  private catalog: PriceCatalog = createPriceCatalog({ base: this.seed });
  private feeRows: Array<{ teamId: string | null; effectiveFrom: Date; plan: FeePlan }> = [];
  private loadedAt = 0;
  private loading?: Promise<void>;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  seedPrices(): readonly ModelPrice[] {
    return this.seed;
  }

  async refresh(force = false): Promise<void> {
    if (!force && Date.now() - this.loadedAt < REFRESH_MS) return;
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    await this.loading;
  }

  private async load(): Promise<void> {
    const rows: Array<Record<string, string | null> & { effective_from: Date }> = await this.db.query(`SELECT * FROM model_prices`);
    const big = (v: string | null) => (v === null ? null : BigInt(v));
    const toPrice = (r: Record<string, string | null> & { effective_from: Date }): ModelPrice => ({
      provider: r.provider as string,
      model: r.model as string,
      inputMicroUsdPerMTok: BigInt(r.input_micro_usd_per_mtok as string),
      cachedInputMicroUsdPerMTok: big(r.cached_input_micro_usd_per_mtok),
      cacheWriteMicroUsdPerMTok: big(r.cache_write_micro_usd_per_mtok),
      outputMicroUsdPerMTok: BigInt(r.output_micro_usd_per_mtok as string),
      reasoningMicroUsdPerMTok: big(r.reasoning_micro_usd_per_mtok),
      effectiveFrom: r.effective_from,
      source: r.team_id ? 'team override' : 'operator override',
    });
    const operator = rows.filter((r) => !r.team_id).map(toPrice);
    const team: TeamModelPrice[] = rows.filter((r) => r.team_id).map((r) => ({ ...toPrice(r), teamId: r.team_id as string }));
    this.catalog = createPriceCatalog({ base: this.seed, operator, team });
    const fees: Array<{ team_id: string | null; effective_from: Date; fee_micro_usd_per_mtok: string; markup_basis_points: number }> = await this.db.query(
      `SELECT team_id, effective_from, fee_micro_usd_per_mtok, markup_basis_points FROM fee_plans`,
    );
    this.feeRows = fees.map((f) => ({ teamId: f.team_id, effectiveFrom: f.effective_from, plan: { feeMicroUsdPerMTok: BigInt(f.fee_micro_usd_per_mtok), markupBasisPoints: f.markup_basis_points } }));
    this.loadedAt = Date.now();
  }

  resolve(provider: string, model: string, teamId: string, at: Date): ResolvedPrice | null {
    return this.catalog.resolvePrice({ provider, model, teamId, at });
  }

  feePlan(teamId: string, at: Date): ResolvedFeePlan | null {
    return resolveFeePlan(this.feeRows, { teamId, at });
  }

  /** Cost of one request at the price in effect when it started, plus the platform fee. */
  price(provider: string | null, model: string | null, teamId: string, at: Date, tokens: TokenCounts): Priced {
    const price = provider && model ? this.resolve(provider, model, teamId, at) : null;
    const cost = computeCost(tokens, price);
    const plan = this.feePlan(teamId, at);
    const fee = plan ? computeFee({ totalTokens: totalTokens(tokens), costNanoUsd: cost.costNanoUsd }, plan).feeNanoUsd : 0n;
    return { costNanoUsd: cost.costNanoUsd, feeNanoUsd: fee, unpriced: cost.unpriced, price };
  }
}
