// Deterministic mode: `ecall run --seed S --cpus N` takes scheduling, virtual time and randomness
// from the seed. The same seed must replay the same interleaving (byte-identical stdout and
// --strace), different seeds must reach different interleavings of a racy program, and a correct
// program must stay correct on any number of CPUs and under any seed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resultDifferences } from '../helpers/compare.js';
import { guestCase, type GuestResult, loadExpected } from '../helpers/guest_cases.js';
import { GUEST_CONCURRENCY, mapLimited } from '../helpers/pool.js';
import { ecallUnavailable, GUEST_TIMEOUT_MS, runUnderEcallWith } from '../helpers/run_guest.js';

/** Seeds tried when looking for distinct interleavings. The runs are deterministic, so the result
 *  for seeds 1..N is fixed: race reaches 3 distinct totals within the first 10 seeds, and the
 *  locked counter is exact under every one; 24 x 2 runs keep the sweep near a minute on 2 cores. */
const SEED_COUNT = 24;
/** The seed of the replay tests (any fixed value). */
const REPLAY_SEED = '42';
/** CPUs of the racy runs: enough harts for the four racing threads to overlap. */
const RACE_CPUS = '4';
/** Increments per thread in the seed sweep: small keeps 200 runs fast; still thousands of
 *  instructions per thread, so a preemption lands inside the loop of another thread. */
const SWEEP_RACE_N = '2000';
const SWEEP_LOCKED_N = '200';
/** Seeds for the atomics check (each run is short; a broken reservation shows within a few). */
const ATOMICS_SEEDS = 8;
const ATOMICS_N = '1000';
/** Threads in race.c and race_locked.c. */
const RACE_THREADS = 4;
/** Hang guard of a sweep (each run also has its own, GUEST_TIMEOUT_MS): a sweep takes one to three
 *  minutes on a loaded 2-core machine; this is far above that. */
const SWEEP_TIMEOUT_MS = 3_600_000;
/** Hang guard of a test that makes a few runs one after another. */
const FEW_RUNS_TIMEOUT_MS = 4 * GUEST_TIMEOUT_MS + 10_000;

const unavailable = ecallUnavailable();

/** Returns the counter a race or race_locked run printed; throws when the line is missing. */
function finalCounter(r: GuestResult, name: string): number {
  const m = /counter (\d+)\n$/.exec(r.stdout.toString('utf8'));
  if (m === null) {
    throw new Error(`${name}: no final counter (status ${r.status}); stdout ${JSON.stringify(r.stdout.toString('utf8').slice(0, 200))}, `
      + `stderr ${JSON.stringify(r.stderr.toString('utf8').slice(0, 200))}`);
  }
  return Number(m[1]);
}

/** Asserts that two runs produced the same bytes on stdout and stderr and the same status. */
function assertIdentical(a: GuestResult, b: GuestResult, what: string): void {
  assert.equal(a.status, b.status, `${what}: exit status differs`);
  assert.deepEqual(resultDifferences(a, b, true, ['first run', 'second run']), [], `${what}: runs differ`);
}

describe('deterministic mode (--seed, --cpus)', { skip: unavailable ?? false }, () => {
  for (const name of ['race', 'threads', 'uring']) {
    it(`${name}: --seed ${REPLAY_SEED} --cpus ${RACE_CPUS} twice gives byte-identical stdout and --strace output`,
      { timeout: FEW_RUNS_TIMEOUT_MS }, async () => {
        const c = guestCase(name);
        const options = ['--seed', REPLAY_SEED, '--cpus', RACE_CPUS, '--strace'];
        const [first, second] = await Promise.all([runUnderEcallWith(c, options), runUnderEcallWith(c, options)]);
        assert.equal(first.status, 0, `${name} failed: ${first.stderr.toString('utf8').slice(-300)}`);
        assert.ok(first.stderr.length > 0, 'expected --strace lines on stderr');
        assertIdentical(first, second, `${name} --seed ${REPLAY_SEED}`);
        if (name === 'threads') {
          assert.deepEqual(first.stdout, loadExpected(c).stdout, 'threads printed something other than its recorded output');
        }
      });
  }

  it('without --strace the same seed still gives the same race total (tracing does not change the schedule)',
    { timeout: FEW_RUNS_TIMEOUT_MS }, async () => {
      const c = guestCase('race');
      const traced = await runUnderEcallWith(c, ['--seed', REPLAY_SEED, '--cpus', RACE_CPUS, '--strace']);
      const plain = await runUnderEcallWith(c, ['--seed', REPLAY_SEED, '--cpus', RACE_CPUS]);
      assert.equal(finalCounter(plain, 'race'), finalCounter(traced, 'race'));
    });

  it(`over ${SEED_COUNT} seeds on ${RACE_CPUS} CPUs, race reaches at least 2 distinct totals and race_locked is always exact`,
    { timeout: SWEEP_TIMEOUT_MS }, async () => {
      const race = guestCase('race', [SWEEP_RACE_N]);
      const locked = guestCase('race_locked', [SWEEP_LOCKED_N]);
      const seeds = Array.from({ length: SEED_COUNT }, (_, i) => String(i + 1));
      const jobs = seeds.flatMap((s) => [{ c: race, s }, { c: locked, s }]);
      const results = await mapLimited(jobs, GUEST_CONCURRENCY, async (j) => ({
        ...j, r: await runUnderEcallWith(j.c, ['--seed', j.s, '--cpus', RACE_CPUS]),
      }));
      const raceTotals = new Set<number>();
      const wrongLocked: string[] = [];
      const lockedExact = RACE_THREADS * Number(SWEEP_LOCKED_N);
      for (const { c, s, r } of results) {
        const total = finalCounter(r, `${c.name} --seed ${s}`);
        if (c.name === 'race') {
          assert.equal(r.status, 0, `race --seed ${s} exited with ${r.status}`);
          assert.ok(total >= Number(SWEEP_RACE_N) && total <= RACE_THREADS * Number(SWEEP_RACE_N),
            `race --seed ${s}: impossible total ${total}`);
          raceTotals.add(total);
        } else if (total !== lockedExact || r.status !== 0) {
          wrongLocked.push(`seed ${s}: ${total} (status ${r.status})`);
        }
      }
      assert.deepEqual(wrongLocked, [], `race_locked must always print ${lockedExact}`);
      assert.ok(raceTotals.size >= 2, `race printed the same total under every seed: ${[...raceTotals].join(', ')}`);
    });

  it(`lr/sc, amoadd and amoswap stay atomic across ${RACE_CPUS} CPUs under ${ATOMICS_SEEDS} seeds (atomics prints exact totals)`,
    { timeout: SWEEP_TIMEOUT_MS }, async () => {
      const c = guestCase('atomics', [ATOMICS_N]);
      const seeds = Array.from({ length: ATOMICS_SEEDS }, (_, i) => String(i + 1));
      const runs = await mapLimited(seeds, GUEST_CONCURRENCY, async (s) => ({ s, r: await runUnderEcallWith(c, ['--seed', s, '--cpus', RACE_CPUS]) }));
      const wrong = runs.filter(({ r }) => r.status !== 0).map(({ s, r }) => `seed ${s}: ${r.stdout.toString('utf8').trim()} (status ${r.status})`);
      assert.deepEqual(wrong, []);
    });

  for (const cpus of ['1', '8']) {
    it(`threads runs correctly with --cpus ${cpus} (recorded stdout and exit status)`, { timeout: FEW_RUNS_TIMEOUT_MS }, async () => {
      const c = guestCase('threads');
      const expected = loadExpected(c);
      const withSeed = await runUnderEcallWith(c, ['--cpus', cpus, '--seed', '7']);
      assert.deepEqual(resultDifferences(expected, withSeed, c.compareStderr, ['qemu', `ecall --cpus ${cpus} --seed 7`]), []);
      const realTime = await runUnderEcallWith(c, ['--cpus', cpus]);
      assert.deepEqual(resultDifferences(expected, realTime, c.compareStderr, ['qemu', `ecall --cpus ${cpus}`]), []);
    });
  }
});
