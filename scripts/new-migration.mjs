#!/usr/bin/env node
// Writes the next migration from the difference between the migrations and the entities:
//   node scripts/new-migration.mjs <PascalName>
// Needs the test services (node scripts/services.mjs start test). Review the file before committing.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildApi } from './lib/build.mjs';
import { ROOT, capture, log, run } from './lib/proc.mjs';
import { PROFILES } from './lib/services.mjs';

const name = process.argv[2];
if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
  process.stderr.write('usage: node scripts/new-migration.mjs <PascalName>\n');
  process.exit(2);
}
const port = Number(process.env.PG_PORT ?? PROFILES.test.pgPort);
const admin = ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-qc'];
run('psql', [...admin, 'DROP DATABASE IF EXISTS tollgate_scratch']);
run('psql', [...admin, 'CREATE DATABASE tollgate_scratch']);
buildApi();
const diff = capture(process.execPath, ['dist/apps/api/src/database/schema-diff.js'], {
  env: { ...process.env, DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/tollgate_scratch` },
});
if (diff.status !== 0) throw new Error(diff.stderr);
const toTs = (line) => {
  const m = /^await q\.query\((".*")\);$/.exec(line);
  return m ? `    await q.query(\`${JSON.parse(m[1]).replace(/ {2}\(/g, '(').trimEnd()}\`);` : null;
};
const [upPart, downPart] = diff.stdout.split('// down\n');
const up = upPart.replace('// up\n', '').trim().split('\n').map(toTs).filter(Boolean);
const down = downPart.trim().split('\n').map(toTs).filter(Boolean);
if (up.length === 0) {
  log('entities and migrations agree: nothing to write');
  process.exit(0);
}
const ts = Date.now();
const cls = `${name}${ts}`;
const file = resolve(ROOT, 'apps/api/src/database/migrations', `${ts}-${name}.ts`);
writeFileSync(
  file,
  `import { MigrationInterface, QueryRunner } from 'typeorm';

export class ${cls} implements MigrationInterface {
  name = '${cls}';

  async up(q: QueryRunner): Promise<void> {
${up.join('\n')}
  }

  async down(q: QueryRunner): Promise<void> {
${down.join('\n')}
  }
}
`,
);
const index = resolve(ROOT, 'apps/api/src/database/migrations/index.ts');
let src = readFileSync(index, 'utf8');
src = src.replace(/(import [^\n]+\n)(?![\s\S]*import )/, `$1import { ${cls} } from './${ts}-${name}';\n`);
src = src.replace(/\];\s*$/, `, ${cls}];\n`);
writeFileSync(index, src);
log(`wrote ${file.replace(ROOT + '/', '')} (${up.length} statements) and listed it in migrations/index.ts`);
