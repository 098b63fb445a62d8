// Summarises a V8 .cpuprofile: self time by function and by package (where the CPU went).
import { readFileSync } from 'node:fs';

function owner(url, functionName) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node core';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const m = /\/dist\/((?:apps|libs)\/[^/]+)/.exec(url);
  return m ? m[1] : url;
}

function shortUrl(url) {
  if (!url) return '';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const d = url.indexOf('/dist/');
  if (d >= 0) return url.slice(d + 1);
  return url.replace(/^file:\/\//, '');
}

/** Returns { totalMs, byFunction: [{name, ms, pct}], byOwner: [{owner, ms, pct}] } without idle time. */
export function summariseProfile(file, top = 25) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  // timeDeltas[i] is the time between sample i-1 and sample i: attribute it to sample i.
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
  }
  const byFn = new Map();
  const byOwner = new Map();
  let total = 0;
  let idle = 0;
  for (const [id, ms] of self) {
    const cf = nodes.get(id).callFrame;
    const fname = cf.functionName || '(anonymous)';
    if (fname === '(idle)') {
      idle += ms;
      continue;
    }
    total += ms;
    const key = cf.url ? `${fname} ${shortUrl(cf.url)}:${cf.lineNumber + 1}` : fname;
    byFn.set(key, (byFn.get(key) ?? 0) + ms);
    const o = owner(cf.url, fname);
    byOwner.set(o, (byOwner.get(o) ?? 0) + ms);
  }
  const rank = (m, label) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, ms]) => ({ [label]: k, ms: Math.round(ms), pct: Math.round((ms / total) * 1000) / 10 }));
  return { totalMs: Math.round(total), idleMs: Math.round(idle), byFunction: rank(byFn, 'name'), byOwner: rank(byOwner, 'owner') };
}
