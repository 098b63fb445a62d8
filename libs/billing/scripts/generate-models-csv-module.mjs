// Regenerates libs/billing/src/pricing/data/models-csv.ts from models.csv next to it.
// Usage: node libs/billing/scripts/generate-models-csv-module.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dataDir = join(dirname(fileURLToPath(import.meta.url)), '../src/pricing/data');
const csv = readFileSync(join(dataDir, 'models.csv'), 'utf8');
const lines = csv.split('\n').map((l) => `  ${JSON.stringify(l)},`);
const ts = `// GENERATED from models.csv by libs/billing/scripts/generate-models-csv-module.mjs. Do not edit.
// Embedded so the seed catalog also loads from compiled output, where .csv files are not copied.
export const SEED_MODELS_CSV: string = [
${lines.join('\n')}
].join('\\n');
`;
writeFileSync(join(dataDir, 'models-csv.ts'), ts);
