// Differential fuzz: fixed seeds over every extension group, ecall's CPU against qemu-riscv64.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compareBatch, formatMismatch } from './compare.js';
import { EcallCpu } from './ecall_cpu.js';
import { generateCase, GROUPS, type FuzzCase } from './gen.js';
import { qemuUnavailable } from './qemu.js';
import { jitOf } from '../../src/cpu/jit/jit.js';

/** Cases per extension group: 6 groups x 350 = 2100 sequences of 20-40 items. */
const CASES_PER_GROUP = 350;
/** Cases per group run again with the translator (each compiles a module, so fewer). */
const JIT_CASES_PER_GROUP = 150;
/** First seed of the fixed set; group g uses seeds FIRST_SEED .. FIRST_SEED + CASES_PER_GROUP - 1. */
const FIRST_SEED = 0x5eed0000;

const why = qemuUnavailable();
if (why !== null) console.log(`fuzz: skipping the differential fuzz test: ${why}`);

describe('differential instruction fuzz against qemu-riscv64', { skip: why ?? false }, () => {
  const cpu = new EcallCpu();
  for (const g of GROUPS) {
    test(`group ${g}: ${CASES_PER_GROUP} random sequences end in the same registers, fcsr and memory as qemu`, async () => {
      const cases: FuzzCase[] = [];
      for (let i = 0; i < CASES_PER_GROUP; i++) cases.push(generateCase(FIRST_SEED + i, g));
      const out = await compareBatch(cases, cpu);
      assert.equal(out.runnerError, null, 'the qemu runner must execute every generated case');
      assert.equal(out.cases, CASES_PER_GROUP);
      const report = out.mismatches.map(formatMismatch).join('\n\n');
      assert.equal(out.mismatchCount, 0, `${out.mismatchCount} mismatching cases; first ones:\n${report}`);
    });
  }
});

describe('differential instruction fuzz against qemu-riscv64, translated', { skip: why ?? false }, () => {
  // Threshold 0: each case's code is translated where it starts and at every branch target, so
  // the sequences run as WebAssembly up to the instructions the translator leaves to the interpreter.
  const cpu = new EcallCpu(0);
  for (const g of GROUPS) {
    test(`group ${g}: ${JIT_CASES_PER_GROUP} random sequences run translated end as under qemu`, async () => {
      const cases: FuzzCase[] = [];
      for (let i = 0; i < JIT_CASES_PER_GROUP; i++) cases.push(generateCase(FIRST_SEED + i, g));
      const out = await compareBatch(cases, cpu);
      assert.equal(out.runnerError, null, 'the qemu runner must execute every generated case');
      const report = out.mismatches.map(formatMismatch).join('\n\n');
      assert.equal(out.mismatchCount, 0, `${out.mismatchCount} mismatching cases; first ones:\n${report}`);
      assert.ok(jitOf(cpu.mem.phys)!.stats.retired > 0, 'nothing ran translated');
    });
  }
});
