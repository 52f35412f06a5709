// A small seeded PRNG (SplitMix64 over BigInt-free 32-bit halves is awkward; this uses
// xoshiro128** with a SplitMix32-style seeding): deterministic across machines and Node versions.

/** Deterministic pseudo-random generator: the same seed gives the same sequence everywhere. */
export class Prng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number | bigint, stream = 0) {
    let x = Number(BigInt.asUintN(32, BigInt(seed) ^ (BigInt(seed) >> 32n))) ^ Math.imul(stream + 1, 0x9e3779b9);
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next(); this.s1 = next(); this.s2 = next(); this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next 32-bit unsigned value. */
  u32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0; this.s3 ^= this.s1; this.s1 ^= this.s2; this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform integer in [0, n) for n >= 1. */
  below(n: number): number {
    return Math.floor((this.u32() / 4294967296) * n);
  }

  /** Fills buf with pseudo-random bytes. */
  fill(buf: Uint8Array): void {
    for (let i = 0; i < buf.length; i += 4) {
      const v = this.u32();
      for (let k = 0; k < 4 && i + k < buf.length; k++) buf[i + k] = (v >>> (8 * k)) & 0xff;
    }
  }
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));
