import { loadSeedCatalog } from './catalog-csv';
import { createPriceCatalog } from './catalog';
import type { TeamModelPrice } from './catalog';
import { computeCost } from './cost';
import type { ModelPrice } from './price.types';

const d = (iso: string) => new Date(iso);

function price(input: bigint, effectiveFrom: string, extra: Partial<ModelPrice> = {}): ModelPrice {
  return {
    provider: 'openai',
    model: 'gpt-x',
    inputMicroUsdPerMTok: input,
    cachedInputMicroUsdPerMTok: null,
    cacheWriteMicroUsdPerMTok: null,
    outputMicroUsdPerMTok: input * 4n,
    reasoningMicroUsdPerMTok: null,
    effectiveFrom: d(effectiveFrom),
    ...extra,
  };
}
const team = (teamId: string, p: ModelPrice): TeamModelPrice => ({ ...p, teamId });

describe('createPriceCatalog / resolvePrice', () => {
  describe('over the seed', () => {
    const catalog = createPriceCatalog({ base: loadSeedCatalog() });

    it('resolves every seed row at the base layer', () => {
      for (const row of loadSeedCatalog()) {
        const r = catalog.resolvePrice({ provider: row.provider, model: row.model, at: d('2026-08-01T00:00:00Z') });
        expect(r).toMatchObject({ layer: 'base', inputMicroUsdPerMTok: row.inputMicroUsdPerMTok });
      }
    });

    it('also prices requests that predate the snapshot date (seed is in effect since epoch)', () => {
      expect(catalog.resolvePrice({ provider: 'openai', model: 'gpt-4o', at: d('2024-01-01T00:00:00Z') })?.layer).toBe('base');
    });

    it('returns null for unknown models, unknown providers, and a model under the wrong provider', () => {
      const at = d('2026-08-01T00:00:00Z');
      expect(catalog.resolvePrice({ provider: 'openai', model: 'gpt-unknown', at })).toBeNull();
      expect(catalog.resolvePrice({ provider: 'nope', model: 'gpt-4o', at })).toBeNull();
      expect(catalog.resolvePrice({ provider: 'anthropic', model: 'gpt-4o', at })).toBeNull();
      expect(catalog.resolvePrice({ provider: 'openai', model: 'GPT-4O', at })).toBeNull(); // ids are exact
    });

    it('resolves Groq ids that contain "/"', () => {
      expect(catalog.resolvePrice({ provider: 'groq', model: 'openai/gpt-oss-20b', at: d('2026-08-01T00:00:00Z') })?.cachedInputMicroUsdPerMTok).toBe(37500n);
    });
  });

  describe('versioning by effectiveFrom', () => {
    // Given out of order on purpose.
    const catalog = createPriceCatalog({
      base: [price(3n, '2026-09-01T00:00:00Z'), price(1n, '2026-01-01T00:00:00Z'), price(2n, '2026-06-01T00:00:00Z')],
    });
    const at = (iso: string) => catalog.resolvePrice({ provider: 'openai', model: 'gpt-x', at: d(iso) })?.inputMicroUsdPerMTok ?? null;

    it.each([
      ['2025-12-31T23:59:59.999Z', null],
      ['2026-01-01T00:00:00.000Z', 1n], // effectiveFrom is inclusive
      ['2026-05-31T23:59:59.999Z', 1n],
      ['2026-06-01T00:00:00.000Z', 2n],
      ['2026-08-15T00:00:00.000Z', 2n],
      ['2026-09-01T00:00:00.000Z', 3n],
      ['2030-01-01T00:00:00.000Z', 3n],
    ])('at %s → %s', (iso, expected) => {
      expect(at(iso)).toBe(expected);
    });

    it('reports the effectiveFrom of the version used', () => {
      expect(catalog.resolvePrice({ provider: 'openai', model: 'gpt-x', at: d('2026-07-01T00:00:00Z') })?.effectiveFrom).toEqual(
        d('2026-06-01T00:00:00Z'),
      );
    });
  });

  describe('override precedence: team > operator > base', () => {
    const catalog = createPriceCatalog({
      base: [price(100n, '2026-01-01T00:00:00Z', { source: 'seed' })],
      operator: [price(200n, '2026-01-01T00:00:00Z'), price(210n, '2026-12-01T00:00:00Z')],
      team: [
        team('t1', price(300n, '2026-01-01T00:00:00Z')),
        team('t1', price(310n, '2026-03-01T00:00:00Z')),
        team('t3', price(330n, '2026-06-01T00:00:00Z')),
        team('t4', { ...price(400n, '2026-01-01T00:00:00Z'), model: 'self-hosted-llm' }),
      ],
    });
    const q = (teamId: string | null | undefined, iso: string, model = 'gpt-x') =>
      catalog.resolvePrice({ provider: 'openai', model, teamId, at: d(iso) });

    it('team override wins for its team', () => {
      expect(q('t1', '2026-02-01T00:00:00Z')).toMatchObject({ layer: 'team', teamId: 't1', inputMicroUsdPerMTok: 300n });
      expect(q('t1', '2026-04-01T00:00:00Z')).toMatchObject({ layer: 'team', inputMicroUsdPerMTok: 310n });
    });

    it('a later operator version does not beat an older team override', () => {
      expect(q('t1', '2026-12-15T00:00:00Z')).toMatchObject({ layer: 'team', inputMicroUsdPerMTok: 310n });
    });

    it('other teams and team-less queries get the operator override', () => {
      for (const teamId of ['t2', null, undefined, '']) {
        const r = q(teamId, '2026-02-01T00:00:00Z');
        expect(r).toMatchObject({ layer: 'operator', inputMicroUsdPerMTok: 200n });
        expect(r).not.toHaveProperty('teamId');
      }
      expect(q('t2', '2026-12-01T00:00:00Z')?.inputMicroUsdPerMTok).toBe(210n);
    });

    it('a team override not yet in effect falls through to the operator layer', () => {
      expect(q('t3', '2026-05-31T00:00:00Z')).toMatchObject({ layer: 'operator', inputMicroUsdPerMTok: 200n });
      expect(q('t3', '2026-06-01T00:00:00Z')).toMatchObject({ layer: 'team', inputMicroUsdPerMTok: 330n });
    });

    it('falls through to base when no override is in effect', () => {
      const c = createPriceCatalog({
        base: [price(100n, '2026-01-01T00:00:00Z', { source: 'seed' })],
        operator: [price(200n, '2026-06-01T00:00:00Z')],
      });
      expect(c.resolvePrice({ provider: 'openai', model: 'gpt-x', teamId: 't1', at: d('2026-02-01T00:00:00Z') })).toMatchObject({
        layer: 'base',
        inputMicroUsdPerMTok: 100n,
        source: 'seed',
      });
    });

    it('a team can price a model that no other layer knows', () => {
      expect(q('t4', '2026-02-01T00:00:00Z', 'self-hosted-llm')).toMatchObject({ layer: 'team', inputMicroUsdPerMTok: 400n });
      expect(q('t1', '2026-02-01T00:00:00Z', 'self-hosted-llm')).toBeNull();
    });

    it('returns a copy that can be passed to computeCost and mutated safely', () => {
      const r = q('t1', '2026-02-01T00:00:00Z');
      expect(r).not.toBeNull();
      expect(computeCost({ inputTokens: 1000, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 }, r).costNanoUsd).toBe(300n);
      if (r) {
        r.inputMicroUsdPerMTok = 1n;
        r.effectiveFrom.setTime(0);
      }
      expect(q('t1', '2026-02-01T00:00:00Z')).toMatchObject({ inputMicroUsdPerMTok: 300n, effectiveFrom: d('2026-01-01T00:00:00Z') });
    });
  });

  describe('validation', () => {
    it('rejects two versions with the same effectiveFrom in one layer (and team)', () => {
      expect(() => createPriceCatalog({ base: [price(1n, '2026-01-01T00:00:00Z'), price(2n, '2026-01-01T00:00:00Z')] })).toThrow(
        /base price openai\/gpt-x: two rows effective 2026-01-01/,
      );
      expect(() =>
        createPriceCatalog({ base: [], team: [team('t1', price(1n, '2026-01-01T00:00:00Z')), team('t1', price(2n, '2026-01-01T00:00:00Z'))] }),
      ).toThrow(/team t1/);
    });

    it('allows the same effectiveFrom across layers and across teams', () => {
      expect(() =>
        createPriceCatalog({
          base: [price(1n, '2026-01-01T00:00:00Z')],
          operator: [price(2n, '2026-01-01T00:00:00Z')],
          team: [team('a', price(3n, '2026-01-01T00:00:00Z')), team('b', price(4n, '2026-01-01T00:00:00Z'))],
        }),
      ).not.toThrow();
    });

    it.each<[string, Partial<ModelPrice>]>([
      ['negative input', { inputMicroUsdPerMTok: -1n }],
      ['null output', { outputMicroUsdPerMTok: null as unknown as bigint }],
      ['number price', { cachedInputMicroUsdPerMTok: 5 as unknown as bigint }],
      ['negative reasoning', { reasoningMicroUsdPerMTok: -5n }],
      ['invalid date', { effectiveFrom: new Date('x') }],
      ['empty model', { model: '' }],
    ])('rejects a row with %s', (_name, patch) => {
      expect(() => createPriceCatalog({ base: [{ ...price(1n, '2026-01-01T00:00:00Z'), ...patch }] })).toThrow();
    });

    it('rejects a team row without teamId and an invalid `at`', () => {
      expect(() => createPriceCatalog({ base: [], team: [team('', price(1n, '2026-01-01T00:00:00Z'))] })).toThrow(/teamId/);
      const c = createPriceCatalog({ base: [] });
      expect(() => c.resolvePrice({ provider: 'a', model: 'b', at: new Date('x') })).toThrow(/valid Date/);
    });
  });
});
