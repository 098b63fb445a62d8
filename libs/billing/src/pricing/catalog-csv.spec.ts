import { PriceCsvError, SEED_EFFECTIVE_FROM, loadSeedCatalog, parseDecimalToMicros, parsePriceCsv } from './catalog-csv';
import { SEED_MODELS_CSV } from './data/models-csv';

const HEADER =
  'provider,model,input_usd_per_mtok,output_usd_per_mtok,cached_input_usd_per_mtok,cache_write_usd_per_mtok,context_window,source_url,as_of';

describe('parseDecimalToMicros', () => {
  it.each([
    ['0', 0n],
    ['0.0', 0n],
    ['0.0028', 2800n],
    ['0.0375', 37500n],
    ['0.003625', 3625n],
    ['0.000001', 1n],
    ['0.075', 75000n],
    ['2.5', 2500000n],
    ['15', 15000000n],
    ['18.75', 18750000n],
    ['1.000000', 1000000n],
    ['007.5', 7500000n],
    ['123456789012345678.123456', 123456789012345678123456n],
  ])('%s → %s', (input, expected) => {
    expect(parseDecimalToMicros(input)).toBe(expected);
  });

  it.each(['-1', '-0.5', '-0'])('rejects negative %s', (input) => {
    expect(() => parseDecimalToMicros(input)).toThrow(/negative/);
  });

  it.each(['', ' ', ' 1', '1 ', '+1', '1e-3', '1E3', '.5', '5.', '1,000', '1..2', '0x10', 'NaN', 'Infinity', 'abc', '1.2.3', '٣'])(
    'rejects garbage %j',
    (input) => {
      expect(() => parseDecimalToMicros(input)).toThrow(/not a plain decimal/);
    },
  );

  it.each(['0.0000001', '1.0000000', '0.12345678'])('rejects more than 6 decimals: %s', (input) => {
    expect(() => parseDecimalToMicros(input)).toThrow(/at most 6 are allowed/);
  });

  it('rejects non-strings', () => {
    expect(() => parseDecimalToMicros(0.5 as unknown as string)).toThrow(TypeError);
  });
});

describe('seed catalog (models.csv)', () => {
  const rows = loadSeedCatalog();
  const rawLines = SEED_MODELS_CSV.trim().split('\n').slice(1);

  it('has 59 rows with the per-provider counts from the README', () => {
    expect(rows).toHaveLength(59);
    const counts: Record<string, number> = {};
    for (const r of rows) counts[r.provider] = (counts[r.provider] ?? 0) + 1;
    expect(counts).toEqual({ openai: 17, anthropic: 10, mistral: 10, gemini: 10, groq: 7, deepseek: 2, xai: 3 });
  });

  it('has one row per (provider, model)', () => {
    expect(new Set(rows.map((r) => `${r.provider}/${r.model}`)).size).toBe(59);
  });

  it('parses every row against an independent float oracle (safe at these magnitudes)', () => {
    expect(rawLines).toHaveLength(59);
    const oracle = (s: string): bigint | null => (s === '' ? null : BigInt(Math.round(Number(s) * 1e6)));
    rawLines.forEach((line, i) => {
      const [provider, model, input, output, cached, write, , source] = line.split(',');
      const row = rows[i];
      expect(row.provider).toBe(provider);
      expect(row.model).toBe(model);
      expect(row.inputMicroUsdPerMTok).toBe(oracle(input));
      expect(row.outputMicroUsdPerMTok).toBe(oracle(output) ?? 0n);
      expect(row.cachedInputMicroUsdPerMTok).toBe(oracle(cached));
      expect(row.cacheWriteMicroUsdPerMTok).toBe(oracle(write));
      expect(row.reasoningMicroUsdPerMTok).toBeNull();
      expect(row.effectiveFrom).toEqual(SEED_EFFECTIVE_FROM);
      expect(row.source).toBe(source);
    });
  });

  const find = (provider: string, model: string) => {
    const row = rows.find((r) => r.provider === provider && r.model === model);
    if (!row) throw new Error(`missing ${provider}/${model}`);
    return row;
  };

  it('spot-checks the README values', () => {
    expect(find('deepseek', 'deepseek-v4-flash')).toMatchObject({
      inputMicroUsdPerMTok: 140000n,
      cachedInputMicroUsdPerMTok: 2800n,
      outputMicroUsdPerMTok: 280000n,
      cacheWriteMicroUsdPerMTok: null,
    });
    expect(find('deepseek', 'deepseek-v4-pro').cachedInputMicroUsdPerMTok).toBe(3625n);
    expect(find('groq', 'openai/gpt-oss-20b').cachedInputMicroUsdPerMTok).toBe(37500n);
    expect(find('openai', 'gpt-5.6').cacheWriteMicroUsdPerMTok).toBe(6250000n);
    expect(find('openai', 'gpt-5.5')).toMatchObject({
      inputMicroUsdPerMTok: 5000000n,
      cachedInputMicroUsdPerMTok: 500000n,
      outputMicroUsdPerMTok: 30000000n,
    });
    // Embeddings: output "0" in the source, or empty (Mistral) → 0 either way.
    expect(find('openai', 'text-embedding-3-small').outputMicroUsdPerMTok).toBe(0n);
    expect(find('mistral', 'mistral-embed')).toMatchObject({ outputMicroUsdPerMTok: 0n, cachedInputMicroUsdPerMTok: null });
  });

  it('keeps the Anthropic multipliers exact (write 1.25×, read 0.1× input) on every Anthropic row', () => {
    const anthropic = rows.filter((r) => r.provider === 'anthropic');
    expect(anthropic).toHaveLength(10);
    for (const r of anthropic) {
      expect((r.cacheWriteMicroUsdPerMTok as bigint) * 4n).toBe(r.inputMicroUsdPerMTok * 5n);
      expect((r.cachedInputMicroUsdPerMTok as bigint) * 10n).toBe(r.inputMicroUsdPerMTok);
    }
  });

  it('returns fresh objects on each call', () => {
    const a = loadSeedCatalog();
    a[0].inputMicroUsdPerMTok = 1n;
    a[0].effectiveFrom.setTime(5);
    expect(loadSeedCatalog()[0].inputMicroUsdPerMTok).toBe(2500000n);
    expect(loadSeedCatalog()[0].effectiveFrom.getTime()).toBe(0);
  });
});

describe('parsePriceCsv', () => {
  const line = (cells: string) => `${HEADER}\n${cells}\n`;
  const ok = 'openai,m1,1,2,0.5,,1000,https://x,2026-07-24';

  it('dates rows by as_of (midnight UTC) when no effective date is given', () => {
    const [row] = parsePriceCsv(line(ok));
    expect(row.effectiveFrom.toISOString()).toBe('2026-07-24T00:00:00.000Z');
    expect(row).toMatchObject({ inputMicroUsdPerMTok: 1000000n, cacheWriteMicroUsdPerMTok: null, source: 'https://x' });
  });

  it('options.effectiveFrom overrides as_of; an effective_from column overrides both', () => {
    expect(parsePriceCsv(line(ok), { effectiveFrom: new Date('2020-01-01T00:00:00Z') })[0].effectiveFrom.toISOString()).toBe(
      '2020-01-01T00:00:00.000Z',
    );
    const csv = 'effective_from,provider,model,input_usd_per_mtok,output_usd_per_mtok,cached_input_usd_per_mtok,cache_write_usd_per_mtok\n2026-08-01T12:00:00Z,xai,g,1,2,,';
    expect(parsePriceCsv(csv, { effectiveFrom: new Date(0) })[0].effectiveFrom.toISOString()).toBe('2026-08-01T12:00:00.000Z');
  });

  it('matches columns by name, reads reasoning_usd_per_mtok, handles CRLF, quotes, blank lines, BOM', () => {
    const csv =
      '\uFEFFmodel,provider,output_usd_per_mtok,input_usd_per_mtok,cached_input_usd_per_mtok,cache_write_usd_per_mtok,reasoning_usd_per_mtok,source_url,as_of\r\n' +
      '\r\n' +
      '"my ""odd"", model",custom, 4 ,"1.5",,,8,"https://a/b?x=1,2",2026-01-02\r\n';
    const [row] = parsePriceCsv(csv);
    expect(row).toEqual({
      provider: 'custom',
      model: 'my "odd", model',
      inputMicroUsdPerMTok: 1500000n,
      cachedInputMicroUsdPerMTok: null,
      cacheWriteMicroUsdPerMTok: null,
      outputMicroUsdPerMTok: 4000000n,
      reasoningMicroUsdPerMTok: 8000000n,
      effectiveFrom: new Date('2026-01-02T00:00:00Z'),
      source: 'https://a/b?x=1,2',
    });
  });

  it('names line and column for a bad price', () => {
    const csv = `${HEADER}\n${ok}\nopenai,m2,1e-3,2,,,1,,2026-07-24\n`;
    expect(() => parsePriceCsv(csv)).toThrow(PriceCsvError);
    expect(() => parsePriceCsv(csv)).toThrow(/^line 3, column input_usd_per_mtok: "1e-3" is not a plain decimal/);
    try {
      parsePriceCsv(csv);
    } catch (e) {
      expect(e).toMatchObject({ line: 3, column: 'input_usd_per_mtok' });
    }
  });

  it.each([
    ['negative output', 'openai,m,1,-2,,,1,,2026-07-24', /line 2, column output_usd_per_mtok: negative/],
    ['too many decimals', 'openai,m,1,2,0.1234567,,1,,2026-07-24', /line 2, column cached_input_usd_per_mtok: .*at most 6/],
    ['empty input price', 'openai,m,,2,,,1,,2026-07-24', /line 2, column input_usd_per_mtok: price must not be empty/],
    ['empty provider', ',m,1,2,,,1,,2026-07-24', /line 2, column provider: must not be empty/],
    ['missing field', 'openai,m,1,2,,,1,2026-07-24', /line 2: expected 9 fields, found 8/],
    ['extra field', 'openai,m,1,2,,,1,,2026-07-24,x', /line 2: expected 9 fields, found 10/],
    ['bad date', 'openai,m,1,2,,,1,,24/07/2026', /line 2, column as_of: "24\/07\/2026" is not an ISO date/],
    ['impossible date', 'openai,m,1,2,,,1,,2026-13-45', /line 2, column as_of/],
    ['empty date', 'openai,m,1,2,,,1,,', /line 2, column as_of: no effective date/],
    ['unterminated quote', 'openai,"m,1,2,,,1,,2026-07-24', /line 2: unterminated quoted field/],
    ['stray quote', 'openai,m"x,1,2,,,1,,2026-07-24', /line 2: stray quote/],
  ])('rejects %s', (_name, row, message) => {
    expect(() => parsePriceCsv(line(row))).toThrow(message);
  });

  it('rejects a duplicate (provider, model, effectiveFrom), naming both lines', () => {
    expect(() => parsePriceCsv(`${HEADER}\n${ok}\n${ok}\n`)).toThrow(/line 3, column model: duplicate price for openai\/m1 .*first on line 2/);
  });

  it('allows the same model at two effective dates', () => {
    const rows = parsePriceCsv(`${HEADER}\n${ok}\n${ok.replace('2026-07-24', '2026-09-01')}\n`);
    expect(rows.map((r) => r.effectiveFrom.toISOString().slice(0, 10))).toEqual(['2026-07-24', '2026-09-01']);
  });

  it('rejects header problems', () => {
    expect(() => parsePriceCsv('')).toThrow(/empty CSV/);
    expect(() => parsePriceCsv('provider,model,input_usd_per_mtok\nx,y,1')).toThrow(/line 1: missing required column "output_usd_per_mtok"/);
    expect(() => parsePriceCsv(`${HEADER},model\n`)).toThrow(/duplicate header "model"/);
    expect(() =>
      parsePriceCsv('provider,model,input_usd_per_mtok,output_usd_per_mtok,cached_input_usd_per_mtok,cache_write_usd_per_mtok\nx,y,1,1,,'),
    ).toThrow(/cannot date the prices/);
    expect(() => parsePriceCsv(line(ok), { effectiveFrom: new Date('nope') })).toThrow(/invalid Date/);
  });

  it('returns [] for a header-only file', () => {
    expect(parsePriceCsv(`${HEADER}\n`)).toEqual([]);
  });
});
