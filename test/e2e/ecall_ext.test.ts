// ecall's three extensions, each with its rules, its errors and its absence unless enabled: the
// per-thread syscall counter (seed 000), the vDSO cancellation helpers (seed 003) and the vDSO
// per-CPU operation (seed 002). The expected outputs are the extensions' contracts (README,
// "ecall extensions"); no other kernel has them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { harnessedCase } from '../helpers/guest_cases.js';
import { GUEST_CONCURRENCY, mapLimited } from '../helpers/pool.js';
import { ecallUnavailable, GUEST_TIMEOUT_MS, runUnderEcallWith } from '../helpers/run_guest.js';

const unavailable = ecallUnavailable();
const FEW_RUNS_TIMEOUT_MS = 6 * GUEST_TIMEOUT_MS;
/** SIGILL's shell status: reading the CPU CSR without the extension. */
const SIGILL_STATUS = 128 + 4;

/** Runs a harnessed program under ecall; returns its output as text and its status. */
async function run(program: string, options: string[], args: string[] = []): Promise<{ out: string; err: string; status: number }> {
  const r = await runUnderEcallWith(harnessedCase(program, args), options);
  return { out: r.stdout.toString('utf8'), err: r.stderr.toString('utf8'), status: r.status };
}

describe('the syscall counter extension', { skip: unavailable ?? false }, () => {
  it('is absent without --ext syscall-counter: both calls are ENOSYS', { timeout: GUEST_TIMEOUT_MS }, async () => {
    const r = await run('ext_counter', ['--ext', 'cancel,percpu']);
    assert.equal(r.out, 'ecall_features: ok\necall_features: syscall-counter bit set: no\necall_features with flags: EINVAL\n'
      + 'ecall_syscall_counter: ENOSYS\n', 'with other extensions on');
    const none = await run('ext_counter', []);
    assert.equal(none.out, 'ecall_features: ENOSYS\necall_syscall_counter: ENOSYS\n', 'with none on');
  });

  it('counts exactly the calls that complete, never one interrupted before it had an effect, per thread, with Linux-style errors',
    { timeout: FEW_RUNS_TIMEOUT_MS }, async () => {
      const expected = [
        'ecall_features: ok',
        'ecall_features: syscall-counter bit set: yes',
        'ecall_features with flags: EINVAL',
        'register with unknown flags: EINVAL',
        'register NULL: EINVAL',
        'register a misaligned counter: EINVAL',
        'register an unmapped counter: EFAULT',
        'register a read-only counter: EFAULT',
        'unregister while none is registered: EINVAL',
        'register: 0, counter now 1001 (the registering call is counted)',
        'register again: EBUSY, counter now 1002 (a failed call completes too)',
        'ten getppid calls and a failing close: +11',
        'tgkill to itself: the handler sees +1, after the handler +1 (rt_sigreturn is not counted)',
        'read interrupted, SA_RESTART: the handler sees +0; read returns 1; counted +1',
        'read interrupted, no SA_RESTART: the handler sees +0; read returns EINTR; counted +0',
        'nanosleep interrupted (ERESTART_RESTARTBLOCK): the handler sees +0; returns EINTR; counted +0',
        'thread: unregistering main\'s counter (a thread starts without one): EINVAL',
        'thread: registering its own: 0',
        'thread: its counter after one more call: 2',
        'the thread\'s calls are not counted in main\'s counter: yes',
        'unregister another counter: EINVAL',
        'unregister: 0',
        'after unregistering: +0',
        '',
      ].join('\n');
      for (const options of [['--ext', 'syscall-counter'], ['--ext', 'all', '--seed', '6', '--cpus', '2']]) {
        const r = await run('ext_counter', options);
        assert.equal(r.status, 0, r.err);
        assert.equal(r.out, expected, options.join(' '));
      }
    });

  it('is named in --strace', { timeout: GUEST_TIMEOUT_MS }, async () => {
    const r = await run('ext_counter', ['--ext', 'syscall-counter', '--strace']);
    assert.match(r.err, /^ecall_features\(0\) = 0x1$/m);
    assert.match(r.err, /^ecall_syscall_counter\(0x[0-9a-f]+, 0\) = 0$/m);
    assert.match(r.err, /^(\[pid \d+\] )?ecall_syscall_counter\(0x[0-9a-f]+, 1\) = 0$/m);
  });
});

describe('the vDSO cancellation helpers', { skip: unavailable ?? false }, () => {
  it('are absent without --ext cancel', { timeout: GUEST_TIMEOUT_MS }, async () => {
    const r = await run('ext_cancel', ['--ext', 'percpu,syscall-counter']);
    assert.equal(r.out, '__vdso_cancellable_syscall: absent, __vdso_cancel_pending_syscall: absent\n');
  });

  it('cancel a call that has not started or was stopped to restart, and leave a completed one its result', { timeout: FEW_RUNS_TIMEOUT_MS }, async () => {
    for (const options of [['--ext', 'cancel'], ['--ext', 'cancel', '--seed', '8', '--cpus', '4']]) {
      const r = await run('ext_cancel', [...options, '--strace']);
      assert.equal(r.status, 0, r.err);
      assert.equal(r.out, [
        '__vdso_cancellable_syscall: found, __vdso_cancel_pending_syscall: found',
        'a plain call through the thunk: getppid() == getppid()',
        'with a cancel already pending: -EINTR (no system call made)',
        'unknown flags: -22',
        'cancelled while blocked: the handler says 1; the read returns -EINTR',
        'the byte written after the cancel is still there: yes',
        'completed before the signal: the handler says 0; the read returns the byte',
        'outside the thunk: the handler says 0',
        '',
      ].join('\n'), options.join(' '));
      // The read that found a cancel pending never reached the kernel: the main thread's only
      // reads are the one that gets the byte back; the workers' are the cancelled and completed ones.
      const reads = r.err.split('\n').filter((l) => /^(\[pid \d+\] )?read\(3,/.test(l));
      assert.equal(reads.length, 3, reads.join('\n'));
    }
  });
});

describe('the vDSO per-CPU operation', { skip: unavailable ?? false }, () => {
  it('is absent without --ext percpu, and its CSR is an illegal instruction', { timeout: GUEST_TIMEOUT_MS }, async () => {
    const r = await run('ext_percpu', ['--ext', 'cancel']);
    assert.equal(r.out, '__vdso_percpu_cpu: absent, __vdso_percpu_cmpxchg: absent\n');
    const csr = await run('ext_percpu', [], ['csr']);
    assert.equal(csr.status, SIGILL_STATUS);
    const on = await run('ext_percpu', ['--ext', 'percpu'], ['csr']);
    assert.match(on.out, /^CSR 0xcc0 \(the CPU\): \d+, same as sched_getcpu: yes\n$/);
  });

  it('stores only on the named CPU with the expected value, is never half done, and keeps a per-CPU counter exact under --rseq-stress',
    { timeout: FEW_RUNS_TIMEOUT_MS }, async () => {
      const rules = [
        '__vdso_percpu_cpu: found, __vdso_percpu_cmpxchg: found',
        '__vdso_percpu_cpu() == sched_getcpu(): yes',
        'on its CPU with *x == z: 0, *x 6, *a 8',
        'with *x != z: 2, *x 6, *a 8',
        'on another CPU: 1, *x 6, *a 8',
        'a == NULL: 0, *x 10',
        'x misaligned: -22, a misaligned: -22',
        'x read-only: SIGSEGV, *a untouched: yes',
        'a read-only: SIGSEGV, *x untouched: yes',
      ].join('\n');
      const opts = (seed: string): string[] => ['--ext', 'percpu', '--seed', seed, '--cpus', '8', '--rseq-stress', '0.1', '--strace'];
      const [a, b] = await mapLimited(['5', '5'], GUEST_CONCURRENCY, async (s) => runUnderEcallWith(harnessedCase('ext_percpu', ['4', '3000']), opts(s)));
      for (const r of [a!, b!]) {
        assert.equal(r.status, 0);
        assert.equal(r.stdout.toString(), `${rules}\n4 threads x 3000 increments: total 12000, exact; each thread's *a matches its successes: yes\n`);
      }
      const restarts = (t: string): number => t.split('\n').filter((l) => l.includes('--- vdso percpu restart')).length;
      assert.ok(restarts(a!.stderr.toString()) > 0, 'the stress interrupted the vDSO section');
      assert.equal(restarts(a!.stderr.toString()), restarts(b!.stderr.toString()), 'the same seed, the same restarts');
      const plain = await run('ext_percpu', ['--ext', 'percpu']);
      assert.equal(plain.out, `${rules}\n4 threads x 10000 increments: total 40000, exact; each thread's *a matches its successes: yes\n`);
    });
});
