// Differential fuzz: fixed seeds over every extension group, ecall's CPU against qemu-riscv64.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compareBatch, formatMismatch } from './compare.js';
import { EcallCpu } from './ecall_cpu.js';
import { generateCase, GROUPS, type FuzzCase } from './gen.js';
import { qemuUnavailable } from './qemu.js';

/** Cases per extension group: 6 groups x 350 = 2100 sequences of 20-40 items. */
const CASES_PER_GROUP = 350;
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
