// rseq under ecall's deterministic scheduler and --rseq-stress: a per-CPU counter stays exact
// while sections abort, the same seed gives the same aborts (and --strace), a per-CPU library on
// plain rseq survives 8 threads on 4 virtual CPUs for 10^6 operations, the ABI and abort programs
// print their native-Linux outputs on any CPU count, and glibc 2.36 on riscv64 registers nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { guestCase, harnessedCase, loadExpected } from '../helpers/guest_cases.js';
import { GUEST_CONCURRENCY, mapLimited } from '../helpers/pool.js';
import { ecallUnavailable, GUEST_TIMEOUT_MS, runUnderEcallWith } from '../helpers/run_guest.js';

const unavailable = ecallUnavailable();
/** Hang guard of a test that makes a few runs. */
const FEW_RUNS_TIMEOUT_MS = 6 * GUEST_TIMEOUT_MS;
/** The stress probability: high enough that thousands of sections abort in a short run. */
const STRESS = '0.05';

/** Returns the number after "aborts " in a -v run's output. */
function aborts(out: string): number {
  const m = /aborts (\d+)/.exec(out);
  if (m === null) throw new Error(`no abort count in ${JSON.stringify(out)}`);
  return Number(m[1]);
}

describe('rseq', { skip: unavailable ?? false }, () => {
  it('a per-CPU counter of 4 threads on 8 CPUs under --rseq-stress is exact, aborts, and aborts identically for the same seed',
    { timeout: FEW_RUNS_TIMEOUT_MS }, async () => {
      const c = guestCase('rseq_counter', ['-v', '4', '5000']);
      const opts = (seed: string): string[] => ['--seed', seed, '--cpus', '8', '--rseq-stress', STRESS];
      const [a, b, other] = await mapLimited(['11', '11', '12'], GUEST_CONCURRENCY, (s) => runUnderEcallWith(c, opts(s)));
      for (const r of [a!, b!, other!]) {
        assert.equal(r.status, 0, r.stderr.toString());
        assert.match(r.stdout.toString(), /^4 threads x 5000 increments: total 20000, exact\n/);
      }
      assert.ok(aborts(a!.stdout.toString()) > 0, 'the stress made sections abort');
      assert.equal(a!.stdout.toString(), b!.stdout.toString(), 'the same seed, the same aborts');
      assert.notEqual(aborts(a!.stdout.toString()), aborts(other!.stdout.toString()), 'another seed, other aborts');
    });

  it('the same seed and stress give byte-identical --strace output, the rseq aborts included', { timeout: FEW_RUNS_TIMEOUT_MS }, async () => {
    const c = guestCase('rseq_counter', ['4', '1000']);
    const opts = ['--seed', '21', '--cpus', '4', '--rseq-stress', STRESS, '--strace'];
    const [a, b] = await mapLimited([0, 1], GUEST_CONCURRENCY, () => runUnderEcallWith(c, opts));
    const trace = a!.stderr.toString();
    assert.match(trace, /--- rseq abort \{ip=0x[0-9a-f]+, abort_ip=0x[0-9a-f]+, event=(preempt|migrate)\} ---/);
    assert.equal(trace, b!.stderr.toString());
  });

  it('a per-CPU library on plain rseq (counter, list push and pop) works with 8 threads on 4 CPUs for 10^6 operations',
    { timeout: FEW_RUNS_TIMEOUT_MS }, async () => {
      const c = guestCase('rseq_percpu_lib', ['-v', '8', '1000000']);
      const r = await runUnderEcallWith(c, ['--seed', '1', '--cpus', '4']);
      assert.equal(r.status, 0, r.stderr.toString());
      const out = r.stdout.toString();
      assert.match(out, /^8 threads, 1000000 operations: counter exact, every node in exactly one list\n/);
      assert.ok(aborts(out) > 0, `8 threads on 4 CPUs preempt each other inside sections: ${out}`);
      const stressed = await runUnderEcallWith(guestCase('rseq_percpu_lib', ['-v', '8', '100000']), ['--seed', '2', '--cpus', '4', '--rseq-stress', STRESS]);
      assert.equal(stressed.status, 0, stressed.stderr.toString());
      assert.match(stressed.stdout.toString(), /^8 threads, 100000 operations: counter exact, every node in exactly one list\n/);
    });

  it('the ABI, abort and membarrier programs print their native-Linux outputs under --seed on 2, 4 and 8 CPUs', { timeout: FEW_RUNS_TIMEOUT_MS }, async () => {
    const jobs = ['rseq_abi', 'rseq_abort', 'membarrier'].flatMap((name) => ['2', '4', '8'].map((cpus) => ({ name, cpus })));
    const wrong: string[] = [];
    await mapLimited(jobs, GUEST_CONCURRENCY, async ({ name, cpus }) => {
      const c = guestCase(name);
      const r = await runUnderEcallWith(c, ['--seed', '9', '--cpus', cpus]);
      if (r.status !== 0 || !r.stdout.equals(loadExpected(c).stdout)) wrong.push(`${name} --cpus ${cpus}: ${r.stdout.toString()}`);
    });
    assert.deepEqual(wrong, []);
  });

  it('an RSEQ barrier naming the caller\'s own CPU leaves a section on another CPU alone', { timeout: GUEST_TIMEOUT_MS }, async () => {
    const r = await runUnderEcallWith(guestCase('membarrier', ['exact']), ['--seed', '4', '--cpus', '2']);
    assert.equal(r.status, 0);
    assert.match(r.stdout.toString(), /RSEQ barrier on the caller's own CPU \(MEMBARRIER_CMD_FLAG_CPU 0\) leaves it alone: yes\n$/);
  });

  it('--strace shows why each section aborted: a signal, a preemption, a migration', { timeout: GUEST_TIMEOUT_MS }, async () => {
    const r = await runUnderEcallWith(guestCase('rseq_abort'), ['--seed', '3', '--cpus', '4', '--strace']);
    assert.equal(r.status, 0);
    const events = [...r.stderr.toString().matchAll(/--- rseq abort \{[^}]*event=([a-z|]+)\} ---/g)].map((m) => m[1]);
    for (const e of ['signal', 'preempt', 'migrate']) assert.ok(events.some((x) => x!.split('|').includes(e)), `no ${e} abort in ${events.join(', ')}`);
  });

  it('glibc 2.36 on riscv64 registers no rseq area (its riscv rseq.h has no RSEQ_SIG), with or without GLIBC_TUNABLES', { timeout: GUEST_TIMEOUT_MS }, async () => {
    for (const env of [{}, { GLIBC_TUNABLES: 'glibc.pthread.rseq=0' }] as Record<string, string>[]) {
      const r = await runUnderEcallWith(harnessedCase('thread_create', ['2'], env), ['--strace']);
      assert.equal(r.status, 0);
      assert.doesNotMatch(r.stderr.toString(), /rseq\(/);
    }
  });
});
