// The floor of any Node.js gateway on this machine, measured in the same rounds as direct and the
// gateway: node:http in, one undici Pool out to the fake upstream, and only what a proxy that meters
// cannot skip: the request's JSON parsed and sent on, the answer's JSON parsed (its usage) and sent
// back with the model renamed; for a stream every SSE event parsed and re-serialised. No auth, no
// limits, no logging, no metering, no error handling beyond a 502. `npm run bench` starts it (PORT,
// UPSTREAM_URL); it is not part of the product.
import { createServer } from 'node:http';
import { Pool } from 'undici';

const upstream = new URL(process.env.UPSTREAM_URL);
const pool = new Pool(upstream.origin, { connections: 256, pipelining: 1, keepAliveTimeout: 30_000 });

function fail(res, message) {
  if (res.headersSent) return void res.destroy();
  const text = JSON.stringify({ error: { message, type: 'api_error', code: 'floor_proxy' } });
  res.writeHead(502, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function handle(req, res) {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
    return;
  }
  const parts = [];
  for await (const c of req) parts.push(c);
  const body = JSON.parse(Buffer.concat(parts).toString('utf8'));
  const model = body.model;
  const up = await pool.request({
    path: '/v1/chat/completions',
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: req.headers.authorization ?? '' },
    body: JSON.stringify(body),
  });
  if (!body.stream) {
    const answer = JSON.parse(await up.body.text());
    const text = JSON.stringify({ ...answer, model });
    res.writeHead(up.statusCode, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
    return;
  }
  res.writeHead(up.statusCode, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  up.body.setEncoding('utf8');
  let buf = '';
  for await (const chunk of up.body) {
    buf += chunk;
    let out = '';
    let i;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const event = buf.slice(0, i);
      buf = buf.slice(i + 2);
      if (!event.startsWith('data: ')) continue;
      const data = event.slice(6);
      out += data === '[DONE]' ? 'data: [DONE]\n\n' : `data: ${JSON.stringify({ ...JSON.parse(data), model })}\n\n`;
    }
    if (out) res.write(out);
  }
  res.end();
}

const server = createServer((req, res) => {
  handle(req, res).catch((err) => fail(res, String(err?.message ?? err)));
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ msg: 'floor proxy listening', port: server.address().port })}\n`);
});
const stop = () => {
  server.close();
  void pool.close().finally(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
