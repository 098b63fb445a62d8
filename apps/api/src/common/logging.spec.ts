import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { createLogger, requestLogging } from './logging';

/** A real HTTP server with the request middleware in front of a handler that logs through req.log. */
async function serve(level: string): Promise<{ url: string; lines: () => Array<Record<string, unknown>>; close: () => Promise<void> }> {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  const logger = createLogger({ level, processName: 'api', destination });
  const mw = requestLogging(logger);
  const server: Server = createServer((req, res) =>
    mw(req, res, () => {
      const log = (req as { log?: Logger }).log!;
      log.info({ apiKey: 'tg_live_secret', detail: 'inside' }, 'handler ran');
      res.statusCode = req.url === '/boom' ? 500 : 200;
      res.end('ok');
    }),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

const settle = () => new Promise((r) => setTimeout(r, 50));

describe('requestLogging', () => {
  it('gives every line of a request its request id, echoes it, and logs one completion line at info', async () => {
    const s = await serve('info');
    try {
      const res = await fetch(`${s.url}/v1/models?token=abc`, { headers: { authorization: 'Bearer tg_live_secret', 'x-request-id': 'client-req-1' } });
      expect(res.headers.get('x-request-id')).toBe('client-req-1');
      await settle();
      const lines = s.lines();
      expect(lines.map((l) => l.msg)).toEqual(['handler ran', 'request completed']);
      for (const l of lines) expect(l.requestId).toBe('client-req-1');
      expect(lines[1]).toMatchObject({ level: 30, process: 'api', req: { id: 'client-req-1', method: 'GET', url: '/v1/models' }, res: { statusCode: 200 } });
      expect(typeof lines[1].responseTime).toBe('number');
      const text = JSON.stringify(lines);
      expect(text).not.toContain('tg_live_secret');
      expect(text).not.toContain('token=abc');
      expect(lines[0].apiKey).toBe('[REDACTED]');
    } finally {
      await s.close();
    }
  });

  it('replaces an unusable incoming request id with a fresh UUID and logs 5xx at error', async () => {
    const s = await serve('info');
    try {
      const res = await fetch(`${s.url}/boom`, { headers: { 'x-request-id': 'bad id with spaces' } });
      const id = res.headers.get('x-request-id')!;
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      await settle();
      const done = s.lines().find((l) => l.msg === 'request errored')!;
      expect(done).toMatchObject({ level: 50, requestId: id, res: { statusCode: 500 } });
    } finally {
      await s.close();
    }
  });

  it('writes no per-request line above info and none for health checks, but still binds the id', async () => {
    const quiet = await serve('warn');
    const info = await serve('info');
    try {
      const res = await fetch(`${quiet.url}/v1/models`);
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      await fetch(`${info.url}/health/live`);
      await settle();
      expect(quiet.lines()).toEqual([]);
      expect(info.lines().map((l) => l.msg)).toEqual(['handler ran']);
      expect(info.lines()[0].requestId).toEqual(expect.any(String));
    } finally {
      await quiet.close();
      await info.close();
    }
  });
});
