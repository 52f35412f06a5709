// The single correct rounding used by the exact path: an exact value mant * 2^exp is rounded
// once into a binary format, with RISC-V flag rules (tininess detected after rounding).
import { FFLAG_NX, FFLAG_OF, FFLAG_UF, RM_RDN, RM_RMM, RM_RNE, RM_RTZ, RM_RUP } from './flags.js';
import type { FpFormat } from './format.js';

/** A rounded result: encoded bits plus the fflags it raises. */
export interface FpResult {
  bits: bigint;
  flags: number;
}

/** Returns the number of significant bits of n; assumes n > 0. */
export function bitLength(n: bigint): number {
  return n.toString(2).length;
}

let roundedInexact = false;

/** Returns mant / 2^shift rounded to an integer per rm (sign is the value's sign); sets roundedInexact. */
function roundShift(mant: bigint, shift: number, sign: number, rm: number): bigint {
  if (shift <= 0) {
    roundedInexact = false;
    return mant << BigInt(-shift);
  }
  const s = BigInt(shift);
  let m = mant >> s;
  const rem = mant - (m << s);
  if (rem === 0n) {
    roundedInexact = false;
    return m;
  }
  roundedInexact = true;
  const half = 1n << (s - 1n);
  let up = false;
  switch (rm) {
    case RM_RNE: up = rem > half || (rem === half && (m & 1n) === 1n); break;
    case RM_RTZ: up = false; break;
    case RM_RDN: up = sign === 1; break;
    case RM_RUP: up = sign === 0; break;
    case RM_RMM: up = rem >= half; break;
  }
  if (up) m += 1n;
  return m;
}

/** Returns the overflow result for rm: infinity or the largest finite value, with OF and NX. */
export function overflowResult(sign: number, fmt: FpFormat, rm: number): FpResult {
  const toInf = rm === RM_RNE || rm === RM_RMM || (rm === RM_RUP && sign === 0) || (rm === RM_RDN && sign === 1);
  const mag = toInf ? fmt.inf : fmt.maxFinite;
  return { bits: sign ? mag | fmt.signBit : mag, flags: FFLAG_OF | FFLAG_NX };
}

/**
 * Returns (-1)^sign * mant * 2^exp rounded once into fmt per rm (0..4), with NX, UF (tiny after
 * rounding and inexact) and OF. Assumes mant > 0.
 */
export function roundToFormat(sign: number, mant: bigint, exp: number, fmt: FpFormat, rm: number): FpResult {
  const p = fmt.p;
  const top = bitLength(mant) - 1 + exp; // exponent of the leading bit, unbounded
  const minQ = fmt.emin - (p - 1);       // quantum exponent of subnormals
  let q = Math.max(top - (p - 1), minQ);
  let m = roundShift(mant, q - exp, sign, rm);
  const inexact = roundedInexact;
  const hidden = 1n << BigInt(p - 1);
  if (m === hidden << 1n) { // carry out of the significand
    m = hidden;
    q += 1;
  }
  let flags = inexact ? FFLAG_NX : 0;
  if (inexact && top < fmt.emin) {
    // Tiny unless rounding with unbounded exponent range reaches 2^emin.
    let tiny = true;
    if (top === fmt.emin - 1 && roundShift(mant, top - (p - 1) - exp, sign, rm) === hidden << 1n) tiny = false;
    if (tiny) flags |= FFLAG_UF;
  }
  if (m === 0n) return { bits: sign ? fmt.signBit : 0n, flags };
  let bits: bigint;
  if (m >= hidden) {
    const e = q + (p - 1);
    if (e > fmt.emax) return overflowResult(sign, fmt, rm);
    bits = (BigInt(e + fmt.bias) << BigInt(p - 1)) | (m - hidden);
  } else {
    bits = m; // subnormal: q === minQ
  }
  if (sign) bits |= fmt.signBit;
  return { bits, flags };
}
