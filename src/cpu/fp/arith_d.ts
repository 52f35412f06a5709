// Double-precision add/sub/mul/div/sqrt/fma: a native-double fast path for round-to-nearest-even
// that proves its result and flags with error-free transforms, else the exact path.
import type { Hart } from '../hart.js';
import { twoProdErr, twoSumErr, toOdd } from './eft.js';
import { fpAdd, fpDiv, fpFma, fpMul, fpSqrt } from './exact.js';
import { FFLAG_NX, RM_RNE } from './flags.js';
import { F64 } from './format.js';
import type { FpResult } from './round.js';
import { bitsD, writeBitsD } from './regs.js';

/** Smallest normal double; below it results may be tiny. */
const MIN_NORMAL = 2 ** -1022;
/** Operands at or above this could overflow Veltkamp's split (2^27+1 times x). */
const SPLIT_LIMIT = 2 ** 995;
/** Products/quotients below this may lose bits of Dekker's partial products to underflow; kept off the fast path. */
const EFT_FLOOR = 2 ** -960;
/** Fused fast path magnitude ceiling: keeps the intermediate sums of the fma emulation finite. */
const FMA_CEIL = 2 ** 1000;

const SIGN64 = 0x8000000000000000n;

function commit(h: Hart, rd: number, r: FpResult): void {
  writeBitsD(h, rd, r.bits);
  h.fflags |= r.flags;
}

/** fadd.d / fsub.d (negB): writes f_rd = f_rs1 ± f_rs2 rounded per rm. */
export function addD(h: Hart, rd: number, rs1: number, rs2: number, rm: number, negB: boolean): void {
  if (rm === RM_RNE) {
    const a = h.fd[rs1]!;
    const b = negB ? -h.fd[rs2]! : h.fd[rs2]!;
    const s = a + b;
    if (s - s === 0) {
      const err = twoSumErr(a, b, s);
      if (err === 0) {
        h.fd[rd] = s;
        return;
      }
      if (err - err === 0) {
        h.fd[rd] = s;
        h.fflags |= FFLAG_NX;
        return;
      }
    }
  }
  const b = bitsD(h, rs2);
  commit(h, rd, fpAdd(bitsD(h, rs1), negB ? b ^ SIGN64 : b, F64, rm));
}

/** fmul.d: writes f_rd = f_rs1 * f_rs2 rounded per rm. */
export function mulD(h: Hart, rd: number, rs1: number, rs2: number, rm: number): void {
  if (rm === RM_RNE) {
    const a = h.fd[rs1]!;
    const b = h.fd[rs2]!;
    const p = a * b;
    const ap = Math.abs(p);
    const aa = Math.abs(a);
    const ab = Math.abs(b);
    if (ap >= EFT_FLOOR && ap < Infinity && aa < SPLIT_LIMIT && ab < SPLIT_LIMIT && aa >= MIN_NORMAL && ab >= MIN_NORMAL) {
      h.fd[rd] = p;
      if (twoProdErr(a, b, p) !== 0) h.fflags |= FFLAG_NX;
      return;
    }
    if (p === 0 && (a === 0 || b === 0) && aa < Infinity && ab < Infinity) {
      h.fd[rd] = p;
      return;
    }
  }
  commit(h, rd, fpMul(bitsD(h, rs1), bitsD(h, rs2), F64, rm));
}

/** fdiv.d: writes f_rd = f_rs1 / f_rs2 rounded per rm. */
export function divD(h: Hart, rd: number, rs1: number, rs2: number, rm: number): void {
  if (rm === RM_RNE) {
    const a = h.fd[rs1]!;
    const b = h.fd[rs2]!;
    const q = a / b;
    const aa = Math.abs(a);
    const ab = Math.abs(b);
    const aq = Math.abs(q);
    if (aa >= EFT_FLOOR && aa < SPLIT_LIMIT && ab >= MIN_NORMAL && ab < SPLIT_LIMIT && aq >= EFT_FLOOR && aq < SPLIT_LIMIT) {
      const p = q * b;
      h.fd[rd] = q;
      if (p !== a || twoProdErr(q, b, p) !== 0) h.fflags |= FFLAG_NX;
      return;
    }
    if (a === 0 && b !== 0 && ab === ab) {
      h.fd[rd] = q; // ±0 / nonzero (or / inf) is an exact zero
      return;
    }
  }
  commit(h, rd, fpDiv(bitsD(h, rs1), bitsD(h, rs2), F64, rm));
}

/** fsqrt.d: writes f_rd = sqrt(f_rs1) rounded per rm. */
export function sqrtD(h: Hart, rd: number, rs1: number, rm: number): void {
  if (rm === RM_RNE) {
    const a = h.fd[rs1]!;
    if (a >= EFT_FLOOR && a < Infinity) {
      const s = Math.sqrt(a);
      const p = s * s;
      h.fd[rd] = s;
      if (p !== a || twoProdErr(s, s, p) !== 0) h.fflags |= FFLAG_NX;
      return;
    }
    if (a === 0) {
      h.fd[rd] = a;
      return;
    }
  }
  commit(h, rd, fpSqrt(bitsD(h, rs1), F64, rm));
}

/**
 * fmadd.d family: writes f_rd = (±f_rs1 * f_rs2) ± f_rs3 with one rounding. negProd negates
 * the product, negC the addend. The fast path is Boldo and Melquiond's emulation: exact
 * product and sum, the low parts added with rounding to odd, then one nearest rounding.
 */
export function fmaD(h: Hart, rd: number, rs1: number, rs2: number, rs3: number, rm: number, negProd: boolean, negC: boolean): void {
  if (rm === RM_RNE) {
    const a = negProd ? -h.fd[rs1]! : h.fd[rs1]!;
    const b = h.fd[rs2]!;
    const c = negC ? -h.fd[rs3]! : h.fd[rs3]!;
    const aa = Math.abs(a);
    const ab = Math.abs(b);
    const ac = Math.abs(c);
    if (aa >= MIN_NORMAL && aa < SPLIT_LIMIT && ab >= MIN_NORMAL && ab < SPLIT_LIMIT && ac < FMA_CEIL) {
      const uh = a * b;
      const auh = Math.abs(uh);
      if (auh >= EFT_FLOOR && auh < FMA_CEIL) {
        const ul = twoProdErr(a, b, uh);
        const th = c + uh;
        const tl = twoSumErr(c, uh, th);
        const vs = tl + ul;
        const ve = twoSumErr(tl, ul, vs);
        const v = toOdd(vs, ve);
        const z = th + v;
        const az = Math.abs(z);
        if (az >= EFT_FLOOR && az < Infinity) {
          h.fd[rd] = z;
          if (ve !== 0 || twoSumErr(th, v, z) !== 0) h.fflags |= FFLAG_NX;
          return;
        }
      }
    } else if ((a === 0 || b === 0) && aa < Infinity && ab < Infinity && ac < Infinity) {
      h.fd[rd] = a * b + c; // exact ±0 product: one rounding of the sum (exact, sign per IEEE)
      return;
    }
  }
  let a = bitsD(h, rs1);
  let c = bitsD(h, rs3);
  if (negProd) a ^= SIGN64;
  if (negC) c ^= SIGN64;
  commit(h, rd, fpFma(a, bitsD(h, rs2), c, F64, rm));
}
