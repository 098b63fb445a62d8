// Builds the API, the worker and the libraries (swc, with path aliases rewritten) and the console (vite).
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT, log, run } from './proc.mjs';

/** What the API, the worker and the libs they load are built from (relative to the checkout). */
export const API_SOURCES = ['apps/api/src', 'libs/providers/src', 'libs/billing/src'];

/** swc of API_SOURCES into `<root>/dist`; `root` is this checkout, or another tree (bench --compare). */
export function buildApi(root = ROOT) {
  const started = Date.now();
  rmSync(resolve(root, 'dist', 'apps'), { recursive: true, force: true });
  rmSync(resolve(root, 'dist', 'libs'), { recursive: true, force: true });
  run(resolve(ROOT, 'node_modules', '.bin', 'swc'), [...API_SOURCES, '-d', 'dist', '--copy-files', '--quiet'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  log(`built api, worker and libs${root === ROOT ? '' : ` in ${root}`} in ${Date.now() - started} ms`);
}

export function buildAdmin() {
  if (!existsSync(resolve(ROOT, 'apps', 'admin', 'vite.config.mts'))) return;
  const started = Date.now();
  run(resolve(ROOT, 'node_modules', '.bin', 'vite'), ['build', '--config', 'apps/admin/vite.config.mts', '--logLevel', 'warn'], {
    env: { ...process.env, NODE_ENV: 'production' },
  });
  log(`built console in ${Date.now() - started} ms`);
}
