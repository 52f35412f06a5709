// The translator's F, D and fcsr code against the interpreter: random loops of F/D arithmetic,
// fused multiply-adds, conversions, compares, moves, classify, FP loads and stores (compressed
// forms too) and fflags/frm/fcsr/time accesses, over operands that hit every path (zeros,
// subnormals, values near the fast paths' bounds, infinities, quiet and signaling NaNs,
// NaN-boxed and unboxed singles), under every rounding mode, static and dynamic: run
// interpreted and translated they must leave the same x and f registers, fflags, frm, memory,
// pc and instret, and stop at the same points under small budgets (a reserved rounding mode
// stops both with the same illegal instruction).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../src/cpu/run.js';
import { Hart, Stop } from '../../src/cpu/hart.js';
import { jitOf, setJit } from '../../src/cpu/jit/jit.js';
import { GuestMemory, PROT_EXEC, PROT_READ, PROT_WRITE } from '../../src/mem/guest_memory.js';
import { MIN_MEMORY_BYTES, PhysMem } from '../../src/mem/phys.js';
import { Prng } from '../../src/util/prng.js';
import * as E from './rv_encode.js';
import { peekBytes, poke } from './mem_helpers.js';

const CODE = 0x10000, DATA = 0x40000;
/** Registers the generator never writes: c.fld/c.fsd's base (x8), the data pointer, the loop counter. */
const CBASE = 8, BASE = 30, COUNT = 31;
const ITERATIONS = 6;
const PROGRAMS = 200;
const BODY = 40;

/** Interesting doubles as raw bits: zeros, ones, subnormals, the smallest normal, the fast
 *  paths' bounds (2^-960, 2^995, 2^1000), the largest finite, infinities, NaNs. */
const SPECIAL_D = [
  0n, 1n << 63n, 0x3ff0000000000000n, 0xbff0000000000000n, 0x3ff8000000000000n, 0x3fd5555555555555n,
  1n, 0x000fffffffffffffn, 0x0010000000000000n, 0x8010000000000000n, 0x03f0000000000000n, 0x03efffffffffffffn,
  0x7e20000000000000n, 0x7e70000000000000n, 0x7fefffffffffffffn, 0x7ff0000000000000n, 0xfff0000000000000n,
  0x7ff8000000000000n, 0x7ff0000000000001n, 0xfff4000000000000n, 0x41dfffffffc00000n, 0x43e0000000000000n, 0xc3e0000000000000n,
  0x43f0000000000000n, 0x4330000000000000n, 0x3fe0000000000000n, 0x4004000000000000n,
];
/** Interesting singles as raw bits (NaN-boxed when loaded). */
const SPECIAL_S = [
  0, 0x80000000, 0x3f800000, 0xbf800000, 0x3fc00000, 1, 0x007fffff, 0x00800000, 0x7f7fffff, 0x7f800000, 0xff800000,
  0x7fc00000, 0x7f800001, 0x7fa00000, 0x4effffff, 0x4f000000, 0x5f000000, 0x3f000000, 0x40200000, 0x0d800000,
];

type Insn = { bytes: number[] };
const w32 = (v: number): Insn => ({ bytes: [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, v >>> 24] });
const w16 = (v: number): Insn => ({ bytes: [v & 255, (v >>> 8) & 255] });

/** A random x register the generator may write. */
function xd(g: Prng): number {
  for (;;) { const r = g.below(30); if (r !== CBASE) return r; }
}

/** A rounding-mode field: mostly nearest-even and dynamic, every other mode, rarely a reserved one. */
function rmField(g: Prng): number {
  const k = g.below(100);
  if (k < 45) return 0;
  if (k < 70) return 7;
  if (k < 99) return 1 + g.below(4);
  return 5 + g.below(2);
}

/** Returns a random F/D, fcsr or FP memory instruction (or an integer one to mix values). */
function randomInsn(g: Prng): Insn {
  const fd = g.below(32), fs1 = g.below(32), fs2 = g.below(32), fs3 = g.below(32), fmt = g.below(2);
  switch (g.below(16)) {
    case 0: case 1: case 2: { // fadd fsub fmul fdiv fsqrt
      const f5 = [0x00, 0x04, 0x08, 0x0c, 0x2c][g.below(5)]!;
      return w32(E.r((f5 | fmt), f5 === 0x2c ? 0 : fs2, fs1, rmField(g), fd, 0x53));
    }
    case 3: { // fmadd fmsub fnmsub fnmadd
      const opc = [0x43, 0x47, 0x4b, 0x4f][g.below(4)]!;
      return w32(((fs3 << 27) | (fmt << 25) | (fs2 << 20) | (fs1 << 15) | (rmField(g) << 12) | (fd << 7) | opc) >>> 0);
    }
    case 4: // fsgnj, fmin/fmax
      if (g.below(2) === 0) return w32(E.r(0x10 | fmt, fs2, fs1, g.below(3), fd, 0x53));
      return w32(E.r(0x14 | fmt, fs2, fs1, g.below(2), fd, 0x53));
    case 5: // feq flt fle, fclass, fmv.x
      if (g.below(2) === 0) return w32(E.r(0x50 | fmt, fs2, fs1, g.below(3), xd(g), 0x53));
      return w32(E.r(0x70 | fmt, 0, fs1, g.below(2), xd(g), 0x53));
    case 6: // fcvt.{w,wu,l,lu}.{s,d}
      return w32(E.r(0x60 | fmt, g.below(4), fs1, rmField(g), xd(g), 0x53));
    case 7: // fcvt.{s,d}.{w,wu,l,lu}, fmv.{w,d}.x
      if (g.below(3) === 0) return w32(E.r(0x78 | fmt, 0, g.below(32), 0, fd, 0x53));
      return w32(E.r(0x68 | fmt, g.below(4), g.below(32), rmField(g), fd, 0x53));
    case 8: // fcvt.s.d, fcvt.d.s
      return w32(E.r(fmt === 0 ? 0x20 : 0x21, fmt === 0 ? 1 : 0, fs1, rmField(g), fd, 0x53));
    case 9: { // flw fld fsw fsd around BASE, some crossing into the second data page
      const off = g.below(4) === 0 ? 2040 + g.below(16) - 8 : (g.below(4096) - 2048) & ~3;
      if (g.below(2) === 0) return w32(E.i(off, BASE, 2 + fmt, fd, 0x07));
      return w32(E.s(off, fs2, BASE, 2 + fmt, 0x27));
    }
    case 10: { // c.fld / c.fsd off x8
      const u = g.below(32) * 8, rp = g.below(8);
      const v = (((g.below(2) === 0 ? 1 : 5) << 13) | (((u >> 3) & 7) << 10) | ((CBASE - 8) << 7) | (((u >> 6) & 3) << 5) | (rp << 2)) >>> 0;
      return w16(v);
    }
    case 11: { // fflags, frm, fcsr: all six forms; register sources hold small values (x set by addi first)
      const csr = 1 + g.below(3), f3 = [1, 2, 3, 5, 6, 7][g.below(6)]!;
      const v = csr === 2 || g.below(4) === 0 ? (g.below(20) === 0 ? 5 + g.below(3) : g.below(5)) : g.below(256);
      const src = f3 >= 5 ? (csr === 3 ? v & 31 : v & 31) : xd(g);
      const ins = w32(E.i(csr, src, f3, xd(g), 0x73));
      if (f3 >= 5) return ins;
      const setup = w32(E.ADDI(src, 0, csr === 2 ? v & 7 : csr === 3 ? (v & 0x1f) | ((g.below(5)) << 5) : v));
      return { bytes: [...setup.bytes, ...ins.bytes] };
    }
    case 12: // reads of time, cycle, instret
      return w32(E.i([0xc00, 0xc01, 0xc02][g.below(3)]!, 0, 2, xd(g), 0x73));
    case 13: // fmv.d.x of a random x register keeps new bit patterns coming in
      return w32(E.r(0x79, 0, 1 + g.below(29), 0, fd, 0x53));
    default: // integer mixing
      return w32(E.ADD(xd(g), g.below(32), g.below(32)));
  }
}

/** A random loop: BODY instructions, then count down COUNT and loop; an ecall at the end. */
function randomProgram(g: Prng): number[] {
  const bytes: number[] = [];
  for (let k = 0; k < BODY; k++) bytes.push(...randomInsn(g).bytes);
  bytes.push(...w32(E.ADDI(COUNT, COUNT, -1)).bytes);
  const back = -bytes.length;
  bytes.push(...w32((((((back >> 12) & 1) << 31) | (((back >> 5) & 63) << 25) | (COUNT << 15) | (1 << 12) |
    (((back >> 1) & 15) << 8) | (((back >> 11) & 1) << 7) | 0x63) >>> 0)).bytes); // bne COUNT, x0, start
  bytes.push(...w32(E.ECALL).bytes);
  return bytes;
}

/** A machine with the program at CODE, two data pages, random x and f registers and data. */
function machine(code: number[], seed: number, jit: boolean): { h: Hart; mem: GuestMemory } {
  const mem = new GuestMemory(new PhysMem(MIN_MEMORY_BYTES));
  if (jit) setJit(mem.phys, true)!.threshold = 1;
  mem.setPages(CODE >>> 12, 1, PROT_READ | PROT_EXEC, true);
  mem.setPages(DATA >>> 12, 2, PROT_READ | PROT_WRITE, true);
  poke(mem, CODE, new Uint8Array(code));
  const g = new Prng(seed, 7);
  const data = new Uint8Array(8192);
  for (let i = 0; i < data.length; i++) data[i] = g.below(256);
  poke(mem, DATA, data);
  const h = new Hart();
  for (let r = 1; r < 30; r++) h.setXBig(r, (BigInt(g.below(2 ** 32)) << 32n) | BigInt(g.below(2 ** 32)));
  const f64 = new BigInt64Array(h.f.buffer, h.f.byteOffset, 32);
  for (let r = 0; r < 32; r++) {
    const k = g.below(5);
    let v: bigint;
    if (k === 0) v = SPECIAL_D[g.below(SPECIAL_D.length)]!;
    else if (k === 1) v = (0xffffffffn << 32n) | BigInt(SPECIAL_S[g.below(SPECIAL_S.length)]! >>> 0);
    else if (k === 2) v = (0xffffffffn << 32n) | BigInt(g.below(2 ** 32));
    else v = (BigInt(0x3c0 + g.below(0x80)) << 52n) | (BigInt(g.below(2 ** 20)) << 32n) | BigInt(g.below(2 ** 32)) | (g.below(2) === 0 ? 0n : 1n << 63n);
    f64[r] = BigInt.asIntN(64, v);
  }
  h.frm = g.below(5);
  h.fflags = g.below(32);
  h.setX(CBASE, DATA + 4096);
  h.setX(BASE, DATA + 2048);
  h.setX(COUNT, ITERATIONS);
  h.pc = CODE;
  let ticks = 1000;
  h.timeSource = () => (ticks += 7);
  return { h, mem };
}

/** The state a run leaves: stop, pc, instret, x and f registers, fflags, frm, fault fields, data. */
function snapshot(h: Hart, mem: GuestMemory, stop: Stop): unknown {
  return {
    stop, pc: h.pc, instret: h.instret, x: Array.from(h.x64), f: Array.from(h.f), fflags: h.fflags, frm: h.frm,
    fault: stop === Stop.Fault || stop === Stop.Illegal ? [h.faultAddr, h.faultAccess] : null,
    data: Buffer.from(peekBytes(mem, DATA, 8192)).toString('hex'),
  };
}

/** Runs to the first stop that is not Budget, in slices of the given sizes (cycled); returns every stop's state. */
function runAll(h: Hart, mem: GuestMemory, slices: number[]): unknown[] {
  const trail: unknown[] = [];
  for (let k = 0; k < 100000; k++) {
    const s = run(h, mem, slices[k % slices.length]!);
    trail.push({ stop: s, pc: h.pc, instret: h.instret, fflags: h.fflags });
    if (s !== Stop.Budget) { trail.push(snapshot(h, mem, s)); return trail; }
  }
  throw new Error('no stop');
}

test('random F/D and fcsr loops leave the same x and f registers, fflags, frm, memory, pc and instret translated as interpreted', () => {
  const g = new Prng(4321, 1);
  let translated = 0, helpers = 0;
  for (let p = 0; p < PROGRAMS; p++) {
    const code = randomProgram(g);
    const a = machine(code, p, false), b = machine(code, p, true);
    const ra = runAll(a.h, a.mem, [1_000_000]), rb = runAll(b.h, b.mem, [1_000_000]);
    assert.deepEqual(rb, ra, `program ${p}`);
    const st = jitOf(b.mem.phys)!.stats;
    if (st.retired > 0) translated++;
    helpers += st.helpers.fp;
  }
  console.log(`${translated} of ${PROGRAMS} programs ran translated; ${helpers} F/D helper calls`);
  // A reserved rounding mode, or a dynamic one under an invalid frm, early in a loop stops it
  // before it runs translated; most loops run translated.
  assert.ok(translated > PROGRAMS * 0.6, `only ${translated} of ${PROGRAMS} programs ran translated code`);
});

test('under small budgets translated F/D code stops at the same pc, instret and fflags as the interpreter', () => {
  const g = new Prng(77, 1);
  for (let p = 0; p < 50; p++) {
    const code = randomProgram(g);
    const slices = [1 + g.below(7), 1 + g.below(60), 1 + g.below(200)];
    const a = machine(code, p, false), b = machine(code, p, true);
    assert.deepEqual(runAll(b.h, b.mem, slices), runAll(a.h, a.mem, slices), `program ${p}`);
  }
});

test('a dot product in D runs translated, inline, with the interpreter\'s result and inexact flag', () => {
  // loop: fld f1, 0(x30); fld f2, 8(x30); fmadd.d f0, f1, f2, f0; fadd.d f3, f3, f1; count down
  const fld = (rd: number, imm: number): number => E.i(imm, BASE, 3, rd, 0x07);
  const words = [fld(1, 0), fld(2, 8), ((0 << 27) | (1 << 25) | (2 << 20) | (1 << 15) | (0 << 12) | (0 << 7) | 0x43) >>> 0,
    E.r(0x01, 1, 3, 7, 3, 0x53), E.ADDI(COUNT, COUNT, -1)];
  const bytes: number[] = [];
  for (const w of words) bytes.push(...w32(w).bytes);
  const back = -bytes.length;
  bytes.push(...w32((((((back >> 12) & 1) << 31) | (((back >> 5) & 63) << 25) | (COUNT << 15) | (1 << 12) |
    (((back >> 1) & 15) << 8) | (((back >> 11) & 1) << 7) | 0x63) >>> 0)).bytes);
  bytes.push(...w32(E.ECALL).bytes);
  const results = [false, true].map((jit) => {
    const m = machine(bytes, 5, jit);
    const dv = new DataView(new ArrayBuffer(16));
    dv.setFloat64(0, 0.1, true); dv.setFloat64(8, 3.7, true);
    poke(m.mem, DATA + 2048, new Uint8Array(dv.buffer));
    m.h.fd[0] = 0; m.h.fd[3] = 0; m.h.frm = 0; m.h.fflags = 0; m.h.setX(COUNT, 1000);
    const trail = runAll(m.h, m.mem, [1_000_000]);
    return { trail, stats: jit ? jitOf(m.mem.phys)!.stats : null };
  });
  assert.deepEqual(results[1]!.trail, results[0]!.trail);
  const st = results[1]!.stats!;
  assert.ok(st.retired > 5000 - 100, `retired translated: ${st.retired}`);
  assert.equal(st.exits.interp, 0, 'no exit to the interpreter');
  assert.equal(st.helpers.fp, 0, 'every F/D op inline');
});

test('an unknown CSR, a write to time or cycle and the cpu CSR without the extension stop translated code with SIGILL where the interpreter does', () => {
  // loop: fadd.d f1, f1, f2; csrrs x6, fflags, x0; count down; then the CSR access under test; ecall
  for (const csrInsn of [E.i(0x7c0, 0, 2, 6, 0x73), E.i(0xc01, 5, 1, 6, 0x73), E.i(0xc00, 7, 2, 6, 0x73), E.i(0xcc0, 0, 2, 6, 0x73)]) {
    const words = [E.r(0x01, 2, 1, 0, 1, 0x53), E.i(1, 0, 2, 6, 0x73), E.ADDI(COUNT, COUNT, -1)];
    const bytes: number[] = [];
    for (const w of words) bytes.push(...w32(w).bytes);
    const back = -bytes.length;
    bytes.push(...w32((((((back >> 12) & 1) << 31) | (((back >> 5) & 63) << 25) | (COUNT << 15) | (1 << 12) |
      (((back >> 1) & 15) << 8) | (((back >> 11) & 1) << 7) | 0x63) >>> 0)).bytes);
    bytes.push(...w32(csrInsn).bytes, ...w32(E.ECALL).bytes);
    const results = [false, true].map((jit) => {
      const m = machine(bytes, 9, jit);
      m.h.setX(COUNT, 50); m.h.setX(7, 1);
      return { trail: runAll(m.h, m.mem, [1_000_000]), retired: jit ? jitOf(m.mem.phys)!.stats.retired : 0 };
    });
    assert.deepEqual(results[1]!.trail, results[0]!.trail, `csr instruction ${csrInsn.toString(16)}`);
    assert.equal((results[0]!.trail.at(-1) as { stop: Stop }).stop, Stop.Illegal);
    assert.ok(results[1]!.retired > 100, 'the loop ran translated');
  }
});
