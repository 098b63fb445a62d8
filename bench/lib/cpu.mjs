// CPU time per process from /proc (user + system), to say where a run's cores went.
import { readFileSync, readdirSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

function readStat(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: fields start after the last ')'.
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // utime and stime: stime is the kernel's work on the process' behalf (syscalls: socket writes and reads).
    return { ppid: Number(f[1]), cpuMs: (Number(f[11]) + Number(f[12])) * TICK_MS, kernelMs: Number(f[12]) * TICK_MS };
  } catch {
    return null;
  }
}

function cmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** Pids of a process and all its descendants (Postgres forks one backend per connection; API_PROCESSES > 1 forks API processes). */
export function withDescendants(root) {
  const all = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  const children = new Map();
  for (const pid of all) {
    const st = readStat(pid);
    if (st) children.set(st.ppid, [...(children.get(st.ppid) ?? []), pid]);
  }
  const out = [];
  const stack = [root];
  while (stack.length) {
    const p = stack.pop();
    out.push(p);
    stack.push(...(children.get(p) ?? []));
  }
  return out;
}

/** The Postgres postmaster and Redis server listening on the given ports. */
export function servicePids({ pgPort, redisPort }) {
  const found = {};
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const c = cmdline(d);
    if (/\/postgres\s/.test(c) && c.includes(`-p ${pgPort}`)) found.postgres = Number(d);
    if (/redis-server/.test(c) && c.includes(`:${redisPort}`)) found.redis = Number(d);
  }
  return found;
}

/**
 * CPU ms so far of each named process tree: { name: ms }; with `kernel`, the part spent in the kernel
 * too, as `<name> kernel`.
 */
export function cpuSnapshot(named, { kernel = false } = {}) {
  const out = {};
  for (const [name, pid] of Object.entries(named)) {
    if (!pid) continue;
    const stats = withDescendants(pid).map(readStat);
    out[name] = stats.reduce((sum, st) => sum + (st?.cpuMs ?? 0), 0);
    if (kernel) out[`${name} kernel`] = stats.reduce((sum, st) => sum + (st?.kernelMs ?? 0), 0);
  }
  out.bench = Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000);
  return out;
}

/** CPU ms per request of each process between two snapshots. */
export function cpuPerRequest(before, after, requests) {
  return Object.fromEntries(Object.keys(after).map((k) => [k, Math.round(((after[k] - (before[k] ?? 0)) / requests) * 1000) / 1000]));
}
