// Load generators: autocannon for request/response (exact per-request latencies from its `response`
// event, because its own histogram rounds to whole milliseconds), and an undici client for streams
// (time to first body byte and total per request, which autocannon does not measure).
import autocannon from 'autocannon';
import { Agent, request } from 'undici';
import { clearInterval, setInterval } from 'node:timers';
import { percentiles } from './stats.mjs';

const active = new Set();

/** Stops every load generator still running (Ctrl-C). */
export function stopAllLoad() {
  for (const stop of active) stop();
}

/**
 * One autocannon run. `collect: false` skips keeping latencies (million-request runs).
 * `onTick(doneCount)` is called every second.
 */
export function runAutocannon({ url, method = 'POST', body, headers, connections, duration, amount, overallRate, collect = true, onTick }) {
  return new Promise((resolvePromise, reject) => {
    const latencies = [];
    const statuses = {};
    let done = 0;
    let ok = 0;
    const opts = { url, method, headers: { 'content-type': 'application/json', ...headers }, body, connections, pipelining: 1, timeout: 30 };
    if (amount) opts.amount = amount;
    else opts.duration = duration;
    if (overallRate) opts.overallRate = overallRate;
    const started = performance.now();
    const ticker = onTick ? setInterval(() => onTick(done), 1000) : null;
    const inst = autocannon(opts, (err, result) => {
      if (ticker) clearInterval(ticker);
      active.delete(stop);
      const seconds = (performance.now() - started) / 1000;
      if (err) return reject(err);
      resolvePromise({
        seconds,
        requests: done,
        ok,
        rps: ok / seconds,
        statuses,
        errors: result.errors,
        timeouts: result.timeouts,
        latency: collect ? percentiles(latencies, [50, 90, 99]) : null,
      });
    });
    const stop = () => inst.stop();
    active.add(stop);
    inst.on('response', (_client, statusCode, _bytes, responseTime) => {
      done++;
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
      if (statusCode >= 200 && statusCode < 300) {
        ok++;
        if (collect) latencies.push(responseTime);
      }
    });
  });
}

/**
 * `concurrency` clients each send streaming requests back to back for `durationMs`. TTFB is the time
 * from sending to the first body byte (the first SSE event); total is to the end of the stream.
 */
export async function runStream({ url, body, headers, concurrency, durationMs }) {
  const agent = new Agent({ connections: concurrency, pipelining: 1, keepAliveTimeout: 30_000 });
  const ttfb = [];
  const total = [];
  const statuses = {};
  let errors = 0;
  let stopped = false;
  const stop = () => (stopped = true);
  active.add(stop);
  const deadline = performance.now() + durationMs;
  const hdrs = { 'content-type': 'application/json', ...headers };
  const loop = async () => {
    while (!stopped && performance.now() < deadline) {
      const t0 = performance.now();
      try {
        const res = await request(url, { method: 'POST', headers: hdrs, body, dispatcher: agent });
        let first = 0;
        for await (const chunk of res.body) {
          if (!first && chunk.length) first = performance.now();
        }
        const t1 = performance.now();
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        if (res.statusCode === 200 && first) {
          ttfb.push(first - t0);
          total.push(t1 - t0);
        }
      } catch {
        errors++;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, loop));
  const seconds = (performance.now() - started) / 1000;
  active.delete(stop);
  await agent.close();
  return { seconds, ok: ttfb.length, rps: ttfb.length / seconds, statuses, errors, ttfb: percentiles(ttfb, [50, 90, 99]), total: percentiles(total, [50, 90, 99]) };
}
