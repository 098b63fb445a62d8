import { MicroBatch } from './micro-batch';

describe('MicroBatch', () => {
  it('hands items added within the wait to one run, and settles each add with it', async () => {
    const runs: number[][] = [];
    const b = new MicroBatch<number>({ max: 100, waitMs: 20, run: async (items) => void runs.push(items) });
    await Promise.all([b.add(1), b.add(2), b.add(3)]);
    expect(runs).toEqual([[1, 2, 3]]);
  });

  it('runs at once when max items are waiting', async () => {
    const runs: number[][] = [];
    const b = new MicroBatch<number>({ max: 2, waitMs: 60_000, run: async (items) => void runs.push(items) });
    await Promise.all([b.add(1), b.add(2)]);
    const third = b.add(3);
    expect(runs).toEqual([[1, 2]]);
    await b.drain();
    await third;
    expect(runs).toEqual([[1, 2], [3]]);
  });

  it('rejects every add of a failed batch, and the next batch starts clean', async () => {
    let fail = true;
    const b = new MicroBatch<string>({ max: 10, waitMs: 1, run: async () => { if (fail) throw new Error('down'); } });
    const results = await Promise.allSettled([b.add('a'), b.add('b')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(b.add('c')).resolves.toBeUndefined();
  });

  it('waitMs 0 runs every item alone; drain waits for batches still running', async () => {
    const runs: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const b = new MicroBatch<number>({ max: 10, waitMs: 0, run: async (items) => { await gate; runs.push(items); } });
    void b.add(1);
    void b.add(2);
    let drained = false;
    const d = b.drain().then(() => (drained = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(drained).toBe(false);
    release();
    await d;
    expect(runs).toEqual([[1], [2]]);
  });
});
