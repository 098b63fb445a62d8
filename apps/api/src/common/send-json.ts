import type { ServerResponse } from 'node:http';

/**
 * Writes a JSON response in one go: the status line, the headers already set on `res` and the body
 * leave in a single socket write. Express' `res.json` does the same job with a charset parse, a
 * MIME lookup and two buffers per response; on the gateway's hot path that was ~2 % of its CPU.
 */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
