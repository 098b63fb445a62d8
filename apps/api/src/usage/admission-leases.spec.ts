import { AdmissionLeases } from './admission-leases';

describe('admission leases (the allowance one API process holds on limit counters)', () => {
  const rpm = { key: 'rpm:a', need: 1n };
  const budget = { key: 'budget:b', need: 500n };

  it('admits only when every counter has enough allowance, and then takes from all of them', () => {
    const l = new AdmissionLeases(1000);
    expect(l.take([rpm], 0)).toBe(false);
    l.grant('rpm:a', 't1', 2n, 0);
    l.grant('budget:b', 't1', 700n, 0);
    expect(l.take([rpm, budget], 10)).toBe(true);
    // 1 request left on rpm, but only 200 nano-USD on the budget: all or nothing, nothing taken.
    expect(l.take([rpm, budget], 10)).toBe(false);
    expect(l.take([rpm], 10)).toBe(true);
    expect(l.take([rpm], 10)).toBe(false);
    expect(l.release(0, { all: true })).toEqual([{ key: 'budget:b', need: 200n }]);
  });

  it('an expired allowance admits nothing and is released; a grant renews the hold', () => {
    const l = new AdmissionLeases(100);
    l.grant('rpm:a', 't1', 5n, 0);
    expect(l.take([rpm], 99)).toBe(true);
    expect(l.release(99)).toEqual([]);
    expect(l.take([rpm], 100)).toBe(false);
    l.grant('rpm:a', 't1', 1n, 150);
    expect(l.take([rpm], 249)).toBe(true);
    expect(l.release(250)).toEqual([{ key: 'rpm:a', need: 4n }]);
    expect(l.size).toBe(0);
  });

  it("releases one team's allowances and keeps the others'", () => {
    const l = new AdmissionLeases(1000);
    l.grant('rpm:a', 't1', 3n, 0);
    l.grant('rpm:z', 't2', 4n, 0);
    expect(l.release(0, { teamId: 't1' })).toEqual([{ key: 'rpm:a', need: 3n }]);
    expect(l.take([{ key: 'rpm:z', need: 4n }], 1)).toBe(true);
    // Used up: nothing left to give back, and the entry goes.
    expect(l.release(0, { teamId: 't2' })).toEqual([]);
    expect(l.size).toBe(0);
  });

  it('settles a reservation against a live allowance: unspent reservation is held, an overrun is taken from it', () => {
    const l = new AdmissionLeases(100);
    l.grant('budget:b', 't1', 1000n, 0);
    expect(l.take([budget], 1)).toBe(true);
    // Reserved 500, spent 120: the 380 stays with the process instead of a DECRBY.
    expect(l.settle('budget:b', -380n, 2, 8000n)).toBe(true);
    expect(l.held('budget:b')).toBe(880n);
    // Spent 100 more than reserved: taken from the allowance; more than it holds: Redis settles it.
    expect(l.settle('budget:b', 100n, 3, 8000n)).toBe(true);
    expect(l.held('budget:b')).toBe(780n);
    expect(l.settle('budget:b', 781n, 3, 8000n)).toBe(false);
    // Held at most `cap`: a give-back that would pass it is settled in Redis.
    expect(l.settle('budget:b', -21n, 3, 800n)).toBe(false);
    expect(l.settle('budget:b', -20n, 3, 800n)).toBe(true);
    expect(l.held('budget:b')).toBe(800n);
    expect(l.settle('budget:b', 20n, 3, 800n)).toBe(true);
    expect(l.held('budget:b')).toBe(780n);
    // No allowance on the counter, or an expired one: Redis settles it.
    expect(l.settle('tpm:c', -5n, 3, 8000n)).toBe(false);
    expect(l.settle('budget:b', -5n, 100, 8000n)).toBe(false);
    expect(l.release(100)).toEqual([{ key: 'budget:b', need: 780n }]);
  });
});
