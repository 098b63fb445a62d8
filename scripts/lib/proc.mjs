// Small process helpers shared by the project scripts (no dependencies: runs before npm install).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');

export function log(msg) {
  process.stdout.write(`[tollgate] ${msg}\n`);
}

/** Runs a command to completion, inheriting stdio; throws on a non-zero exit. */
export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: ROOT, ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
  return r;
}

/** Runs a command and returns {status, stdout, stderr} without throwing. */
export function capture(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: ROOT, ...opts });
  return { status: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}

export function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

export function commandExists(cmd) {
  return capture('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/** Installs Debian packages when missing (root on Debian only); otherwise explains what to install. */
export function aptInstall(packages, why) {
  if (!isRoot() || !commandExists('apt-get')) {
    throw new Error(`${why}: please install the Debian packages ${packages.join(' ')} (needs root and apt-get)`);
  }
  log(`installing ${packages.join(' ')} from Debian (${why})`);
  // Keep package post-install scripts from starting system-wide services we would then orphan.
  const policy = '/usr/sbin/policy-rc.d';
  const addedPolicy = !existsSync(policy);
  if (addedPolicy) run('sh', ['-c', `printf '#!/bin/sh\\nexit 101\\n' > ${policy} && chmod +x ${policy}`]);
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const listsFresh = capture('sh', ['-c', 'find /var/lib/apt/lists -maxdepth 1 -name "*Packages*" -mmin -1440 | head -1']).stdout.trim();
    if (!listsFresh) run('apt-get', ['update', '-q'], { env });
    run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], { env });
  } finally {
    if (addedPolicy) run('rm', ['-f', policy]);
  }
}

/** npm install when node_modules is missing or older than the lockfile. */
export function ensureNodeModules() {
  const marker = resolve(ROOT, 'node_modules', '.package-lock.json');
  const lock = resolve(ROOT, 'package-lock.json');
  const fresh = existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs - 1000;
  if (fresh) return;
  log('installing npm packages (npm install with the committed lockfile)');
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error']);
}

export function readJson(path, fallback) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return fallback;
  }
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** Starts a long-running child and returns it; output is prefixed and forwarded. */
export function startChild(name, cmd, args, opts = {}) {
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  const forward = (stream, out) => {
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        if (!opts.quiet) out.write(`${name} | ${buf.slice(0, i)}\n`);
        buf = buf.slice(i + 1);
      }
    });
  };
  forward(child.stdout, process.stdout);
  forward(child.stderr, process.stderr);
  return child;
}

/** SIGTERM, wait up to timeoutMs, then SIGKILL. Resolves when the child has exited. */
export function stopChild(child, timeoutMs = 10_000) {
  return new Promise((resolveStop) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolveStop();
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}

export async function waitForHttp(url, { timeoutMs = 60_000, expectStatus = 200, child } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`process exited (${child.exitCode}) before ${url} was ready`);
    try {
      const res = await fetch(url);
      if (res.status === expectStatus) return;
      last = `status ${res.status}`;
    } catch (err) {
      last = err.message;
    }
    await sleep(150);
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (${last})`);
}
