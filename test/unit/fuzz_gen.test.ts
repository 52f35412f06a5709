// The fuzz harness itself: encoders, generator invariants, the runner protocol and the comparison.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../fuzz/encode.js';
import { codeBytes, generateCase, GROUPS, prefixCase, type FuzzCase, type Insn } from '../fuzz/gen.js';
import { CASE_PC, REC_SLOTS, REG_S0, REG_SP, S0_ADDR, SCRATCH_BYTES, SLOT_F0, SLOT_FCSR, SP_ADDR } from '../fuzz/layout.js';
import { decodeResults, encodeCases, RESULT_BYTES } from '../fuzz/protocol.js';
import { qemuUnavailable, runQemu } from '../fuzz/qemu.js';
import { diffResults } from '../fuzz/compare.js';
import { EcallCpu } from '../fuzz/ecall_cpu.js';

describe('fuzz encoders', () => {
  test('base-format encoders produce the assembler encodings', () => {
    // Reference words from riscv64-linux-gnu-as -march=rv64gc.
    assert.equal(E.encR(0x33, 0, 0, 5, 6, 7), 0x007302b3);                 // add t0, t1, t2
    assert.equal(E.encI(0x1b, 5, 9, 10, 0x400 | 31), 0x41f5549b);          // sraiw s1, a0, 31
    assert.equal(E.encS(0x23, 3, 8, 30, -140), 0xf7e43a23);                // sd t5, -140(s0)
    assert.equal(E.encU(0x37, 1, 0xa4506), 0xa45060b7);                    // lui ra, 0xa4506
    assert.equal(E.encR4(0x43, 1, 29, 12, 19, 10, 4), 0x53364ec3);         // fmadd.d ft9, fa2, fs3, fa0, rmm
    assert.equal(E.encAmo(0x1c, 1, 1, 3, 31, 29, 23), 0xe77ebfaf);         // amomaxu.d.aqrl t6, s7, (t4)
    assert.equal(E.encI(0x73, 6, 3, 5, 2), 0x0022e1f3);                    // csrrsi gp, frm, 5
  });

  test('compressed encoders produce the assembler encodings', () => {
    assert.equal(E.cAddi4spn(13, 508), 0x1bf4);     // c.addi4spn a3, sp, 508
    assert.equal(E.cAddi16sp(-432), 0x7161);        // c.addi16sp sp, -432
    assert.equal(E.cLwsp(22, 208), 0x4b4e);         // c.lwsp s6, 208(sp)
    assert.equal(E.cSdsp(7, 10, 192), 0xe1aa);      // c.sdsp a0, 192(sp)
    assert.equal(E.cLSd(5, 8, 13, 248), 0xbc74);    // c.fsd fa3, 248(s0)
    assert.equal(E.cLSw(2, 8, 10, 100), 0x5068);    // c.lw a0, 100(s0)
    assert.equal(E.cBAlu(1, 13, 30), 0x86f9);       // c.srai a3, 30
    assert.equal(E.cA(1, 0, 15, 8), 0x9f81);        // c.subw a5, s0
  });

  test('branch and jump encoders place the offset bits where the decoder expects them', () => {
    assert.equal(E.encB(1, 5, 6, 8), 0x00629463);   // bne t0, t1, .+8
    assert.equal(E.encJ(1, 0), 0x000000ef);         // jal ra, .
    assert.equal(E.encJ(0, 8), 0x0080006f);         // jal x0, .+8
    assert.equal(E.cBranch(7, 9, 8), 0xe481);       // c.bnez s1, .+8
    assert.equal(E.cJ(6), 0xa019);                  // c.j .+6
  });
});

/** Returns the rd field of a 32-bit instruction if its opcode writes an integer register. */
function intRd(i: Insn): number | null {
  if (i.size !== 4) return null;
  const opc = i.bits & 0x7f;
  const rd = (i.bits >>> 7) & 31;
  if ([0x03, 0x13, 0x17, 0x1b, 0x33, 0x37, 0x3b, 0x2f, 0x67, 0x6f, 0x73].includes(opc)) return rd;
  if (opc === 0x53 && [0x50, 0x51, 0x60, 0x61, 0x70, 0x71].includes(i.bits >>> 25)) return rd;
  return null;
}

describe('fuzz generator', () => {
  test('the same seed and group give the same case', () => {
    for (const g of GROUPS) {
      const a = generateCase(42, g), b = generateCase(42, g);
      assert.deepEqual(codeBytes(a.insns), codeBytes(b.insns));
      assert.deepEqual(a.init, b.init);
      assert.deepEqual(a.scratch, b.scratch);
      assert.notDeepEqual(codeBytes(generateCase(43, g).insns), codeBytes(a.insns));
    }
  });

  test('no 32-bit instruction writes the reserved sp or s0', () => {
    for (const g of GROUPS) {
      for (let s = 0; s < 200; s++) {
        for (const i of generateCase(s, g).insns) {
          const rd = intRd(i);
          assert.ok(rd !== REG_SP && rd !== REG_S0, `${g}/${s}: ${i.text} writes a reserved register`);
        }
      }
    }
  });

  test('initial fcsr holds a valid rounding mode and fflags only', () => {
    for (let s = 0; s < 100; s++) {
      const fcsr = Number(generateCase(s, 'F').init[SLOT_FCSR]);
      assert.ok(fcsr < 256 && (fcsr >>> 5) <= 4, `fcsr 0x${fcsr.toString(16)}`);
    }
  });

  test('a prefix keeps the first n instructions and blanks the rest with same-sized nops', () => {
    const c = generateCase(7, 'C');
    const p = prefixCase(c, 5);
    assert.equal(codeBytes(p.insns).length, codeBytes(c.insns).length);
    assert.deepEqual(p.insns.slice(0, 5), c.insns.slice(0, 5));
    for (const i of p.insns.slice(5)) assert.equal(i.bits, i.size === 4 ? 0x13 : 0x0001);
  });
});

describe('fuzz protocol and comparison', () => {
  test('a case encodes to header, record, scratch and code', () => {
    const c = generateCase(1, 'I');
    const buf = encodeCases([c, c]);
    const one = 8 + REC_SLOTS * 8 + SCRATCH_BYTES + codeBytes(c.insns).length;
    assert.equal(buf.length, 2 * one);
    assert.equal(buf.readUInt32LE(0), 0x435a5546);
    assert.equal(buf.readUInt32LE(4), codeBytes(c.insns).length);
  });

  test('decodeResults ignores a trailing partial result', () => {
    const out = Buffer.alloc(RESULT_BYTES * 2 + 10);
    out.writeBigUInt64LE(5n, 8);
    const res = decodeResults(out);
    assert.equal(res.length, 2);
    assert.equal(res[0]!.regs[1], 5n);
  });

  test('diffResults names a flipped register bit and a changed scratch doubleword', () => {
    const regs = new BigUint64Array(REC_SLOTS), scratch = new Uint8Array(SCRATCH_BYTES);
    const ref = { regs, scratch };
    const got = { regs: regs.slice(), scratch: scratch.slice() };
    assert.deepEqual(diffResults(ref, got), []);
    got.regs[SLOT_F0 + 3] = 1n;
    got.scratch[17] = 9;
    assert.deepEqual(diffResults(ref, got).map((d) => d.what), ['f3', `mem[0x${(S0_ADDR - 0x100 + 16).toString(16)}]`]);
  });
});

const why = qemuUnavailable();
describe('fuzz runner under qemu-riscv64', { skip: why ?? false }, () => {
  /** A case with given instructions, zeroed registers except a0 = 41. */
  function handCase(insns: Insn[]): FuzzCase {
    const init = new BigUint64Array(REC_SLOTS);
    init[10] = 41n;
    init[SLOT_FCSR] = 0x40n; // frm = RDN
    return { seed: 0, group: 'I', insns, init, scratch: new Uint8Array(SCRATCH_BYTES).fill(0xab) };
  }
  const insns: Insn[] = [
    { bits: E.encI(0x13, 0, 10, 10, 1), size: 4, text: 'addi a0, a0, 1', reads: [10] },
    { bits: E.encU(0x17, 11, 0), size: 4, text: 'auipc a1, 0', reads: [] },
    { bits: E.encS(0x23, 3, REG_S0, 10, 3), size: 4, text: 'sd a0, 3(s0)', reads: [10] },
    { bits: E.encI(0x73, 2, 12, 0, 2), size: 4, text: 'csrrs a2, frm, x0', reads: [SLOT_FCSR] },
  ];

  test('a hand-written case runs at the fixed addresses with sp and s0 reserved', async () => {
    const q = await runQemu([handCase(insns)]);
    assert.equal(q.error, null);
    const r = q.results[0]!;
    assert.equal(r.regs[10], 42n);
    assert.equal(r.regs[11], BigInt(CASE_PC + 4));
    assert.equal(r.regs[12], 2n);
    assert.equal(r.regs[REG_SP], BigInt(SP_ADDR));
    assert.equal(r.regs[REG_S0], BigInt(S0_ADDR));
    assert.equal(r.scratch[0x100 + 3], 42); // misaligned store at s0 + 3
  });

  test('ecall\'s CPU matches the runner on the hand-written case', async () => {
    const c = handCase(insns);
    const q = await runQemu([c]);
    const e = new EcallCpu().runCase(c);
    assert.equal(e.error, null);
    assert.deepEqual(diffResults(q.results[0]!, e.result), []);
  });

  test('the runner reports which case faulted instead of hanging', async () => {
    const bad: Insn = { bits: E.encI(0x03, 3, 10, 0, 0), size: 4, text: 'ld a0, 0(x0)', reads: [0] };
    const q = await runQemu([handCase(insns), handCase([bad])]);
    assert.equal(q.results.length, 1);
    assert.match(q.error ?? '', /signal 11 in case 1/);
  });
});
