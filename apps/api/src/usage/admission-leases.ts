/** One limit counter and what a request needs from it (1 for RPM, tokens for TPM, nano-USD for a budget). */
export interface CounterNeed {
  key: string;
  need: bigint;
}

interface Lease {
  /** Allowance this process took from the Redis counter and has not handed to a request yet. */
  left: bigint;
  /** After this, the rest goes back to Redis (and no request takes from it any more). */
  until: number;
  teamId: string;
}

/**
 * Allowances an API process holds on limit counters, so that far from a limit a request is admitted
 * without a Redis round trip. Every allowance was added to the Redis counter atomically by the
 * admission script before it got here: what processes hold locally plus what requests reserved can
 * never exceed a limit. What is not used within `holdMs` of the last grant is given back.
 */
export class AdmissionLeases {
  private readonly leases = new Map<string, Lease>();

  constructor(private readonly holdMs: number) {}

  get size(): number {
    return this.leases.size;
  }

  /** What is held on a counter and not handed out yet (expired or not: it has not gone back yet). */
  held(key: string): bigint {
    return this.leases.get(key)?.left ?? 0n;
  }

  /** Takes every need from a live local allowance, all or nothing. */
  take(needs: readonly CounterNeed[], now: number): boolean {
    for (const n of needs) {
      const l = this.leases.get(n.key);
      if (l === undefined || l.until <= now || l.left < n.need) return false;
    }
    for (const n of needs) (this.leases.get(n.key) as Lease).left -= n.need;
    return true;
  }

  /**
   * Settles a request's difference to its reservation against a live allowance instead of the Redis
   * counter, which already counts it: a negative delta (reserved more than spent) becomes allowance
   * this process holds; a positive one is taken from it if there is enough. Whatever is held goes back
   * as before (expiry, limits change, shutdown), and never more than `cap` is held. False: no live
   * allowance, too little, or it would pass `cap`: settle in Redis.
   */
  settle(key: string, delta: bigint, now: number, cap: bigint): boolean {
    const l = this.leases.get(key);
    if (l === undefined || l.until <= now) return false;
    if (delta < 0n) {
      if (l.left - delta > cap) return false;
      l.left -= delta;
    }
    else if (l.left >= delta) l.left -= delta;
    else return false;
    return true;
  }

  grant(key: string, teamId: string, amount: bigint, now: number): void {
    const l = this.leases.get(key);
    if (l) {
      l.left += amount;
      l.until = now + this.holdMs;
    } else {
      this.leases.set(key, { left: amount, until: now + this.holdMs, teamId });
    }
  }

  /** Removes expired leases (or all of one team's, or all): what must go back to the Redis counters. */
  release(now: number, which: { teamId?: string; all?: boolean } = {}): CounterNeed[] {
    const out: CounterNeed[] = [];
    for (const [key, l] of this.leases) {
      if (which.all || (which.teamId !== undefined ? l.teamId === which.teamId : l.until <= now)) {
        this.leases.delete(key);
        if (l.left > 0n) out.push({ key, need: l.left });
      }
    }
    return out;
  }
}
