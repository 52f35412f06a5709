// `ecall explore`: the PCT explorer finds glibc 2.36's lost cancellation result (bug 12683) and
// prints a replay command that reproduces it; the three other cancellation designs lose nothing
// over 2,000 runs each; a racy counter has several outcomes and a locked one exactly one; the
// report does not depend on --jobs. Every run is deterministic, so these are exact assertions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ecall, explore } from '../helpers/explore_cli.js';

/** A hang guard far above the normal time (a loaded 2-core machine takes about a minute per 2,000 runs). */
const TIMEOUT_MS = 1_200_000;
/** Runs per design in CI (the issue asks 2,000; the benchmark does 10,000). */
const DESIGN_RUNS = 2000;

describe('ecall explore', () => {
  it('finds the glibc 2.36 pthread_cancel lost result with PCT in under 1,000 runs of a fixed seed range, and its replay command reproduces it',
    { timeout: TIMEOUT_MS }, async () => {
      // Seeds 1..1000 hold two such schedules, the first at seed 206 (ecall explore --runs 1000). Which
      // seeds hit the window moves whenever the guest or the kernel's instruction counts change, so
      // the test searches the whole range (about 8 s on 2 cores) rather than a window around one seed.
      const r = await explore(['--runs', '1000', '--jobs', '2', '--seed-base', '1', '--strategy', 'pct', '--depth', '3', 'guest/bin/cancel_glibc']);
      const lost = r.outcomes.find((o) => o.verdict === 'EXPLORE: lost-result');
      assert.ok(lost, `no lost result in ${r.runs} runs: ${JSON.stringify(r.outcomes.map((o) => o.verdict))}`);
      assert.ok(lost.shrunk !== null, 'a failing outcome is shrunk');
      const words = lost.replay.split(' ');
      assert.deepEqual(words.slice(0, 2), ['ecall', 'run']);
      const out = await ecall(words.slice(1));
      assert.match(out, /^EXPLORE: lost-result$/m);
    });

  for (const [design, ext] of [['cancel_thunk', []], ['cancel_counter', ['--ext', 'syscall-counter']], ['cancel_vdso', ['--ext', 'cancel']]] as const) {
    it(`${design}: no lost result in ${DESIGN_RUNS} PCT runs`, { timeout: TIMEOUT_MS }, async () => {
      const r = await explore(['--runs', String(DESIGN_RUNS), '--jobs', '2', ...ext, guestPath(design)]);
      assert.equal(r.outcomes.length, 1, JSON.stringify(r.outcomes));
      assert.equal(r.outcomes[0]!.verdict, null);
      assert.equal(r.outcomes[0]!.code, 0);
    });
  }

  it('a racy counter gives at least two outcomes, a locked one exactly one', { timeout: TIMEOUT_MS }, async () => {
    const racy = await explore(['--runs', '16', '--jobs', '2', 'guest/bin/race', '2000']);
    assert.ok(racy.outcomes.length >= 2, `${racy.outcomes.length} outcome(s)`);
    const locked = await explore(['--runs', '16', '--jobs', '2', 'guest/bin/race_locked', '500']);
    assert.equal(locked.outcomes.length, 1);
  });

  it('prints the same report with --jobs 1 and --jobs 2, for both strategies', { timeout: TIMEOUT_MS }, async () => {
    for (const strategy of ['pct', 'random']) {
      const args = ['explore', '--runs', '10', '--strategy', strategy, 'guest/bin/race', '2000'];
      const one = await ecall([...args.slice(0, 1), '--jobs', '1', ...args.slice(1)]);
      const two = await ecall([...args.slice(0, 1), '--jobs', '2', ...args.slice(1)]);
      assert.equal(one, two, strategy);
      assert.match(one, /^outcome 2: /m, 'the race shows in 10 runs');
    }
  });
});

/** The committed binary of a guest program. */
function guestPath(name: string): string {
  return `guest/bin/${name}`;
}
