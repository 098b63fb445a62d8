import { z } from 'zod';
import { parseKeyring } from '../common/envelope';

// Every environment variable Tollgate reads. `.env.example` documents each one; keep both in step.
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const csv = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  );

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_BASE_URL: z.url().optional(),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CORS_ORIGINS: csv.default([]),
  ADMIN_DIST_DIR: z.string().default('dist/admin'),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(4 * 1024 * 1024),
  QUEUE_PREFIX: z.string().regex(/^[a-z0-9_-]{1,40}$/i, 'letters, digits, - and _ only').default('tollgate'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  USAGE_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(2000).default(256),
  USAGE_BATCH_MS: z.coerce.number().int().min(0).max(1000).default(50),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  API_PROCESSES: z.coerce.number().int().min(0).max(64).default(1),
  API_HEAP_GROWING_PERCENT: z.coerce.number().int().min(0).max(300).default(50),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters'),
  JWT_ACCESS_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
  REFRESH_TTL_SECONDS: z.coerce.number().int().min(300).default(30 * 86_400),
  API_KEY_PEPPER: z.string().min(32, 'must be at least 32 characters'),
  API_KEY_CACHE_TTL_MS: z.coerce.number().int().min(0).default(60_000),
  VAULT_KEYRING: z.string().min(2),
  VAULT_PRIMARY_KEY_ID: z.string().min(1),
  PROVIDER_BASE_URLS: z
    .string()
    .default('{}')
    .transform((v, ctx) => {
      try {
        const obj = JSON.parse(v) as unknown;
        if (!obj || typeof obj !== 'object' || Array.isArray(obj) || !Object.values(obj).every((u) => typeof u === 'string' && /^https?:\/\//.test(u))) throw new Error();
        return obj as Record<string, string>;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object of provider id to http(s) base URL' });
        return z.NEVER;
      }
    }),
  ALLOWED_CUSTOM_UPSTREAM_HOSTS: csv.default([]),
  UPSTREAM_ALLOW_PRIVATE_NETWORK: bool.default(false),
  PROVIDER_KEY_PROBE_INTERVAL_SECONDS: z.coerce.number().int().min(10).default(300),
  GATEWAY_MAX_MESSAGES: z.coerce.number().int().min(1).default(2000),
  GATEWAY_MAX_TOKENS_CAP: z.coerce.number().int().min(1).default(200_000),
  GATEWAY_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  GATEWAY_ATTEMPT_TIMEOUT_MS: z.coerce.number().int().min(100).default(120_000),
  GATEWAY_TOTAL_TIMEOUT_MS: z.coerce.number().int().min(100).default(600_000),
  GATEWAY_IDLE_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
  GATEWAY_STREAM_KEEPALIVE_MS: z.coerce.number().int().min(100).default(10_000),
  GATEWAY_ABORT_DRAIN_MS: z.coerce.number().int().min(0).default(1_000),
  INFLIGHT_RECONCILE_AFTER_MS: z.coerce.number().int().min(1000).optional(),
  GATEWAY_KEY_CONCURRENCY: z.coerce.number().int().min(1).default(64),
  GATEWAY_HTTP_ENTRY: bool.default(true),
  ADMISSION_LEASE_REQUESTS: z.coerce.number().int().min(0).max(1000).default(16),
  ADMISSION_LEASE_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  BUDGET_CHECK_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(60),
  BUDGET_ALERT_WEBHOOK_URL: z.url().optional(),
  BUDGET_ALERT_WEBHOOK_SECRET: z.string().min(16).optional(),
  STRIPE_SECRET_KEY: z.string().optional(),
  STRIPE_WEBHOOK_SECRET: z.string().optional(),
  STRIPE_API_BASE_URL: z.url().optional(),
  STRIPE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(20_000),
  STRIPE_REPORT_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(60),
  STRIPE_REPORT_GRACE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  STRIPE_RECONCILE_INTERVAL_SECONDS: z.coerce.number().int().min(10).default(3600),
  SIGNUP_OPEN: bool.default(true),
  OPERATOR_EMAIL: z.email().optional(),
  OPERATOR_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  LOGIN_LOCKOUT_SECONDS: z.coerce.number().int().min(1).default(900),
  INVITATION_TTL_HOURS: z.coerce.number().int().min(1).default(72),
});

/** Cross-field checks: the keyring must parse and hold the primary key id. */
export const checkedSchema = configSchema.superRefine((c, ctx) => {
  try {
    parseKeyring(c.VAULT_KEYRING, c.VAULT_PRIMARY_KEY_ID);
  } catch (err) {
    ctx.addIssue({ code: 'custom', path: ['VAULT_KEYRING'], message: (err as Error).message });
  }
});

export type AppConfigValues = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Validates an environment; throws ConfigError naming every bad variable. */
export function parseConfig(env: NodeJS.ProcessEnv): AppConfigValues {
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') cleaned[k] = v;
  const result = checkedSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => {
      const name = i.path.join('.') || '(root)';
      const message = i.code === 'invalid_type' && cleaned[name] === undefined ? 'is required' : i.message;
      return `  ${name}: ${message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}
