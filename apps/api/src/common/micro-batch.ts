/**
 * Gathers items for at most `waitMs` (or until `max` are waiting) and hands them to `run` together.
 * Each add() settles with its batch's outcome. `waitMs` 0 runs every item on its own.
 */
export class MicroBatch<T> {
  private pending: Array<{ item: T; resolve: () => void; reject: (err: unknown) => void }> = [];
  private timer?: NodeJS.Timeout;
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly opts: { max: number; waitMs: number; run: (items: T[]) => Promise<void> }) {}

  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.opts.max || this.opts.waitMs === 0) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.opts.waitMs);
    });
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const p = this.opts.run(batch.map((b) => b.item)).then(
      () => batch.forEach((b) => b.resolve()),
      (err: unknown) => batch.forEach((b) => b.reject(err)),
    );
    const tracked = p.finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  /** Runs what is waiting and resolves when every batch started so far has settled. */
  async drain(): Promise<void> {
    this.flush();
    await Promise.allSettled([...this.running]);
  }
}
