// The native-double fast paths (round to nearest even) must agree bit for bit, flags included,
// with the exact BigInt reference path on random operands chosen to hit ties, cancellation and
// inexact results. Runs without qemu; fp_qemu.test.ts checks the reference against hardware.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Op } from '../../src/cpu/ops.js';
import { fpAdd, fpDiv, fpFma, fpMul, fpSqrt, fpConvert } from '../../src/cpu/fp/exact.js';
import { F32, F64, type FpFormat } from '../../src/cpu/fp/format.js';
import type { FpResult } from '../../src/cpu/fp/round.js';
import { D, S, run } from './fp_helpers.js';

let state = 0x243f6a8885a308d3n;
function rnd(): bigint {
  state = (state * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
  return state >> 11n; // 53 random bits
}
function uniform(): number {
  return Number(rnd()) / 2 ** 53;
}
/** Returns a random value with `bits` significant bits near 2^e (short significands make exact cases and ties). */
function value(bits: number, e: number): number {
  const m = 2 ** (bits - 1) + Math.floor(uniform() * 2 ** (bits - 1));
  return (uniform() < 0.5 ? -1 : 1) * m * 2 ** (e - bits + 1);
}

const SIGN64 = 0x8000000000000000n;
const SIGN32 = 0x80000000n;
const LOW32 = 0xffffffffn;

function refFor(op: Op, a: bigint, b: bigint, c: bigint): FpResult {
  const single = op < Op.FMADD_D;
  const fmt: FpFormat = single ? F32 : F64;
  const sign = single ? SIGN32 : SIGN64;
  if (single) { a &= LOW32; b &= LOW32; c &= LOW32; }
  switch (op) {
    case Op.FADD_D: case Op.FADD_S: return fpAdd(a, b, fmt, 0);
    case Op.FSUB_D: case Op.FSUB_S: return fpAdd(a, b ^ sign, fmt, 0);
    case Op.FMUL_D: case Op.FMUL_S: return fpMul(a, b, fmt, 0);
    case Op.FDIV_D: case Op.FDIV_S: return fpDiv(a, b, fmt, 0);
    case Op.FSQRT_D: case Op.FSQRT_S: return fpSqrt(a, fmt, 0);
    case Op.FMADD_D: case Op.FMADD_S: return fpFma(a, b, c, fmt, 0);
    case Op.FMSUB_D: case Op.FMSUB_S: return fpFma(a, b, c ^ sign, fmt, 0);
    case Op.FNMSUB_D: case Op.FNMSUB_S: return fpFma(a ^ sign, b, c, fmt, 0);
    case Op.FNMADD_D: case Op.FNMADD_S: return fpFma(a ^ sign, b, c ^ sign, fmt, 0);
    case Op.FCVT_S_D: return fpConvert(a, F64, F32, 0);
  }
  throw new Error(`no reference for op ${op}`);
}

const DOUBLE_OPS = [Op.FADD_D, Op.FSUB_D, Op.FMUL_D, Op.FDIV_D, Op.FSQRT_D, Op.FMADD_D, Op.FMSUB_D, Op.FNMSUB_D, Op.FNMADD_D, Op.FCVT_S_D];
const SINGLE_OPS = [Op.FADD_S, Op.FSUB_S, Op.FMUL_S, Op.FDIV_S, Op.FSQRT_S, Op.FMADD_S, Op.FMSUB_S, Op.FNMSUB_S, Op.FNMADD_S];

function check(op: Op, a: bigint, b: bigint, c: bigint, single: boolean, failures: string[]): void {
  const ours = run(op, a, b, c, { frm: 0 });
  const ref = refFor(op, a, b, c);
  const want = single || op === Op.FCVT_S_D ? 0xffffffff00000000n | ref.bits : ref.bits;
  if (ours.f !== want || ours.flags !== ref.flags) {
    failures.push(`op ${op} ${a.toString(16)} ${b.toString(16)} ${c.toString(16)}: ours ${ours.f.toString(16)}/${ours.flags} ref ${want.toString(16)}/${ref.flags}`);
  }
}

/**
 * Returns [a, b, c] whose fused sum lies a hair above or below a tie of the target precision
 * (prec bits): a*b = ±half-ulp(X) * (1 - j^2 2^-2(prec-1)) added to X or its neighbour.
 * Rounding the sum twice (or dropping the tiny part) lands exactly on the tie.
 */
function nearTie(prec: number, round: (x: number) => number): [number, number, number] {
  const e = Math.floor(uniform() * 20) - 10;
  const x = round(value(prec, e));
  const ulp = 2 ** (Math.floor(Math.log2(Math.abs(x))) - prec + 1);
  const j = 1 + Math.floor(uniform() * 1000);
  const r = j * 2 ** -(prec - 1);
  const u = (uniform() < 0.5 ? -1 : 1) * ulp / 2;
  const c = uniform() < 0.5 ? x : round(x + (uniform() < 0.5 ? ulp : -ulp));
  return [round(u * (1 + r)), round(1 - r), c];
}

test('fused fast paths round once on sums just off a tie (rounding to odd is needed)', () => {
  const failures: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const [a, b, c] = nearTie(53, (x) => x);
    for (const op of [Op.FMADD_D, Op.FMSUB_D, Op.FNMSUB_D, Op.FNMADD_D]) check(op, D(a), D(b), D(c), false, failures);
    const [sa, sb, sc] = nearTie(24, Math.fround);
    for (const op of [Op.FMADD_S, Op.FMSUB_S, Op.FNMSUB_S, Op.FNMADD_S]) check(op, S(sa), S(sb), S(sc), true, failures);
  }
  assert.deepEqual(failures.slice(0, 20), []);
});

test('double fast paths agree with the exact reference, including fma ties and cancellation', () => {
  const failures: string[] = [];
  for (let i = 0; i < 4000; i++) {
    const bits = 1 + Math.floor(uniform() * 53);
    const a = value(bits, Math.floor(uniform() * 40) - 20);
    const b = value(1 + Math.floor(uniform() * 53), Math.floor(uniform() * 40) - 20);
    const p = a * b;
    const k = Math.floor(uniform() * 4);
    // Addends near the product (cancellation) or near half its ulp (ties).
    const c = k === 0 ? -p * (1 + value(10, -30)) : k === 1 ? p * 2 ** -53 * (uniform() < 0.5 ? 1 : 1.5) : value(53, Math.floor(uniform() * 120) - 60);
    for (const op of DOUBLE_OPS) check(op, D(a), D(b), D(c), false, failures);
    check(Op.FSQRT_D, D(Math.abs(a)), 0n, 0n, false, failures);
    check(Op.FCVT_S_D, D(a * 2 ** (Math.floor(uniform() * 300) - 150)), 0n, 0n, false, failures);
  }
  assert.deepEqual(failures.slice(0, 20), []);
});

test('single fast paths agree with the exact reference, including fma sums near single ties', () => {
  const failures: string[] = [];
  for (let i = 0; i < 4000; i++) {
    const a = Math.fround(value(1 + Math.floor(uniform() * 24), Math.floor(uniform() * 40) - 20));
    const b = Math.fround(value(1 + Math.floor(uniform() * 24), Math.floor(uniform() * 40) - 20));
    const p = a * b;
    const k = Math.floor(uniform() * 3);
    const c = Math.fround(k === 0 ? -p : k === 1 ? p * 2 ** -24 : value(24, Math.floor(uniform() * 80) - 40));
    for (const op of SINGLE_OPS) check(op, S(a), S(b), S(c), true, failures);
  }
  assert.deepEqual(failures.slice(0, 20), []);
});
