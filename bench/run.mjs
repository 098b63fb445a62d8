#!/usr/bin/env node
// `npm run bench`: measures the gateway against its physical limit (the fake upstream called
// directly) in one run, alternating direct and gateway rounds, with every gateway feature on; then the
// ledger workers, the 30-day report over a seeded ledger and the API's memory over a long run.
// Prints a table and writes bench/results/latest.json. See bench/README.md.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { log, sleep } from '../scripts/lib/proc.mjs';
import { runAutocannon, runStream, stopAllLoad } from './lib/load.mjs';
import { cpuPerRequest, cpuSnapshot, servicePids } from './lib/cpu.mjs';
import { summariseProfile } from './lib/profile.mjs';
import { BenchStack, PROVIDER_KEY, QUEUE_PREFIX, compareBuild, rssMb } from './lib/stack.mjs';
import { median, percentiles, round } from './lib/stats.mjs';

const PHASES = ['nonstream', 'stream', 'ledger', 'memory', 'reports'];
const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    rounds: { type: 'string' },
    seconds: { type: 'string' },
    requests: { type: 'string' },
    rows: { type: 'string' },
    events: { type: 'string' },
    'ledger-batch': { type: 'string' },
    workers: { type: 'string', default: '1' },
    'worker-concurrency': { type: 'string' },
    profile: { type: 'boolean', default: false },
    'profile-concurrency': { type: 'string' },
    'api-node-args': { type: 'string' },
    env: { type: 'string' },
    compare: { type: 'string' },
    'compare-env': { type: 'string' },
    build: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  process.stdout.write(`usage: npm run bench -- [--quick] [--only ${PHASES.join(',')}] [--rounds N] [--seconds S] [--requests N]
       [--rows N] [--events N] [--workers N] [--worker-concurrency N] [--profile] [--profile-concurrency N] [--api-node-args="--flag …"] [--env "KEY=VALUE …"] [--build | --no-build]
       [--compare <git ref>] [--compare-env "KEY=VALUE …"]
see bench/README.md\n`);
  process.exit(0);
}
const quick = flags.quick;

/** `--env "USAGE_BATCH_MS=20 WORKER_CONCURRENCY=32"`: settings for the API and the worker, for experiments. */
function parseEnvFlag(text) {
  const env = {};
  for (const pair of (text ?? '').split(/\s+/).filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--env: "${pair}" is not KEY=VALUE`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}
const extraEnv = parseEnvFlag(flags.env);
/**
 * `--compare <ref>` and/or `--compare-env "K=V …"`: a second API (B: that commit's code, these settings
 * on top of --env) measured in the same rounds as this checkout's (A), so the two see the same machine.
 */
const compare = (() => {
  if (!flags.compare && !flags['compare-env']) return null;
  const env = parseEnvFlag(flags['compare-env']);
  const built = flags.compare ? compareBuild(flags.compare) : null;
  const label = [built ? built.sha : 'this checkout', ...Object.entries(env).map(([k, v]) => `${k}=${v}`)].join(' ');
  return { label, main: built?.main, env, sha: built?.sha ?? null };
})();
const only = new Set((flags.only ?? PHASES.join(',')).split(',').map((s) => s.trim()).filter(Boolean));
for (const p of only) if (!PHASES.includes(p)) throw new Error(`unknown phase "${p}" (known: ${PHASES.join(', ')})`);
const CFG = {
  concurrencies: [1, 16, 64],
  rounds: Number(flags.rounds ?? 3),
  roundSeconds: Number(flags.seconds ?? (quick ? 2 : 5)),
  memoryRequests: Number(flags.requests ?? (quick ? 100_000 : 1_000_000)),
  reportRows: Number(flags.rows ?? (quick ? 1_000_000 : 10_000_000)),
  ledgerEvents: Number(flags.events ?? (quick ? 20_000 : 50_000)),
  ledgerBatch: Math.max(1, Number(flags['ledger-batch'] ?? 10)),
  lagRate: 2000,
  lagSeconds: quick ? 10 : 30,
  workers: Number(flags.workers),
  workerConcurrency: flags['worker-concurrency'] ? Number(flags['worker-concurrency']) : undefined,
  // The per-key in-flight cap (default 64) stays on; raised so the c=64 rounds never trip it.
  keyConcurrency: 128,
};
const RESULTS_DIR = resolve(import.meta.dirname, 'results');
mkdirSync(RESULTS_DIR, { recursive: true });
const profileFile = flags.profile ? resolve(RESULTS_DIR, 'api.cpuprofile') : undefined;
const memFile = resolve(RESULTS_DIR, 'api-memory.json');
rmSync(memFile, { force: true });
if (profileFile) for (const f of [profileFile, `${profileFile}.start`, `${profileFile}.stop`]) rmSync(f, { force: true });

let stopping = false;
const stack = new BenchStack({
  build: flags.build ? 'always' : flags['no-build'] ? 'never' : 'auto',
  workers: CFG.workers,
  workerConcurrency: CFG.workerConcurrency,
  keyConcurrency: CFG.keyConcurrency,
  profileFile,
  memFile,
  apiNodeArgs: flags['api-node-args'] ? flags['api-node-args'].split(/\s+/).filter(Boolean) : undefined,
  extraEnv,
  compare,
  onCrash: (name) => void shutdown(1, `${name} crashed`),
});

async function shutdown(code, why) {
  if (stopping) return;
  stopping = true;
  if (why) log(`stopping: ${why}`);
  stopAllLoad();
  await stack.stop().catch((err) => log(`stop failed: ${err.message}`));
  log('stopped; no process left behind');
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(130, 'interrupted'));
process.on('SIGTERM', () => void shutdown(143, 'terminated'));

// ---- requests --------------------------------------------------------------------------------------
const PROMPT = 'Please echo these sixteen words back so the fake upstream can stream them in eight chunks today';
const targets = () => ({
  gateway: {
    url: `${stack.apiUrl}/v1/chat/completions`,
    headers: { authorization: `Bearer ${stack.apiKey.secret}` },
    model: (m) => `openai/${m}`,
  },
  direct: {
    url: `${stack.fakeUrl}/v1/chat/completions`,
    headers: { authorization: `Bearer ${PROVIDER_KEY}` },
    model: (m) => m,
  },
  floor: {
    url: `${stack.floorUrl}/v1/chat/completions`,
    headers: { authorization: `Bearer ${PROVIDER_KEY}` },
    model: (m) => m,
  },
  ...(stack.apiBUrl
    ? {
        gatewayB: {
          url: `${stack.apiBUrl}/v1/chat/completions`,
          headers: { authorization: `Bearer ${stack.apiKey.secret}` },
          model: (m) => `openai/${m}`,
        },
      }
    : {}),
});
/**
 * The sides of every round: direct, A, (with --compare) B, and the floor (a bare Node proxy to the same
 * fake, bench/lib/floor-proxy.mjs); each round starts one further along.
 */
const SIDES = () => (stack.apiBUrl ? ['direct', 'gateway', 'gatewayB', 'floor'] : ['direct', 'gateway', 'floor']);
const roundOrder = (r) => {
  const sides = SIDES();
  const k = r % sides.length;
  return [...sides.slice(k), ...sides.slice(0, k)];
};
/**
 * `--compare`: B's API CPU per request over A's in each round (paired: both sides ran minutes apart at
 * most, so the machine's drift mostly cancels), for the table's per-round row and the run's summary.
 */
const cpuRatios = (rounds) => (rounds[0].gatewayB ? rounds.map((x) => round(x.gatewayB.apiCpuMs / x.gateway.apiCpuMs, 3)) : undefined);
/** The process serving a side other than direct (for its CPU time per request: `apiCpuMs`). */
const apiPid = (side) => ({ gateway: stack.api.proc.pid, gatewayB: stack.apiB?.proc.pid, floor: stack.floor.proc.pid })[side] ?? null;
/** Runs one side's load; for a gateway side also the CPU ms its API process spent per request. */
async function measured(side, load) {
  const pid = apiPid(side);
  const before = pid ? cpuSnapshot({ api: pid }, { kernel: true }) : null;
  const r = await load();
  if (pid) {
    const cpu = cpuPerRequest(before, cpuSnapshot({ api: pid }, { kernel: true }), r.requests ?? r.ok);
    r.apiCpuMs = cpu.api;
    r.apiKernelMs = cpu['api kernel'];
  }
  return r;
}
const chatBody = (t) => JSON.stringify({ model: t.model('gpt-4o-mini'), messages: [{ role: 'user', content: 'Say hello to the benchmark' }] });
const streamBody = (t) =>
  JSON.stringify({ model: t.model('gpt-4o-mini~chunks=8'), stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: PROMPT }] });

const pg = () => stack.db;
async function ledgerCount() {
  return Number((await pg().query(`SELECT count(*)::bigint AS n FROM usage_ledger`)).rows[0].n);
}

// ---- phases ----------------------------------------------------------------------------------------
async function verifyFeatures() {
  const t = targets().gateway;
  const before = await ledgerCount();
  const res = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json', ...t.headers }, body: chatBody(t) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`gateway smoke request failed: ${res.status} ${text}`);
  const rateLimitHeader = res.headers.get('x-ratelimit-limit-requests');
  if (!rateLimitHeader) throw new Error('admission did not run (no x-ratelimit-limit-requests header)');
  await stack.waitUntil(async () => (await ledgerCount()) > before, 20_000, 'the smoke request to reach the ledger');
  log(`features verified: member-key auth, rate limit (x-ratelimit-limit-requests=${rateLimitHeader}), hard budget, metering (ledger row written)`);
  return { auth: true, rateLimit: true, budget: true, metering: true };
}

/** Redis commands and bytes, Postgres transactions: totals to diff around a gateway run. */
async function backendCounters(redis) {
  const cmd = {};
  for (const line of (await redis.info('commandstats')).split('\n')) {
    const m = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
    if (m) cmd[m[1]] = Number(m[2]);
  }
  const stats = await redis.info('stats');
  const num = (k) => Number(new RegExp(`${k}:(\\d+)`).exec(stats)?.[1] ?? 0);
  const db = (await pg().query(`SELECT xact_commit + xact_rollback AS x FROM pg_stat_database WHERE datname = current_database()`)).rows[0];
  return { cmd, netIn: num('total_net_input_bytes'), netOut: num('total_net_output_bytes'), pgXacts: Number(db.x) };
}

/** Warms the JIT and caches, and measures what one gateway request costs the backends (API + worker). */
async function warmup() {
  const t = targets();
  await runAutocannon({ url: t.direct.url, headers: t.direct.headers, body: chatBody(t.direct), connections: 16, duration: 1 });
  await runAutocannon({ url: t.floor.url, headers: t.floor.headers, body: chatBody(t.floor), connections: 16, duration: 1 });
  await runAutocannon({ url: t.gateway.url, headers: t.gateway.headers, body: chatBody(t.gateway), connections: 16, duration: 2 });
  const redis = new Redis(stack.services.REDIS_URL);
  try {
    const port = (u) => Number(new URL(u).port);
    const pids = {
      api: stack.api.proc.pid,
      ...Object.fromEntries(stack.workers.map((w) => [w.name, w.proc.pid])),
      fake: stack.fake.proc.pid,
      ...servicePids({ pgPort: port(stack.services.DATABASE_URL), redisPort: port(stack.services.REDIS_URL) }),
    };
    const before = await backendCounters(redis);
    const cpuBefore = cpuSnapshot(pids, { kernel: true });
    const r = await runAutocannon({ url: t.gateway.url, headers: t.gateway.headers, body: chatBody(t.gateway), connections: 16, duration: 3 });
    await sleep(1000); // let the worker finish the last batches
    const cpu = cpuPerRequest(cpuBefore, cpuSnapshot(pids, { kernel: true }), r.requests);
    const after = await backendCounters(redis);
    const per = (a, b) => round((a - b) / r.requests, 2);
    const commands = Object.fromEntries(
      Object.keys(after.cmd)
        .map((k) => [k, per(after.cmd[k], before.cmd[k] ?? 0)])
        .filter(([, v]) => v > 0)
        .sort((a, b) => b[1] - a[1]),
    );
    const out = {
      requests: r.requests,
      redisCommandsPerRequest: round(Object.values(commands).reduce((a, b) => a + b, 0), 1),
      redisCommands: commands,
      redisBytesInPerRequest: per(after.netIn, before.netIn),
      redisBytesOutPerRequest: per(after.netOut, before.netOut),
      pgTransactionsPerRequest: per(after.pgXacts, before.pgXacts),
      cpuMsPerRequest: cpu,
    };
    log(`  per gateway request (API + worker): ${out.redisCommandsPerRequest} Redis commands (${Object.entries(commands).slice(0, 6).map(([k, v]) => `${k} ${v}`).join(', ')}), ${out.redisBytesInPerRequest} B to Redis, ${out.pgTransactionsPerRequest} Postgres transactions`);
    log(`  CPU ms per gateway request by process: ${Object.entries(cpu).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    // The framework's floor on this machine: the same API process answering a route that does nothing
    // (GET /health/live) and one that only authenticates the member key (GET /v1/key), at c=16.
    out.framework = {};
    for (const [name, path, headers] of [['live', '/health/live', {}], ['key', '/v1/key', t.gateway.headers]]) {
      const b = cpuSnapshot({ api: pids.api });
      const f = await runAutocannon({ url: `${stack.apiUrl}${path}`, method: 'GET', headers, connections: 16, duration: 2 });
      out.framework[name] = { rps: round(f.rps, 0), apiCpuMs: cpuPerRequest(b, cpuSnapshot({ api: pids.api }), f.requests).api, non200: describeStatuses(f.statuses) };
    }
    log(`  API framework at c=16: GET /health/live ${out.framework.live.rps} req/s (API CPU ${out.framework.live.apiCpuMs} ms/request), GET /v1/key ${out.framework.key.rps} req/s (${out.framework.key.apiCpuMs} ms)`);
    // B last, right before the rounds, as A has just been busy: warmed first, B sat idle through A's
    // ~8 s of measurements above and then ran its first round slow (c=1 round 1: B's API CPU per
    // request 1.5-2x A's in every --compare run of stop 21, about 1.0 in the later rounds).
    if (t.gatewayB) await runAutocannon({ url: t.gatewayB.url, headers: t.gatewayB.headers, body: chatBody(t.gatewayB), connections: 16, duration: 3 });
    return out;
  } finally {
    redis.disconnect();
  }
}

function describeStatuses(statuses) {
  return Object.entries(statuses)
    .filter(([s]) => s !== '200')
    .reduce((n, [, c]) => n + c, 0);
}

async function nonstreamPhase() {
  log(`non-stream: ${CFG.rounds} rounds x ${CFG.roundSeconds} s per side at c=${CFG.concurrencies.join(',')}`);
  const out = { backend: await warmup() };
  for (const c of CFG.concurrencies) {
    const rounds = [];
    for (let r = 0; r < CFG.rounds; r++) {
      const t = targets();
      const round = {};
      for (const side of roundOrder(r)) {
        round[side] = await measured(side, () => runAutocannon({ url: t[side].url, headers: t[side].headers, body: chatBody(t[side]), connections: c, duration: CFG.roundSeconds }));
      }
      rounds.push(round);
      const gw = (s, name, cpu = 'API CPU') => ` | ${name} ${round[s].rps.toFixed(0)} req/s p50 ${round[s].latency.p50.toFixed(2)} ms, ${cpu} ${fmt(round[s].apiCpuMs, 3)} ms/req` + (describeStatuses(round[s].statuses) ? ` (${describeStatuses(round[s].statuses)} non-200)` : '');
      log(`  c=${c} round ${r + 1}: direct ${round.direct.rps.toFixed(0)} req/s p50 ${round.direct.latency.p50.toFixed(2)} ms${gw('gateway', 'gateway')}${round.gatewayB ? gw('gatewayB', 'B') : ''}${gw('floor', 'floor', 'CPU')}`);
    }
    const side = (s) => ({
      rps: median(rounds.map((x) => x[s].rps)),
      p50: median(rounds.map((x) => x[s].latency.p50)),
      p99: median(rounds.map((x) => x[s].latency.p99)),
      non200: rounds.reduce((n, x) => n + describeStatuses(x[s].statuses), 0),
      errors: rounds.reduce((n, x) => n + x[s].errors + x[s].timeouts, 0),
      ...(s === 'direct' ? {} : { apiCpuMs: median(rounds.map((x) => x[s].apiCpuMs)), apiKernelMs: median(rounds.map((x) => x[s].apiKernelMs)) }),
    });
    const overhead = (s) => ({ p50: median(rounds.map((x) => x[s].latency.p50 - x.direct.latency.p50)), p99: median(rounds.map((x) => x[s].latency.p99 - x.direct.latency.p99)) });
    const perRound = (x) => ({ rps: x.rps, ...x.latency, ...(x.apiCpuMs !== undefined ? { apiCpuMs: x.apiCpuMs, apiKernelMs: x.apiKernelMs } : {}) });
    out[c] = {
      direct: side('direct'),
      gateway: side('gateway'),
      overhead: overhead('gateway'),
      ...(rounds[0].gatewayB ? { gatewayB: side('gatewayB'), overheadB: overhead('gatewayB'), cpuRatioB: cpuRatios(rounds) } : {}),
      floor: side('floor'),
      overheadFloor: overhead('floor'),
      rounds: rounds.map((x) => Object.fromEntries(Object.entries(x).map(([k, v]) => [k, perRound(v)]))),
    };
  }
  return out;
}

/**
 * A CPU profile of the API during 5 s of gateway load at c=16 (`--profile-concurrency N`): non-stream,
 * or stream (api-stream.cpuprofile).
 */
async function profilePhase(kind) {
  const t = targets().gateway;
  const c = Math.max(1, Number(flags['profile-concurrency'] ?? 16));
  const file = kind === 'stream' ? resolve(RESULTS_DIR, 'api-stream.cpuprofile') : profileFile;
  log(`profile: CPU profile of the API during 5 s of ${kind} gateway load at c=${c}`);
  // The preload always writes profileFile: keep the non-stream profile aside while the stream one is taken.
  const keep = `${profileFile}.keep`;
  if (kind === 'stream' && existsSync(profileFile)) renameSync(profileFile, keep);
  writeFileSync(`${profileFile}.start`, '');
  await sleep(300);
  const r =
    kind === 'stream'
      ? await runStream({ url: t.url, headers: t.headers, body: streamBody(t), concurrency: c, durationMs: 5000 })
      : await runAutocannon({ url: t.url, headers: t.headers, body: chatBody(t), connections: c, duration: 5 });
  writeFileSync(`${profileFile}.stop`, '');
  await stack.waitUntil(async () => existsSync(profileFile), 20_000, 'the CPU profile');
  await sleep(500);
  if (file !== profileFile) {
    renameSync(profileFile, file);
    if (existsSync(keep)) renameSync(keep, profileFile);
  }
  const summary = summariseProfile(file, 25);
  log(`  ${r.rps.toFixed(0)} ${kind === 'stream' ? 'streams' : 'req'}/s while profiling; profile in ${file}`);
  return { kind, rps: r.rps, file, ...summary };
}

async function streamPhase() {
  log(`stream: ${CFG.rounds} rounds x ${CFG.roundSeconds} s per side at c=${CFG.concurrencies.join(',')} (8 chunks per answer)`);
  const t0 = targets();
  await runStream({ url: t0.gateway.url, headers: t0.gateway.headers, body: streamBody(t0.gateway), concurrency: 16, durationMs: 2000 });
  await runStream({ url: t0.direct.url, headers: t0.direct.headers, body: streamBody(t0.direct), concurrency: 16, durationMs: 1000 });
  await runStream({ url: t0.floor.url, headers: t0.floor.headers, body: streamBody(t0.floor), concurrency: 16, durationMs: 1000 });
  if (t0.gatewayB) await runStream({ url: t0.gatewayB.url, headers: t0.gatewayB.headers, body: streamBody(t0.gatewayB), concurrency: 16, durationMs: 2000 });
  const out = {};
  for (const c of CFG.concurrencies) {
    const rounds = [];
    for (let r = 0; r < CFG.rounds; r++) {
      const t = targets();
      const round = {};
      for (const side of roundOrder(r)) {
        round[side] = await measured(side, () => runStream({ url: t[side].url, headers: t[side].headers, body: streamBody(t[side]), concurrency: c, durationMs: CFG.roundSeconds * 1000 }));
      }
      rounds.push(round);
      const gw = (s, name, cpu = 'API CPU') => ` | ${name} ${round[s].ttfb.p50.toFixed(2)} ms (${round[s].rps.toFixed(0)} streams/s, ${cpu} ${fmt(round[s].apiCpuMs, 3)} ms/stream)`;
      log(`  c=${c} round ${r + 1}: TTFB p50 direct ${round.direct.ttfb.p50.toFixed(2)} ms${gw('gateway', 'gateway')}${round.gatewayB ? gw('gatewayB', 'B') : ''}${gw('floor', 'floor', 'CPU')}`);
    }
    const side = (s) => ({
      rps: median(rounds.map((x) => x[s].rps)),
      ttfbP50: median(rounds.map((x) => x[s].ttfb.p50)),
      ttfbP99: median(rounds.map((x) => x[s].ttfb.p99)),
      totalP50: median(rounds.map((x) => x[s].total.p50)),
      totalP99: median(rounds.map((x) => x[s].total.p99)),
      non200: rounds.reduce((n, x) => n + describeStatuses(x[s].statuses) + x[s].errors, 0),
      ...(s === 'direct' ? {} : { apiCpuMs: median(rounds.map((x) => x[s].apiCpuMs)), apiKernelMs: median(rounds.map((x) => x[s].apiKernelMs)) }),
    });
    const diff = (s, k, p) => median(rounds.map((x) => x[s][k][p] - x.direct[k][p]));
    const overhead = (s) => ({ ttfbP50: diff(s, 'ttfb', 'p50'), ttfbP99: diff(s, 'ttfb', 'p99'), totalP50: diff(s, 'total', 'p50'), totalP99: diff(s, 'total', 'p99') });
    out[c] = {
      direct: side('direct'),
      gateway: side('gateway'),
      overhead: overhead('gateway'),
      ...(rounds[0].gatewayB ? { gatewayB: side('gatewayB'), overheadB: overhead('gatewayB'), cpuRatioB: cpuRatios(rounds) } : {}),
      floor: side('floor'),
      overheadFloor: overhead('floor'),
    };
  }
  return out;
}

function usageEvent(i, runId) {
  const now = new Date();
  return {
    requestId: `bench-ledger-${runId}-${i}`,
    teamId: stack.demo.teamId,
    membershipId: stack.apiKey.membershipId,
    userId: stack.apiKey.userId,
    apiKeyId: stack.apiKey.id,
    providerKeyId: null,
    provider: 'openai',
    endpoint: 'chat',
    requestedModel: 'openai/gpt-4o-mini',
    servedModel: 'gpt-4o-mini',
    stream: false,
    status: 'success',
    errorCode: null,
    inputTokens: 12,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 5,
    reasoningTokens: 0,
    estimated: false,
    latencyMs: 3.2,
    ttftMs: null,
    startedAt: now.toISOString(),
    finishedAt: now.toISOString(),
    attempts: [{ provider: 'openai', model: 'gpt-4o-mini', providerKeyId: null, outcome: 'success', latencyMs: 3 }],
    reservationId: null,
  };
}

async function queueCounts(queue) {
  const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
  const [oldest] = await queue.getJobs(['waiting'], 0, 0, true);
  return { waiting: c.waiting + c.prioritized, active: c.active, delayed: c.delayed, oldestAgeMs: oldest ? Date.now() - oldest.timestamp : 0 };
}

async function ledgerPhase() {
  const connection = new Redis(stack.services.REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue('usage', { connection, prefix: QUEUE_PREFIX });
  try {
    // 1. Ingest: N events queued while no worker runs, then time the workers draining them.
    const n = CFG.ledgerEvents;
    log(`ledger: draining the queue, then queueing ${n} usage events with the worker stopped`);
    await stack.waitUntil(async () => {
      const c = await queueCounts(queue);
      return c.waiting + c.active === 0;
    }, 300_000, 'the usage queue to drain');
    await stack.stopWorkers();
    const base = await ledgerCount();
    const runId = randomUUID().slice(0, 8);
    const opts = { attempts: 10, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: { age: 3600, count: 10_000 }, removeOnFail: { age: 7 * 86_400 } };
    const enqStart = performance.now();
    // As the API sends them: `usage.record-batch` jobs of CFG.ledgerBatch events (10 by default: fewer
    // than one API process gathers in USAGE_BATCH_MS = 50 ms at 2,000 req/s, so the figure is conservative).
    const per = CFG.ledgerBatch;
    for (let i = 0; i < n; i += 1000 * per) {
      const jobs = [];
      for (let j = i; j < Math.min(n, i + 1000 * per); j += per) {
        const events = [];
        for (let k = j; k < Math.min(n, j + per); k++) events.push(usageEvent(k, runId));
        jobs.push({ name: 'usage.record-batch', data: { events }, opts: { ...opts, removeOnComplete: true, jobId: `batch-${events[0].requestId}` } });
      }
      await queue.addBulk(jobs);
    }
    const enqueuePerSec = n / ((performance.now() - enqStart) / 1000);
    const spawned = performance.now();
    for (let i = 0; i < CFG.workers; i++) stack.startWorker();
    let first = null;
    let firstCount = base;
    let last = performance.now();
    const target = base + n;
    const deadline = Date.now() + Math.max(120_000, (n / 500) * 1000);
    for (;;) {
      const count = await ledgerCount();
      const now = performance.now();
      if (first === null && count > base) {
        first = now;
        firstCount = count;
      }
      if (now - last > 5000) {
        last = now;
        log(`  ledger: ${count - base}/${n} written`);
      }
      if (count >= target) break;
      if (Date.now() > deadline) throw new Error(`ledger ingest did not finish: ${count - base}/${n}`);
      await sleep(50);
    }
    const done = performance.now();
    const eventsPerSec = (target - firstCount) / ((done - first) / 1000);
    const withStartup = n / ((done - spawned) / 1000);
    log(`  ledger: ${eventsPerSec.toFixed(0)} events/s (${withStartup.toFixed(0)} including worker start-up); producer queued ${enqueuePerSec.toFixed(0)}/s`);

    // 2. Lag: the gateway at a fixed 2,000 req/s, the usage queue sampled every second.
    log(`ledger: queue lag while the gateway serves ${CFG.lagRate} req/s for ${CFG.lagSeconds} s`);
    const t = targets().gateway;
    const samples = [];
    let lagDone = false;
    const sampler = (async () => {
      const start = performance.now();
      while (!lagDone) {
        samples.push({ t: round((performance.now() - start) / 1000, 1), ...(await queueCounts(queue)) });
        await sleep(1000);
      }
    })();
    const load = await runAutocannon({ url: t.url, headers: t.headers, body: chatBody(t), connections: 64, duration: CFG.lagSeconds, overallRate: CFG.lagRate, collect: false });
    lagDone = true;
    await sampler;
    const drainStart = performance.now();
    let drainedMs = null;
    while (performance.now() - drainStart < 60_000) {
      const c = await queueCounts(queue);
      if (c.waiting + c.active === 0) {
        drainedMs = performance.now() - drainStart;
        break;
      }
      await sleep(200);
    }
    const half = Math.floor(samples.length / 2);
    const maxOf = (arr, k) => arr.reduce((m, s) => Math.max(m, s[k]), 0);
    const firstHalfMax = maxOf(samples.slice(0, half), 'waiting');
    const secondHalfMax = maxOf(samples.slice(half), 'waiting');
    const bounded = drainedMs !== null && drainedMs <= 30_000 && secondHalfMax <= 1.5 * firstHalfMax + 200;
    log(`  lag: ${load.rps.toFixed(0)} req/s achieved; waiting max ${maxOf(samples, 'waiting')}, oldest job max ${maxOf(samples, 'oldestAgeMs')} ms; drained ${drainedMs === null ? 'not within 60 s' : `${(drainedMs / 1000).toFixed(1)} s after the load`}`);
    return {
      ingest: { events: n, eventsPerSec, eventsPerSecWithStartup: withStartup, enqueuePerSec, workers: CFG.workers, workerConcurrency: CFG.workerConcurrency ?? 16 },
      lag: {
        requestedRate: CFG.lagRate,
        achievedRate: load.rps,
        non200: describeStatuses(load.statuses),
        maxWaiting: maxOf(samples, 'waiting'),
        maxOldestAgeMs: maxOf(samples, 'oldestAgeMs'),
        firstHalfMaxWaiting: firstHalfMax,
        secondHalfMaxWaiting: secondHalfMax,
        drainedAfterMs: drainedMs,
        bounded,
        samples,
      },
    };
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

/** The API's last memory breakdown from bench/lib/mem-preload.mjs (MB), or undefined. */
function readMem() {
  try {
    return JSON.parse(readFileSync(memFile, 'utf8'));
  } catch {
    return undefined;
  }
}

function describeMem(m) {
  const young = (m.spaces.new_space ?? 0) + (m.spaces.new_large_object_space ?? 0);
  return `RSS ${m.rss.toFixed(0)}: JS heap ${m.heapTotal.toFixed(0)} (used ${m.heapUsed.toFixed(0)}, young ${young.toFixed(0)}, old ${(m.spaces.old_space ?? 0).toFixed(0)}, code ${(m.spaces.code_space ?? 0).toFixed(0)}), external ${m.external.toFixed(0)}, outside the JS heap ${(m.rss - m.heapTotal).toFixed(0)}`;
}

async function memoryPhase() {
  const n = CFG.memoryRequests;
  const pid = stack.api.proc.pid;
  const t = targets().gateway;
  log(`memory: ${n.toLocaleString('en')} gateway requests at c=16, API RSS sampled every second`);
  const before = rssMb(pid);
  const beforeHeap = readMem();
  if (beforeHeap) log(`  memory: before the load ${describeMem(beforeHeap)}`);
  const samples = [];
  const heaps = [];
  let lastLog = 0;
  const started = performance.now();
  const r = await runAutocannon({
    url: t.url,
    headers: t.headers,
    body: chatBody(t),
    connections: 16,
    amount: n,
    collect: false,
    onTick: (done) => {
      const rss = rssMb(pid);
      samples.push({ done, rss });
      const heap = readMem();
      if (heap) heaps.push(heap);
      const now = performance.now();
      if (now - lastLog >= 5000) {
        lastLog = now;
        log(`  memory: ${done.toLocaleString('en')}/${n.toLocaleString('en')} requests, RSS ${rss?.toFixed(0)} MB${heap ? ` (${describeMem(heap)})` : ''}, ${((now - started) / 1000).toFixed(0)} s`);
      }
    },
  });
  await sleep(quick ? 5000 : 10_000);
  const after = rssMb(pid);
  const valid = samples.filter((s) => s.rss !== null);
  const peak = Math.max(...valid.map((s) => s.rss), after ?? 0);
  const avgIn = (lo, hi) => {
    const sel = valid.filter((s) => s.done >= lo * n && s.done <= hi * n);
    return sel.length ? sel.reduce((a, s) => a + s.rss, 0) / sel.length : NaN;
  };
  const mid = avgIn(0.4, 0.6);
  const end = avgIn(0.9, 1);
  const growth = end - mid;
  const flat = Number.isFinite(growth) && growth <= Math.max(10, 0.05 * mid);
  log(`  memory: RSS before ${before?.toFixed(0)} MB, peak ${peak.toFixed(0)} MB, after ${after?.toFixed(0)} MB; second-half growth ${growth.toFixed(1)} MB`);
  // What the RSS was made of when the JS heap was largest: JS heap vs native memory.
  const peakHeap = heaps.reduce((a, h) => (!a || h.heapTotal > a.heapTotal ? h : a), undefined);
  if (peakHeap) log(`  memory: largest JS heap seen ${describeMem(peakHeap)}`);
  return { requests: n, beforeHeap, peakHeap, afterHeap: readMem(), ok: r.ok, non200: describeStatuses(r.statuses), rps: r.rps, beforeMb: before, peakMb: peak, afterMb: after, midMb: mid, endMb: end, secondHalfGrowthMb: growth, flat, samples };
}

async function reportsPhase() {
  const rows = CFG.reportRows;
  const team = randomUUID();
  const ids = (k) => Array.from({ length: k }, () => randomUUID());
  const members = ids(20);
  const users = ids(20);
  const keys = ids(20);
  const models = ['gpt-4o-mini', 'gpt-4o', 'claude-sonnet-4', 'gemini-2.5-flash'];
  const days = 60;
  const start = new Date(Date.now() - days * 86_400_000);
  const step = (days * 86_400) / rows;
  const chunk = 500_000;
  log(`reports: seeding ${rows.toLocaleString('en')} ledger rows for one team over ${days} days, with daily rollups (this takes a while)`);
  const t0 = performance.now();
  for (let lo = 0; lo < rows; lo += chunk) {
    const hi = Math.min(rows, lo + chunk) - 1;
    await pg().query(
      `INSERT INTO usage_ledger (request_id, team_id, membership_id, user_id, api_key_id, provider, endpoint, requested_model, served_model, stream, status,
                                 input_tokens, output_tokens, cost_nano_usd, fee_nano_usd, latency_ms, ttft_ms, attempt_count, attempts, started_at, finished_at)
       SELECT 'rpt-' || g, $1, ($2::uuid[])[1 + g % 20], ($3::uuid[])[1 + g % 20], ($4::uuid[])[1 + (g / 7) % 20], 'openai', 'chat',
              ($5::text[])[1 + g % 4], ($5::text[])[1 + g % 4], g % 3 = 0, CASE WHEN g % 50 = 0 THEN 'upstream_error' ELSE 'success' END,
              100 + g % 900, 20 + g % 300, (g % 1000) * 1000, (g % 1000) * 10, 300 + g % 700, NULL, 1, '[]'::jsonb,
              $6::timestamptz + make_interval(secs => g * $7::float8), $6::timestamptz + make_interval(secs => g * $7::float8 + 1)
         FROM generate_series($8::bigint, $9::bigint) AS g`,
      [team, members, users, keys, models, start, step, lo, hi],
    );
    // Roll the chunk up the way the worker does (same GROUP BY and upsert), by its time range.
    await pg().query(
      `INSERT INTO usage_rollup_daily AS r (team_id, day, membership_id, api_key_id, provider, model, requests, input_tokens, cached_input_tokens,
                                       cache_write_tokens, output_tokens, reasoning_tokens, cost_nano_usd, fee_nano_usd, unpriced_requests)
       SELECT team_id, (started_at AT TIME ZONE 'UTC')::date, membership_id, api_key_id, coalesce(provider, ''), coalesce(served_model, requested_model),
              count(*), sum(input_tokens), sum(cached_input_tokens), sum(cache_write_tokens), sum(output_tokens), sum(reasoning_tokens),
              sum(cost_nano_usd), sum(fee_nano_usd), count(*) FILTER (WHERE unpriced)
         FROM usage_ledger WHERE team_id = $1 AND started_at >= $2::timestamptz + make_interval(secs => $3::bigint * $5::float8)
                                              AND started_at <  $2::timestamptz + make_interval(secs => ($4::bigint + 1) * $5::float8)
        GROUP BY 1, 2, 3, 4, 5, 6
       ON CONFLICT (team_id, day, membership_id, api_key_id, provider, model) DO UPDATE SET
         requests = r.requests + excluded.requests, input_tokens = r.input_tokens + excluded.input_tokens,
         cached_input_tokens = r.cached_input_tokens + excluded.cached_input_tokens, cache_write_tokens = r.cache_write_tokens + excluded.cache_write_tokens,
         output_tokens = r.output_tokens + excluded.output_tokens, reasoning_tokens = r.reasoning_tokens + excluded.reasoning_tokens,
         cost_nano_usd = r.cost_nano_usd + excluded.cost_nano_usd, fee_nano_usd = r.fee_nano_usd + excluded.fee_nano_usd,
         unpriced_requests = r.unpriced_requests + excluded.unpriced_requests`,
      [team, start, lo, hi, step],
    );
    const done = hi + 1;
    const secs = (performance.now() - t0) / 1000;
    log(`  reports: ${done.toLocaleString('en')}/${rows.toLocaleString('en')} rows (${(done / secs).toFixed(0)} rows/s, ${secs.toFixed(0)} s)`);
  }
  await pg().query('ANALYZE usage_ledger');
  await pg().query('ANALYZE usage_rollup_daily');
  const seedSeconds = (performance.now() - t0) / 1000;
  const check = (await pg().query(`SELECT sum(requests)::bigint AS n, count(*)::int AS groups FROM usage_rollup_daily WHERE team_id = $1`, [team])).rows[0];
  if (Number(check.n) !== rows) throw new Error(`rollup holds ${check.n} requests, expected ${rows}`);

  // The 30-day usage report: the SQL of UsageReportsService.daily() (apps/api/src/usage/usage-reports.service.ts,
  // GET /usage/daily) for one team, copied here so the benchmark times exactly what the API runs.
  const SUMS = `sum(requests)::bigint AS requests, sum(input_tokens)::bigint AS "inputTokens", sum(cached_input_tokens)::bigint AS "cachedInputTokens",
    sum(output_tokens)::bigint AS "outputTokens", sum(reasoning_tokens)::bigint AS "reasoningTokens", sum(cost_nano_usd)::text AS "costNanoUsd",
    sum(fee_nano_usd)::text AS "feeNanoUsd", sum(unpriced_requests)::bigint AS "unpricedRequests"`;
  const REPORT_SQL = `SELECT to_char(day, 'YYYY-MM-DD') AS id, to_char(day, 'YYYY-MM-DD') AS day, ${SUMS} FROM usage_rollup_daily
                       WHERE team_id = $1 AND day BETWEEN $2::date AND $3::date GROUP BY day ORDER BY day`;
  const RAW_SQL = `SELECT (started_at AT TIME ZONE 'UTC')::date AS day, count(*) AS requests, sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
                          sum(cost_nano_usd) AS cost_nano_usd, sum(fee_nano_usd) AS fee_nano_usd
                     FROM usage_ledger WHERE team_id = $1 AND started_at >= $2::date AND started_at < $3::date + 1 GROUP BY 1 ORDER BY 1`;
  const today = new Date().toISOString().slice(0, 10);
  const from = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
  const time = async (sql, n, warm) => {
    for (let i = 0; i < warm; i++) await pg().query(sql, [team, from, today]);
    const ms = [];
    let resultRows = 0;
    for (let i = 0; i < n; i++) {
      const s = performance.now();
      resultRows = (await pg().query(sql, [team, from, today])).rows.length;
      ms.push(performance.now() - s);
    }
    return { runs: n, rows: resultRows, ...percentiles(ms, [50, 95]), max: Math.max(...ms) };
  };
  const rollup = await time(REPORT_SQL, 50, 3);
  log(`  reports: 30-day report from rollups p50 ${rollup.p50.toFixed(2)} ms, p95 ${rollup.p95.toFixed(2)} ms (${check.groups} rollup rows for the team)`);
  const raw = await time(RAW_SQL, 5, 1);
  log(`  reports: same report straight from the ledger p50 ${raw.p50.toFixed(0)} ms (for comparison only)`);
  return { rows, seedSeconds, rollupRows: check.groups, sql: REPORT_SQL.replace(/\s+/g, ' '), rollup, rawLedger: raw };
}

// ---- output ----------------------------------------------------------------------------------------
const fmt = (v, d = 2) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(d));
/** "1.36 1.41 0.88 (B above A in 2 of 3)" */
const ratiosText = (ratios) => (ratios?.length ? `${ratios.map((r) => fmt(r)).join(' ')} (B above A in ${ratios.filter((r) => r > 1).length} of ${ratios.length})` : '—');
const fmtInt = (v) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : Math.round(v).toLocaleString('en'));
const met = (ok) => (ok === null ? '' : ok ? 'yes' : 'NO');

function tableRows(R) {
  const rows = [];
  const add = (phase, metric, direct, gateway, overhead, target = '', ok = null) => rows.push({ phase, metric, direct, gateway, overhead, target, met: met(ok) });
  if (R.nonstream) {
    for (const c of CFG.concurrencies) {
      const x = R.nonstream[c];
      const ph = `non-stream c=${c}`;
      add(ph, 'req/s', fmtInt(x.direct.rps), fmtInt(x.gateway.rps), `${fmt((x.gateway.rps / x.direct.rps) * 100, 0)}% of direct`, c === 16 ? 'gateway ≥ 3,000' : '', c === 16 ? x.gateway.rps >= 3000 : null);
      add(ph, 'p50 ms', fmt(x.direct.p50), fmt(x.gateway.p50), `+${fmt(x.overhead.p50)}`, c === 1 ? 'overhead ≤ 0.5' : '', c === 1 ? x.overhead.p50 <= 0.5 : null);
      add(ph, 'p99 ms', fmt(x.direct.p99), fmt(x.gateway.p99), `+${fmt(x.overhead.p99)}`);
      if (x.gateway.non200 || x.gateway.errors) add(ph, 'gateway non-200 / errors', '', `${x.gateway.non200} / ${x.gateway.errors}`, '', '0', false);
      if (x.gatewayB) {
        add(ph, 'API CPU ms per request: A / B', '', `${fmt(x.gateway.apiCpuMs, 3)} / ${fmt(x.gatewayB.apiCpuMs, 3)}`, `B/A ${fmt(x.gatewayB.apiCpuMs / x.gateway.apiCpuMs)}`);
        add(ph, 'API CPU B/A per round', '', ratiosText(x.cpuRatioB), '');
        add(`${ph} B`, 'req/s', '', fmtInt(x.gatewayB.rps), `${fmt((x.gatewayB.rps / x.direct.rps) * 100, 0)}% of direct`);
        add(`${ph} B`, 'p50 ms', '', fmt(x.gatewayB.p50), `+${fmt(x.overheadB.p50)}`);
        add(`${ph} B`, 'p99 ms', '', fmt(x.gatewayB.p99), `+${fmt(x.overheadB.p99)}`);
        if (x.gatewayB.non200 || x.gatewayB.errors) add(`${ph} B`, 'non-200 / errors', '', `${x.gatewayB.non200} / ${x.gatewayB.errors}`, '');
      }
      if (x.floor) {
        add(`${ph} floor`, 'req/s', '', fmtInt(x.floor.rps), `${fmt((x.floor.rps / x.direct.rps) * 100, 0)}% of direct`);
        add(`${ph} floor`, 'p50 ms', '', fmt(x.floor.p50), `+${fmt(x.overheadFloor.p50)}`);
        add(`${ph} floor`, 'CPU ms per request: gateway API / floor', '', `${fmt(x.gateway.apiCpuMs, 3)} / ${fmt(x.floor.apiCpuMs, 3)}`, `gateway/floor ${fmt(x.gateway.apiCpuMs / x.floor.apiCpuMs)}`);
        add(`${ph} floor`, '  of which in the kernel: gateway API / floor', '', `${fmt(x.gateway.apiKernelMs, 3)} / ${fmt(x.floor.apiKernelMs, 3)}`, '');
        if (x.floor.non200 || x.floor.errors) add(`${ph} floor`, 'non-200 / errors', '', `${x.floor.non200} / ${x.floor.errors}`, '');
      }
    }
  }
  if (R.nonstream?.backend) {
    const b = R.nonstream.backend;
    add('non-stream (info)', 'Redis cmds / bytes in per request', '', `${fmt(b.redisCommandsPerRequest, 1)} / ${fmtInt(b.redisBytesInPerRequest)}`, '');
    add('non-stream (info)', 'Postgres xacts per request', '', fmt(b.pgTransactionsPerRequest), '');
    for (const [name, ms] of Object.entries(b.cpuMsPerRequest ?? {})) add('non-stream (info)', `CPU ms per request: ${name}`, '', fmt(ms), '');
    if (b.framework) {
      add('non-stream (info)', 'framework c=16: GET /health/live req/s (API CPU ms)', '', `${fmtInt(b.framework.live.rps)} (${fmt(b.framework.live.apiCpuMs)})`, '');
      add('non-stream (info)', 'framework c=16: GET /v1/key req/s (API CPU ms)', '', `${fmtInt(b.framework.key.rps)} (${fmt(b.framework.key.apiCpuMs)})`, '');
    }
  }
  if (R.stream) {
    for (const c of CFG.concurrencies) {
      const x = R.stream[c];
      const ph = `stream c=${c}`;
      const tgt = c === 1 || c === 16;
      add(ph, 'TTFB p50 ms', fmt(x.direct.ttfbP50), fmt(x.gateway.ttfbP50), `+${fmt(x.overhead.ttfbP50)}`, tgt ? 'overhead ≤ 1' : '', tgt ? x.overhead.ttfbP50 <= 1 : null);
      add(ph, 'TTFB p99 ms', fmt(x.direct.ttfbP99), fmt(x.gateway.ttfbP99), `+${fmt(x.overhead.ttfbP99)}`);
      add(ph, 'total p50 ms', fmt(x.direct.totalP50), fmt(x.gateway.totalP50), `+${fmt(x.overhead.totalP50)}`);
      add(ph, 'total p99 ms', fmt(x.direct.totalP99), fmt(x.gateway.totalP99), `+${fmt(x.overhead.totalP99)}`);
      add(ph, 'streams/s', fmtInt(x.direct.rps), fmtInt(x.gateway.rps), `${fmt((x.gateway.rps / x.direct.rps) * 100, 0)}% of direct`);
      if (x.gateway.non200) add(ph, 'gateway non-200 / errors', '', String(x.gateway.non200), '', '0', false);
      if (x.gatewayB) {
        add(ph, 'API CPU ms per stream: A / B', '', `${fmt(x.gateway.apiCpuMs, 3)} / ${fmt(x.gatewayB.apiCpuMs, 3)}`, `B/A ${fmt(x.gatewayB.apiCpuMs / x.gateway.apiCpuMs)}`);
        add(ph, 'API CPU B/A per round', '', ratiosText(x.cpuRatioB), '');
        add(`${ph} B`, 'TTFB p50 ms', '', fmt(x.gatewayB.ttfbP50), `+${fmt(x.overheadB.ttfbP50)}`);
        add(`${ph} B`, 'TTFB p99 ms', '', fmt(x.gatewayB.ttfbP99), `+${fmt(x.overheadB.ttfbP99)}`);
        add(`${ph} B`, 'total p50 ms', '', fmt(x.gatewayB.totalP50), `+${fmt(x.overheadB.totalP50)}`);
        add(`${ph} B`, 'streams/s', '', fmtInt(x.gatewayB.rps), `${fmt((x.gatewayB.rps / x.direct.rps) * 100, 0)}% of direct`);
        if (x.gatewayB.non200) add(`${ph} B`, 'non-200 / errors', '', String(x.gatewayB.non200), '');
      }
      if (x.floor) {
        add(`${ph} floor`, 'TTFB p50 ms', '', fmt(x.floor.ttfbP50), `+${fmt(x.overheadFloor.ttfbP50)}`);
        add(`${ph} floor`, 'streams/s', '', fmtInt(x.floor.rps), `${fmt((x.floor.rps / x.direct.rps) * 100, 0)}% of direct`);
        add(`${ph} floor`, 'CPU ms per stream: gateway API / floor', '', `${fmt(x.gateway.apiCpuMs, 3)} / ${fmt(x.floor.apiCpuMs, 3)}`, `gateway/floor ${fmt(x.gateway.apiCpuMs / x.floor.apiCpuMs)}`);
        add(`${ph} floor`, '  of which in the kernel: gateway API / floor', '', `${fmt(x.gateway.apiKernelMs, 3)} / ${fmt(x.floor.apiKernelMs, 3)}`, '');
        if (x.floor.non200) add(`${ph} floor`, 'non-200 / errors', '', String(x.floor.non200), '');
      }
    }
  }
  const allRatios = ['nonstream', 'stream'].flatMap((k) => (R[k] ? CFG.concurrencies.flatMap((c) => R[k][c]?.cpuRatioB ?? []) : []));
  if (allRatios.length) add('A / B (all rounds)', 'API CPU B/A: median, rounds with B above A', '', fmt(median(allRatios)), `${allRatios.filter((r) => r > 1).length} of ${allRatios.length}`);
  if (R.ledger) {
    const { ingest, lag } = R.ledger;
    add('ledger', `ingest events/s (${ingest.workers} worker x ${ingest.workerConcurrency})`, '', fmtInt(ingest.eventsPerSec), '', '≥ 5,000', ingest.eventsPerSec >= 5000);
    add('ledger', `lag @ ${fmtInt(lag.requestedRate)} req/s: achieved req/s`, '', fmtInt(lag.achievedRate), '', `${fmtInt(lag.requestedRate)}`, lag.achievedRate >= 0.95 * lag.requestedRate);
    add('ledger', 'lag: max waiting jobs / oldest ms', '', `${fmtInt(lag.maxWaiting)} / ${fmtInt(lag.maxOldestAgeMs)}`, '', 'bounded', lag.bounded);
    add('ledger', 'lag: drained after load (s)', '', lag.drainedAfterMs === null ? '> 60' : fmt(lag.drainedAfterMs / 1000, 1), '');
  }
  if (R.reports) {
    const r = R.reports;
    add('reports', `30-day report p50 ms (${fmtInt(r.rows)} rows)`, '', fmt(r.rollup.p50), '');
    add('reports', `30-day report p95 ms (${fmtInt(r.rows)} rows)`, '', fmt(r.rollup.p95), '', '≤ 100', r.rollup.p95 <= 100);
    add('reports', 'same from raw ledger p50 ms (info)', '', fmt(r.rawLedger.p50, 0), '');
  }
  if (R.memory) {
    const m = R.memory;
    add('memory', `API RSS MB peak during ${fmtInt(m.requests)} req`, '', fmt(m.peakMb, 0), '', '≤ 300', m.peakMb <= 300);
    add('memory', 'API RSS MB before / after', '', `${fmt(m.beforeMb, 0)} / ${fmt(m.afterMb, 0)}`, '');
    add('memory', 'RSS growth over 2nd half MB', '', fmt(m.secondHalfGrowthMb, 1), '', 'flat (≤ max(10, 5%))', m.flat);
    if (m.non200) add('memory', 'gateway non-200', '', fmtInt(m.non200), '', '0', false);
  }
  return rows;
}

function printTable(rows) {
  const cols = ['phase', 'metric', 'direct', 'gateway', 'overhead', 'target', 'met'];
  const width = Object.fromEntries(cols.map((c) => [c, Math.max(c.length, ...rows.map((r) => String(r[c]).length))]));
  const line = (r) => cols.map((c) => String(r[c]).padEnd(width[c])).join(' | ');
  const out = [line(Object.fromEntries(cols.map((c) => [c, c]))), cols.map((c) => '-'.repeat(width[c])).join('-|-'), ...rows.map(line)];
  process.stdout.write(`\n${out.join('\n')}\n\n`);
}

function printProfile(p) {
  const lines = [`CPU profile of the API, ${p.kind} (${p.totalMs} ms busy, ${p.idleMs} ms idle, at ${fmtInt(p.rps)} ${p.kind === 'stream' ? 'streams' : 'req'}/s): self time by package`];
  for (const o of p.byOwner.slice(0, 15)) lines.push(`  ${String(o.pct).padStart(5)}%  ${o.owner}`);
  lines.push('top functions by self time');
  for (const f of p.byFunction.slice(0, 20)) lines.push(`  ${String(f.pct).padStart(5)}%  ${f.name}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

// ---- main ------------------------------------------------------------------------------------------
/** Other processes on the machine skew every number: say so up front and record it. */
function machineLoad(when) {
  const [one] = readFileSync('/proc/loadavg', 'utf8').split(' ').map(Number);
  if (when === 'before' && one > 0.5) log(`WARNING: load average is ${one} before the run: something else is using the CPU; numbers will be low and noisy`);
  return one;
}

async function main() {
  const startedAt = new Date();
  const loadBefore = machineLoad('before');
  await stack.start();
  const R = {};
  R.features = await verifyFeatures();
  if (only.has('nonstream')) R.nonstream = await nonstreamPhase();
  if (flags.profile && only.has('nonstream')) R.profile = await profilePhase('nonstream');
  if (only.has('stream')) R.stream = await streamPhase();
  if (flags.profile && only.has('stream')) R.profileStream = await profilePhase('stream');
  if (only.has('ledger')) R.ledger = await ledgerPhase();
  if (only.has('memory')) R.memory = await memoryPhase();
  if (only.has('reports')) R.reports = await reportsPhase();
  const rows = tableRows(R);
  if (compare) log(`A = this checkout (${stack.commit()}${Object.keys(extraEnv).length ? ` ${flags.env}` : ''}); B = ${compare.label}`);
  printTable(rows);
  if (R.profile) printProfile(R.profile);
  if (R.profileStream) printProfile(R.profileStream);
  const json = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    commit: stack.commit(),
    machine: { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGb: Math.round(os.totalmem() / 2 ** 30), loadAvgBefore: loadBefore, loadAvgAfter: machineLoad('after') },
    flags: { quick, only: [...only], env: extraEnv, apiNodeArgs: flags['api-node-args'] ?? null, compare: compare ? { label: compare.label, commit: compare.sha, env: compare.env } : null },
    config: CFG,
    table: rows,
    results: R,
  };
  const file = resolve(RESULTS_DIR, 'latest.json');
  writeFileSync(file, JSON.stringify(json, null, 2) + '\n');
  log(`results written to ${file}`);
}

main().then(
  () => shutdown(0),
  (err) => {
    process.stderr.write(`[tollgate] bench failed: ${err.stack ?? err.message}\n`);
    return shutdown(1);
  },
);
