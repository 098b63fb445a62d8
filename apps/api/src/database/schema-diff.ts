import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/**
 * Prints the SQL that would bring a freshly migrated database to the entities' schema: the body of
 * the next migration. Usage: DATABASE_URL=<an empty database> node dist/apps/api/src/database/schema-diff.js
 */
async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL (an empty scratch database) is required');
  const ds = new DataSource({ type: 'postgres', uuidExtension: 'pgcrypto', url, entities: ENTITIES, migrations: MIGRATIONS, logging: false });
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
    const log = await ds.driver.createSchemaBuilder().log();
    const fmt = (q: { query: string; parameters?: unknown[] }) => `await q.query(${JSON.stringify(q.query)}${q.parameters?.length ? `, ${JSON.stringify(q.parameters)}` : ''});`;
    process.stdout.write(`// up\n${log.upQueries.map(fmt).join('\n')}\n// down\n${log.downQueries.reverse().map(fmt).join('\n')}\n`);
  } finally {
    await ds.destroy();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});
