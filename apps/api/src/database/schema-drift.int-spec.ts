import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { TestDatabase, createEmptyDatabase } from '../../../../test/support/db';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

describe('migrations and entities', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createEmptyDatabase('drift');
    ds = new DataSource({ type: 'postgres', uuidExtension: 'pgcrypto', url: db.url, entities: ENTITIES, migrations: MIGRATIONS, logging: false });
    await ds.initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it('migrations build exactly the schema the entities describe (no drift)', async () => {
    await ds.runMigrations({ transaction: 'each' });
    const pending = await ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('every migration has a working down(): reverting all leaves no tables, re-applying works', async () => {
    for (let i = 0; i < MIGRATIONS.length; i++) await ds.undoLastMigration({ transaction: 'each' });
    const tables = await ds.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'`);
    expect(tables).toEqual([]);
    await ds.runMigrations({ transaction: 'each' });
    expect(await ds.showMigrations()).toBe(false);
  });
});
