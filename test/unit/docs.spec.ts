import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { configSchema } from '../../apps/api/src/config/config.schema';

// Keeps .env.example and the README's env table true: every variable the schema reads is documented.
const ROOT = resolve(__dirname, '..', '..');
const variables = Object.keys(configSchema.shape);

describe('configuration docs', () => {
  const example = readFileSync(resolve(ROOT, '.env.example'), 'utf8');
  const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');

  it.each(variables)('%s is in .env.example', (name) => {
    expect(example).toMatch(new RegExp(`^${name}=`, 'm'));
  });

  it.each(variables)('%s is in the README env table', (name) => {
    expect(readme).toMatch(new RegExp(`^\\| \`${name}\` \\|`, 'm'));
  });

  it('documents nothing the schema does not read', () => {
    const documented = [...example.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect(documented.filter((n) => !variables.includes(n))).toEqual([]);
  });
});
