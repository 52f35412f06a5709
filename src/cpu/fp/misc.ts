// Non-arithmetic F/D instructions: sign injection, min/max, compares, classify and moves.
// None of them rounds; all work on raw bits (singles through the NaN-boxing check).
import type { Hart } from '../hart.js';
import { X_SINK } from '../hart.js';
import { FFLAG_NV } from './flags.js';
import { CANON_NAN_D_HI, CANON_NAN_S, boxedBits, isSNaND, isSNaNS, readS } from './regs.js';

/** Sign-injection variants. */
export const enum SgnjKind {
  J = 0,
  JN = 1,
  JX = 2,
}

function setX(h: Hart, rd: number, lo: number, hi: number): void {
  const r = rd === 0 ? X_SINK : rd;
  h.x[2 * r] = lo;
  h.x[2 * r + 1] = hi;
}

function injectSign(a: number, b: number, kind: SgnjKind): number {
  const sign = kind === SgnjKind.J ? b : kind === SgnjKind.JN ? ~b : a ^ b;
  return (a & 0x7fffffff) | (sign & 0x80000000);
}

/** fsgnj{,n,x}.s: writes f_rd = |f_rs1| with the sign chosen per kind (raw bits, boxed). */
export function sgnjS(h: Hart, rd: number, rs1: number, rs2: number, kind: SgnjKind): void {
  const r = injectSign(boxedBits(h, rs1), boxedBits(h, rs2), kind);
  h.f[2 * rd] = r;
  h.f[2 * rd + 1] = -1;
}

/** fsgnj{,n,x}.d: writes f_rd = |f_rs1| with the sign chosen per kind (raw bits). */
export function sgnjD(h: Hart, rd: number, rs1: number, rs2: number, kind: SgnjKind): void {
  const lo = h.f[2 * rs1]!;
  const hi = injectSign(h.f[2 * rs1 + 1]!, h.f[2 * rs2 + 1]!, kind);
  h.f[2 * rd] = lo;
  h.f[2 * rd + 1] = hi;
}

/**
 * Returns which operand fmin/fmax picks for non-NaN a, b with sign words sa, sb: 1 or 2.
 * -0 orders below +0.
 */
function pick(a: number, b: number, sa: number, sb: number, isMax: boolean): number {
  if (a < b) return isMax ? 2 : 1;
  if (b < a) return isMax ? 1 : 2;
  // Equal: only zeros can differ (in sign).
  const aNeg = sa < 0;
  return aNeg === isMax ? 2 : 1;
}

/** fmin.s / fmax.s: minimumNumber/maximumNumber; NV for any sNaN; both NaN → canonical. */
export function minMaxS(h: Hart, rd: number, rs1: number, rs2: number, isMax: boolean): void {
  const ba = boxedBits(h, rs1);
  const bb = boxedBits(h, rs2);
  const a = readS(h, rs1);
  const b = readS(h, rs2);
  let r: number;
  if (a !== a || b !== b) {
    if (isSNaNS(ba) || isSNaNS(bb)) h.fflags |= FFLAG_NV;
    r = a === a ? ba : b === b ? bb : CANON_NAN_S;
  } else {
    r = pick(a, b, ba, bb, isMax) === 1 ? ba : bb;
  }
  h.f[2 * rd] = r;
  h.f[2 * rd + 1] = -1;
}

/** fmin.d / fmax.d: as minMaxS for doubles. */
export function minMaxD(h: Hart, rd: number, rs1: number, rs2: number, isMax: boolean): void {
  const a = h.fd[rs1]!;
  const b = h.fd[rs2]!;
  const alo = h.f[2 * rs1]!, ahi = h.f[2 * rs1 + 1]!;
  const blo = h.f[2 * rs2]!, bhi = h.f[2 * rs2 + 1]!;
  let lo: number, hi: number;
  if (a !== a || b !== b) {
    if (isSNaND(ahi, alo) || isSNaND(bhi, blo)) h.fflags |= FFLAG_NV;
    if (a === a) { lo = alo; hi = ahi; }
    else if (b === b) { lo = blo; hi = bhi; }
    else { lo = 0; hi = CANON_NAN_D_HI; }
  } else if (pick(a, b, ahi, bhi, isMax) === 1) {
    lo = alo; hi = ahi;
  } else {
    lo = blo; hi = bhi;
  }
  h.f[2 * rd] = lo;
  h.f[2 * rd + 1] = hi;
}

/** Compare kinds. */
export const enum CmpKind {
  EQ = 0,
  LT = 1,
  LE = 2,
}

function compare(a: number, b: number, kind: CmpKind): number {
  if (kind === CmpKind.EQ) return a === b ? 1 : 0;
  if (kind === CmpKind.LT) return a < b ? 1 : 0;
  return a <= b ? 1 : 0;
}

/** feq/flt/fle.s: writes x_rd = 0/1; feq raises NV only for sNaN, flt/fle for any NaN. */
export function cmpS(h: Hart, rd: number, rs1: number, rs2: number, kind: CmpKind): void {
  const a = readS(h, rs1);
  const b = readS(h, rs2);
  if ((a !== a || b !== b) && (kind !== CmpKind.EQ || isSNaNS(boxedBits(h, rs1)) || isSNaNS(boxedBits(h, rs2)))) {
    h.fflags |= FFLAG_NV;
  }
  setX(h, rd, compare(a, b, kind), 0);
}

/** feq/flt/fle.d: as cmpS for doubles. */
export function cmpD(h: Hart, rd: number, rs1: number, rs2: number, kind: CmpKind): void {
  const a = h.fd[rs1]!;
  const b = h.fd[rs2]!;
  if ((a !== a || b !== b) &&
      (kind !== CmpKind.EQ || isSNaND(h.f[2 * rs1 + 1]!, h.f[2 * rs1]!) || isSNaND(h.f[2 * rs2 + 1]!, h.f[2 * rs2]!))) {
    h.fflags |= FFLAG_NV;
  }
  setX(h, rd, compare(a, b, kind), 0);
}

/** fclass bits (unprivileged spec, table "Format of result of FCLASS instruction"). */
const CLASS_NEG_INF = 1 << 0;
const CLASS_NEG_NORMAL = 1 << 1;
const CLASS_NEG_SUBNORMAL = 1 << 2;
const CLASS_NEG_ZERO = 1 << 3;
const CLASS_POS_ZERO = 1 << 4;
const CLASS_POS_SUBNORMAL = 1 << 5;
const CLASS_POS_NORMAL = 1 << 6;
const CLASS_POS_INF = 1 << 7;
const CLASS_SNAN = 1 << 8;
const CLASS_QNAN = 1 << 9;

/** Returns the fclass mask from a sign, whether the exponent is all zeros/ones, fraction != 0, quiet bit. */
function classify(neg: boolean, expZero: boolean, expOnes: boolean, fracNonZero: boolean, quiet: boolean): number {
  if (expOnes) {
    if (fracNonZero) return quiet ? CLASS_QNAN : CLASS_SNAN;
    return neg ? CLASS_NEG_INF : CLASS_POS_INF;
  }
  if (expZero) {
    if (fracNonZero) return neg ? CLASS_NEG_SUBNORMAL : CLASS_POS_SUBNORMAL;
    return neg ? CLASS_NEG_ZERO : CLASS_POS_ZERO;
  }
  return neg ? CLASS_NEG_NORMAL : CLASS_POS_NORMAL;
}

/** fclass.s: writes x_rd = the 10-bit class mask of f_rs1 (unboxed reads as canonical NaN). */
export function classS(h: Hart, rd: number, rs1: number): void {
  const b = boxedBits(h, rs1);
  const e = b & 0x7f800000;
  setX(h, rd, classify(b < 0, e === 0, e === 0x7f800000, (b & 0x7fffff) !== 0, (b & 0x400000) !== 0), 0);
}

/** fclass.d: writes x_rd = the 10-bit class mask of f_rs1. */
export function classD(h: Hart, rd: number, rs1: number): void {
  const hi = h.f[2 * rs1 + 1]!;
  const lo = h.f[2 * rs1]!;
  const e = hi & 0x7ff00000;
  setX(h, rd, classify(hi < 0, e === 0, e === 0x7ff00000, ((hi & 0xfffff) | lo) !== 0, (hi & 0x80000) !== 0), 0);
}

/** fmv.x.w: writes x_rd = the low 32 bits of f_rs1, sign-extended (no NaN-boxing check). */
export function mvXW(h: Hart, rd: number, rs1: number): void {
  const v = h.f[2 * rs1]!;
  setX(h, rd, v, v >> 31);
}

/** fmv.w.x: writes f_rd = the low 32 bits of x_rs1, NaN-boxed. */
export function mvWX(h: Hart, rd: number, rs1: number): void {
  h.f[2 * rd] = h.x[2 * rs1]!;
  h.f[2 * rd + 1] = -1;
}

/** fmv.x.d: writes x_rd = the raw 64 bits of f_rs1. */
export function mvXD(h: Hart, rd: number, rs1: number): void {
  setX(h, rd, h.f[2 * rs1]!, h.f[2 * rs1 + 1]!);
}

/** fmv.d.x: writes f_rd = the raw 64 bits of x_rs1. */
export function mvDX(h: Hart, rd: number, rs1: number): void {
  h.f[2 * rd] = h.x[2 * rs1]!;
  h.f[2 * rd + 1] = h.x[2 * rs1 + 1]!;
}
