// Builds the API, the worker and the libraries (swc, with path aliases rewritten) and the console (vite).
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT, log, run } from './proc.mjs';

export function buildApi() {
  const started = Date.now();
  rmSync(resolve(ROOT, 'dist', 'apps'), { recursive: true, force: true });
  rmSync(resolve(ROOT, 'dist', 'libs'), { recursive: true, force: true });
  run(resolve(ROOT, 'node_modules', '.bin', 'swc'), ['apps/api/src', 'libs/providers/src', 'libs/billing/src', '-d', 'dist', '--copy-files', '--quiet'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  log(`built api, worker and libs in ${Date.now() - started} ms`);
}

export function buildAdmin() {
  if (!existsSync(resolve(ROOT, 'apps', 'admin', 'vite.config.mts'))) return;
  const started = Date.now();
  run(resolve(ROOT, 'node_modules', '.bin', 'vite'), ['build', '--config', 'apps/admin/vite.config.mts', '--logLevel', 'warn'], {
    env: { ...process.env, NODE_ENV: 'production' },
  });
  log(`built console in ${Date.now() - started} ms`);
}
