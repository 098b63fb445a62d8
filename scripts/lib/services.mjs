// Project-local Postgres and Redis on private ports, data under .tollgate/<profile>/ (git-ignored).
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { resolve } from 'node:path';
import { ROOT, aptInstall, capture, isRoot, log, run, sleep } from './proc.mjs';

export const PROFILES = {
  dev: { pgPort: 54329, redisPort: 63799 },
  test: { pgPort: 54339, redisPort: 63809 },
  bench: { pgPort: 54349, redisPort: 63819 },
};

export function profileDir(profile) {
  return resolve(ROOT, '.tollgate', profile);
}

function findPgBin() {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => existsSync(resolve(base, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? resolve(base, versions[0], 'bin') : null;
}

function findRedis() {
  for (const p of ['/usr/bin/redis-server', '/usr/local/bin/redis-server']) if (existsSync(p)) return p;
  return null;
}

/** Installs what is missing (Debian packages), returns the binaries. */
export function ensureServiceBinaries({ needPg = true, needRedis = true } = {}) {
  const missing = [];
  if (needPg && !findPgBin()) missing.push('postgresql');
  if (needRedis && !findRedis()) missing.push('redis-server');
  if (missing.length) aptInstall(missing, 'Tollgate needs Postgres and Redis');
  return { pgBin: needPg ? findPgBin() : null, redisServer: needRedis ? findRedis() : null };
}

function portOpen(port) {
  return new Promise((res) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      res(true);
    });
    s.once('error', () => res(false));
  });
}

async function waitPort(port, open, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await portOpen(port)) === open) return true;
    await sleep(50);
  }
  return false;
}

/** Runs a command as the postgres user when we are root (Postgres refuses to run as root). */
function asPg(cmd, args) {
  if (!isRoot()) return [cmd, args];
  return ['runuser', ['-u', 'postgres', '--', cmd, ...args]];
}

function ensurePgUser() {
  if (!isRoot()) return;
  if (capture('id', ['-u', 'postgres']).status !== 0) run('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
}

async function startPostgres(pgBin, dir, port, fast) {
  const data = resolve(dir, 'pg');
  if (await portOpen(port)) {
    const pidFile = resolve(data, 'postmaster.pid');
    if (existsSync(pidFile)) {
      log(`postgres already running on 127.0.0.1:${port} (reused)`);
      return;
    }
    throw new Error(`port ${port} is taken by something else; set PG_PORT or DATABASE_URL`);
  }
  ensurePgUser();
  mkdirSync(dir, { recursive: true });
  if (!existsSync(resolve(data, 'PG_VERSION'))) {
    mkdirSync(data, { recursive: true });
    if (isRoot()) run('chown', ['-R', 'postgres:postgres', data]);
    log(`initialising postgres data in ${data}`);
    const [c, a] = asPg(resolve(pgBin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync', '--no-instructions']);
    run(c, a, { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  if (isRoot()) run('chown', ['-R', 'postgres:postgres', data]);
  const opts = [`-p ${port}`, `-k ${data}`, '-c listen_addresses=127.0.0.1', '-c max_connections=300', '-c shared_buffers=256MB'];
  if (fast) opts.push('-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off');
  const [c, a] = asPg(resolve(pgBin, 'pg_ctl'), ['-D', data, '-o', opts.join(' '), '-l', resolve(data, 'server.log'), '-w', '-t', '60', 'start']);
  run(c, a, { stdio: ['ignore', 'ignore', 'inherit'] });
  log(`postgres up on 127.0.0.1:${port}`);
}

async function stopPostgres(pgBin, dir) {
  const data = resolve(dir, 'pg');
  if (!existsSync(resolve(data, 'postmaster.pid'))) return;
  const [c, a] = asPg(resolve(pgBin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']);
  const r = capture(c, a);
  if (r.status !== 0) {
    const pid = Number(readFileSync(resolve(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (pid) capture('kill', ['-9', String(pid)]);
  }
  log('postgres stopped');
}

async function startRedis(redisServer, dir, port) {
  const data = resolve(dir, 'redis');
  const pidFile = resolve(data, 'redis.pid');
  if (await portOpen(port)) {
    if (existsSync(pidFile)) {
      log(`redis already running on 127.0.0.1:${port} (reused)`);
      return;
    }
    throw new Error(`port ${port} is taken by something else; set REDIS_PORT or REDIS_URL`);
  }
  mkdirSync(data, { recursive: true });
  // AOF + noeviction: BullMQ must never lose or evict a job.
  run(redisServer, [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', data, '--daemonize', 'yes', '--pidfile', pidFile,
    '--logfile', resolve(data, 'redis.log'), '--appendonly', 'yes', '--appendfsync', 'everysec',
    '--maxmemory-policy', 'noeviction', '--save', '', '--protected-mode', 'yes',
  ]);
  if (!(await waitPort(port, true, 10_000))) throw new Error(`redis did not start on ${port}; see ${data}/redis.log`);
  log(`redis up on 127.0.0.1:${port} (AOF on, noeviction)`);
}

async function stopRedis(dir, port) {
  const pidFile = resolve(resolve(dir, 'redis'), 'redis.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (pid) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    if (!(await waitPort(port, false, 10_000))) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
  rmSync(pidFile, { force: true });
  log('redis stopped');
}

function createDatabase(pgBin, port, name) {
  const psql = resolve(pgBin, 'psql');
  const args = ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-tAc'];
  const exists = capture(psql, [...args, `SELECT 1 FROM pg_database WHERE datname='${name}'`]).stdout.trim() === '1';
  if (!exists) run(psql, [...args, `CREATE DATABASE "${name}"`], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/**
 * Starts the profile's services unless DATABASE_URL / REDIS_URL are given, and returns the URLs.
 * `fresh` wipes the profile's data first (tests); `fast` turns off fsync (tests and benchmarks).
 */
export async function startServices(profile, { fresh = false, fast = false, database = 'tollgate' } = {}) {
  const ports = {
    pgPort: Number(process.env.PG_PORT ?? PROFILES[profile].pgPort),
    redisPort: Number(process.env.REDIS_PORT ?? PROFILES[profile].redisPort),
  };
  const dir = profileDir(profile);
  const useOwnPg = !process.env.DATABASE_URL;
  const useOwnRedis = !process.env.REDIS_URL;
  const { pgBin, redisServer } = ensureServiceBinaries({ needPg: true, needRedis: useOwnRedis });
  if (fresh) await stopServices(profile);
  if (fresh) {
    rmSync(resolve(dir, 'pg'), { recursive: true, force: true });
    rmSync(resolve(dir, 'redis'), { recursive: true, force: true });
  }
  if (useOwnPg) await startPostgres(pgBin, dir, ports.pgPort, fast);
  if (useOwnRedis) await startRedis(redisServer, dir, ports.redisPort);
  if (useOwnPg) createDatabase(pgBin, ports.pgPort, database);
  const state = {
    profile,
    pgBin,
    ownPg: useOwnPg,
    ownRedis: useOwnRedis,
    pgPort: ports.pgPort,
    redisPort: ports.redisPort,
    adminUrl: process.env.DATABASE_URL ? null : `postgres://postgres@127.0.0.1:${ports.pgPort}/postgres`,
    DATABASE_URL: process.env.DATABASE_URL ?? `postgres://postgres@127.0.0.1:${ports.pgPort}/${database}`,
    REDIS_URL: process.env.REDIS_URL ?? `redis://127.0.0.1:${ports.redisPort}`,
  };
  writeFileSync(resolve(dir, 'services.json'), JSON.stringify(state, null, 2));
  return state;
}

export async function stopServices(profile) {
  const dir = profileDir(profile);
  const port = Number(process.env.REDIS_PORT ?? PROFILES[profile].redisPort);
  await stopRedis(dir, port);
  const pgBin = findPgBin();
  if (pgBin) await stopPostgres(pgBin, dir);
}
