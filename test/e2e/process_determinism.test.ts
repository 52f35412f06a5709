// Deterministic mode covers processes: with one seed, fork order, pids, wait results, the
// --strace lines (which name every pid) and the retired instructions are the same on every run
// of a fork-heavy guest.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { guestCase, loadExpected } from '../helpers/guest_cases.js';
import { ecallUnavailable, GUEST_TIMEOUT_MS, runUnderEcallWith } from '../helpers/run_guest.js';

/** The replay seed (any fixed value) and the CPUs that let parent and children overlap. */
const SEED = '7';
const CPUS = '4';
/** Hang guard for two runs side by side. */
const TWO_RUNS_TIMEOUT_MS = 2 * GUEST_TIMEOUT_MS + 10_000;

const unavailable = ecallUnavailable();

/** Drops the host-time fields of the --stats lines (ms=, mips=, the JIT's compile_ms=); instret= stays. */
function withoutHostTime(stderr: Buffer): string {
  return stderr.toString('utf8').replace(/ ms=\S+ mips=\S+/g, '').replace(/ compile_ms=\S+/g, '');
}

describe('deterministic mode with processes', { skip: unavailable ?? false }, () => {
  for (const name of ['fork_wait', 'fork_shared', 'jobctl']) {
    it(`${name}: --seed ${SEED} twice gives the same stdout, --strace lines (pids included) and instret`,
      { timeout: TWO_RUNS_TIMEOUT_MS }, async () => {
        const c = guestCase(name);
        const options = ['--seed', SEED, '--cpus', CPUS, '--strace', '--stats'];
        const [a, b] = await Promise.all([runUnderEcallWith(c, options), runUnderEcallWith(c, options)]);
        assert.equal(a.status, 0, `${name} failed: ${a.stderr.toString('utf8').slice(-300)}`);
        assert.deepEqual(a.stdout, loadExpected(c).stdout, `${name} printed something other than its recorded output`);
        assert.equal(b.status, a.status);
        assert.deepEqual(b.stdout, a.stdout);
        const ea = withoutHostTime(a.stderr), eb = withoutHostTime(b.stderr);
        assert.match(ea, /ecall: instret=\d+/);
        assert.match(ea, /clone\(/, 'expected clone lines in the trace');
        assert.ok(ea === eb, `${name}: the two traces differ`);
      });
  }
});
