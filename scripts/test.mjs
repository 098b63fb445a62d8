#!/usr/bin/env node
// `npm test`: installs what it needs, starts project-local Postgres and Redis, runs every tier
// (typecheck, lint, unit, integration, end-to-end, browser), stops what it started, and prints
// `N passed, N failed` as its last line. Run one tier: `npm test -- unit` (or int, e2e, browser, static).
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildAdmin, buildApi } from './lib/build.mjs';
import { ROOT, aptInstall, capture, ensureNodeModules, log } from './lib/proc.mjs';
import { startServices, stopServices } from './lib/services.mjs';

process.env.NX_DAEMON = 'false';
process.env.NX_NO_CLOUD = 'true';
process.env.NX_SKIP_NX_CACHE = 'true';
const TIERS = ['static', 'unit', 'int', 'e2e', 'browser'];
const wanted = process.argv.slice(2).filter((a) => TIERS.includes(a));
const tiers = wanted.length ? wanted : TIERS;
const totals = { passed: 0, failed: 0 };
const failures = [];
const timings = [];
const started = Date.now();
const outDir = resolve(ROOT, '.tollgate', 'test-results');

function step(name, fn) {
  const t0 = Date.now();
  const done = () => timings.push(`${name} ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  let result;
  try {
    result = fn();
  } catch (err) {
    done();
    throw err;
  }
  if (result instanceof Promise) return result.finally(done);
  done();
  return result;
}

/** A check that is not a Jest test (typecheck, lint) counts as one test. */
function check(name, cmd, args) {
  step(name, () => {
    log(`${name}: ${cmd} ${args.join(' ')}`);
    const r = capture(cmd, args, { stdio: 'inherit' });
    if (r.status === 0) totals.passed += 1;
    else {
      totals.failed += 1;
      failures.push(name);
    }
  });
}

function jest(project, extra = []) {
  step(project, () => {
    const out = resolve(outDir, `${project}.json`);
    rmSync(out, { force: true });
    log(`${project} tests`);
    const r = capture(resolve(ROOT, 'node_modules', '.bin', 'jest'), ['--selectProjects', project, '--json', `--outputFile=${out}`, '--passWithNoTests', ...extra], {
      stdio: 'inherit',
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    if (!existsSync(out)) {
      totals.failed += 1;
      failures.push(`${project} (jest did not report: exit ${r.status})`);
      return;
    }
    const report = JSON.parse(readFileSync(out, 'utf8'));
    totals.passed += report.numPassedTests;
    totals.failed += report.numFailedTests;
    // A suite that fails to load has no failed tests; count it so the run cannot look green.
    const broken = report.testResults.filter((s) => s.status === 'failed' && s.assertionResults.every((a) => a.status !== 'failed'));
    totals.failed += broken.length;
    for (const s of report.testResults) if (s.status === 'failed') failures.push(`${project}: ${s.name.replace(ROOT + '/', '')}`);
    if (report.numPendingTests + report.numTodoTests > 0) {
      totals.failed += 1;
      failures.push(`${project}: ${report.numPendingTests + report.numTodoTests} skipped/todo tests`);
    }
    if (r.status !== 0 && report.numFailedTests === 0 && broken.length === 0) {
      totals.failed += 1;
      failures.push(`${project}: jest exited ${r.status}`);
    }
  });
}

let services;
async function main() {
  mkdirSync(outDir, { recursive: true });
  step('install', () => ensureNodeModules());
  const needBrowser = tiers.includes('browser') && existsSync(resolve(ROOT, 'test', 'browser'));
  if (needBrowser && !existsSync('/usr/bin/chromium')) step('chromium', () => aptInstall(['chromium'], 'browser tests need Chromium'));
  const bin = (n) => resolve(ROOT, 'node_modules', '.bin', n);
  if (tiers.includes('static')) {
    check('typecheck', bin('tsc'), ['-p', 'tsconfig.check.json', '--noEmit']);
    if (existsSync(resolve(ROOT, 'apps', 'admin', 'tsconfig.json'))) check('typecheck admin', bin('tsc'), ['-p', 'apps/admin/tsconfig.json', '--noEmit']);
    // The module-boundary rule needs Nx's project graph; without it the rule is silently skipped.
    check('project graph', bin('nx'), ['show', 'projects']);
    check('lint', bin('eslint'), ['--max-warnings', '0', '--no-error-on-unmatched-pattern', 'apps', 'libs', 'test', 'bench', 'scripts']);
  }
  if (tiers.includes('unit')) jest('unit');
  const needStack = tiers.some((t) => t === 'int' || t === 'e2e' || t === 'browser');
  if (!needStack) return;
  step('build', () => {
    buildApi();
    if (tiers.includes('e2e') || tiers.includes('browser')) buildAdmin();
  });
  services = await step('services', () => startServices('test', { fresh: true, fast: true, database: 'postgres' }));
  process.env.TEST_DATABASE_ADMIN_URL = services.adminUrl ?? services.DATABASE_URL;
  process.env.TEST_REDIS_URL = services.REDIS_URL;
  if (tiers.includes('int')) jest('int', ['--runInBand']);
  if (tiers.includes('e2e')) jest('e2e', ['--runInBand']);
  if (needBrowser && tiers.includes('browser')) jest('browser', ['--runInBand']);
}

async function finish(code) {
  if (services) await stopServices('test').catch((e) => log(`stopping services failed: ${e.message}`));
  log(`timings: ${timings.join(', ')}; total ${((Date.now() - started) / 1000).toFixed(1)}s`);
  if (failures.length) log(`failed: \n  ${failures.join('\n  ')}`);
  process.stdout.write(`${totals.passed} passed, ${totals.failed} failed\n`);
  process.exit(code || (totals.failed > 0 ? 1 : 0));
}

for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => void finish(130));

main()
  .then(() => finish(0))
  .catch((err) => {
    log(`test run aborted: ${err.stack ?? err.message}`);
    totals.failed += 1;
    return finish(1);
  });
