import { DataSource, DataSourceOptions } from 'typeorm';
import { AppConfig, loadConfigOrExit } from '../config/app-config';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/** One definition of the data source, shared by the app, the worker and the migration CLI. */
export function buildDataSourceOptions(config: AppConfig, overrides: Partial<{ url: string }> = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url: overrides.url ?? config.get('DATABASE_URL'),
    // gen_random_uuid() is built into Postgres 13+; no extension to install.
    uuidExtension: 'pgcrypto',
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    logging: ['error'],
    extra: { max: config.get('DATABASE_POOL_SIZE'), application_name: 'tollgate' },
  };
}

/** Used by the migration CLI (database/migrate.ts). */
export function createDataSource(url?: string): DataSource {
  return new DataSource(buildDataSourceOptions(loadConfigOrExit(), url ? { url } : {}));
}
