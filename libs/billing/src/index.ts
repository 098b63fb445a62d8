// Public API of @tollgate/billing: pure pricing, fees and ledger aggregation. Money is integer bigint.
export type { ModelPrice, TokenClass, TokenCount, TokenUsage } from './pricing/price.types';
export { TOKEN_CLASSES } from './pricing/price.types';
export {
  PriceCsvError,
  SEED_EFFECTIVE_FROM,
  loadSeedCatalog,
  parseDecimalToMicros,
  parsePriceCsv,
} from './pricing/catalog-csv';
export type { ParsePriceCsvOptions } from './pricing/catalog-csv';
export { createPriceCatalog } from './pricing/catalog';
export type {
  PriceCatalog,
  PriceCatalogLayers,
  PriceLayer,
  PriceQuery,
  ResolvedPrice,
  TeamModelPrice,
} from './pricing/catalog';
export { normaliseTokenUsage, splitPromptTokens, totalTokens } from './pricing/tokens';
export type { NormalisedTokens, PromptTotalUsage } from './pricing/tokens';
export { PICO_PER_NANO, ceilDiv, computeCost } from './pricing/cost';
export type { CostBreakdown, CostLine, CostResult } from './pricing/cost';
export {
  MAX_MARKUP_BASIS_POINTS,
  ZERO_FEE_PLAN,
  computeFee,
  resolveFeePlan,
  validateFeePlan,
} from './pricing/fee';
export type { FeePlan, FeePlanLayer, FeePlanRow, FeeResult, ResolvedFeePlan } from './pricing/fee';
export {
  addRow,
  emptyTotals,
  formatNanoUsd,
  groupBy,
  mergeTotals,
  sumUsage,
  toBigIntStrict,
} from './ledger/aggregate';
export type { AggregatableRow, IntegerLike, UsageTotals } from './ledger/aggregate';
