import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { createRedis } from '../queues/redis';

type CheckResult = { status: 'ok' | 'error'; latencyMs: number; error?: string };

/** Readiness checks. Each returns a short reason, never a connection string. */
@Injectable()
export class HealthService implements OnApplicationShutdown {
  private readonly logger = new Logger(HealthService.name);
  private readonly redis: Redis;
  private readonly extraChecks: Array<{ name: string; run: () => Promise<void> }> = [];

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    config: AppConfig,
  ) {
    this.redis = createRedis(config.get('REDIS_URL'), 'client', 'health');
    this.redis.on('error', () => undefined);
  }

  /** Features add their own readiness checks (e.g. the vault's keyring check). */
  register(name: string, run: () => Promise<void>): void {
    this.extraChecks.push({ name, run });
  }

  async check(): Promise<{ status: 'ok' | 'error'; checks: Record<string, CheckResult> }> {
    const entries: Array<[string, () => Promise<unknown>]> = [
      ['postgres', () => this.db.query('SELECT 1')],
      ['redis', () => this.redis.ping()],
      ...this.extraChecks.map((c) => [c.name, c.run] as [string, () => Promise<unknown>]),
    ];
    const results = await Promise.all(entries.map(async ([name, run]) => [name, await timed(run)] as const));
    const checks = Object.fromEntries(results);
    const status = results.every(([, r]) => r.status === 'ok') ? 'ok' : 'error';
    if (status !== 'ok') this.logger.warn({ checks }, 'readiness check failed');
    return { status, checks };
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}

async function timed(run: () => Promise<unknown>, timeoutMs = 2000): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      run(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: 'ok', latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    return { status: 'error', latencyMs: Math.round(performance.now() - started), error: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
