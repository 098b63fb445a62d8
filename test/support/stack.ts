import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { resolve } from 'node:path';
import { TestDatabase, createTestDatabase } from './db';
import { baseTestEnv } from './test-env';

const ROOT = resolve(__dirname, '..', '..');
export const DIST_MAIN = resolve(ROOT, 'dist/apps/api/src/main.js');
export const DIST_WORKER = resolve(ROOT, 'dist/apps/api/src/worker.js');

export interface RunningProcess {
  child: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts a compiled entry point (dist/) as a real child process and captures its output. */
export function startProcess(script: string, env: Record<string, string>): RunningProcess {
  const child = spawn(process.execPath, [script], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return {
    child,
    output: () => out,
    stop: (signal = 'SIGTERM') =>
      new Promise((res) => {
        if (child.exitCode !== null || child.signalCode !== null) return res(child.exitCode);
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', (code) => {
          clearTimeout(timer);
          res(code);
        });
        child.kill(signal);
      }),
  };
}

export async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      lastErr = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${lastErr ? `: ${(lastErr as Error).message}` : ''}`);
}

export interface Stack {
  db: TestDatabase;
  env: Record<string, string>;
  apis: Array<RunningProcess & { url: string }>;
  workers: RunningProcess[];
  startApi(extraEnv?: Record<string, string>): Promise<RunningProcess & { url: string }>;
  startWorker(extraEnv?: Record<string, string>): RunningProcess;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => res(port));
    });
    srv.on('error', rej);
  });
}

/** A real stack from dist/: a fresh database, a private queue prefix, N API processes and workers. */
export async function startStack(label: string, extraEnv: Record<string, string> = {}): Promise<Stack> {
  const db = await createTestDatabase(label);
  const env = { ...baseTestEnv(), DATABASE_URL: db.url, QUEUE_PREFIX: `e${randomBytes(4).toString('hex')}`, ...extraEnv };
  const stack: Stack = {
    db,
    env,
    apis: [],
    workers: [],
    async startApi(more = {}) {
      const port = await freePort();
      const p = startProcess(DIST_MAIN, { ...env, PORT: String(port), ...more });
      const url = `http://127.0.0.1:${port}`;
      await waitFor(
        async () => {
          if (p.child.exitCode !== null) throw new Error(`api exited: ${p.output()}`);
          return (await fetch(`${url}/health/ready`)).status === 200;
        },
        30_000,
        `api on ${url}`,
      );
      const api = Object.assign(p, { url });
      stack.apis.push(api);
      return api;
    },
    startWorker(more = {}) {
      const w = startProcess(DIST_WORKER, { ...env, ...more });
      stack.workers.push(w);
      return w;
    },
    async stop() {
      await Promise.all(stack.apis.map((a) => a.stop()));
      await Promise.all(stack.workers.map((w) => w.stop()));
      await db.drop();
    },
  };
  return stack;
}
