import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defs } from '../../src/kernel/syscalls/time.js';
import { defs as signalDefs } from '../../src/kernel/syscalls/signal.js';
import type { Task } from '../../src/kernel/task.js';
import { timeLeft } from '../../src/kernel/time/deadline.js';
import { dl, interruptCall, runAsDispatcher } from './request_helpers.js';
import { EFAULT, EINVAL, EOPNOTSUPP, EPERM, ERESTART_RESTARTBLOCK, ERESTARTNOHAND } from '../../src/abi/errno.js';
import { Blocked } from '../../src/kernel/request.js';
import { TaskState } from '../../src/kernel/task.js';
import { BUF, fixture, RO, UNMAPPED } from './sys_proc_fixture.js';
import { fill } from './mem_helpers.js';
import { argsOf } from './sys_proc_fixture.js';

function ts(f: ReturnType<typeof fixture>, addr: number): [bigint, bigint] {
  return [f.mem.readBig64(addr), f.mem.readBig64(addr + 8)];
}

/** Time left in t's sleep, or null when t is not in a sleeping call. */
const sleepRemaining = (t: Task): bigint | null => (t.inSyscall ? timeLeft(t.kernel, t.syscall.deadline!) : null);
/** A signal interrupts t's sleep: the value the call returns, or null when t is not asleep. */
const sleepInterrupted = (t: Task): number | null => interruptCall(t);
/** restart_syscall as t: continues the interrupted sleep, or null when there is none to continue. */
const sleepRestart = (t: Task): unknown => {
  if (t.restartBlock === null) return null;
  const def = signalDefs.find((d) => d.name === 'restart_syscall')!;
  return runAsDispatcher(t, def.nr, () => def.handler!(t, argsOf([]), t.syscall));
};

test('clock_gettime reads realtime, monotonic and boottime from the kernel clocks', () => {
  const f = fixture();
  assert.equal(f.call(defs, 'clock_gettime', 0, BUF), 0);
  assert.deepEqual(ts(f, BUF), [1_700_000_000n, 123_456_789n]);
  assert.equal(f.call(defs, 'clock_gettime', 1, BUF), 0);
  assert.deepEqual(ts(f, BUF), [5n, 123n]);
  assert.equal(f.call(defs, 'clock_gettime', 7, BUF), 0);
  assert.deepEqual(ts(f, BUF), [5n, 123n]);
  assert.equal(f.call(defs, 'clock_gettime', 4, BUF), 0);
  assert.deepEqual(ts(f, BUF), [5n, 123n]);
});

test('coarse clocks are truncated to a 4 ms jiffy', () => {
  const f = fixture();
  f.clock.mono = 7_005_999_999n;
  assert.equal(f.call(defs, 'clock_gettime', 6, BUF), 0);
  assert.deepEqual(ts(f, BUF), [7n, 4_000_000n]);
  assert.equal(f.call(defs, 'clock_gettime', 5, BUF), 0);
  assert.deepEqual(ts(f, BUF), [1_700_000_000n, 120_000_000n]);
});

test('CPU clocks count retired instructions at 1 ns each', () => {
  const f = fixture();
  f.t.hart.instret = 2_500_000_001;
  const t2 = f.addThread(101);
  t2.hart.instret = 1000;
  f.t.tg.instret = 7; // exited threads
  assert.equal(f.call(defs, 'clock_gettime', 3, BUF), 0);
  assert.deepEqual(ts(f, BUF), [2n, 500_000_001n]);
  assert.equal(f.call(defs, 'clock_gettime', 2, BUF), 0);
  assert.deepEqual(ts(f, BUF), [2n, 500_001_008n]);
  // Dynamic id of thread 101's CPU clock: ~tid << 3 | perthread | SCHED.
  assert.equal(f.call(defs, 'clock_gettime', (~101 << 3) | 4 | 2, BUF), 0);
  assert.deepEqual(ts(f, BUF), [0n, 1000n]);
  // The process clock of pid 100 by dynamic id equals CLOCK_PROCESS_CPUTIME_ID.
  assert.equal(f.call(defs, 'clock_gettime', (~100 << 3) | 2, BUF), 0);
  assert.deepEqual(ts(f, BUF), [2n, 500_001_008n]);
  t2.state = TaskState.Exited;
  assert.equal(f.call(defs, 'clock_gettime', 2, BUF), 0);
  assert.deepEqual(ts(f, BUF), [2n, 500_000_008n]);
});

test('clock_gettime rejects unknown clocks with EINVAL and bad pointers with EFAULT', () => {
  const f = fixture();
  for (const id of [10, 12, 16, 1000, (~999 << 3) | 2, (~100 << 3) | 3]) {
    assert.equal(f.call(defs, 'clock_gettime', id, BUF), -EINVAL, `clock ${id}`);
  }
  assert.equal(f.call(defs, 'clock_gettime', 1, RO), -EFAULT);
  assert.equal(f.call(defs, 'clock_gettime', 1, UNMAPPED), -EFAULT);
});

test('clock_getres: 1 ns for fine clocks, 4 ms for coarse ones, NULL allowed', () => {
  const f = fixture();
  assert.equal(f.call(defs, 'clock_getres', 1, BUF), 0);
  assert.deepEqual(ts(f, BUF), [0n, 1n]);
  assert.equal(f.call(defs, 'clock_getres', 6, BUF), 0);
  assert.deepEqual(ts(f, BUF), [0n, 4_000_000n]);
  assert.equal(f.call(defs, 'clock_getres', 2, BUF), 0);
  assert.deepEqual(ts(f, BUF), [0n, 1n]);
  assert.equal(f.call(defs, 'clock_getres', 0, 0), 0);
  assert.equal(f.call(defs, 'clock_getres', 99, 0), -EINVAL);
});

test('gettimeofday writes microseconds and a zero timezone; either pointer may be NULL', () => {
  const f = fixture();
  fill(f.mem, BUF + 16, BUF + 24, 0xff);
  assert.equal(f.call(defs, 'gettimeofday', BUF, BUF + 16), 0);
  assert.deepEqual(ts(f, BUF), [1_700_000_000n, 123_456n]);
  assert.equal(f.mem.readBig64(BUF + 16), 0n);
  assert.equal(f.call(defs, 'gettimeofday', 0, 0), 0);
  assert.equal(f.call(defs, 'gettimeofday', 0, RO), -EFAULT);
});

test('setting clocks is refused with EPERM after validation', () => {
  const f = fixture();
  f.mem.writeBig64(BUF, 1n); f.mem.writeBig64(BUF + 8, 0n);
  assert.equal(f.call(defs, 'clock_settime', 0, BUF), -EPERM);
  assert.equal(f.call(defs, 'clock_settime', 1, BUF), -EINVAL);
  assert.equal(f.call(defs, 'clock_settime', 0, UNMAPPED), -EFAULT);
  f.mem.writeBig64(BUF + 8, 1_000_000_000n);
  assert.equal(f.call(defs, 'clock_settime', 0, BUF), -EINVAL);
  assert.equal(f.call(defs, 'settimeofday', 0, 0), -EPERM);
});

test('nanosleep blocks until the monotonic deadline, then its re-run returns 0', () => {
  const f = fixture();
  f.mem.writeBig64(BUF, 1n); f.mem.writeBig64(BUF + 8, 500n);
  const r = f.call(defs, 'nanosleep', BUF, BUF + 16);
  assert.ok(r instanceof Blocked);
  assert.equal(dl(r), 5_000_000_123n + 1_000_000_500n);
  assert.equal(r.restart, ERESTART_RESTARTBLOCK);
  assert.deepEqual(r.queues, []);
  // A spurious early re-run keeps the original deadline.
  f.clock.mono += 400_000_000n;
  const again = f.call(defs, 'nanosleep', BUF, BUF + 16);
  assert.ok(again instanceof Blocked);
  assert.equal(dl(again), dl(r));
  assert.equal(sleepRemaining(f.t), 600_000_500n);
  f.clock.mono = dl(r)!;
  assert.equal(f.call(defs, 'nanosleep', BUF, BUF + 16), 0);
  assert.equal(sleepRemaining(f.t), null);
});

test('a new nanosleep call (not a resumption) computes a fresh deadline', () => {
  const f = fixture();
  f.mem.writeBig64(BUF, 0n); f.mem.writeBig64(BUF + 8, 1000n);
  const a = f.call(defs, 'nanosleep', BUF, 0) as Blocked;
  f.clock.mono += 10n;
  f.t.inSyscall = false; // the kernel abandoned the sleep (a signal ran user code): a new call
  const b = f.call(defs, 'nanosleep', BUF, 0) as Blocked;
  assert.equal(dl(b), dl(a)! + 10n);
});

test('after an interruption, a call from the same pc with no instructions in between is a new sleep', () => {
  const f = fixture();
  f.mem.writeBig64(BUF, 0n); f.mem.writeBig64(BUF + 8, 1000n);
  const a = f.call(defs, 'nanosleep', BUF, 0) as Blocked;
  f.clock.mono += 10n;
  assert.equal(sleepInterrupted(f.t), -ERESTART_RESTARTBLOCK);
  const b = f.call(defs, 'nanosleep', BUF, 0) as Blocked;
  assert.equal(dl(b), dl(a)! + 10n);
});

test('nanosleep validates the timespec: EINVAL for bad nsec or negative sec, EFAULT for bad req', () => {
  const f = fixture();
  f.mem.writeBig64(BUF, 0n); f.mem.writeBig64(BUF + 8, 1_000_000_000n);
  assert.equal(f.call(defs, 'nanosleep', BUF, 0), -EINVAL);
  f.mem.writeBig64(BUF, -1n); f.mem.writeBig64(BUF + 8, 0n);
  assert.equal(f.call(defs, 'nanosleep', BUF, 0), -EINVAL);
  f.mem.writeBig64(BUF, 0n); f.mem.writeBig64(BUF + 8, -1n);
  assert.equal(f.call(defs, 'nanosleep', BUF, 0), -EINVAL);
  assert.equal(f.call(defs, 'nanosleep', UNMAPPED, 0), -EFAULT);
  f.mem.writeBig64(BUF, 0n); f.mem.writeBig64(BUF + 8, 0n);
  assert.equal(f.call(defs, 'nanosleep', BUF, 0), 0);
});

test('an interrupted relative sleep writes *rem and restart_syscall resumes the same deadline', () => {
  const f = fixture();
  f.mem.writeBig64(BUF, 2n); f.mem.writeBig64(BUF + 8, 0n);
  const b = f.call(defs, 'nanosleep', BUF, BUF + 16) as Blocked;
  f.clock.mono += 750_000_000n;
  assert.equal(sleepInterrupted(f.t), -ERESTART_RESTARTBLOCK);
  assert.deepEqual(ts(f, BUF + 16), [1n, 250_000_000n]);
  f.clock.mono += 1n;
  const r = sleepRestart(f.t);
  assert.ok(r instanceof Blocked);
  assert.equal(dl(r), dl(b));
  f.clock.mono = dl(b)!;
  assert.equal(sleepRestart(f.t), 0);
  assert.equal(sleepRestart(f.t), null);
  assert.equal(sleepInterrupted(f.t), null);
});

test('an interrupted sleep with an unwritable rem gives EFAULT', () => {
  const f = fixture();
  f.mem.writeBig64(BUF, 2n); f.mem.writeBig64(BUF + 8, 0n);
  f.call(defs, 'nanosleep', BUF, RO);
  assert.equal(sleepInterrupted(f.t), -EFAULT);
});

test('clock_nanosleep TIMER_ABSTIME sleeps to an absolute time and never writes rem', () => {
  const f = fixture();
  f.mem.writeBig64(BUF, 9n); f.mem.writeBig64(BUF + 8, 0n);
  f.mem.writeBig64(BUF + 16, 77n);
  const b = f.call(defs, 'clock_nanosleep', 1, 1, BUF, BUF + 16) as Blocked;
  assert.equal(dl(b), 9_000_000_000n);
  assert.equal(b.restart, ERESTARTNOHAND);
  assert.equal(sleepInterrupted(f.t), -ERESTARTNOHAND);
  assert.equal(f.mem.readBig64(BUF + 16), 77n);
  // A deadline in the past returns at once.
  f.mem.writeBig64(BUF, 1n);
  f.t.hart.instret++;
  assert.equal(f.call(defs, 'clock_nanosleep', 1, 1, BUF, 0), 0);
});

test('clock_nanosleep on CLOCK_REALTIME maps an absolute deadline onto the monotonic clock', () => {
  const f = fixture();
  f.mem.writeBig64(BUF, 1_700_000_003n); f.mem.writeBig64(BUF + 8, 123_456_789n);
  const b = f.call(defs, 'clock_nanosleep', 0, 1, BUF, 0) as Blocked;
  assert.equal(dl(b), f.clock.mono + 3_000_000_000n);
  // The wall clock jumped forward past the deadline: the re-run completes.
  f.clock.real += 5_000_000_000n;
  assert.equal(f.call(defs, 'clock_nanosleep', 0, 1, BUF, 0), 0);
});

test('clock_nanosleep errors: bad clock EINVAL, coarse/raw EOPNOTSUPP, own thread clock EINVAL', () => {
  const f = fixture();
  f.mem.writeBig64(BUF, 1n); f.mem.writeBig64(BUF + 8, 0n);
  assert.equal(f.call(defs, 'clock_nanosleep', 42, 0, BUF, 0), -EINVAL);
  assert.equal(f.call(defs, 'clock_nanosleep', 6, 0, UNMAPPED, 0), -EOPNOTSUPP);
  assert.equal(f.call(defs, 'clock_nanosleep', 4, 0, BUF, 0), -EOPNOTSUPP);
  assert.equal(f.call(defs, 'clock_nanosleep', 3, 0, UNMAPPED, 0), -EFAULT);
  assert.equal(f.call(defs, 'clock_nanosleep', 3, 0, BUF, 0), -EINVAL);
  f.mem.writeBig64(BUF + 8, 1_000_000_000n);
  assert.equal(f.call(defs, 'clock_nanosleep', 1, 0, BUF, 0), -EINVAL);
});

test('times fills struct tms in 100 Hz ticks and returns ticks since boot', () => {
  const f = fixture();
  f.t.hart.instret = 3_000_000_000;
  assert.equal(f.call(defs, 'times', BUF), 500);
  assert.deepEqual([0, 8, 16, 24].map((o) => f.mem.readBig64(BUF + o)), [300n, 0n, 0n, 0n]);
  assert.equal(f.call(defs, 'times', 0), 500);
  assert.equal(f.call(defs, 'times', RO), -EFAULT);
});

test('getrusage writes utime and maxrss (the resident high-water mark); unknown who is EINVAL', () => {
  const f = fixture();
  f.t.hart.instret = 1_234_567_890;
  fill(f.mem, BUF, BUF + 144, 0xff);
  assert.equal(f.call(defs, 'getrusage', 0, BUF), 0);
  assert.deepEqual(ts(f, BUF), [1n, 234_567n]);
  assert.deepEqual(ts(f, BUF + 16), [0n, 0n]);
  assert.ok(f.mem.rssPeak > 0);
  assert.equal(f.mem.readBig64(BUF + 32), BigInt(f.mem.rssPeak * 4));
  for (let o = 40; o < 144; o += 8) assert.equal(f.mem.readBig64(BUF + o), 0n);
  assert.equal(f.call(defs, 'getrusage', -1, BUF), 0);
  assert.deepEqual(ts(f, BUF), [0n, 0n]);
  assert.equal(f.call(defs, 'getrusage', 1, BUF), 0);
  assert.deepEqual(ts(f, BUF), [1n, 234_567n]);
  assert.equal(f.call(defs, 'getrusage', 2, BUF), -EINVAL);
  assert.equal(f.call(defs, 'getrusage', 0, RO), -EFAULT);
});
