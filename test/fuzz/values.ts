// Interesting register and memory values: integer bounds, IEEE special values and patterns
// that sit right at conversion and rounding boundaries.
import type { Prng } from './prng.js';

const f64 = new Float64Array(1);
const f64bits = new BigUint64Array(f64.buffer);
const f32 = new Float32Array(1);
const f32bits = new Uint32Array(f32.buffer);

/** Returns the binary64 bit pattern of a JS number. */
export function bitsOfDouble(v: number): bigint {
  f64[0] = v;
  return f64bits[0]!;
}

/** Returns the binary32 bit pattern of a JS number (rounded to single). */
export function bitsOfSingle(v: number): number {
  f32[0] = v;
  return f32bits[0]!;
}

/** Returns a binary32 pattern NaN-boxed into 64 bits (upper half all ones). */
export function boxSingle(bits32: number): bigint {
  return 0xffffffff00000000n | BigInt(bits32 >>> 0);
}

const M64 = (1n << 64n) - 1n;
/** Integer values at the edges of signed/unsigned 32- and 64-bit ranges and shift amounts. */
export const INT_SPECIALS: readonly bigint[] = [
  0n, 1n, 2n, M64, M64 - 1n, 0x7fffffffffffffffn, 0x8000000000000000n, 0x8000000000000001n,
  0x7fffffffn, 0x80000000n, 0xffffffff80000000n, 0xffffffffn, 0x100000000n, 0xffffffff7fffffffn,
  31n, 32n, 63n, 64n, 0x1fn, 0x3fn, 0x7ffn, 0xfffffffffffff800n, 0x00000000fffff800n,
].map((v) => v & M64);

const DOUBLE_NUMBERS: readonly number[] = [
  0, -0, Infinity, -Infinity, 1, -1, 0.5, -0.5, 1.5, 2.5, -2.5, 3, 0.49999999999999994,
  2 ** 31, 2 ** 31 - 1, 2 ** 31 - 0.5, -(2 ** 31), -(2 ** 31) - 1, -(2 ** 31) - 0.5,
  2 ** 32, 2 ** 32 - 1, 2 ** 32 - 0.5, 2 ** 63, -(2 ** 63), 2 ** 64, 2 ** 53 + 2, -(2 ** 64),
  Number.MAX_VALUE, -Number.MAX_VALUE, 2.2250738585072014e-308, 2.225073858507201e-308,
  5e-324, -5e-324, 1e300, 1e-300, 3.4028235677973366e38, 1.401298464324817e-45,
];
/** binary64 patterns: the numbers above plus NaNs (quiet, signalling, payloads, signs). */
export const DOUBLE_SPECIALS: readonly bigint[] = [
  ...DOUBLE_NUMBERS.map(bitsOfDouble),
  0x7ff8000000000000n, 0xfff8000000000000n, 0x7ff0000000000001n, 0x7ff4000000000000n,
  0xfff0000000000001n, 0x7ffc000000000123n, 0x43dfffffffffffffn, 0x43efffffffffffffn,
  0xc3e0000000000001n, 0x000fffffffffffffn, 0x8000000000000001n, 0x0010000000000000n,
];

const SINGLE_NUMBERS: readonly number[] = [
  0, -0, Infinity, -Infinity, 1, -1, 0.5, -0.5, 1.5, 2.5, -2.5, 3, 2 ** 31, -(2 ** 31),
  2 ** 32, 2 ** 63, -(2 ** 63), 2 ** 64, 3.4028234663852886e38, -3.4028234663852886e38,
  1.1754943508222875e-38, 1e-45, 2147483520, 4294967040, 9.223371487098962e18,
  1.8446742974197924e19, -2147483904, 16777217, 0.1,
];
/** binary32 patterns: the numbers above plus NaNs and subnormal edges. */
export const SINGLE_SPECIALS: readonly number[] = [
  ...SINGLE_NUMBERS.map(bitsOfSingle),
  0x7fc00000, 0xffc00000, 0x7f800001, 0x7fa00000, 0x7fc00123, 0xff800001, 0x00000001,
  0x007fffff, 0x80000001, 0x00800000, 0x807fffff,
].map((v) => v >>> 0);

/** Returns a random 64-bit integer register value, biased towards edges. */
export function randomInt(r: Prng): bigint {
  const k = r.below(10);
  if (k < 3) return r.pick(INT_SPECIALS);
  if (k < 5) return BigInt.asUintN(64, BigInt(r.range(-16, 16)));
  if (k < 7) return BigInt.asUintN(64, BigInt(r.u32() | 0));
  if (k < 8) return r.chance(0.5) ? r.pick(DOUBLE_SPECIALS) : boxSingle(r.pick(SINGLE_SPECIALS));
  return r.u64();
}

/** Returns a random binary64 pattern: a special, a small exact number or random bits. */
export function randomDouble(r: Prng): bigint {
  const k = r.below(10);
  if (k < 4) return r.pick(DOUBLE_SPECIALS);
  if (k < 6) return bitsOfDouble(r.range(-4096, 4096) / r.pick([1, 2, 4, 3, 7, 1024]));
  if (k < 8) {
    // Random mantissa with an exponent near the interesting middle range.
    const exp = BigInt(r.range(1023 - 70, 1023 + 70));
    return (BigInt(r.below(2)) << 63n) | (exp << 52n) | (r.u64() & 0xfffffffffffffn);
  }
  return r.u64();
}

/** Returns a random binary32 pattern (not boxed). */
export function randomSingleBits(r: Prng): number {
  const k = r.below(10);
  if (k < 4) return r.pick(SINGLE_SPECIALS);
  if (k < 6) return bitsOfSingle(r.range(-4096, 4096) / r.pick([1, 2, 4, 3, 7, 1024]));
  if (k < 8) return ((r.below(2) << 31) | (r.range(127 - 40, 127 + 40) << 23) | (r.u32() & 0x7fffff)) >>> 0;
  return r.u32();
}

/** Returns an f-register value: a boxed single, an unboxed single, or a double by `singleBias`. */
export function randomFpReg(r: Prng, singleBias: number): bigint {
  if (r.chance(singleBias)) {
    if (r.chance(0.1)) {
      // Not NaN-boxed: single-precision ops must read it as the canonical NaN.
      const hi = r.pick([0, 0xfffffffe, 0x7fffffff, r.u32()]);
      return (BigInt(hi >>> 0) << 32n) | BigInt(randomSingleBits(r));
    }
    return boxSingle(randomSingleBits(r));
  }
  return randomDouble(r);
}
