// Every case of guest/cases.json under ecall matches the output recorded from qemu-riscv64
// in guest/expected/ (stdout, stderr unless the case says otherwise, and exit status). Cases with
// "reference": "native" were recorded from a native Linux build instead (qemu gets them wrong).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resultDifferences } from '../helpers/compare.js';
import { loadCases, loadExpected } from '../helpers/guest_cases.js';
import { GUEST_CONCURRENCY } from '../helpers/pool.js';
import { ecallUnavailable, GUEST_TIMEOUT_MS, runUnderEcall } from '../helpers/run_guest.js';

/** Test timeout: the runner's own kill timer plus time to report. */
const TEST_TIMEOUT_MS = GUEST_TIMEOUT_MS + 10_000;

const unavailable = ecallUnavailable();

describe('guest programs under ecall match the committed qemu-riscv64 outputs',
  { concurrency: GUEST_CONCURRENCY, skip: unavailable ?? false }, () => {
    for (const c of loadCases()) {
      const what = [c.program, ...c.args.map((a) => JSON.stringify(a))].join(' ');
      const skip = c.compare !== false ? false : 'its output depends on the thread interleaving (see determinism.test)';
      it(`${c.name}: ${what} gives the recorded stdout${c.compareStderr ? ', stderr' : ''} and exit status`,
        { timeout: TEST_TIMEOUT_MS, skip }, async () => {
          const expected = loadExpected(c);
          const actual = await runUnderEcall(c);
          assert.deepEqual(resultDifferences(expected, actual, c.compareStderr, ['qemu', 'ecall']), []);
        });
    }
  });
