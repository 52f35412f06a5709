// The syscall fuzzer guest in CI: a short fixed run (a few seeds of a few thousand hostile calls)
// must give no host exception, no hang and finish every run; the same seed replays the same run.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mapLimited } from '../helpers/pool.js';
import { ecallUnavailable } from '../helpers/run_guest.js';
import { runSysFuzz, sysRuleBroken } from './sys_fuzz.js';

/** The fixed seeds of the CI run (1 to 3 guest threads, see threadsFor) and the calls each
 *  makes: about 20,000 calls in all. */
const SEEDS = [1, 2, 3, 4];
const CALLS = 5000;
/** Share of generated calls the guest may skip (calls that would end the run); measured ~9%. */
const MAX_SKIPPED = 0.2;
/** Parallel runs: the CI machine has 2 cores. */
const JOBS = 2;

const unavailable = ecallUnavailable();

describe('syscall fuzzer (guest/src/sysfuzz.c under ecall run --seed)', { skip: unavailable ?? false }, () => {
  test(`${SEEDS.length} seeds x ${CALLS} hostile calls on 1 to 3 threads: no host exception, no hang, every run finishes`, async () => {
    const runs = await mapLimited(SEEDS, JOBS, (seed) => runSysFuzz(seed, CALLS));
    const bad = runs.filter((r) => r.failure !== null).map((r) => `seed ${r.seed} (${r.threads} threads): ${r.failure}\n  replay: ${r.replay}`);
    assert.deepEqual(new Set(runs.map((r) => r.threads)).size > 1, true, 'the runs cover one and several threads');
    assert.deepEqual(bad, []);
    for (const r of runs) {
      assert.ok(r.made! + r.skipped! === CALLS && r.skipped! < CALLS * MAX_SKIPPED, `seed ${r.seed}: ${r.summary}`);
      // Hostile arguments really reached the kernel: some calls succeed and some fault.
      assert.ok(r.ok! > 0 && r.efault! > 0, `seed ${r.seed}: ${r.summary}`);
    }
  });

  test('the same seed replays the same run on 2 threads (identical summary counters)', async () => {
    const [a, b] = await Promise.all([runSysFuzz(7, 2000, 2), runSysFuzz(7, 2000, 2)]);
    assert.equal(a.failure, null);
    assert.equal(a.summary, b.summary);
  });
});

test('the fuzz verdict: exit 70, stack traces, limit and deadlock notices and early ends are failures', () => {
  const done = 'sysfuzz: seed 1 made 1 skipped 0 ok 1 failed 0 (ENOSYS 0 EFAULT 0 EINVAL 0 EINTR 0) signals 0';
  assert.equal(sysRuleBroken(0, '', done), null);
  assert.match(sysRuleBroken(70, 'ecall: internal error: x is undefined (set ECALL_DEBUG=1 for details)\n', null)!, /^host exception/);
  assert.match(sysRuleBroken(1, 'TypeError: x\n    at f (file.js:1:2)\n', null)!, /^stack trace/);
  assert.match(sysRuleBroken(137, 'ecall: instruction limit reached: 5 instructions retired\n', null)!, /^hang/);
  assert.match(sysRuleBroken(137, 'ecall: deadlock: every task is blocked and no timer is pending\n', null)!, /^hang/);
  assert.match(sysRuleBroken(139, '', null)!, /ended early \(status 139\)/);
  assert.match(sysRuleBroken(0, 'something\n', done)!, /^unexpected stderr/);
});
