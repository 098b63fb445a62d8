/** Where the test services are (set by `npm test`; defaults match the `test` profile of scripts/services.mjs). */
export const TEST_DATABASE_ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:54339/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:63809';
export const TEMPLATE_DB = 'tollgate_template';

/** Base environment for an API or worker under test; secrets are fixed test values. */
export function baseTestEnv(): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    REDIS_URL: TEST_REDIS_URL,
    JWT_SECRET: 'test-jwt-secret-0123456789abcdef0123456789',
    API_KEY_PEPPER: 'test-api-key-pepper-0123456789abcdef01234567',
    ADMIN_DIST_DIR: 'dist/admin',
    VAULT_KEYRING: JSON.stringify({ t1: Buffer.alloc(32, 1).toString('base64'), t2: Buffer.alloc(32, 2).toString('base64') }),
    VAULT_PRIMARY_KEY_ID: 't1',
    UPSTREAM_ALLOW_PRIVATE_NETWORK: 'true',
  };
}

export function dbUrl(name: string): string {
  const u = new URL(TEST_DATABASE_ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}
