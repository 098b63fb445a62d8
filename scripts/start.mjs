#!/usr/bin/env node
// `npm start`: installs what it needs, starts Postgres and Redis, migrates, seeds a demo, builds and
// serves the console, starts the API, the worker and the offline fake upstream. Ctrl-C stops it all.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildAdmin, buildApi } from './lib/build.mjs';
import { ROOT, ensureNodeModules, log, readJson, run, startChild, stopChild, waitForHttp } from './lib/proc.mjs';
import { profileDir, startServices, stopServices } from './lib/services.mjs';

const t0 = Date.now();
const children = [];
let stopping = false;
let servicesStarted = false;

/** Secrets generated once per checkout and kept in .tollgate/dev/secrets.env (git-ignored). */
function ensureSecrets() {
  const file = resolve(profileDir('dev'), 'secrets.env');
  mkdirSync(profileDir('dev'), { recursive: true });
  const existing = existsSync(file) ? Object.fromEntries(readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])) : {};
  const wanted = {
    JWT_SECRET: () => randomBytes(32).toString('base64url'),
    API_KEY_PEPPER: () => randomBytes(32).toString('base64url'),
    VAULT_KEYRING: () => JSON.stringify({ k1: randomBytes(32).toString('base64') }),
    VAULT_PRIMARY_KEY_ID: () => 'k1',
  };
  let changed = false;
  for (const [k, make] of Object.entries(wanted)) {
    if (!existing[k]) {
      existing[k] = make();
      changed = true;
    }
  }
  if (changed) writeFileSync(file, Object.entries(existing).map(([k, v]) => `${k}=${v}`).join('\n') + '\n', { mode: 0o600 });
  return existing;
}

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  log('stopping…');
  // API first, then the worker (it drains its current jobs), then the fake upstream, then the services.
  for (const c of [...children].reverse()) await stopChild(c.proc, 15_000);
  if (servicesStarted) await stopServices('dev');
  log('stopped; no process left behind');
  process.exit(code);
}

async function main() {
  ensureNodeModules();
  const services = await startServices('dev');
  servicesStarted = true;
  const secrets = ensureSecrets();
  buildApi();
  buildAdmin();
  const port = process.env.PORT ?? '3000';
  const host = process.env.HOST ?? '127.0.0.1';
  const upstreamPort = process.env.FAKE_UPSTREAM_PORT ?? '3999';
  const apiBaseUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  const env = {
    ...process.env,
    ...secrets,
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k in secrets)),
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    DATABASE_URL: services.DATABASE_URL,
    REDIS_URL: services.REDIS_URL,
    PORT: port,
    HOST: host,
    PUBLIC_BASE_URL: process.env.PUBLIC_BASE_URL ?? apiBaseUrl,
    ADMIN_DIST_DIR: resolve(ROOT, 'dist', 'admin'),
    ALLOWED_CUSTOM_UPSTREAM_HOSTS: process.env.ALLOWED_CUSTOM_UPSTREAM_HOSTS ?? `127.0.0.1:${upstreamPort}`,
  };
  // The offline demo sends every provider to the bundled fake upstream. Set PROVIDER_BASE_URLS='{}'
  // (and add real keys in the console) to talk to the real providers instead.
  if (!process.env.PROVIDER_BASE_URLS) {
    const u = `http://127.0.0.1:${upstreamPort}`;
    env.PROVIDER_BASE_URLS = JSON.stringify({
      openai: `${u}/v1`, anthropic: u, mistral: `${u}/mistral`, gemini: u, 'azure-openai': u, groq: `${u}/groq/v1`, deepseek: `${u}/deepseek/v1`,
      xai: `${u}/xai/v1`, together: `${u}/together/v1`, fireworks: `${u}/fireworks/v1`, openrouter: `${u}/openrouter/v1`, ollama: `${u}/ollama/v1`, vllm: `${u}/vllm/v1`,
    });
    env.UPSTREAM_ALLOW_PRIVATE_NETWORK = 'true';
  }
  run(process.execPath, ['dist/apps/api/src/database/migrate.js', 'run'], { env });
  const seed = resolve(ROOT, 'dist/apps/api/src/database/seed.js');
  if (existsSync(seed)) run(process.execPath, [seed], { env: { ...env, DEMO_FILE: resolve(ROOT, '.tollgate', 'demo.json') } });

  const fake = resolve(ROOT, 'dist/libs/providers/src/testing/fake-upstream.main.js');
  if (existsSync(fake)) {
    const proc = startChild('upstream', process.execPath, [fake], { env: { ...env, PORT: upstreamPort, HOST: '127.0.0.1' }, quiet: true });
    children.push({ name: 'upstream', proc });
  }
  const worker = startChild('worker', process.execPath, ['dist/apps/api/src/worker.js'], { env });
  children.push({ name: 'worker', proc: worker });
  const api = startChild('api', process.execPath, ['dist/apps/api/src/main.js'], { env });
  children.push({ name: 'api', proc: api });
  for (const c of children) {
    c.proc.once('exit', (code, signal) => {
      if (!stopping) {
        log(`${c.name} exited unexpectedly (${code ?? signal}); stopping everything`);
        void shutdown(1);
      }
    });
  }
  await waitForHttp(`${apiBaseUrl}/health/ready`, { timeoutMs: 60_000, child: api });
  const demo = readJson(resolve(ROOT, '.tollgate', 'demo.json'), null);
  const lines = [
    '',
    `Tollgate is ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    `  Console:   ${apiBaseUrl}/`,
    `  API:       ${apiBaseUrl}/v1`,
  ];
  if (demo) {
    lines.push(
      `  Operator:  ${demo.operator.email} / ${demo.operator.password}`,
      `  Team admin: ${demo.teamAdmin.email} / ${demo.teamAdmin.password}`,
      `  Member API key: ${demo.memberApiKey}`,
      '',
      'Try it:',
      `  curl -s ${apiBaseUrl}/v1/chat/completions -H "Authorization: Bearer ${demo.memberApiKey}" \\`,
      `    -H "Content-Type: application/json" -d '{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}'`,
      '',
      'Demo facts as JSON: .tollgate/demo.json',
    );
  }
  lines.push('Press Ctrl-C to stop everything.', '');
  process.stdout.write(lines.join('\n') + '\n');
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
main().catch(async (err) => {
  process.stderr.write(`[tollgate] start failed: ${err.message}\n`);
  await shutdown(1);
});
