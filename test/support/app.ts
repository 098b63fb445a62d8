import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import { createApp } from '../../apps/api/src/app';
import { WorkerModule } from '../../apps/api/src/worker.module';
import { TestDatabase, createTestDatabase } from './db';

export interface TestApp {
  app: NestExpressApplication;
  url: string;
  db: TestDatabase;
  /** The worker's module in the same process (`withWorker`), for suites that call its services. */
  worker?: INestApplicationContext;
  close(): Promise<void>;
}

/**
 * The real API (same module graph and set-up as main.ts) on a fresh database and a private queue prefix,
 * listening on a random loopback port. Env must be set before the app's modules load.
 */
export async function startTestApp(label: string, env: Record<string, string> = {}, opts: { withWorker?: boolean } = {}): Promise<TestApp> {
  const db = await createTestDatabase(label);
  process.env.DATABASE_URL = db.url;
  process.env.QUEUE_PREFIX = `t${randomBytes(4).toString('hex')}`;
  Object.assign(process.env, env);
  const app = await createApp();
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  // The worker's processors in the same process, when a suite needs jobs to complete (e.g. audit rows).
  let worker: INestApplicationContext | undefined;
  if (opts.withWorker) {
    try {
      worker = await NestFactory.createApplicationContext(WorkerModule, { logger: false, abortOnError: false });
      await worker.init();
    } catch (err) {
      await app.close();
      await db.drop();
      throw err;
    }
  }
  return {
    app,
    url,
    db,
    worker,
    close: async () => {
      await worker?.close();
      await app.close();
      await db.drop();
    },
  };
}
