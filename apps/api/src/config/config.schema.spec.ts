import { ConfigError, parseConfig } from './config.schema';

const valid = {
  DATABASE_URL: 'postgres://u@localhost:5432/db',
  REDIS_URL: 'redis://localhost:6379',
  JWT_SECRET: 'x'.repeat(32),
  API_KEY_PEPPER: 'y'.repeat(32),
  VAULT_KEYRING: JSON.stringify({ k1: Buffer.alloc(32, 7).toString('base64') }),
  VAULT_PRIMARY_KEY_ID: 'k1',
};

describe('parseConfig', () => {
  it('accepts a minimal environment and applies defaults', () => {
    const c = parseConfig(valid);
    expect(c.PORT).toBe(3000);
    expect(c.HOST).toBe('127.0.0.1');
    expect(c.SIGNUP_OPEN).toBe(true);
    expect(c.CORS_ORIGINS).toEqual([]);
    expect(c.QUEUE_PREFIX).toBe('tollgate');
  });

  it('coerces numbers, booleans and lists', () => {
    const c = parseConfig({ ...valid, PORT: '8080', SIGNUP_OPEN: 'false', CORS_ORIGINS: 'http://a.test, http://b.test' });
    expect(c.PORT).toBe(8080);
    expect(c.SIGNUP_OPEN).toBe(false);
    expect(c.CORS_ORIGINS).toEqual(['http://a.test', 'http://b.test']);
  });

  it('names a missing variable', () => {
    const { REDIS_URL: _omit, ...rest } = valid;
    expect(() => parseConfig(rest)).toThrow(/REDIS_URL: is required/);
  });

  it('names every bad variable with the reason', () => {
    let message = '';
    try {
      parseConfig({ ...valid, PORT: 'eighty', JWT_SECRET: 'short', DATABASE_URL: 'mysql://x' });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).toMatch(/PORT:/);
    expect(message).toMatch(/JWT_SECRET: must be at least 32 characters/);
    expect(message).toMatch(/DATABASE_URL: must be a postgres:\/\/ URL/);
  });

  it('checks the vault keyring and its primary id', () => {
    expect(() => parseConfig({ ...valid, VAULT_PRIMARY_KEY_ID: 'k2' })).toThrow(/VAULT_KEYRING: primary key id "k2" is not in the keyring/);
    expect(() => parseConfig({ ...valid, VAULT_KEYRING: JSON.stringify({ k1: 'c2hvcnQ=' }) })).toThrow(/VAULT_KEYRING: key "k1" must be base64 of exactly 32 bytes/);
    expect(() => parseConfig({ ...valid, VAULT_KEYRING: 'not json' })).toThrow(/VAULT_KEYRING: must be JSON/);
  });

  it('parses provider base URL overrides', () => {
    expect(parseConfig({ ...valid, PROVIDER_BASE_URLS: '{"openai":"http://127.0.0.1:4000/v1"}' }).PROVIDER_BASE_URLS).toEqual({ openai: 'http://127.0.0.1:4000/v1' });
    expect(() => parseConfig({ ...valid, PROVIDER_BASE_URLS: '{"openai":"ftp://x"}' })).toThrow(/PROVIDER_BASE_URLS/);
  });

  it('treats empty strings as unset', () => {
    expect(parseConfig({ ...valid, PORT: '' }).PORT).toBe(3000);
  });
});
