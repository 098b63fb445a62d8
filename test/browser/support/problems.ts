import type { ConsoleProblem } from './browser';

/**
 * Every browser console error fails a test, but not always the one running: a page may call endpoints that
 * belong to a later feature (the dashboard calls /usage right after sign-up). Problems caused by a request to
 * such an endpoint are held and asserted by that feature's own test, so each test reports what it owns; the
 * last test asserts that nothing was left unclaimed.
 */
export class ProblemLedger {
  private pending: ConsoleProblem[] = [];

  constructor(
    private readonly take: () => ConsoleProblem[],
    /** URL patterns of endpoints owned by a dedicated test. */
    private readonly deferred: RegExp[],
  ) {}

  private static matches(p: ConsoleProblem, patterns: RegExp[]): boolean {
    const source = `${p.url ?? ''} ${p.text}`;
    return patterns.some((re) => re.test(source));
  }

  private extract(predicate: (p: ConsoleProblem) => boolean): ConsoleProblem[] {
    this.pending.push(...this.take());
    const out = this.pending.filter(predicate);
    this.pending = this.pending.filter((p) => !out.includes(p));
    return out;
  }

  /** Problems not caused by a deferred endpoint: they belong to the step that just ran. */
  unowned(): ConsoleProblem[] {
    return this.extract((p) => !ProblemLedger.matches(p, this.deferred));
  }

  /** Problems caused by the given endpoints, whenever they happened. */
  claim(patterns: RegExp[]): ConsoleProblem[] {
    return this.extract((p) => ProblemLedger.matches(p, patterns));
  }

  leftovers(): ConsoleProblem[] {
    return this.extract(() => true);
  }
}

/** One line per distinct problem, with a count when it repeated (polling pages repeat the same 404). */
export function describeProblems(problems: ConsoleProblem[]): string {
  const counts = new Map<string, number>();
  for (const p of problems) {
    const line = `[${p.kind}] ${p.text}${p.url ? ` (${p.url})` : ''}`;
    counts.set(line, (counts.get(line) ?? 0) + 1);
  }
  return [...counts].map(([line, n]) => (n > 1 ? `${line} ×${n}` : line)).join('\n');
}
