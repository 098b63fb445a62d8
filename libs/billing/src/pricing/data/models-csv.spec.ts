import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SEED_MODELS_CSV } from './models-csv';

describe('embedded seed CSV', () => {
  it('is byte-identical to models.csv (regenerate: node libs/billing/scripts/generate-models-csv-module.mjs)', () => {
    expect(SEED_MODELS_CSV).toBe(readFileSync(join(__dirname, 'models.csv'), 'utf8'));
  });
});
