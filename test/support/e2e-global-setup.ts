import 'reflect-metadata';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ENTITIES } from '../../apps/api/src/database/entities';
import { MIGRATIONS } from '../../apps/api/src/database/migrations';
import { TEMPLATE_DB, TEST_DATABASE_ADMIN_URL, dbUrl } from './test-env';

/** e2e suites start real processes from dist/ on databases copied from the migrated template. */
export default async function globalSetup(): Promise<void> {
  const c = new Client({ connectionString: TEST_DATABASE_ADMIN_URL });
  try {
    await c.connect();
  } catch (err) {
    throw new Error(`Postgres for tests is not reachable at ${TEST_DATABASE_ADMIN_URL} (${(err as Error).message}). Run \`npm test -- int\`, or \`node scripts/services.mjs start test\` first.`);
  }
  try {
    await c.query(`DROP DATABASE IF EXISTS "${TEMPLATE_DB}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${TEMPLATE_DB}"`);
  } finally {
    await c.end();
  }
  const ds = new DataSource({ type: 'postgres', uuidExtension: 'pgcrypto', url: dbUrl(TEMPLATE_DB), entities: ENTITIES, migrations: MIGRATIONS, logging: ['error'] });
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
}
