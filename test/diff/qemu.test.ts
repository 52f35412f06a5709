// Differential test: every case of guest/cases.json runs live under qemu-riscv64 and under ecall,
// and the two must agree (stdout, stderr unless the case says otherwise, exit status). Skipped
// when qemu-riscv64 is not on PATH; CI installs it. Cases whose output depends on the interleaving,
// and cases qemu-riscv64 gets wrong (recorded from a native build), are skipped with the reason.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resultDifferences } from '../helpers/compare.js';
import { loadCases } from '../helpers/guest_cases.js';
import { ecallUnavailable, findQemu, GUEST_TIMEOUT_MS, runUnderEcall, runUnderQemu } from '../helpers/run_guest.js';

/** Test timeout: both runs happen at once, so one runner timeout plus time to report. */
const TEST_TIMEOUT_MS = GUEST_TIMEOUT_MS + 10_000;
/** One case at a time: each case already runs two processes (qemu and ecall) on the 2 CI cores. */
const CASE_CONCURRENCY = 1;

const skip = findQemu() === null ? 'qemu-riscv64 is not on PATH (install qemu-user to run the differential tests)' : ecallUnavailable();

describe('guest programs behave the same under qemu-riscv64 and ecall', { concurrency: CASE_CONCURRENCY, skip: skip ?? false }, () => {
  for (const c of loadCases()) {
    const why = c.compare === false ? 'its output depends on the thread interleaving'
      : c.reference === 'native' ? `qemu-riscv64 is not a reference here: ${c.qemuDiffers}` : false;
    it(`${c.name}: qemu-riscv64 and ecall agree`, { timeout: TEST_TIMEOUT_MS, skip: why }, async () => {
      const [qemu, ecall] = await Promise.all([runUnderQemu(c), runUnderEcall(c)]);
      assert.deepEqual(resultDifferences(qemu, ecall, c.compareStderr, ['qemu', 'ecall']), []);
    });
  }
});
