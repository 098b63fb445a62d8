// Brings up what the benchmark measures: the `bench` Postgres/Redis profile (fresh, fsync off), the
// migrated schema, the demo team with its member API key, an `openai` provider key pointing at the
// fake upstream, an API-key rate limit and a hard team budget (so admission runs on every request),
// then the fake upstream, the API and the worker(s) from dist/.
import { Buffer } from 'node:buffer';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import net from 'node:net';
import { resolve } from 'node:path';
import pg from 'pg';
import { API_SOURCES, buildApi } from '../../scripts/lib/build.mjs';
import { ROOT, capture, log, run, sleep, startChild, stopChild, waitForHttp } from '../../scripts/lib/proc.mjs';
import { profileDir, startServices, stopServices } from '../../scripts/lib/services.mjs';
import { withDescendants } from './cpu.mjs';

export const DIST = {
  main: resolve(ROOT, 'dist/apps/api/src/main.js'),
  worker: resolve(ROOT, 'dist/apps/api/src/worker.js'),
  migrate: resolve(ROOT, 'dist/apps/api/src/database/migrate.js'),
  seed: resolve(ROOT, 'dist/apps/api/src/database/seed.js'),
  fake: resolve(ROOT, 'dist/libs/providers/src/testing/fake-upstream.js'),
};

export const QUEUE_PREFIX = 'bench';
export const PROVIDER_KEY = 'sk-bench-provider-key-000000000001';

/** True when dist/ is missing or any TypeScript source of the API or the libs is newer than it. */
export function needsBuild() {
  if (!Object.values(DIST).every((f) => existsSync(f))) return true;
  const built = statSync(DIST.main).mtimeMs;
  const newer = (dir) =>
    readdirSync(dir, { withFileTypes: true }).some((e) => {
      const p = resolve(dir, e.name);
      if (e.isDirectory()) return e.name !== '__fixtures__' && newer(p);
      return e.name.endsWith('.ts') && !/\.(int-|e2e-)?spec\.ts$/.test(e.name) && statSync(p).mtimeMs > built;
    });
  return ['apps/api/src', 'libs/providers/src', 'libs/billing/src'].some((d) => existsSync(resolve(ROOT, d)) && newer(resolve(ROOT, d)));
}

/**
 * The API of another commit, for `--compare <ref>`: its sources from `git archive` (nothing is
 * registered in .git) in .tollgate/bench-compare/<sha>, built with this checkout's swc and
 * node_modules. Reused while it exists. Returns the path of its main.js.
 */
export function compareBuild(ref) {
  const sha = capture('git', ['rev-parse', '--verify', '--short', `${ref}^{commit}`]).stdout.trim();
  if (!sha) throw new Error(`--compare: "${ref}" is not a commit`);
  const dir = resolve(ROOT, '.tollgate', 'bench-compare', sha);
  const main = resolve(dir, 'dist/apps/api/src/main.js');
  if (existsSync(main)) return { sha, main };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const archive = capture('git', ['archive', '--format=tar', sha, ...API_SOURCES, '.swcrc'], { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 });
  if (archive.status !== 0) throw new Error(`--compare: git archive ${sha} failed: ${archive.stderr}`);
  run('tar', ['-x', '-C', dir], { input: archive.stdout, stdio: ['pipe', 'inherit', 'inherit'] });
  symlinkSync(resolve(ROOT, 'node_modules'), resolve(dir, 'node_modules'));
  buildApi(dir);
  return { sha, main };
}

export function freePort() {
  return new Promise((res, rej) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
    srv.on('error', rej);
  });
}

function ownRssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Resident set size in MB of a process and its descendants, from /proc (null when it is gone): with
 * API_PROCESSES above 1, the supervisor and every API process it started.
 */
export function rssMb(pid) {
  const own = ownRssMb(pid);
  if (own === null) return null;
  return withDescendants(pid).reduce((sum, p) => sum + (p === pid ? own : (ownRssMb(p) ?? 0)), 0);
}

export class BenchStack {
  constructor(opts) {
    this.opts = opts;
    this.children = [];
    this.servicesStarted = false;
    this.stopping = false;
    this.workers = [];
  }

  /** Fixed secrets (as in test/support/test-env.ts): results never depend on a random keyring. */
  baseEnv(services) {
    return {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: services.DATABASE_URL,
      REDIS_URL: services.REDIS_URL,
      QUEUE_PREFIX,
      JWT_SECRET: 'bench-jwt-secret-0123456789abcdef0123456789',
      API_KEY_PEPPER: 'bench-api-key-pepper-0123456789abcdef01234567',
      VAULT_KEYRING: JSON.stringify({ b1: Buffer.alloc(32, 7).toString('base64') }),
      VAULT_PRIMARY_KEY_ID: 'b1',
      // As deployed: the console's static files are served by the same process (when built).
      ADMIN_DIST_DIR: resolve(ROOT, 'dist', 'admin'),
      UPSTREAM_ALLOW_PRIVATE_NETWORK: 'true',
      WORKER_CONCURRENCY: String(this.opts.workerConcurrency ?? 16),
      ...(this.opts.keyConcurrency ? { GATEWAY_KEY_CONCURRENCY: String(this.opts.keyConcurrency) } : {}),
      ...this.opts.extraEnv,
    };
  }

  async start() {
    // Builds only when needed (or with --build): other work may be running from the same dist/.
    if (this.opts.build === 'always' || (this.opts.build !== 'never' && needsBuild())) buildApi();
    else log('dist/ is up to date with the sources (use --build to force a rebuild)');
    for (const [name, file] of Object.entries(DIST)) if (!existsSync(file)) throw new Error(`${name} missing (${file}); run node scripts/build.mjs api`);

    this.services = await startServices('bench', { fresh: true, fast: true });
    this.servicesStarted = true;
    this.db = new pg.Pool({ connectionString: this.services.DATABASE_URL, max: 4 });
    this.fakePort = await freePort();
    this.apiPort = await freePort();
    this.apiUrl = `http://127.0.0.1:${this.apiPort}`;
    this.fakeUrl = `http://127.0.0.1:${this.fakePort}`;
    this.env = {
      ...this.baseEnv(this.services),
      PORT: String(this.apiPort),
      PROVIDER_BASE_URLS: JSON.stringify({ openai: `${this.fakeUrl}/v1` }),
    };

    run(process.execPath, [DIST.migrate, 'run'], { env: this.env, stdio: ['ignore', 'ignore', 'inherit'] });
    const demoFile = resolve(profileDir('bench'), 'demo.json');
    rmSync(demoFile, { force: true });
    run(process.execPath, [DIST.seed], { env: { ...this.env, DEMO_FILE: demoFile }, stdio: ['ignore', 'ignore', 'inherit'] });
    this.demo = JSON.parse(readFileSync(demoFile, 'utf8'));

    const keyRows = (await this.db.query(`SELECT id, membership_id, user_id FROM api_keys WHERE team_id = $1 AND revoked_at IS NULL`, [this.demo.teamId])).rows;
    if (keyRows.length !== 1) throw new Error(`expected one demo API key, found ${keyRows.length}`);
    this.apiKey = { id: keyRows[0].id, membershipId: keyRows[0].membership_id, userId: keyRows[0].user_id, secret: this.demo.memberApiKey };
    // Limits that never refuse but must be checked: an RPM+TPM limit on the key and a hard monthly budget.
    await this.db.query(`INSERT INTO rate_limits (team_id, scope, api_key_id, rpm, tpm) VALUES ($1, 'api_key', $2, 2000000000, 2000000000)`, [this.demo.teamId, this.apiKey.id]);
    await this.db.query(`INSERT INTO budgets (team_id, scope, period, amount_nano_usd, mode) VALUES ($1, 'team', 'month', 1000000000000000000, 'hard')`, [this.demo.teamId]);

    this.fake = this.spawn('fake', [resolve(import.meta.dirname, 'fake-upstream.mjs')], { ...this.env, PORT: String(this.fakePort) });
    await waitForHttp(`${this.fakeUrl}/v1/models`, { timeoutMs: 20_000, expectStatus: 401, child: this.fake.proc });
    // The floor: a bare Node proxy to the same fake, measured in the same rounds (floor-proxy.mjs).
    this.floorPort = await freePort();
    this.floorUrl = `http://127.0.0.1:${this.floorPort}`;
    this.floor = this.spawn('floor', [resolve(import.meta.dirname, 'floor-proxy.mjs')], { PATH: process.env.PATH, PORT: String(this.floorPort), UPSTREAM_URL: this.fakeUrl });
    await waitForHttp(`${this.floorUrl}/`, { timeoutMs: 20_000, child: this.floor.proc });

    const apiArgs = [...(this.opts.apiNodeArgs ?? [])];
    if (this.opts.profileFile) apiArgs.push('--import', resolve(import.meta.dirname, 'cpu-prof-preload.mjs'));
    const memEnv = {};
    if (this.opts.memFile) {
      apiArgs.push('--import', resolve(import.meta.dirname, 'mem-preload.mjs'));
      memEnv.BENCH_MEM_FILE = this.opts.memFile;
    }
    this.api = this.spawn('api', [...apiArgs, DIST.main], { ...this.env, ...memEnv, ...(this.opts.profileFile ? { BENCH_CPU_PROF_FILE: this.opts.profileFile } : {}) });
    await waitForHttp(`${this.apiUrl}/health/ready`, { timeoutMs: 60_000, child: this.api.proc });

    await this.addProviderKey();
    // `--compare` / `--compare-env`: a second API (B) on the same database, Redis and team, idle while A is measured.
    if (this.opts.compare) {
      const c = this.opts.compare;
      this.apiBPort = await freePort();
      this.apiBUrl = `http://127.0.0.1:${this.apiBPort}`;
      this.apiB = this.spawn('api-b', [c.main ?? DIST.main], { ...this.env, ...c.env, PORT: String(this.apiBPort) });
      await waitForHttp(`${this.apiBUrl}/health/ready`, { timeoutMs: 60_000, child: this.apiB.proc });
      log(`API B (${c.label}) ready: ${this.apiBUrl}`);
    }
    for (let i = 0; i < (this.opts.workers ?? 1); i++) this.startWorker();
    log(`stack ready: api ${this.apiUrl}, fake ${this.fakeUrl}, floor proxy ${this.floorUrl}, team ${this.demo.teamId}`);
  }

  spawn(name, args, env) {
    const proc = startChild(name, process.execPath, args, { env });
    const child = { name, proc };
    this.children.push(child);
    proc.once('exit', (code, signal) => {
      child.exited = true;
      if (!this.stopping && !child.expectExit) {
        log(`${name} exited unexpectedly (${code ?? signal})`);
        this.opts.onCrash?.(name);
      }
    });
    return child;
  }

  async addProviderKey() {
    const login = await fetch(`${this.apiUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: this.demo.teamAdmin.email, password: this.demo.teamAdmin.password }),
    });
    if (login.status !== 200) throw new Error(`team admin login failed: ${login.status} ${await login.text()}`);
    const { accessToken } = await login.json();
    const res = await fetch(`${this.apiUrl}/provider-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}`, 'x-team-id': this.demo.teamId },
      body: JSON.stringify({ provider: 'openai', label: 'bench (fake upstream)', key: PROVIDER_KEY }),
    });
    if (res.status !== 201 && res.status !== 200) throw new Error(`adding the provider key failed: ${res.status} ${await res.text()}`);
  }

  startWorker() {
    const w = this.spawn(`worker${this.workers.length + 1}`, [DIST.worker], this.env);
    this.workers.push(w);
    return w;
  }

  async stopWorkers() {
    const ws = this.workers.splice(0);
    for (const w of ws) w.expectExit = true;
    await Promise.all(ws.map((w) => stopChild(w.proc, 15_000)));
  }

  /** Children in reverse start order (API before workers before the fake), then Postgres and Redis. */
  async stop() {
    if (this.stopping) return;
    this.stopping = true;
    for (const c of [...this.children].reverse()) await stopChild(c.proc, 15_000);
    await this.db?.end().catch(() => undefined);
    if (this.servicesStarted) await stopServices('bench');
  }

  commit() {
    return capture('git', ['rev-parse', '--short', 'HEAD']).stdout.trim() || null;
  }

  async waitUntil(fn, timeoutMs, what) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await fn()) return;
      await sleep(100);
    }
    throw new Error(`timed out waiting for ${what}`);
  }
}
