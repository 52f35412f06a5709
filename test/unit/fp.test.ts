// Hand-written vectors for the F and D extensions at their edges (values checked against
// qemu-riscv64): rounding modes, overflow, underflow, NaNs, NaN-boxing, signed zeros,
// conversion saturation and fused multiply-add.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Hart, X_SINK } from '../../src/cpu/hart.js';
import { Op } from '../../src/cpu/ops.js';
import { execFp } from '../../src/cpu/fp/index.js';
import { D, S, SB, run } from './fp_helpers.js';

const NX = 1, UF = 2, OF = 4, DZ = 8, NV = 16;
const RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4;
const MODES = [RNE, RTZ, RDN, RUP, RMM];
const CANON_D = 0x7ff8000000000000n;
const CANON_S = 0xffffffff7fc00000n;
const SNAN_D = 0x7ff0000000000001n;
const SNAN_S = SB(0x7f800001);
const MAX_D = 0x7fefffffffffffffn;
const INF_D = 0x7ff0000000000000n;
const NEG = 0x8000000000000000n;
const ALL = 0xffffffffffffffffn;

/** Runs op in each rounding mode (dynamic and static) and checks result bits and flags. */
function eachMode(op: Op, a: bigint, b: bigint, want: bigint[], flags: number, c = 0n): void {
  for (const m of MODES) {
    const dyn = run(op, a, b, c, { frm: m });
    const stat = run(op, a, b, c, { rm: m, frm: 7 });
    assert.equal(dyn.f, want[m], `mode ${m} dynamic`);
    assert.equal(stat.f, want[m], `mode ${m} static`);
    assert.equal(dyn.flags, flags, `mode ${m} flags`);
    assert.equal(stat.flags, flags, `mode ${m} flags (static)`);
  }
}

test('halfway sums round per mode: ties to even, to max magnitude, and directed', () => {
  const one = D(1), next = D(1 + 2 ** -52);
  eachMode(Op.FADD_D, D(1), D(2 ** -53), [one, one, one, next, next], NX);
  eachMode(Op.FADD_D, D(-1), D(-(2 ** -53)), [one | NEG, one | NEG, next | NEG, one | NEG, next | NEG], NX);
  // Tie above an odd significand: RNE goes up to the even neighbour.
  const up2 = D(1 + 2 ** -51);
  eachMode(Op.FADD_D, next, D(2 ** -53), [up2, next, next, up2, up2], NX);
  const s1 = S(1), s1n = S(1 + 2 ** -23);
  eachMode(Op.FADD_S, S(1), S(2 ** -24), [s1, s1, s1, s1n, s1n], NX);
  eachMode(Op.FSUB_S, S(-1), S(2 ** -24), [s1 | 0x80000000n, s1 | 0x80000000n, s1n | 0x80000000n, s1 | 0x80000000n, s1n | 0x80000000n], NX);
});

test('overflow gives infinity or the largest finite value depending on mode and sign', () => {
  eachMode(Op.FMUL_D, MAX_D, D(2), [INF_D, MAX_D, MAX_D, INF_D, INF_D], OF | NX);
  eachMode(Op.FMUL_D, MAX_D | NEG, D(2), [INF_D | NEG, MAX_D | NEG, INF_D | NEG, MAX_D | NEG, INF_D | NEG], OF | NX);
  const maxS = SB(0x7f7fffff), infS = SB(0x7f800000);
  eachMode(Op.FMUL_S, maxS, S(2), [infS, maxS, maxS, infS, infS], OF | NX);
  eachMode(Op.FADD_S, maxS | 0x80000000n, S(-(2 ** 104)), [infS | 0x80000000n, maxS | 0x80000000n, infS | 0x80000000n, maxS | 0x80000000n, infS | 0x80000000n], OF | NX);
  const r = run(Op.FCVT_S_D, D(1e300), 0n, 0n, { frm: RTZ });
  assert.equal(r.f, maxS);
  assert.equal(r.flags, OF | NX);
});

test('an exact subnormal result raises no flags; an inexact tiny one raises UF and NX', () => {
  let r = run(Op.FMUL_D, D(2 ** -1000), D(2 ** -60));
  assert.equal(r.f, D(2 ** -1060));
  assert.equal(r.flags, 0);
  // min subnormal / 2 is a tie between 0 and the min subnormal.
  eachMode(Op.FMUL_D, 1n, D(0.5), [0n, 0n, 0n, 1n, 1n], UF | NX);
  r = run(Op.FMUL_S, SB(1), S(0.75));
  assert.equal(r.f, SB(1));
  assert.equal(r.flags, UF | NX);
  // Subnormal sums are always exact.
  r = run(Op.FSUB_D, D(2 ** -1022), 1n);
  assert.equal(r.f, 0x000fffffffffffffn);
  assert.equal(r.flags, 0);
});

test('tininess is detected after rounding: a product rounding up to the smallest normal does not underflow', () => {
  // (2^54 - 1) * 2^-1076 = 2^-1022 - 2^-1076 = (2^27 - 1) * 2^-27 * (2^27 + 1) * 2^-1049
  const a = D(134217727 * 2 ** -27), b = D(134217729 * 2 ** -1049);
  let r = run(Op.FMUL_D, a, b, 0n, { frm: RNE });
  assert.equal(r.f, D(2 ** -1022));
  assert.equal(r.flags, NX);
  r = run(Op.FMUL_D, a, b, 0n, { frm: RTZ });
  assert.equal(r.f, 0x000fffffffffffffn);
  assert.equal(r.flags, UF | NX);
  // Single: (2^25 - 1) * 2^-151 = 18631 * 2^-15 * 1801 * 2^-136
  const sa = S(18631 * 2 ** -15), sb = S(1801 * 2 ** -136);
  r = run(Op.FMUL_S, sa, sb, 0n, { frm: RNE });
  assert.equal(r.f, SB(0x00800000));
  assert.equal(r.flags, NX);
  r = run(Op.FMUL_S, sa, sb, 0n, { frm: RUP });
  assert.equal(r.f, SB(0x00800000));
  assert.equal(r.flags, NX);
  r = run(Op.FMUL_S, sa, sb, 0n, { frm: RDN });
  assert.equal(r.f, SB(0x007fffff));
  assert.equal(r.flags, UF | NX);
});

test('signaling NaNs raise NV, quiet NaNs do not, and results are the canonical NaN', () => {
  const check = (op: Op, a: bigint, b: bigint, want: bigint, flags: number, c = 0n): void => {
    const r = run(op, a, b, c);
    assert.equal(r.f, want, `op ${op}`);
    assert.equal(r.flags, flags, `op ${op} flags`);
  };
  check(Op.FADD_D, 0x7ff800000000deadn, D(1), CANON_D, 0);
  check(Op.FADD_D, 0xfff8000000000000n, D(1), CANON_D, 0);
  check(Op.FADD_D, SNAN_D, D(1), CANON_D, NV);
  check(Op.FMUL_S, SB(0xffc00123), S(2), CANON_S, 0);
  check(Op.FMUL_S, SNAN_S, S(2), CANON_S, NV);
  check(Op.FSUB_D, INF_D, INF_D, CANON_D, NV);
  check(Op.FMUL_D, INF_D, 0n, CANON_D, NV);
  check(Op.FDIV_D, 0n, NEG, CANON_D, NV);
  check(Op.FDIV_D, INF_D, INF_D, CANON_D, NV);
  check(Op.FDIV_D, D(1), NEG, INF_D | NEG, DZ);
  check(Op.FDIV_S, S(-3), S(0), SB(0xff800000), DZ);
  check(Op.FDIV_D, D(1), INF_D, 0n, 0);
  check(Op.FSQRT_D, D(-1), 0n, CANON_D, NV);
  check(Op.FSQRT_D, NEG, 0n, NEG, 0);
  check(Op.FSQRT_S, SB(0xff800000), 0n, CANON_S, NV);
  check(Op.FCVT_D_S, SNAN_S, 0n, CANON_D, NV);
  check(Op.FCVT_D_S, SB(0xffc00001), 0n, CANON_D, 0);
  check(Op.FCVT_S_D, SNAN_D, 0n, CANON_S, NV);
  // 0 * inf is invalid even when the addend is a quiet NaN.
  check(Op.FMADD_D, INF_D, 0n, CANON_D, NV, CANON_D);
  check(Op.FMADD_S, S(0), SB(0x7f800000), CANON_S, NV, CANON_S);
  check(Op.FMADD_D, D(1), D(1), CANON_D, NV, SNAN_D);
  check(Op.FMADD_D, CANON_D, D(1), CANON_D, 0, D(1));
  check(Op.FMADD_D, INF_D, D(1), CANON_D, NV, INF_D | NEG);
});

test('feq is quiet, flt and fle signal on any NaN; compares write 0 or 1 to the integer register', () => {
  const cmp = (op: Op, a: bigint, b: bigint, want: bigint, flags: number): void => {
    const r = run(op, a, b);
    assert.equal(r.x, want, `op ${op}`);
    assert.equal(r.flags, flags, `op ${op} flags`);
  };
  cmp(Op.FEQ_D, CANON_D, CANON_D, 0n, 0);
  cmp(Op.FEQ_D, SNAN_D, D(1), 0n, NV);
  cmp(Op.FLT_D, CANON_D, D(1), 0n, NV);
  cmp(Op.FLE_D, D(1), CANON_D, 0n, NV);
  cmp(Op.FEQ_D, 0n, NEG, 1n, 0);
  cmp(Op.FLT_D, NEG, 0n, 0n, 0);
  cmp(Op.FLE_D, NEG, 0n, 1n, 0);
  cmp(Op.FLT_D, D(-2), D(1), 1n, 0);
  cmp(Op.FEQ_S, S(1.5), S(1.5), 1n, 0);
  cmp(Op.FEQ_S, SNAN_S, S(1), 0n, NV);
  cmp(Op.FLT_S, S(1), CANON_S, 0n, NV);
  cmp(Op.FLE_S, S(-1), S(-1), 1n, 0);
  cmp(Op.FEQ_S, 0x3f800000n, 0x3f800000n, 0n, 0); // unboxed: canonical quiet NaNs
});

test('NaN-boxing: an unboxed single operand reads as the canonical NaN, and single results are boxed', () => {
  const unboxed = 0x000000003f800000n;
  let r = run(Op.FADD_S, unboxed, S(1));
  assert.equal(r.f, CANON_S);
  assert.equal(r.flags, 0);
  r = run(Op.FADD_S, S(1), S(2));
  assert.equal(r.f, S(3));
  r = run(Op.FSGNJ_S, unboxed, S(-1));
  assert.equal(r.f, SB(0xffc00000));
  r = run(Op.FSGNJ_S, S(-2), 0xffffffe0bf800000n); // sign source unboxed: canonical NaN is positive
  assert.equal(r.f, S(2));
  assert.equal(run(Op.FCLASS_S, unboxed).x, 1n << 9n);
  r = run(Op.FCVT_D_S, 0x7fffffffbf800000n);
  assert.equal(r.f, CANON_D);
  assert.equal(r.flags, 0);
  assert.equal(run(Op.FMV_X_W, 0x00000000bf800000n).x, 0xffffffffbf800000n); // no check on moves
  assert.equal(run(Op.FMV_W_X, 0n, 0n, 0n, { xa: 0x123456789abcdef0n }).f, 0xffffffff9abcdef0n);
  r = run(Op.FMIN_S, unboxed, S(5));
  assert.equal(r.f, S(5));
  assert.equal(r.flags, 0);
  assert.equal(run(Op.FCVT_W_S, unboxed).x, 0x7fffffffn);
});

test('fmin and fmax order -0 below +0 and return the other operand when one is NaN', () => {
  for (const [op, a, b, want] of [
    [Op.FMIN_D, 0n, NEG, NEG], [Op.FMIN_D, NEG, 0n, NEG], [Op.FMAX_D, NEG, 0n, 0n], [Op.FMAX_D, 0n, NEG, 0n],
    [Op.FMIN_S, S(0), S(-0), S(-0)], [Op.FMAX_S, S(-0), S(0), S(0)], [Op.FMIN_D, D(-1), D(2), D(-1)],
    [Op.FMAX_D, D(-1), D(2), D(2)], [Op.FMAX_D, D(-Infinity), CANON_D, D(-Infinity)],
  ] as const) {
    const r = run(op, a, b);
    assert.equal(r.f, want, `op ${op} ${a} ${b}`);
    assert.equal(r.flags, 0);
  }
  let r = run(Op.FMIN_D, SNAN_D, D(3));
  assert.equal(r.f, D(3));
  assert.equal(r.flags, NV);
  r = run(Op.FMAX_D, CANON_D, 0xfff8000000000001n);
  assert.equal(r.f, CANON_D);
  assert.equal(r.flags, 0);
  r = run(Op.FMAX_S, SNAN_S, SNAN_S);
  assert.equal(r.f, CANON_S);
  assert.equal(r.flags, NV);
});

test('sign injection works on raw bits: -0, NaN payloads kept, no flags', () => {
  assert.equal(run(Op.FSGNJ_D, D(1), NEG).f, D(-1));
  assert.equal(run(Op.FSGNJN_D, D(1), NEG).f, D(1));
  assert.equal(run(Op.FSGNJX_D, D(-1), NEG).f, D(1));
  assert.equal(run(Op.FSGNJX_D, NEG, NEG).f, 0n); // fabs(-0)
  const r = run(Op.FSGNJN_D, SNAN_D, SNAN_D); // fneg of a signaling NaN
  assert.equal(r.f, SNAN_D | NEG);
  assert.equal(r.flags, 0);
  assert.equal(run(Op.FSGNJN_S, SNAN_S, SNAN_S).f, SB(0xff800001));
  assert.equal(run(Op.FSGNJX_S, S(-3), S(-0)).f, S(3));
});

test('fcvt to integers saturates at every bound with NV, and sets NX only when in range and inexact', () => {
  const cv = (op: Op, a: bigint, want: bigint, flags: number, frm = RNE): void => {
    const r = run(op, a, 0n, 0n, { frm });
    assert.equal(r.x, want, `op ${op} a=${a.toString(16)} frm=${frm}`);
    assert.equal(r.flags, flags, `op ${op} a=${a.toString(16)} frm=${frm} flags`);
  };
  const W_MIN = 0xffffffff80000000n;
  cv(Op.FCVT_W_D, D(2 ** 31), 0x7fffffffn, NV);
  cv(Op.FCVT_W_D, D(2 ** 31 - 1), 0x7fffffffn, 0);
  cv(Op.FCVT_W_D, D(-(2 ** 31)), W_MIN, 0);
  cv(Op.FCVT_W_D, D(-(2 ** 31) - 1), W_MIN, NV);
  cv(Op.FCVT_W_D, D(-2147483648.5), W_MIN, NX, RTZ);
  cv(Op.FCVT_W_D, D(-2147483648.5), W_MIN, NX, RNE);
  cv(Op.FCVT_W_D, D(-2147483648.5), W_MIN, NV, RDN);
  cv(Op.FCVT_W_D, CANON_D, 0x7fffffffn, NV);
  cv(Op.FCVT_W_D, CANON_D | NEG, 0x7fffffffn, NV);
  cv(Op.FCVT_W_D, INF_D, 0x7fffffffn, NV);
  cv(Op.FCVT_W_D, INF_D | NEG, W_MIN, NV);
  cv(Op.FCVT_WU_D, D(2 ** 32), ALL, NV);
  cv(Op.FCVT_WU_D, D(2 ** 32 - 1), ALL, 0); // 0xffffffff sign-extended
  cv(Op.FCVT_WU_D, D(2 ** 31), W_MIN, 0);
  cv(Op.FCVT_WU_D, D(-0.9), 0n, NX, RTZ);
  cv(Op.FCVT_WU_D, D(-1), 0n, NV, RTZ);
  cv(Op.FCVT_WU_D, CANON_D, ALL, NV);
  cv(Op.FCVT_WU_D, INF_D | NEG, 0n, NV);
  cv(Op.FCVT_L_D, D(2 ** 63), 0x7fffffffffffffffn, NV);
  cv(Op.FCVT_L_D, D(-(2 ** 63)), 0x8000000000000000n, 0);
  cv(Op.FCVT_L_D, D(2 ** 63 - 1024), 0x7ffffffffffffc00n, 0);
  cv(Op.FCVT_L_D, INF_D | NEG, 0x8000000000000000n, NV);
  cv(Op.FCVT_L_D, CANON_D, 0x7fffffffffffffffn, NV);
  cv(Op.FCVT_L_D, D(-1.5), ALL - 1n, NX); // -2 (ties to even)
  cv(Op.FCVT_LU_D, D(2 ** 64), ALL, NV);
  cv(Op.FCVT_LU_D, D(2 ** 64 - 2048), 0xfffffffffffff800n, 0);
  cv(Op.FCVT_LU_D, D(-0.9), 0n, NX, RTZ);
  cv(Op.FCVT_LU_D, D(-1), 0n, NV);
  cv(Op.FCVT_LU_D, D(-0.5), 0n, NX, RNE);
  cv(Op.FCVT_LU_D, D(-0.5), 0n, NV, RDN);
  cv(Op.FCVT_LU_D, CANON_D, ALL, NV);
  cv(Op.FCVT_W_S, S(2 ** 31), 0x7fffffffn, NV);
  cv(Op.FCVT_W_S, S(-(2 ** 31)), W_MIN, 0);
  cv(Op.FCVT_WU_S, S(-0.9), 0n, NX, RTZ);
  cv(Op.FCVT_WU_S, S(-1), 0n, NV);
  cv(Op.FCVT_L_S, S(-(2 ** 63)), 0x8000000000000000n, 0);
  cv(Op.FCVT_L_S, S(2 ** 63), 0x7fffffffffffffffn, NV);
  cv(Op.FCVT_LU_S, S(2 ** 64), ALL, NV);
  cv(Op.FCVT_LU_S, SNAN_S, ALL, NV);
});

test('fcvt to integers rounds per mode on halfway values', () => {
  const want = [[2n, 2n, 2n, 3n, 3n], [-2n, -2n, -3n, -2n, -3n]];
  for (const [i, v] of [2.5, -2.5].entries()) {
    for (const m of MODES) {
      const r = run(Op.FCVT_L_D, D(v), 0n, 0n, { frm: m });
      assert.equal(r.x, BigInt.asUintN(64, want[i]![m]!), `${v} mode ${m}`);
      assert.equal(r.flags, NX);
      const rs = run(Op.FCVT_W_S, S(v), 0n, 0n, { rm: m });
      assert.equal(rs.x, BigInt.asUintN(64, want[i]![m]!), `${v} mode ${m} (w.s)`);
    }
  }
});

test('fcvt from integers rounds per mode with NX, and reads only the low word for w/wu', () => {
  const cv = (op: Op, xa: bigint, want: bigint, flags: number, frm = RNE): void => {
    const r = run(op, 0n, 0n, 0n, { xa, frm });
    assert.equal(r.f, want, `op ${op} x=${xa.toString(16)} frm=${frm}`);
    assert.equal(r.flags, flags, `op ${op} flags`);
  };
  cv(Op.FCVT_S_W, 16777217n, S(16777216), NX);
  cv(Op.FCVT_S_W, 16777217n, S(16777218), NX, RUP);
  cv(Op.FCVT_S_W, 16777219n, S(16777220), NX, RNE);
  cv(Op.FCVT_D_L, 2n ** 53n + 1n, D(2 ** 53), NX);
  cv(Op.FCVT_D_L, 2n ** 53n + 1n, D(2 ** 53 + 2), NX, RUP);
  cv(Op.FCVT_D_L, -(2n ** 63n), D(-(2 ** 63)), 0);
  cv(Op.FCVT_D_LU, ALL, D(2 ** 64), NX);
  cv(Op.FCVT_D_LU, ALL, D(2 ** 64 - 2048), NX, RTZ);
  cv(Op.FCVT_S_LU, ALL, S(2 ** 64), NX);
  cv(Op.FCVT_S_LU, ALL, SB(0x5f7fffff), NX, RDN);
  cv(Op.FCVT_S_L, ALL, S(-1), 0);
  cv(Op.FCVT_D_WU, 0x12345678ffffffffn, D(4294967295), 0);
  cv(Op.FCVT_D_W, 0x0000000180000000n, D(-2147483648), 0);
  cv(Op.FCVT_S_WU, 0xffffffffn, S(2 ** 32), NX);
  cv(Op.FCVT_D_W, 0n, 0n, 0);
});

test('fused multiply-add rounds once where two roundings would differ', () => {
  // (1 + 2^-52)(1 - 2^-53) - 1 = 2^-53 - 2^-105 exactly; a separate multiply would round to 1 and give 0.
  let r = run(Op.FMADD_D, D(1 + 2 ** -52), D(1 - 2 ** -53), D(-1));
  assert.equal(r.f, D(2 ** -53 - 2 ** -105));
  assert.equal(r.flags, 0);
  r = run(Op.FMSUB_D, D(1 + 2 ** -52), D(1 - 2 ** -53), D(1));
  assert.equal(r.f, D(2 ** -53 - 2 ** -105));
  r = run(Op.FNMADD_D, D(1 + 2 ** -52), D(1 - 2 ** -53), D(-1));
  assert.equal(r.f, D(-(2 ** -53 - 2 ** -105)));
  r = run(Op.FNMSUB_D, D(1 + 2 ** -52), D(1 - 2 ** -53), D(1));
  assert.equal(r.f, D(-(2 ** -53 - 2 ** -105)));
  r = run(Op.FMADD_S, S(1 + 2 ** -23), S(1 - 2 ** -24), S(-1));
  assert.equal(r.f, S(2 ** -24 - 2 ** -47));
  assert.equal(r.flags, 0);
  // 1 + 2^-24 + 2^-70: just above a single tie. Rounding through binary64 first would land on
  // the tie and go to even (1.0); one rounding gives 1 + 2^-23.
  r = run(Op.FMADD_S, S(-(2 ** -24) * (1 + 2 ** -23)), S(1 - 2 ** -23), S(1 + 2 ** -23));
  assert.equal(r.f, S(1 + 2 ** -23));
  assert.equal(r.flags, NX);
  // Exact cancellation gives +0, or -0 when rounding down.
  r = run(Op.FMADD_D, D(3), D(5), D(-15));
  assert.equal(r.f, 0n);
  r = run(Op.FMADD_D, D(3), D(5), D(-15), { frm: RDN });
  assert.equal(r.f, NEG);
  r = run(Op.FNMADD_D, 0n, D(5), 0n); // -(0*5) - 0 = -0
  assert.equal(r.f, NEG);
});

test('reserved rounding modes make the instruction illegal with no state change', () => {
  const h = new Hart();
  h.fd[1] = 1;
  h.fd[2] = 3;
  h.fd[4] = 42;
  h.fflags = 0;
  for (const rm of [5, 6]) assert.equal(execFp(h, Op.FDIV_D, 4, 1, 2, 0, rm), false);
  for (const frm of [5, 6, 7]) {
    h.frm = frm;
    assert.equal(execFp(h, Op.FDIV_D, 4, 1, 2, 0, 7), false);
    assert.equal(execFp(h, Op.FCVT_D_S, 4, 1, 0, 0, 7), false);
    assert.equal(execFp(h, Op.FCVT_W_D, 4, 1, 0, 0, 7), false);
  }
  assert.equal(h.fd[4], 42);
  assert.equal(h.fflags, 0);
  assert.equal(h.x[8], 0);
  // Ops without a rounding mode ignore the field.
  h.frm = 7;
  assert.equal(execFp(h, Op.FSGNJ_D, 4, 1, 2, 0, 7), true);
  assert.equal(h.fd[4], 1);
  assert.equal(execFp(h, Op.FLT_D, 5, 1, 2, 0, 1), true);
  assert.equal(h.x[10], 1);
  assert.equal(execFp(h, Op.FLW, 4, 1, 2, 0, 0), false);
});

test('fclass reports each of the ten classes', () => {
  const cases: [bigint, number][] = [
    [INF_D | NEG, 0], [D(-1), 1], [1n | NEG, 2], [NEG, 3], [0n, 4], [1n, 5], [D(1), 6], [INF_D, 7], [SNAN_D, 8], [CANON_D, 9],
  ];
  for (const [v, bit] of cases) assert.equal(run(Op.FCLASS_D, v).x, 1n << BigInt(bit), v.toString(16));
  const single: [bigint, number][] = [
    [SB(0xff800000), 0], [S(-1), 1], [SB(0x80000001), 2], [S(-0), 3], [S(0), 4], [SB(1), 5], [S(1), 6], [SB(0x7f800000), 7], [SNAN_S, 8], [CANON_S, 9],
  ];
  for (const [v, bit] of single) assert.equal(run(Op.FCLASS_S, v).x, 1n << BigInt(bit), v.toString(16));
});

test('moves transfer raw bits: fmv.x.w sign-extends, fmv.x.d and fmv.d.x keep signaling NaNs', () => {
  assert.equal(run(Op.FMV_X_W, SB(0x80000000)).x, 0xffffffff80000000n);
  assert.equal(run(Op.FMV_X_W, SB(0x7fc00001)).x, 0x7fc00001n);
  assert.equal(run(Op.FMV_X_D, SNAN_D).x, SNAN_D);
  const r = run(Op.FMV_D_X, 0n, 0n, 0n, { xa: SNAN_D });
  assert.equal(r.f, SNAN_D);
  assert.equal(r.flags, 0);
});

test('an integer result aimed at x0 goes to the sink and leaves x0 zero', () => {
  const h = new Hart();
  h.fd[1] = 1;
  assert.equal(execFp(h, Op.FEQ_D, X_SINK, 1, 1, 0, 2), true);
  assert.equal(h.x[2 * X_SINK], 1);
  assert.equal(execFp(h, Op.FCVT_L_D, 0, 1, 0, 0, 0), true);
  assert.equal(h.x[0], 0);
  assert.equal(h.x[1], 0);
});

test('sqrt and divide round per mode and flag inexact results', () => {
  const s2 = D(Math.SQRT2);
  const s2dn = s2 - 1n; // Math.SQRT2 is the nearest double, above sqrt(2)
  eachMode(Op.FSQRT_D, D(2), 0n, [s2, s2dn, s2dn, s2, s2], NX);
  eachMode(Op.FSQRT_D, D(4), 0n, [D(2), D(2), D(2), D(2), D(2)], 0);
  const third = D(1 / 3);
  eachMode(Op.FDIV_D, D(1), D(3), [third, third, third, third + 1n, third], NX);
  const thirdS = S(1 / 3); // rounded up from 1/3
  eachMode(Op.FDIV_S, S(1), S(3), [thirdS, thirdS - 1n, thirdS - 1n, thirdS, thirdS], NX);
});
