import type { ModelPrice } from './price.types';

/** Where a resolved price came from, most specific first: team > operator > base. */
export type PriceLayer = 'team' | 'operator' | 'base';

/** A per-team override row: a full price (not a partial patch) for one team. */
export interface TeamModelPrice extends ModelPrice {
  teamId: string;
}

export interface PriceCatalogLayers {
  /** Seed prices (loadSeedCatalog) plus any newer base versions. */
  base: readonly ModelPrice[];
  /** Operator-wide overrides (e.g. negotiated rates, batch discounts applied globally). */
  operator?: readonly ModelPrice[];
  /** Per-team overrides. */
  team?: readonly TeamModelPrice[];
}

export interface PriceQuery {
  provider: string;
  model: string;
  /** null/undefined = no team, only operator and base layers are consulted. */
  teamId?: string | null;
  /** The request time; prices with effectiveFrom <= at are candidates. */
  at: Date;
}

export type ResolvedPrice = ModelPrice & { layer: PriceLayer; teamId?: string };

export interface PriceCatalog {
  /**
   * Team override beats operator override beats base. Within a layer the row with the latest
   * `effectiveFrom <= at` wins; a layer with no row in effect yet falls through to the next one.
   * Returns null when no layer prices (provider, model) at `at` (the request is then unpriced).
   */
  resolvePrice(query: PriceQuery): ResolvedPrice | null;
}

type Versions = readonly ModelPrice[]; // sorted by effectiveFrom descending

const sep = '\u0000';
const keyOf = (layer: PriceLayer, teamId: string, provider: string, model: string): string =>
  layer + sep + teamId + sep + provider + sep + model;

function checkPriceRow(row: ModelPrice, where: string): void {
  const what = `${where} ${row.provider}/${row.model}`;
  if (!row.provider || !row.model) throw new Error(`${where}: provider and model must be non-empty`);
  if (!(row.effectiveFrom instanceof Date) || Number.isNaN(row.effectiveFrom.getTime())) {
    throw new Error(`${what}: effectiveFrom is not a valid Date`);
  }
  const prices: Array<[string, bigint | null]> = [
    ['inputMicroUsdPerMTok', row.inputMicroUsdPerMTok],
    ['cachedInputMicroUsdPerMTok', row.cachedInputMicroUsdPerMTok],
    ['cacheWriteMicroUsdPerMTok', row.cacheWriteMicroUsdPerMTok],
    ['outputMicroUsdPerMTok', row.outputMicroUsdPerMTok],
    ['reasoningMicroUsdPerMTok', row.reasoningMicroUsdPerMTok],
  ];
  for (const [name, v] of prices) {
    const nullable = name !== 'inputMicroUsdPerMTok' && name !== 'outputMicroUsdPerMTok';
    if (v === null && nullable) continue;
    if (typeof v !== 'bigint' || v < 0n) {
      throw new Error(`${what}: ${name} must be a non-negative bigint${nullable ? ' or null' : ''}`);
    }
  }
}

/** Builds an indexed, validated catalog. Throws on invalid rows or two versions with the same
 * (layer, team, provider, model, effectiveFrom), which would make resolution ambiguous. */
export function createPriceCatalog(layers: PriceCatalogLayers): PriceCatalog {
  const index = new Map<string, ModelPrice[]>();
  const add = (layer: PriceLayer, teamId: string, row: ModelPrice): void => {
    checkPriceRow(row, `${layer} price`);
    const key = keyOf(layer, teamId, row.provider, row.model);
    const list = index.get(key) ?? [];
    if (list.some((r) => r.effectiveFrom.getTime() === row.effectiveFrom.getTime())) {
      throw new Error(
        `${layer} price ${row.provider}/${row.model}${teamId ? ` (team ${teamId})` : ''}: two rows effective ${row.effectiveFrom.toISOString()}`,
      );
    }
    list.push(row);
    index.set(key, list);
  };
  for (const row of layers.base) add('base', '', row);
  for (const row of layers.operator ?? []) add('operator', '', row);
  for (const row of layers.team ?? []) {
    if (!row.teamId) throw new Error(`team price ${row.provider}/${row.model}: teamId must be non-empty`);
    add('team', row.teamId, row);
  }
  for (const list of index.values()) list.sort((a, b) => b.effectiveFrom.getTime() - a.effectiveFrom.getTime());

  const inEffect = (versions: Versions | undefined, atMs: number): ModelPrice | undefined =>
    versions?.find((r) => r.effectiveFrom.getTime() <= atMs);

  return {
    resolvePrice({ provider, model, teamId, at }: PriceQuery): ResolvedPrice | null {
      const atMs = at instanceof Date ? at.getTime() : Number.NaN;
      if (Number.isNaN(atMs)) throw new Error('resolvePrice: `at` must be a valid Date');
      // Runs twice per gateway request (admission, settlement): no list of layers built per call.
      if (teamId) {
        const row = inEffect(index.get(keyOf('team', teamId, provider, model)), atMs);
        if (row) return toResolved(row, 'team');
      }
      const operator = inEffect(index.get(keyOf('operator', '', provider, model)), atMs);
      if (operator) return toResolved(operator, 'operator');
      const base = inEffect(index.get(keyOf('base', '', provider, model)), atMs);
      return base ? toResolved(base, 'base') : null;
    },
  };
}

function toResolved(row: ModelPrice, layer: PriceLayer): ResolvedPrice {
  const resolved: ResolvedPrice = {
    provider: row.provider,
    model: row.model,
    inputMicroUsdPerMTok: row.inputMicroUsdPerMTok,
    cachedInputMicroUsdPerMTok: row.cachedInputMicroUsdPerMTok,
    cacheWriteMicroUsdPerMTok: row.cacheWriteMicroUsdPerMTok,
    outputMicroUsdPerMTok: row.outputMicroUsdPerMTok,
    reasoningMicroUsdPerMTok: row.reasoningMicroUsdPerMTok,
    effectiveFrom: new Date(row.effectiveFrom.getTime()),
    layer,
  };
  if (row.source !== undefined) resolved.source = row.source;
  if (layer === 'team') resolved.teamId = (row as TeamModelPrice).teamId;
  return resolved;
}
