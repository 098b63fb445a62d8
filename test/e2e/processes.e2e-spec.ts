import { Client } from 'pg';
import { DIST_MAIN, Stack, startProcess, startStack, waitFor } from '../support/stack';
import { baseTestEnv } from '../support/test-env';

describe('the two processes: API (producer) and worker (processors)', () => {
  let stack: Stack;
  let pg: Client;

  beforeAll(async () => {
    stack = await startStack('procs');
    pg = new Client({ connectionString: stack.db.url });
    await pg.connect();
  });
  afterAll(async () => {
    await pg.end();
    await stack.stop();
  });

  it('a job enqueued by the API process is processed by the worker process and lands in Postgres', async () => {
    const api = await stack.startApi();
    const live = (await (await fetch(`${api.url}/health/live`)).json()) as { instanceId: string };
    // Nothing processes the queue yet: the API only produces.
    await new Promise((r) => setTimeout(r, 500));
    const before = await pg.query(`SELECT count(*)::int AS n FROM audit_events WHERE metadata->>'instanceId' = $1`, [live.instanceId]);
    expect(before.rows[0].n).toBe(0);

    stack.startWorker();
    const row = await waitFor(async () => {
      const r = await pg.query(`SELECT action, metadata FROM audit_events WHERE metadata->>'instanceId' = $1`, [live.instanceId]);
      return r.rows[0];
    }, 20_000, 'the worker to write the audit row');
    expect(row.action).toBe('system.api_started');
  });

  it('the API exits with a clear message naming a bad variable', async () => {
    const p = startProcess(DIST_MAIN, { ...baseTestEnv(), DATABASE_URL: stack.db.url, PORT: 'not-a-port', JWT_SECRET: 'short' });
    const code = await new Promise<number | null>((res) => p.child.once('exit', (c) => res(c)));
    expect(code).toBe(78);
    expect(p.output()).toMatch(/PORT:/);
    expect(p.output()).toMatch(/JWT_SECRET: must be at least 32 characters/);
    expect(p.output()).not.toContain('test-api-key-pepper');
  });

  it('SIGTERM stops both processes cleanly', async () => {
    for (const p of [...stack.apis, ...stack.workers]) {
      const code = await p.stop('SIGTERM');
      expect(code === 0 || code === null).toBe(true);
    }
  });
});
