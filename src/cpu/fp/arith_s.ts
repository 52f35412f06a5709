// Single-precision add/sub/mul/div/sqrt/fma. Round-to-nearest-even fast path: compute in
// binary64 and round once with Math.fround (correct for + - * / sqrt since 53 >= 2*24+2; the
// fma rounds its sum to odd first), prove exactness with exact products; else the exact path.
import type { Hart } from '../hart.js';
import { twoSumErr, toOdd } from './eft.js';
import { fpAdd, fpDiv, fpFma, fpMul, fpSqrt } from './exact.js';
import { FFLAG_NX, RM_RNE } from './flags.js';
import { F32 } from './format.js';
import type { FpResult } from './round.js';
import { bitsS, readS, writeBitsS, writeS } from './regs.js';

/** Smallest normal single; results at or below it may be tiny and go to the exact path. */
const MIN_NORMAL = 2 ** -126;

const SIGN32 = 0x80000000n;

function commit(h: Hart, rd: number, r: FpResult): void {
  writeBitsS(h, rd, r.bits);
  h.fflags |= r.flags;
}

/** Returns true if r (a rounded single) is finite and above the tininess boundary. */
function safe(r: number): boolean {
  const ar = Math.abs(r);
  return ar > MIN_NORMAL && ar < Infinity;
}

/** fadd.s / fsub.s (negB): writes f_rd = f_rs1 ± f_rs2 rounded per rm. */
export function addS(h: Hart, rd: number, rs1: number, rs2: number, rm: number, negB: boolean): void {
  if (rm === RM_RNE) {
    const a = readS(h, rs1);
    const b = negB ? -readS(h, rs2) : readS(h, rs2);
    const d = a + b;
    const r = Math.fround(d);
    if (safe(r)) {
      writeS(h, rd, r);
      if (r !== d || twoSumErr(a, b, d) !== 0) h.fflags |= FFLAG_NX;
      return;
    }
    if (d === 0) { // sums of singles that cancel are exact; the sign follows IEEE natively
      writeS(h, rd, d);
      return;
    }
  }
  const b = bitsS(h, rs2);
  commit(h, rd, fpAdd(bitsS(h, rs1), negB ? b ^ SIGN32 : b, F32, rm));
}

/** fmul.s: writes f_rd = f_rs1 * f_rs2 rounded per rm. */
export function mulS(h: Hart, rd: number, rs1: number, rs2: number, rm: number): void {
  if (rm === RM_RNE) {
    const a = readS(h, rs1);
    const b = readS(h, rs2);
    const d = a * b; // exact: 48-bit product well inside binary64's range
    const r = Math.fround(d);
    if (safe(r)) {
      writeS(h, rd, r);
      if (r !== d) h.fflags |= FFLAG_NX;
      return;
    }
    if (d === 0) {
      writeS(h, rd, d);
      return;
    }
  }
  commit(h, rd, fpMul(bitsS(h, rs1), bitsS(h, rs2), F32, rm));
}

/** fdiv.s: writes f_rd = f_rs1 / f_rs2 rounded per rm. */
export function divS(h: Hart, rd: number, rs1: number, rs2: number, rm: number): void {
  if (rm === RM_RNE) {
    const a = readS(h, rs1);
    const b = readS(h, rs2);
    const d = a / b;
    const r = Math.fround(d);
    if (safe(r)) {
      writeS(h, rd, r);
      if (r * b !== a) h.fflags |= FFLAG_NX; // r * b is exact in binary64
      return;
    }
    if (d === 0) { // zero dividend, or finite / infinity: exact
      writeS(h, rd, d);
      return;
    }
  }
  commit(h, rd, fpDiv(bitsS(h, rs1), bitsS(h, rs2), F32, rm));
}

/** fsqrt.s: writes f_rd = sqrt(f_rs1) rounded per rm. */
export function sqrtS(h: Hart, rd: number, rs1: number, rm: number): void {
  if (rm === RM_RNE) {
    const a = readS(h, rs1);
    const r = Math.fround(Math.sqrt(a));
    if (safe(r)) {
      writeS(h, rd, r);
      if (r * r !== a) h.fflags |= FFLAG_NX; // r * r is exact in binary64
      return;
    }
    if (a === 0) {
      writeS(h, rd, a);
      return;
    }
  }
  commit(h, rd, fpSqrt(bitsS(h, rs1), F32, rm));
}

/** fmadd.s family: writes f_rd = (±f_rs1 * f_rs2) ± f_rs3 with one rounding (negProd, negC as in fmaD). */
export function fmaS(h: Hart, rd: number, rs1: number, rs2: number, rs3: number, rm: number, negProd: boolean, negC: boolean): void {
  if (rm === RM_RNE) {
    const a = negProd ? -readS(h, rs1) : readS(h, rs1);
    const b = readS(h, rs2);
    const c = negC ? -readS(h, rs3) : readS(h, rs3);
    const p = a * b; // exact
    const s = p + c;
    if (s - s === 0) {
      const err = twoSumErr(p, c, s);
      const so = toOdd(s, err);
      const r = Math.fround(so);
      if (safe(r)) {
        writeS(h, rd, r);
        if (err !== 0 || r !== so) h.fflags |= FFLAG_NX;
        return;
      }
      if (s === 0 && err === 0) {
        writeS(h, rd, s);
        return;
      }
    }
  }
  let a = bitsS(h, rs1);
  let c = bitsS(h, rs3);
  if (negProd) a ^= SIGN32;
  if (negC) c ^= SIGN32;
  commit(h, rd, fpFma(a, bitsS(h, rs2), c, F32, rm));
}
