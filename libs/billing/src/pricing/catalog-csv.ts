import { SEED_MODELS_CSV } from './data/models-csv';
import type { ModelPrice } from './price.types';

const DECIMAL_RE = /^(\d+)(?:\.(\d+))?$/;
const MICRO_DECIMALS = 6;

/**
 * Parses a non-negative USD decimal string ("0.0028", "15", "0.0375") into integer micros
 * (×1e6) by string arithmetic, so no binary floating point ever touches a price.
 * Rejects: empty, whitespace, signs, exponents ("1e-3"), ".5", "5.", thousands separators,
 * and more than 6 fractional digits (finer than micro-USD cannot be stored exactly).
 */
export function parseDecimalToMicros(s: string): bigint {
  if (typeof s !== 'string') {
    throw new TypeError(`expected a decimal string, got ${typeof s}`);
  }
  if (s.startsWith('-')) {
    throw new RangeError(`negative value "${s}" is not allowed`);
  }
  const m = DECIMAL_RE.exec(s);
  if (!m) {
    throw new SyntaxError(
      `"${s}" is not a plain decimal number (digits with an optional "." and up to ${MICRO_DECIMALS} decimals; no sign, exponent or spaces)`,
    );
  }
  const whole = m[1];
  const frac = m[2] ?? '';
  if (frac.length > MICRO_DECIMALS) {
    throw new RangeError(
      `"${s}" has ${frac.length} decimals; at most ${MICRO_DECIMALS} are allowed (micro-USD precision)`,
    );
  }
  return BigInt(whole) * 1_000_000n + BigInt(frac.padEnd(MICRO_DECIMALS, '0'));
}

export class PriceCsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column?: string,
  ) {
    super(column === undefined ? `line ${line}: ${message}` : `line ${line}, column ${column}: ${message}`);
    this.name = 'PriceCsvError';
  }
}

export interface ParsePriceCsvOptions {
  /**
   * Used for every row when the CSV has no `effective_from` column. Without it, `as_of` is used
   * (midnight UTC); a row with neither is an error.
   */
  effectiveFrom?: Date;
}

const REQUIRED_COLUMNS = [
  'provider',
  'model',
  'input_usd_per_mtok',
  'output_usd_per_mtok',
  'cached_input_usd_per_mtok',
  'cache_write_usd_per_mtok',
] as const;

const DATE_RE = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/;

/** Splits one CSV line (RFC 4180 quoting, no embedded newlines). Unquoted cells are trimmed. */
function splitCsvLine(line: string, lineNo: number): string[] {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= line.length) {
          throw new PriceCsvError(`unterminated quoted field (column ${cells.length + 1})`, lineNo);
        }
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += line[i++];
      }
      cells.push(value);
      if (i < line.length && line[i] !== ',') {
        throw new PriceCsvError(`unexpected text after quoted field (column ${cells.length})`, lineNo);
      }
    } else {
      const end = line.indexOf(',', i);
      const raw = end === -1 ? line.slice(i) : line.slice(i, end);
      if (raw.includes('"')) {
        throw new PriceCsvError(`stray quote in unquoted field (column ${cells.length + 1})`, lineNo);
      }
      cells.push(raw.trim());
      i = end === -1 ? line.length : end;
    }
    if (i >= line.length) return cells;
    i++; // skip the comma
    if (i === line.length) {
      cells.push('');
      return cells;
    }
  }
}

function parseDateCell(value: string, lineNo: number, column: string): Date {
  const d = DATE_RE.test(value) ? new Date(value.length === 10 ? `${value}T00:00:00Z` : value) : null;
  if (!d || Number.isNaN(d.getTime())) {
    throw new PriceCsvError(`"${value}" is not an ISO date (YYYY-MM-DD or full ISO timestamp)`, lineNo, column);
  }
  return d;
}

/**
 * Parses a price CSV with the columns of shared/pricing/models.csv (matched by header name, any
 * order; extra columns ignored). Optional columns: `reasoning_usd_per_mtok`, `effective_from`,
 * `as_of`, `source_url`. Empty cached/cache-write/reasoning cells mean null (fallback prices, see
 * cost.ts). An empty OUTPUT cell means 0: the seed uses it only for embeddings ("only input is
 * billed"). Input price is mandatory. Duplicate (provider, model, effectiveFrom) rows are errors.
 * Errors carry the 1-based line number and the column name.
 */
export function parsePriceCsv(text: string, options: ParsePriceCsvOptions = {}): ModelPrice[] {
  if (options.effectiveFrom !== undefined && Number.isNaN(options.effectiveFrom.getTime())) {
    throw new RangeError('options.effectiveFrom is an invalid Date');
  }
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerLineIdx = lines.findIndex((l) => l.trim() !== '');
  if (headerLineIdx === -1) throw new PriceCsvError('empty CSV: no header row', 1);
  const headerLineNo = headerLineIdx + 1;
  const header = splitCsvLine(lines[headerLineIdx], headerLineNo);
  const col = new Map<string, number>();
  header.forEach((name, idx) => {
    if (col.has(name)) throw new PriceCsvError(`duplicate header "${name}"`, headerLineNo, name);
    col.set(name, idx);
  });
  for (const name of REQUIRED_COLUMNS) {
    if (!col.has(name)) throw new PriceCsvError(`missing required column "${name}"`, headerLineNo);
  }
  if (!options.effectiveFrom && !col.has('effective_from') && !col.has('as_of')) {
    throw new PriceCsvError(
      'no "effective_from" or "as_of" column and no options.effectiveFrom: cannot date the prices',
      headerLineNo,
    );
  }

  const out: ModelPrice[] = [];
  const seen = new Map<string, number>();
  for (let idx = headerLineIdx + 1; idx < lines.length; idx++) {
    const lineNo = idx + 1;
    if (lines[idx].trim() === '') continue;
    const cells = splitCsvLine(lines[idx], lineNo);
    if (cells.length !== header.length) {
      throw new PriceCsvError(`expected ${header.length} fields, found ${cells.length}`, lineNo);
    }
    const cell = (name: string): string | undefined => {
      const i = col.get(name);
      return i === undefined ? undefined : cells[i];
    };
    const text1 = (name: string): string => {
      const v = cell(name) ?? '';
      if (v === '') throw new PriceCsvError('must not be empty', lineNo, name);
      return v;
    };
    const money = (name: string, empty: 'error' | 'null' | 'zero'): bigint | null => {
      const v = cell(name);
      if (v === undefined || v === '') {
        if (empty === 'error') throw new PriceCsvError('price must not be empty', lineNo, name);
        return empty === 'zero' ? 0n : null;
      }
      try {
        return parseDecimalToMicros(v);
      } catch (e) {
        throw new PriceCsvError((e as Error).message, lineNo, name);
      }
    };

    const provider = text1('provider');
    const model = text1('model');
    let effectiveFrom: Date;
    const ef = cell('effective_from');
    if (ef) effectiveFrom = parseDateCell(ef, lineNo, 'effective_from');
    else if (options.effectiveFrom) effectiveFrom = new Date(options.effectiveFrom.getTime());
    else if (cell('as_of')) effectiveFrom = parseDateCell(cell('as_of') as string, lineNo, 'as_of');
    else throw new PriceCsvError('no effective date (effective_from/as_of empty)', lineNo, 'as_of');

    const key = `${provider}\u0000${model}\u0000${effectiveFrom.getTime()}`;
    const prev = seen.get(key);
    if (prev !== undefined) {
      throw new PriceCsvError(
        `duplicate price for ${provider}/${model} effective ${effectiveFrom.toISOString()} (first on line ${prev})`,
        lineNo,
        'model',
      );
    }
    seen.set(key, lineNo);

    const row: ModelPrice = {
      provider,
      model,
      inputMicroUsdPerMTok: money('input_usd_per_mtok', 'error') as bigint,
      cachedInputMicroUsdPerMTok: money('cached_input_usd_per_mtok', 'null'),
      cacheWriteMicroUsdPerMTok: money('cache_write_usd_per_mtok', 'null'),
      outputMicroUsdPerMTok: money('output_usd_per_mtok', 'zero') as bigint,
      reasoningMicroUsdPerMTok: money('reasoning_usd_per_mtok', 'null'),
      effectiveFrom,
    };
    const source = cell('source_url');
    if (source) row.source = source;
    out.push(row);
  }
  return out;
}

/** effectiveFrom given to every seed row; see loadSeedCatalog. */
export const SEED_EFFECTIVE_FROM = new Date(0);

/**
 * The seed (base-layer) catalog, from the copy of shared/pricing/models.csv embedded as a TS module
 * (data/models-csv.ts, checked against data/models.csv by a unit test) so it also works from dist/
 * where the .csv file is not copied.
 *
 * Seed rows take effect from the Unix epoch, not from `as_of`: `as_of` is the snapshot date, and a
 * request metered before it must not come out unpriced. A later price change is added as a newer
 * row (any layer) with its own effectiveFrom.
 */
export function loadSeedCatalog(): ModelPrice[] {
  return parsePriceCsv(SEED_MODELS_CSV, { effectiveFrom: SEED_EFFECTIVE_FROM });
}
