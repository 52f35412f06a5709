// Interpreter semantics: 64-bit arithmetic on register halves, memory access checks, traps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../src/cpu/run.js';
import { Access, Hart, Stop } from '../../src/cpu/hart.js';
import { GuestMemory, PROT_EXEC, PROT_READ, PROT_WRITE, TASK_SIZE } from '../../src/mem/guest_memory.js';
import * as E from './rv_encode.js';
import { pokeU32, pokeU64 } from './mem_helpers.js';

const CODE = 0x10000, DATA = 0x20000;
const A0 = 10, A1 = 11, A2 = 12;

/** Maps code and data pages, writes the program (ending in ecall) and returns a hart at its start. */
function setup(words: number[]): { h: Hart; mem: GuestMemory } {
  const mem = new GuestMemory();
  mem.setPages(CODE >>> 12, 2, PROT_READ | PROT_EXEC, true);
  mem.setPages(DATA >>> 12, 2, PROT_READ | PROT_WRITE, true);
  words.forEach((w, k) => pokeU32(mem, CODE + 4 * k, w));
  pokeU32(mem, CODE + 4 * words.length, E.ECALL);
  const h = new Hart();
  h.pc = CODE;
  return { h, mem };
}

/** Runs a two-operand instruction on 64-bit inputs and returns rd as an unsigned bigint. */
function binop(enc: (rd: number, a: number, b: number) => number, a: bigint, b: bigint): bigint {
  const { h, mem } = setup([enc(A0, A1, A2)]);
  h.setXBig(A1, a);
  h.setXBig(A2, b);
  assert.equal(run(h, mem, 100), Stop.Ecall);
  return h.getXU(A0);
}

const U64 = (v: bigint): bigint => BigInt.asUintN(64, v);
const MIN = -(1n << 63n);

test('mul, mulh, mulhsu and mulhu give the exact 128-bit product halves', () => {
  const samples = [0n, 1n, -1n, 3n, -7n, MIN, (1n << 63n) - 1n, 0x123456789abcdefn, -0x0fedcba987654321n, 0xffffffffn, 1n << 32n];
  for (const a of samples) {
    for (const b of samples) {
      const au = U64(a), bu = U64(b);
      assert.equal(binop(E.MUL, a, b), U64(a * b), `mul ${a} ${b}`);
      assert.equal(binop(E.MULHU, a, b), U64((au * bu) >> 64n), `mulhu ${a} ${b}`);
      assert.equal(binop(E.MULH, a, b), U64((a * b) >> 64n), `mulh ${a} ${b}`);
      assert.equal(binop(E.MULHSU, a, b), U64((a * bu) >> 64n), `mulhsu ${a} ${b}`);
    }
  }
});

test('division by zero and signed overflow follow the RISC-V rules', () => {
  assert.equal(binop(E.DIV, 7n, 0n), U64(-1n));
  assert.equal(binop(E.DIVU, 7n, 0n), U64(-1n));
  assert.equal(binop(E.REM, -7n, 0n), U64(-7n));
  assert.equal(binop(E.REMU, 7n, 0n), 7n);
  assert.equal(binop(E.DIV, MIN, -1n), U64(MIN));
  assert.equal(binop(E.REM, MIN, -1n), 0n);
  assert.equal(binop(E.DIVW, 0x80000000n, U64(-1n)), U64(-(1n << 31n)));
  assert.equal(binop(E.REMW, 0x80000000n, U64(-1n)), 0n);
  assert.equal(binop(E.DIVW, 5n, 0n), U64(-1n));
});

test('division truncates toward zero for large and small operands', () => {
  const samples = [1n, -1n, 2n, -3n, 10n, 0x1fffffffffffffn, -0x20000000000001n, (1n << 62n) + 12345n, MIN + 1n, 0xffffffffn];
  for (const a of samples) {
    for (const b of samples) {
      const q = a / b, rem = a % b;
      assert.equal(binop(E.DIV, a, b), U64(q), `div ${a} ${b}`);
      assert.equal(binop(E.REM, a, b), U64(rem), `rem ${a} ${b}`);
      assert.equal(binop(E.DIVU, a, b), U64(U64(a) / U64(b)), `divu ${a} ${b}`);
      assert.equal(binop(E.REMU, a, b), U64(U64(a) % U64(b)), `remu ${a} ${b}`);
    }
  }
});

test('64-bit shifts use the low six bits of the amount', () => {
  for (const sh of [0n, 1n, 31n, 32n, 33n, 63n, 64n + 5n]) {
    const v = -0x123456789abcdefn;
    assert.equal(binop(E.SLL, v, sh), U64(v << (sh & 63n)), `sll ${sh}`);
    assert.equal(binop(E.SRA, v, sh), U64(v >> (sh & 63n)), `sra ${sh}`);
  }
});

test('a misaligned doubleword load that crosses a page boundary reads both pages', () => {
  const { h, mem } = setup([E.LD(A0, A1, 0)]);
  const addr = DATA + 4096 - 3;
  pokeU64(mem, addr, 0x1122334455667788n);
  h.setX(A1, addr);
  assert.equal(run(h, mem, 10), Stop.Ecall);
  assert.equal(h.getXU(A0), 0x1122334455667788n);
});

test('a load from an unmapped page stops with a read fault at the faulting instruction', () => {
  const { h, mem } = setup([E.ADDI(A2, 0, 1), E.LW(A0, A1, 8)]);
  h.setX(A1, 0x50000);
  assert.equal(run(h, mem, 10), Stop.Fault);
  assert.equal(h.pc, CODE + 4);
  assert.equal(h.faultAddr, 0x50008);
  assert.equal(h.faultAccess, Access.Read);
  assert.equal(h.instret, 1, 'the faulting load does not retire');
});

test('a store to a read-only page faults, and an address above 4 GiB faults too', () => {
  const ro = setup([E.SD(A1, A1, 0)]);
  ro.h.setX(A1, CODE);
  assert.equal(run(ro.h, ro.mem, 10), Stop.Fault);
  assert.equal(ro.h.faultAccess, Access.Write);
  const hi = setup([E.SW(A1, A1, 0)]);
  hi.h.setXBig(A1, 0x1_0000_0000n);
  assert.equal(run(hi.h, hi.mem, 10), Stop.Fault);
  assert.equal(hi.h.faultAddr, 0x1_0000_0000);
});

test('fetching from a non-executable page is an exec fault', () => {
  const { h, mem } = setup([]);
  h.pc = DATA;
  assert.equal(run(h, mem, 10), Stop.Fault);
  assert.equal(h.faultAccess, Access.Exec);
  assert.equal(h.faultAddr, DATA);
});

test('amoadd.d and amomin.w return the old value and update memory', () => {
  const { h, mem } = setup([E.AMO(0x00, A0, A1, A2, true), E.AMO(0x10, A2, A1, A2, false)]);
  pokeU64(mem, DATA, 40n);
  h.setX(A1, DATA);
  h.setX(A2, -2);
  assert.equal(run(h, mem, 10), Stop.Ecall);
  assert.equal(h.getX(A0), 40);
  assert.equal(mem.readBig64(DATA), 0xfffffffen, 'amomin.w stored min(38, -2) in the low word only');
  assert.equal(h.getX(A2), 38, 'amomin.w returns the old low word, sign-extended');
});

test('a misaligned atomic stops with Misaligned', () => {
  const { h, mem } = setup([E.AMO(0x00, A0, A1, A2, false)]);
  h.setX(A1, DATA + 2);
  assert.equal(run(h, mem, 10), Stop.Misaligned);
  assert.equal(h.faultAddr, DATA + 2);
});

test('code written after it was executed is decoded again (self-modifying code)', () => {
  const mem = new GuestMemory();
  mem.setPages(CODE >>> 12, 1, PROT_READ | PROT_WRITE | PROT_EXEC, true);
  // addi a0, a0, 1 ; ecall  -- run it, then patch the addi into addi a0, a0, 100 and run again.
  pokeU32(mem, CODE, E.ADDI(A0, A0, 1));
  pokeU32(mem, CODE + 4, E.ECALL);
  const h = new Hart();
  h.pc = CODE;
  run(h, mem, 10);
  assert.equal(h.getX(A0), 1);
  // The guest patches its own code with a store: sw a1, 0(a2).
  pokeU32(mem, CODE + 8, E.SW(A1, A2, 0));
  pokeU32(mem, CODE + 12, E.ECALL);
  h.setX(A1, E.ADDI(A0, A0, 100) | 0);
  h.setX(A2, CODE);
  h.pc = CODE + 8;
  assert.equal(run(h, mem, 10), Stop.Ecall);
  h.pc = CODE;
  run(h, mem, 10);
  assert.equal(h.getX(A0), 101);
});

test('x0 stays zero when an instruction targets it', () => {
  const { h, mem } = setup([E.ADDI(0, 0, 5), E.LD(0, A1, 0), E.ADD(A0, 0, 0)]);
  h.setX(A1, DATA);
  pokeU64(mem, DATA, 77n);
  assert.equal(run(h, mem, 10), Stop.Ecall);
  assert.equal(h.getX(0), 0);
  assert.equal(h.getX(A0), 0);
});

/** jal rd, imm (J-type). */
const JAL = (rd: number, imm: number): number =>
  ((((imm >> 20) & 1) << 31) | (((imm >> 1) & 1023) << 21) | (((imm >> 11) & 1) << 20) | (((imm >> 12) & 255) << 12) | (rd << 7) | 0x6f) >>> 0;

test('a jump below address 0 retires, stops at the budget with pc = the negative target, and its fetch faults at 2^64 minus it', () => {
  const mem = new GuestMemory();
  mem.setPages(0, 1, PROT_READ | PROT_EXEC, true);
  pokeU32(mem, 4, JAL(0, -8));
  const h = new Hart();
  h.pc = 4;
  assert.equal(run(h, mem, 1), Stop.Budget);
  assert.equal(h.pc, -4);
  assert.equal(h.instret, 1);
  h.pc = 4;
  assert.equal(run(h, mem, 10), Stop.Fault);
  assert.equal(h.pc, 2 ** 64 - 4);
  assert.equal(h.faultAddr, 2 ** 64 - 4);
  assert.equal(h.faultAccess, Access.Exec);
  assert.equal(h.instret, 2);
});

test('running off the last page of the address space, and jumping beyond it, fault at the first address past it', () => {
  const last = TASK_SIZE - 4096;
  const mem = new GuestMemory();
  mem.setPages(last / 4096, 1, PROT_READ | PROT_EXEC, true);
  pokeU32(mem, TASK_SIZE - 8, E.ADDI(A0, A0, 1));
  pokeU32(mem, TASK_SIZE - 4, E.ADDI(A0, A0, 1));
  pokeU32(mem, last, JAL(0, 4096 + 16));
  const h = new Hart();
  h.pc = TASK_SIZE - 8;
  assert.equal(run(h, mem, 10), Stop.Fault);
  assert.equal(h.pc, TASK_SIZE);
  assert.equal(h.faultAddr, TASK_SIZE);
  assert.equal(h.getX(A0), 2);
  h.pc = last;
  assert.equal(run(h, mem, 1), Stop.Budget);
  assert.equal(h.pc, TASK_SIZE + 16);
  assert.equal(run(h, mem, 1), Stop.Fault);
  assert.equal(h.faultAddr, TASK_SIZE + 16);
});
