import * as billing from './index';
import {
  computeCost,
  computeFee,
  createPriceCatalog,
  formatNanoUsd,
  groupBy,
  loadSeedCatalog,
  resolveFeePlan,
  sumUsage,
  totalTokens,
} from './index';

describe('@tollgate/billing public API', () => {
  it('exports the pricing, fee and ledger functions', () => {
    for (const name of [
      'parseDecimalToMicros',
      'parsePriceCsv',
      'loadSeedCatalog',
      'createPriceCatalog',
      'computeCost',
      'splitPromptTokens',
      'totalTokens',
      'computeFee',
      'resolveFeePlan',
      'sumUsage',
      'groupBy',
      'formatNanoUsd',
    ]) {
      expect(typeof (billing as Record<string, unknown>)[name]).toBe('function');
    }
  });

  it('runs a request from price lookup to statement line', () => {
    const catalog = createPriceCatalog({ base: loadSeedCatalog() });
    const at = new Date('2026-08-01T12:00:00Z');
    const fees = [{ teamId: null, effectiveFrom: new Date(0), plan: { feeMicroUsdPerMTok: 500_000n, markupBasisPoints: 500 } }];
    const requests = [
      { model: 'claude-sonnet-4-6', provider: 'anthropic', u: { inputTokens: 12, cachedInputTokens: 0, cacheWriteTokens: 2048, outputTokens: 6, reasoningTokens: 0 } },
      { model: 'not-in-catalog', provider: 'openai', u: { inputTokens: 10, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 10, reasoningTokens: 0 } },
    ];
    const ledger = requests.map(({ provider, model, u }) => {
      const cost = computeCost(u, catalog.resolvePrice({ provider, model, teamId: 't1', at }));
      const plan = resolveFeePlan(fees, { teamId: 't1', at });
      if (!plan) throw new Error('no plan');
      const fee = computeFee({ totalTokens: totalTokens(u), costNanoUsd: cost.costNanoUsd }, plan);
      return { ...u, model, costNanoUsd: cost.costNanoUsd, feeNanoUsd: fee.feeNanoUsd, unpriced: cost.unpriced };
    });
    const totals = sumUsage(ledger);
    expect(totals).toMatchObject({ requests: 2n, unpricedRequests: 1n, costNanoUsd: 7_806_000n });
    // fees: 1,423,300 (see fee.spec) + 20 tokens × 500,000 pico = 10,000 nano
    expect(formatNanoUsd(totals.feeNanoUsd)).toBe('$0.0014333');
    expect(groupBy(ledger, (r) => r.model).get('not-in-catalog')?.costNanoUsd).toBe(0n);
  });
});
