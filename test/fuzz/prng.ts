// A small seeded PRNG (splitmix32-style): the same seed gives the same cases everywhere.

/** Deterministic 32-bit generator; all fuzz randomness comes from one of these. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Returns the next uniformly distributed unsigned 32-bit integer. */
  u32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** Returns an integer in [0, n); assumes 0 < n <= 2^32. */
  below(n: number): number {
    return Math.floor((this.u32() / 4294967296) * n);
  }

  /** Returns an integer in [lo, hi] (inclusive). */
  range(lo: number, hi: number): number {
    return lo + this.below(hi - lo + 1);
  }

  /** Returns true with probability p. */
  chance(p: number): boolean {
    return this.u32() / 4294967296 < p;
  }

  /** Returns a random element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!;
  }

  /** Fills buf with random bytes. */
  fill(buf: Uint8Array): void {
    for (let i = 0; i < buf.length; i++) buf[i] = this.u32() & 0xff;
  }

  /** Returns 64 random bits as an unsigned bigint. */
  u64(): bigint {
    return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
  }
}
