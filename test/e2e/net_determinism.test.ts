// Sockets in deterministic mode: with --seed there is no host network, and IP sockets run on the
// kernel's simulated loopback network. The same seed must replay byte for byte (stdout and
// --strace), and the guests must print what they print on Linux (the recorded reference), under
// any seed and CPU count.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resultDifferences } from '../helpers/compare.js';
import { guestCase, type GuestResult, loadExpected } from '../helpers/guest_cases.js';
import { ecallUnavailable, GUEST_TIMEOUT_MS, runUnderEcallWith } from '../helpers/run_guest.js';

/** The replay seed (any fixed value) and two others for the output check. */
const REPLAY_SEED = '42';
const OTHER_SEEDS = ['3', '1000'];
/** Two runs after one another, with room for a slow CI. */
const TWO_RUNS_TIMEOUT_MS = 2 * GUEST_TIMEOUT_MS + 10_000;

const unavailable = ecallUnavailable();

/** Asserts that two runs produced the same bytes and status. */
function assertIdentical(a: GuestResult, b: GuestResult, what: string): void {
  assert.equal(a.status, b.status, `${what}: exit status differs`);
  assert.deepEqual(resultDifferences(a, b, true, ['first run', 'second run']), [], `${what}: runs differ`);
}

describe('sockets in deterministic mode (simulated loopback network)', { skip: unavailable ?? false }, () => {
  for (const name of ['sock_inet_seed', 'sock_unix']) {
    it(`${name}: --seed ${REPLAY_SEED} --strace twice gives byte-identical stdout and trace, and Linux's output`,
      { timeout: TWO_RUNS_TIMEOUT_MS }, async () => {
        const c = guestCase(name);
        const options = ['--seed', REPLAY_SEED, '--strace'];
        const first = await runUnderEcallWith(c, options);
        const second = await runUnderEcallWith(c, options);
        assert.equal(first.status, 0, `${name} failed: ${first.stderr.toString('utf8').slice(-400)}`);
        assert.match(first.stderr.toString('utf8'), /\bsocket\(AF_/, 'expected socket calls in the trace');
        assertIdentical(first, second, `${name} --seed ${REPLAY_SEED}`);
        assert.deepEqual(first.stdout, loadExpected(c).stdout, `${name} printed something other than Linux's output`);
      });
  }

  for (const seed of OTHER_SEEDS) {
    it(`sock_inet_seed prints Linux's output under --seed ${seed} on 1 and 3 CPUs`, { timeout: TWO_RUNS_TIMEOUT_MS }, async () => {
      const c = guestCase('sock_inet_seed');
      const expected = loadExpected(c);
      for (const cpus of ['1', '3']) {
        const r = await runUnderEcallWith(c, ['--seed', seed, '--cpus', cpus]);
        assert.deepEqual(resultDifferences(expected, r, c.compareStderr, ['Linux', `ecall --seed ${seed} --cpus ${cpus}`]), []);
      }
    });
  }
});
