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
// Invoicing (pure): hourly aggregates → Stripe meter reports; what a failed Stripe call means.
export {
  DEFAULT_REPORT_MAX_AGE_MS,
  MARKUP_METER_EVENT_NAME,
  METER_EVENT_IDENTIFIER_MAX_LENGTH,
  NANO_PER_MICRO,
  STRIPE_METER_EVENT_MAX_AGE_MS,
  STRIPE_METER_EVENT_MAX_FUTURE_MS,
  TOKENS_METER_EVENT_NAME,
  buildMeterReports,
  hourKey,
  meterEventIdentifier,
} from './invoicing/meter-reports';
export type {
  BuildMeterReportsOptions,
  HourlyTeamUsage,
  MeterCarry,
  MeterKind,
  MeterReport,
  MeterReportBatch,
} from './invoicing/meter-reports';
export { classifyStripeError, isDuplicateIdentifierError, parseRetryAfterMs } from './invoicing/classify-stripe-error';
export type { StripeCallOutcome, StripeErrorClassification, StripeErrorReason } from './invoicing/classify-stripe-error';
// Stripe (the only code that touches the SDK): client, idempotent setup, meter events, webhooks.
export { createStripeClient } from './stripe/stripe-client';
export type { StripeClient, StripeClientOptions } from './stripe/stripe-client';
export {
  MARKUP_PRICE_LOOKUP_KEY,
  MARKUP_UNIT_AMOUNT_DECIMAL,
  StripeBillingConfigError,
  TOLLGATE_PRODUCT_ID,
  TOLLGATE_TEAM_METADATA_KEY,
  bootstrapStripeBilling,
  ensureCustomerAndSubscription,
  feePerTokenCentsDecimal,
  idempotencyKeyFor,
  tokensPriceLookupKey,
} from './stripe/bootstrap';
export type {
  BootstrapStripeBillingOptions,
  BootstrapStripeBillingResult,
  EnsureCustomerAndSubscriptionOptions,
  EnsureCustomerAndSubscriptionResult,
  StripeBillingIds,
} from './stripe/bootstrap';
export { sendMeterEvent } from './stripe/send-meter-event';
export type { MeterEventToSend, SendMeterEventResult } from './stripe/send-meter-event';
export {
  DEFAULT_WEBHOOK_TOLERANCE_SEC,
  HANDLED_INVOICE_EVENTS,
  WebhookVerificationError,
  mapInvoiceEvent,
  verifyWebhook,
} from './stripe/webhooks';
export type { InvoiceStatus, MappedInvoiceEvent, WebhookRejectReason } from './stripe/webhooks';
