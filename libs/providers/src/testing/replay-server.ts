import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeRecordedRequest } from './fake-upstream.types';

/** One SSE item of a recorded stream: an event, a comment line, or raw bytes (for malformed input). */
export type SseItem = { event?: string; data: unknown } | { comment: string } | { raw: string };

/** A recorded upstream answer. `sse` bodies are serialised with `eol` line endings. */
export interface ReplayResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  sse?: SseItem[];
  /** '\n' (default) or '\r\n' (Gemini). */
  eol?: string;
  /** Write the body in slices of this many bytes (exercises split chunk boundaries). */
  splitBytes?: number;
  /** ms between slices / events. */
  delayMs?: number;
  /**
   * normal; `hang` (no headers); `reset` (destroy socket first); `drop` / `stall` / `malformed`
   * after `afterEvents` SSE items (malformed writes a corrupt data line and ends the body).
   */
  behavior?: 'normal' | 'hang' | 'reset' | 'drop' | 'stall' | 'malformed';
  afterEvents?: number;
}

/** `__fixtures__/*.json`: a call, the exact outgoing request expected, the recorded answer, the outcome. */
export interface WireFixture {
  description?: string;
  call: 'chat' | 'chatStream' | 'embeddings';
  request: unknown;
  expectedUpstream: { method: string; path: string; headers: Record<string, string>; body?: unknown; absentHeaders?: string[] };
  upstream: ReplayResponse;
  expected: {
    response?: unknown;
    chunks?: unknown[];
    usage?: unknown;
    error?: { code: string; httpStatus?: number; retryAfterMs?: number; retryable?: boolean; upstreamCode?: string };
  };
}

export interface ReplayServer {
  readonly url: string;
  readonly requests: FakeRecordedRequest[];
  respondWith(r: ReplayResponse): void;
  close(): Promise<void>;
}

export function serializeSse(items: SseItem[], eol = '\n'): string[] {
  return items.map((item) => {
    if ('raw' in item) return item.raw;
    if ('comment' in item) return `: ${item.comment}${eol}${eol}`;
    const data = typeof item.data === 'string' ? item.data : JSON.stringify(item.data);
    return `${item.event !== undefined ? `event: ${item.event}${eol}` : ''}data: ${data}${eol}${eol}`;
  });
}

/** A local HTTP server that records what the adapter sent and replays a recorded answer. */
export async function startReplayServer(initial: ReplayResponse = { status: 200, body: {} }): Promise<ReplayServer> {
  let spec = initial;
  const requests: FakeRecordedRequest[] = [];
  const sleep = (ms: number): Promise<void> => new Promise((r) => (ms > 0 ? setTimeout(r, ms) : setImmediate(r)));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parts: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) parts.push(c);
    const rawBody = Buffer.concat(parts).toString('utf8');
    let body: unknown;
    try {
      body = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      body = undefined;
    }
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: { ...req.headers }, body, rawBody });
    const s = spec;
    const behavior = s.behavior ?? 'normal';
    if (behavior === 'reset') {
      req.socket.destroy();
      return;
    }
    if (behavior === 'hang') return;
    let closed = false;
    res.on('close', () => (closed = true));
    if (!s.sse) {
      const text = s.body === undefined ? '' : typeof s.body === 'string' ? s.body : JSON.stringify(s.body);
      res.writeHead(s.status, { 'content-type': 'application/json', ...(s.headers ?? {}) });
      if (behavior === 'drop') {
        res.flushHeaders();
        res.write(text.slice(0, Math.floor(text.length / 2)));
        await sleep(5);
        req.socket.destroy();
        return;
      }
      if (behavior === 'stall') {
        res.flushHeaders();
        return;
      }
      res.end(text);
      return;
    }
    res.writeHead(s.status, { 'content-type': 'text/event-stream', ...(s.headers ?? {}) });
    res.flushHeaders();
    const events = serializeSse(s.sse, s.eol);
    const after = s.afterEvents ?? 1;
    for (const [i, event] of events.entries()) {
      if (closed) return;
      if (behavior !== 'normal' && i === after) {
        if (behavior === 'drop') req.socket.destroy();
        if (behavior === 'malformed') res.end(`data: {"truncated": ${s.eol ?? '\n'}${s.eol ?? '\n'}`);
        return;
      }
      const buf = Buffer.from(event, 'utf8');
      const step = s.splitBytes ?? buf.length;
      for (let off = 0; off < buf.length; off += step) {
        if (closed) return;
        res.write(buf.subarray(off, off + step));
        if (s.splitBytes) await sleep(s.delayMs ?? 1);
      }
      if (!s.splitBytes) await sleep(s.delayMs ?? 0);
    }
    res.end();
  }

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respondWith(r) {
      spec = r;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
