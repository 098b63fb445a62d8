// Small statistics helpers: exact percentiles over recorded samples, medians of rounds.

/** Nearest-rank percentile of an already sorted numeric array (NaN when empty). */
export function percentileSorted(sorted, p) {
  if (!sorted.length) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function sortNumbers(values) {
  return Float64Array.from(values).sort();
}

export function percentiles(values, ps = [50, 95, 99]) {
  const sorted = sortNumbers(values);
  return Object.fromEntries(ps.map((p) => [`p${p}`, percentileSorted(sorted, p)]));
}

export function median(values) {
  const finite = values.filter((v) => Number.isFinite(v));
  if (!finite.length) return NaN;
  const s = sortNumbers(finite);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function round(v, digits = 2) {
  if (!Number.isFinite(v)) return null;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
