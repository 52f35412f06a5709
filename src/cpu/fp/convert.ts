// fcvt between floating point and integers, and between single and double.
import type { Hart } from '../hart.js';
import { X_SINK } from '../hart.js';
import { twoSumErr } from './eft.js';
import { fpConvert, fpFromInt } from './exact.js';
import { FFLAG_NV, FFLAG_NX, RM_RDN, RM_RMM, RM_RNE, RM_RTZ, RM_RUP } from './flags.js';
import { F32, F64 } from './format.js';
import { CANON_NAN_D_HI, bitsD, readS, regIsSNaNS, writeBitsD, writeBitsS, writeS } from './regs.js';

/** Integer widths and signedness of fcvt's integer side. */
export const enum IntKind {
  W = 0,
  WU = 1,
  L = 2,
  LU = 3,
}

const TWO32 = 4294967296;
const TWO63 = 2 ** 63;
const TWO64 = 2 ** 64;
/** High words in [-2^21, 2^21) keep a 64-bit integer within 2^53, so it converts exactly. */
const EXACT_HI = 2097152;
/** Smallest normal single; fcvt.s.d results at or below it may be tiny. */
const MIN_NORMAL_S = 2 ** -126;

/** Returns finite x rounded to an integral value per rm (0..4). */
export function roundIntegral(x: number, rm: number): number {
  const t = Math.trunc(x);
  if (t === x) return x;
  switch (rm) {
    case RM_RTZ: return t;
    case RM_RDN: return Math.floor(x);
    case RM_RUP: return Math.ceil(x);
    case RM_RNE: {
      const d = Math.abs(x - t); // exact: the fraction of x
      if (d > 0.5 || (d === 0.5 && t % 2 !== 0)) return x < 0 ? t - 1 : t + 1;
      return t;
    }
    case RM_RMM: return Math.abs(x - t) >= 0.5 ? (x < 0 ? t - 1 : t + 1) : t;
  }
  return t;
}

function setX(h: Hart, rd: number, lo: number, hi: number): void {
  const r = rd === 0 ? X_SINK : rd;
  h.x[2 * r] = lo;
  h.x[2 * r + 1] = hi;
}

/**
 * fcvt.{w,wu,l,lu}.{s,d}: writes x_rd = x (a widened single or a double; NaN for any NaN)
 * converted per rm, saturating with NV when invalid, NX when inexact. 32-bit results are
 * sign-extended, fcvt.wu's included.
 */
export function cvtToInt(h: Hart, rd: number, x: number, kind: IntKind, rm: number): void {
  let r = x === x ? roundIntegral(x, rm) : NaN;
  let invalid = false;
  switch (kind) {
    case IntKind.W:
      if (!(r <= 2147483647)) { r = x < 0 ? -2147483648 : 2147483647; invalid = true; } // NaN → max
      else if (r < -2147483648) { r = -2147483648; invalid = true; }
      setX(h, rd, r | 0, r < 0 ? -1 : 0);
      break;
    case IntKind.WU:
      if (!(r <= 4294967295)) { r = x < 0 ? 0 : 4294967295; invalid = true; }
      else if (r < 0) { r = 0; invalid = true; }
      setX(h, rd, r | 0, (r | 0) >> 31);
      break;
    case IntKind.L:
      if (!(r < TWO63)) {
        invalid = true;
        if (x < 0) setX(h, rd, 0, -2147483648); else setX(h, rd, -1, 2147483647);
      } else if (r < -TWO63) {
        invalid = true;
        setX(h, rd, 0, -2147483648);
      } else {
        const hi = Math.floor(r / TWO32);
        setX(h, rd, (r - hi * TWO32) | 0, hi | 0);
      }
      break;
    case IntKind.LU:
      if (!(r < TWO64)) {
        invalid = true;
        if (x < 0) setX(h, rd, 0, 0); else setX(h, rd, -1, -1);
      } else if (r < 0) {
        invalid = true;
        setX(h, rd, 0, 0);
      } else {
        const hi = Math.floor(r / TWO32);
        setX(h, rd, (r - hi * TWO32) | 0, hi | 0);
      }
      break;
  }
  if (invalid) h.fflags |= FFLAG_NV;
  else if (r !== x) h.fflags |= FFLAG_NX;
}

/** fcvt.{s,d}.{w,wu,l,lu}: writes f_rd = x_rs1 (read per kind) rounded into single or double. */
export function cvtFromInt(h: Hart, rd: number, rs1: number, kind: IntKind, toDouble: boolean, rm: number): void {
  const lo = h.x[2 * rs1]!;
  const hi = h.x[2 * rs1 + 1]!;
  let v: number;
  let exact = true;
  switch (kind) {
    case IntKind.W: v = lo; break;
    case IntKind.WU: v = lo >>> 0; break;
    case IntKind.L: v = hi * TWO32 + (lo >>> 0); exact = hi >= -EXACT_HI && hi < EXACT_HI; break;
    default: v = (hi >>> 0) * TWO32 + (lo >>> 0); exact = (hi >>> 0) < EXACT_HI; break;
  }
  if (exact) {
    if (toDouble) {
      h.fd[rd] = v;
      return;
    }
    const r = Math.fround(v);
    if (r === v) {
      writeS(h, rd, r);
      return;
    }
    if (rm === RM_RNE) {
      writeS(h, rd, r);
      h.fflags |= FFLAG_NX;
      return;
    }
  } else if (toDouble && rm === RM_RNE) {
    // v above is one nearest rounding of (high part, exact) + (low word).
    const hv = kind === IntKind.L ? hi * TWO32 : (hi >>> 0) * TWO32;
    h.fd[rd] = v;
    if (twoSumErr(hv, lo >>> 0, v) !== 0) h.fflags |= FFLAG_NX;
    return;
  }
  let big: bigint;
  switch (kind) {
    case IntKind.W: big = BigInt(lo); break;
    case IntKind.WU: big = BigInt(lo >>> 0); break;
    case IntKind.L: big = h.x64[rs1]!; break;
    default: big = BigInt.asUintN(64, h.x64[rs1]!); break;
  }
  const res = fpFromInt(big, toDouble ? F64 : F32, rm);
  if (toDouble) writeBitsD(h, rd, res.bits); else writeBitsS(h, rd, res.bits);
  h.fflags |= res.flags;
}

/** fcvt.s.d: writes f_rd = f_rs1 (double) rounded to single per rm. */
export function cvtSD(h: Hart, rd: number, rs1: number, rm: number): void {
  if (rm === RM_RNE) {
    const d = h.fd[rs1]!;
    const r = Math.fround(d);
    const ar = Math.abs(r);
    if (ar > MIN_NORMAL_S && ar < Infinity) {
      writeS(h, rd, r);
      if (r !== d) h.fflags |= FFLAG_NX;
      return;
    }
    if (d === 0) {
      writeS(h, rd, d);
      return;
    }
  }
  const res = fpConvert(bitsD(h, rs1), F64, F32, rm);
  writeBitsS(h, rd, res.bits);
  h.fflags |= res.flags;
}

/** fcvt.d.s: writes f_rd = f_rs1 (single) widened to double; exact except NaNs become canonical. */
export function cvtDS(h: Hart, rd: number, rs1: number): void {
  const x = readS(h, rs1);
  if (x === x) {
    h.fd[rd] = x;
    return;
  }
  if (regIsSNaNS(h, rs1)) h.fflags |= FFLAG_NV;
  h.f[2 * rd] = 0;
  h.f[2 * rd + 1] = CANON_NAN_D_HI;
}
