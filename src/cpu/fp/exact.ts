// Exact reference arithmetic on encoded bits: every operation computes the exact result with
// BigInt significands and rounds it once (round.ts). Slow, but correct for every rounding mode,
// subnormal, overflow and NaN case; the fast paths in arith_*.ts fall back to it.
import { FFLAG_DZ, FFLAG_NV, RM_RDN } from './flags.js';
import { FpClass, type FpFormat, type Unpacked, isNaNClass, unpack } from './format.js';
import { bitLength, type FpResult, roundToFormat } from './round.js';

/** Extra quotient/root bits beyond the precision, so that a sticky bit lies below the round bit. */
const GUARD_BITS = 3;

function canonical(fmt: FpFormat, invalid: boolean): FpResult {
  return { bits: fmt.canonicalNaN, flags: invalid ? FFLAG_NV : 0 };
}

function exactResult(bits: bigint): FpResult {
  return { bits, flags: 0 };
}

function zeroBits(sign: number, fmt: FpFormat): bigint {
  return sign ? fmt.signBit : 0n;
}

function infBits(sign: number, fmt: FpFormat): bigint {
  return sign ? fmt.inf | fmt.signBit : fmt.inf;
}

/** Returns the sign of an exact zero sum of operands with signs s1, s2 (IEEE 754 §6.3). */
function zeroSumSign(s1: number, s2: number, rm: number): number {
  if (s1 === s2) return s1;
  return rm === RM_RDN ? 1 : 0;
}

/** Returns the rounded sum of two finite nonzero exact values. */
function sumFinite(x: Unpacked, y: Unpacked, fmt: FpFormat, rm: number): FpResult {
  const e = Math.min(x.exp, y.exp);
  const vx = x.mant << BigInt(x.exp - e);
  const vy = y.mant << BigInt(y.exp - e);
  const t = (x.sign ? -vx : vx) + (y.sign ? -vy : vy);
  if (t === 0n) return exactResult(zeroBits(rm === RM_RDN ? 1 : 0, fmt));
  return t < 0n ? roundToFormat(1, -t, e, fmt, rm) : roundToFormat(0, t, e, fmt, rm);
}

/** Returns a + b rounded per rm (subtract by flipping b's sign bit first). */
export function fpAdd(a: bigint, b: bigint, fmt: FpFormat, rm: number): FpResult {
  const x = unpack(a, fmt);
  const y = unpack(b, fmt);
  if (isNaNClass(x) || isNaNClass(y)) return canonical(fmt, x.cls === FpClass.SNaN || y.cls === FpClass.SNaN);
  if (x.cls === FpClass.Inf || y.cls === FpClass.Inf) {
    if (x.cls === FpClass.Inf && y.cls === FpClass.Inf && x.sign !== y.sign) return canonical(fmt, true);
    return exactResult(x.cls === FpClass.Inf ? a : b);
  }
  if (x.cls === FpClass.Zero && y.cls === FpClass.Zero) return exactResult(zeroBits(zeroSumSign(x.sign, y.sign, rm), fmt));
  if (x.cls === FpClass.Zero) return exactResult(b);
  if (y.cls === FpClass.Zero) return exactResult(a);
  return sumFinite(x, y, fmt, rm);
}

/** Returns a * b rounded per rm. */
export function fpMul(a: bigint, b: bigint, fmt: FpFormat, rm: number): FpResult {
  const x = unpack(a, fmt);
  const y = unpack(b, fmt);
  if (isNaNClass(x) || isNaNClass(y)) return canonical(fmt, x.cls === FpClass.SNaN || y.cls === FpClass.SNaN);
  const sign = x.sign ^ y.sign;
  if (x.cls === FpClass.Inf || y.cls === FpClass.Inf) {
    if (x.cls === FpClass.Zero || y.cls === FpClass.Zero) return canonical(fmt, true);
    return exactResult(infBits(sign, fmt));
  }
  if (x.cls === FpClass.Zero || y.cls === FpClass.Zero) return exactResult(zeroBits(sign, fmt));
  return roundToFormat(sign, x.mant * y.mant, x.exp + y.exp, fmt, rm);
}

/** Returns a / b rounded per rm (DZ for finite nonzero / zero). */
export function fpDiv(a: bigint, b: bigint, fmt: FpFormat, rm: number): FpResult {
  const x = unpack(a, fmt);
  const y = unpack(b, fmt);
  if (isNaNClass(x) || isNaNClass(y)) return canonical(fmt, x.cls === FpClass.SNaN || y.cls === FpClass.SNaN);
  const sign = x.sign ^ y.sign;
  if (x.cls === FpClass.Inf) {
    if (y.cls === FpClass.Inf) return canonical(fmt, true);
    return exactResult(infBits(sign, fmt));
  }
  if (y.cls === FpClass.Inf) return exactResult(zeroBits(sign, fmt));
  if (y.cls === FpClass.Zero) {
    if (x.cls === FpClass.Zero) return canonical(fmt, true);
    return { bits: infBits(sign, fmt), flags: FFLAG_DZ };
  }
  if (x.cls === FpClass.Zero) return exactResult(zeroBits(sign, fmt));
  // Quotient with at least p + GUARD_BITS bits, then a sticky bit for any remainder.
  const k = Math.max(0, fmt.p + GUARD_BITS + bitLength(y.mant) - bitLength(x.mant));
  const n = x.mant << BigInt(k);
  const q = n / y.mant;
  const sticky = n - q * y.mant === 0n ? 0n : 1n;
  return roundToFormat(sign, (q << 1n) | sticky, x.exp - y.exp - k - 1, fmt, rm);
}

/** Returns floor(sqrt(n)) for n >= 0. */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(bitLength(n) / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** Returns sqrt(a) rounded per rm (NV for negative nonzero; sqrt(-0) = -0). */
export function fpSqrt(a: bigint, fmt: FpFormat, rm: number): FpResult {
  const x = unpack(a, fmt);
  if (isNaNClass(x)) return canonical(fmt, x.cls === FpClass.SNaN);
  if (x.cls === FpClass.Zero) return exactResult(a);
  if (x.sign) return canonical(fmt, true);
  if (x.cls === FpClass.Inf) return exactResult(a);
  let m = x.mant;
  let e = x.exp;
  if ((e & 1) !== 0) {
    m <<= 1n;
    e -= 1;
  }
  const k = Math.max(0, fmt.p + GUARD_BITS - Math.floor(bitLength(m) / 2));
  const n = m << BigInt(2 * k);
  const s = isqrt(n);
  const sticky = n - s * s === 0n ? 0n : 1n;
  return roundToFormat(0, (s << 1n) | sticky, (e - 2 * k) / 2 - 1, fmt, rm);
}

/**
 * Returns a * b + c with one rounding per rm. Negated forms flip the sign bits of a and/or c
 * first. 0 * inf raises NV even when c is a quiet NaN (RISC-V rule).
 */
export function fpFma(a: bigint, b: bigint, c: bigint, fmt: FpFormat, rm: number): FpResult {
  const x = unpack(a, fmt);
  const y = unpack(b, fmt);
  const z = unpack(c, fmt);
  if ((x.cls === FpClass.Inf && y.cls === FpClass.Zero) || (x.cls === FpClass.Zero && y.cls === FpClass.Inf)) {
    return canonical(fmt, true);
  }
  if (isNaNClass(x) || isNaNClass(y) || isNaNClass(z)) {
    return canonical(fmt, x.cls === FpClass.SNaN || y.cls === FpClass.SNaN || z.cls === FpClass.SNaN);
  }
  const ps = x.sign ^ y.sign;
  if (x.cls === FpClass.Inf || y.cls === FpClass.Inf) {
    if (z.cls === FpClass.Inf && z.sign !== ps) return canonical(fmt, true);
    return exactResult(infBits(ps, fmt));
  }
  if (z.cls === FpClass.Inf) return exactResult(c);
  if (x.cls === FpClass.Zero || y.cls === FpClass.Zero) {
    if (z.cls === FpClass.Zero) return exactResult(zeroBits(zeroSumSign(ps, z.sign, rm), fmt));
    return exactResult(c);
  }
  const prod: Unpacked = { cls: FpClass.Finite, sign: ps, mant: x.mant * y.mant, exp: x.exp + y.exp };
  if (z.cls === FpClass.Zero) return roundToFormat(ps, prod.mant, prod.exp, fmt, rm);
  return sumFinite(prod, z, fmt, rm);
}

/** Returns a (encoded in `from`) converted to `to`, rounded per rm; NaNs become canonical. */
export function fpConvert(a: bigint, from: FpFormat, to: FpFormat, rm: number): FpResult {
  const x = unpack(a, from);
  if (isNaNClass(x)) return canonical(to, x.cls === FpClass.SNaN);
  if (x.cls === FpClass.Inf) return exactResult(infBits(x.sign, to));
  if (x.cls === FpClass.Zero) return exactResult(zeroBits(x.sign, to));
  return roundToFormat(x.sign, x.mant, x.exp, to, rm);
}

/** Returns the integer v (any size) rounded into fmt per rm; 0 gives +0. */
export function fpFromInt(v: bigint, fmt: FpFormat, rm: number): FpResult {
  if (v === 0n) return exactResult(0n);
  return v < 0n ? roundToFormat(1, -v, 0, fmt, rm) : roundToFormat(0, v, 0, fmt, rm);
}
