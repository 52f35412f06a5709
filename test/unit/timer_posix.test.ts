// POSIX timers: ids, the sigevent forms (default, SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD_ID),
// SI_TIMER siginfo, overrun counting while the signal is pending, settime/gettime on the
// monotonic, realtime and CPU clocks, deletion, and the errno paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUF, RO, UNMAPPED } from './sys_proc_fixture.js';
import { getItimerspec, putItimerspec, timerFixture, type TimerFixture } from './timer_fixture.js';
import { defs } from '../../src/kernel/syscalls/posix_timers.js';
import { EFAULT, EINVAL, EOPNOTSUPP } from '../../src/abi/errno.js';
import { encodeSigInfo, SI_TIMER, SIGALRM, SIGUSR1 } from '../../src/kernel/signal.js';
import { Task, ThreadGroup } from '../../src/kernel/task.js';
import { fill } from './mem_helpers.js';
import { cpuTimerBudget, runCpuTimers } from '../../src/kernel/time/cpu_timers.js';

const CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2, CLOCK_THREAD_CPUTIME_ID = 3,
  CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5, CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7,
  CLOCK_REALTIME_ALARM = 8, CLOCK_TAI = 11;
const SIGEV_SIGNAL = 0, SIGEV_NONE = 1, SIGEV_THREAD = 2, SIGEV_THREAD_ID = 4;
const TIMER_ABSTIME = 1;
const MS = 1_000_000n, SEC = 1_000_000_000n;
const SEV = BUF, ID = BUF + 0x80, SPEC = BUF + 0xc0, OLD = BUF + 0x100;

/** Writes a struct sigevent at SEV. */
function sigevent(f: TimerFixture, notify: number, signo: number, value = 0n, tid = 0): number {
  fill(f.mem, SEV, SEV + 64, 0);
  f.mem.writeBig64(SEV, value);
  f.mem.writeI32(SEV + 8, signo);
  f.mem.writeI32(SEV + 12, notify);
  f.mem.writeI32(SEV + 16, tid);
  return SEV;
}

/** timer_create(clock, sev) expecting success: the new id. */
function create(f: TimerFixture, clock = CLOCK_MONOTONIC, sev = 0): number {
  f.mem.writeI32(ID, -1);
  assert.equal(f.call(defs, 'timer_create', clock, sev, ID), 0);
  return f.mem.readI32(ID);
}

function settime(f: TimerFixture, id: number, valueNs: bigint, intervalNs = 0n, flags = 0, old = 0): unknown {
  putItimerspec(f, SPEC, intervalNs, valueNs);
  return f.call(defs, 'timer_settime', id, flags, SPEC, old);
}

function gettime(f: TimerFixture, id: number): [bigint, bigint] {
  assert.equal(f.call(defs, 'timer_gettime', id, OLD), 0);
  return getItimerspec(f, OLD);
}

test('timer ids count up from 0 per process and are not reused at once after timer_delete', () => {
  const f = timerFixture();
  assert.equal(create(f), 0);
  assert.equal(create(f), 1);
  assert.equal(f.call(defs, 'timer_delete', 0), 0);
  assert.equal(create(f), 2);
  assert.equal(timerFixture().call(defs, 'timer_create', CLOCK_MONOTONIC, 0, ID), 0);
  assert.equal(f.mem.readI32(ID), 0); // a new process starts again at 0
});

test('timer_create with a NULL sigevent sends SIGALRM to the process with si_value = the timer id', () => {
  const f = timerFixture();
  create(f);
  const id = create(f);
  settime(f, id, 5n * MS);
  f.advance(5n * MS);
  assert.deepEqual(f.sent, [{ tid: null, info: { signo: SIGALRM, code: SI_TIMER, timerid: 1, overrun: 0, value: 1n } }]);
});

test('SIGEV_SIGNAL delivers SI_TIMER with the timer id, overrun and sigev_value at offsets 16, 20, 24', () => {
  const f = timerFixture();
  const id = create(f, CLOCK_MONOTONIC, sigevent(f, SIGEV_SIGNAL, SIGUSR1, 0x1234_5678_9abcn));
  settime(f, id, MS);
  f.advance(MS);
  const info = f.deliver(SIGUSR1)!;
  const dv = new DataView(encodeSigInfo(info).buffer);
  assert.deepEqual(
    [dv.getInt32(0, true), dv.getInt32(8, true), dv.getInt32(16, true), dv.getInt32(20, true), dv.getBigUint64(24, true)],
    [SIGUSR1, SI_TIMER, id, 0, 0x1234_5678_9abcn],
  );
});

test('expiries while the signal is pending become its overrun, and timer_getoverrun reports it after delivery', () => {
  const f = timerFixture();
  const id = create(f, CLOCK_MONOTONIC, sigevent(f, SIGEV_SIGNAL, SIGUSR1, 77n));
  settime(f, id, 10n * MS, 10n * MS);
  f.advance(10n * MS);
  assert.equal(f.sent.length, 1);
  for (let i = 0; i < 9; i++) f.advance(10n * MS);
  assert.equal(f.sent.length, 1);
  assert.equal(f.call(defs, 'timer_getoverrun', id), 0); // the last delivered signal had none
  assert.deepEqual(gettime(f, id), [10n * MS, 10n * MS]);
  const info = f.deliver(SIGUSR1)!;
  assert.equal(info.overrun, 9);
  assert.equal(f.call(defs, 'timer_getoverrun', id), 9);
  f.advance(10n * MS);
  assert.equal(f.sent.length, 2);
  assert.equal(f.sent[1]!.info.overrun, 0);
});

test('a late timer callback counts the intervals it missed as overruns of the new signal', () => {
  const f = timerFixture();
  const id = create(f, CLOCK_MONOTONIC, sigevent(f, SIGEV_SIGNAL, SIGUSR1));
  settime(f, id, 10n * MS, 10n * MS);
  f.advance(35n * MS); // expiries at 10, 20, 30 ms seen at once
  assert.equal(f.sent.length, 1);
  assert.equal(f.sent[0]!.info.overrun, 2);
  assert.deepEqual(gettime(f, id), [10n * MS, 5n * MS]);
});

test('SIGEV_NONE never signals; timer_gettime moves a periodic timer past now and shows 0 once a one-shot expired', () => {
  const f = timerFixture();
  const id = create(f, CLOCK_MONOTONIC, sigevent(f, SIGEV_NONE, 999));
  settime(f, id, 2n * MS, 3n * MS);
  assert.equal(f.timers.size, 0);
  f.advance(20n * MS); // expiries at 2, 5, ..., 20 ms; next at 23 ms
  assert.deepEqual(gettime(f, id), [3n * MS, 3n * MS]);
  settime(f, id, MS);
  f.advance(5n * MS);
  assert.deepEqual(gettime(f, id), [0n, 0n]);
  assert.equal(f.sent.length, 0);
  assert.equal(f.call(defs, 'timer_getoverrun', id), 0);
});

test('SIGEV_THREAD_ID signals the named thread of the caller\'s process', () => {
  const f = timerFixture();
  const t2 = f.addThread(101);
  const id = create(f, CLOCK_MONOTONIC, sigevent(f, SIGEV_THREAD_ID, SIGUSR1, 5n, 101));
  settime(f, id, MS);
  f.advance(MS);
  assert.equal(f.sent.length, 1);
  assert.equal(f.sent[0]!.tid, 101);
  assert.equal(t2.pending.take(SIGUSR1)?.timerid, id);
});

test('SIGEV_THREAD_ID rejects a thread of another process, a missing thread, and a bad signal with EINVAL', () => {
  const f = timerFixture();
  const otherTg = new ThreadGroup(f.t.kernel, 200, 1, f.t.tg.mm, f.t.tg.cred.clone());
  f.t.kernel.tasks.set(200, new Task(f.t.kernel, 200, otherTg, null as never, null as never));
  assert.equal(f.call(defs, 'timer_create', CLOCK_MONOTONIC, sigevent(f, SIGEV_THREAD_ID, SIGUSR1, 0n, 200), ID), -EINVAL);
  assert.equal(f.call(defs, 'timer_create', CLOCK_MONOTONIC, sigevent(f, SIGEV_THREAD_ID, SIGUSR1, 0n, 4242), ID), -EINVAL);
  assert.equal(f.call(defs, 'timer_create', CLOCK_MONOTONIC, sigevent(f, SIGEV_THREAD_ID, 0, 0n, 100), ID), -EINVAL);
});

test('timer_create validates sigev_notify and sigev_signo, accepting SIGEV_THREAD as SIGEV_SIGNAL like Linux', () => {
  const f = timerFixture();
  assert.equal(f.call(defs, 'timer_create', CLOCK_MONOTONIC, sigevent(f, 7, SIGUSR1), ID), -EINVAL);
  assert.equal(f.call(defs, 'timer_create', CLOCK_MONOTONIC, sigevent(f, SIGEV_SIGNAL, 0), ID), -EINVAL);
  assert.equal(f.call(defs, 'timer_create', CLOCK_MONOTONIC, sigevent(f, SIGEV_SIGNAL, 65), ID), -EINVAL);
  // The three failures above used up ids 0..2, as in Linux.
  const id = create(f, CLOCK_MONOTONIC, sigevent(f, SIGEV_THREAD, SIGUSR1, 9n));
  assert.equal(id, 3);
  settime(f, id, MS);
  f.advance(MS);
  assert.deepEqual(f.sent[0], { tid: null, info: { signo: SIGUSR1, code: SI_TIMER, timerid: 3, overrun: 0, value: 9n } });
});

test('timer_create clock checks: EINVAL for unknown clocks, EOPNOTSUPP for clocks without timers and ALARM clocks', () => {
  const f = timerFixture();
  for (const c of [CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE]) {
    assert.equal(f.call(defs, 'timer_create', c, 0, ID), -EOPNOTSUPP);
  }
  assert.equal(f.call(defs, 'timer_create', 10, 0, ID), -EINVAL);
  assert.equal(f.call(defs, 'timer_create', 100, 0, ID), -EINVAL);
  assert.equal(f.call(defs, 'timer_create', CLOCK_REALTIME_ALARM, 0, ID), -EOPNOTSUPP);
  for (const c of [CLOCK_REALTIME, CLOCK_BOOTTIME, CLOCK_TAI, CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID]) create(f, c);
  assert.equal(f.mem.readI32(ID), 5); // the ALARM attempt used up id 0
});

test('timer_create faults on a bad sigevent before checking the clock, and on a bad id pointer', () => {
  const f = timerFixture();
  assert.equal(f.call(defs, 'timer_create', 100, UNMAPPED, ID), -EFAULT);
  assert.equal(f.call(defs, 'timer_create', CLOCK_MONOTONIC, 0, RO), -EFAULT);
  assert.equal(create(f), 1);
});

test('timer_settime with TIMER_ABSTIME on CLOCK_REALTIME fires at the wall-clock time; old value comes back', () => {
  const f = timerFixture();
  const id = create(f, CLOCK_REALTIME);
  settime(f, id, f.clock.real + 2n * SEC, 0n, TIMER_ABSTIME);
  assert.deepEqual(gettime(f, id), [0n, 2n * SEC]);
  f.advance(SEC);
  assert.equal(settime(f, id, f.clock.real + 3n * SEC, 0n, TIMER_ABSTIME | 0xf0, OLD), 0);
  assert.deepEqual(getItimerspec(f, OLD), [0n, SEC]);
  f.advance(3n * SEC - 1n);
  assert.equal(f.sent.length, 0);
  f.advance(1n);
  assert.equal(f.sent.length, 1);
  assert.deepEqual(gettime(f, id), [0n, 0n]);
});

test('timer_settime with a zero value disarms; timer_gettime shows a due but unhandled timer as 1 ns', () => {
  const f = timerFixture();
  const id = create(f);
  settime(f, id, f.clock.mono + 5n * MS, 0n, TIMER_ABSTIME);
  f.clock.mono += 6n * MS; // due; the scheduler has not fired it yet
  assert.deepEqual(gettime(f, id), [0n, 1n]);
  settime(f, id, 0n, 5n * MS);
  assert.deepEqual(gettime(f, id), [0n, 0n]);
  assert.equal(f.timers.size, 0);
});

test('unknown timer ids give EINVAL for settime, gettime, getoverrun and delete', () => {
  const f = timerFixture();
  putItimerspec(f, SPEC, 0n, SEC);
  assert.equal(f.call(defs, 'timer_settime', 0, 0, SPEC, 0), -EINVAL);
  assert.equal(f.call(defs, 'timer_gettime', 0, OLD), -EINVAL);
  assert.equal(f.call(defs, 'timer_getoverrun', 0), -EINVAL);
  assert.equal(f.call(defs, 'timer_delete', 0), -EINVAL);
  const id = create(f);
  assert.equal(f.call(defs, 'timer_delete', id), 0);
  assert.equal(f.call(defs, 'timer_delete', id), -EINVAL);
  assert.equal(f.call(defs, 'timer_gettime', -1, OLD), -EINVAL);
});

test('timer_settime: NULL or invalid new value is EINVAL, bad pointers EFAULT', () => {
  const f = timerFixture();
  const id = create(f);
  assert.equal(f.call(defs, 'timer_settime', id, 0, 0, 0), -EINVAL);
  assert.equal(f.call(defs, 'timer_settime', id, 0, UNMAPPED, 0), -EFAULT);
  putItimerspec(f, SPEC, 0n, SEC);
  f.mem.writeBig64(SPEC + 8, SEC); // interval nsec out of range
  assert.equal(f.call(defs, 'timer_settime', id, 0, SPEC, 0), -EINVAL);
  assert.equal(settime(f, id, SEC, 0n, 0, RO), -EFAULT);
  assert.deepEqual(gettime(f, id), [0n, SEC]); // set before the old value failed
  assert.equal(f.call(defs, 'timer_gettime', id, RO), -EFAULT);
});

test('timer_delete stops the timer; execTimers deletes every POSIX timer', () => {
  const f = timerFixture();
  const a = create(f);
  settime(f, a, MS, MS);
  assert.equal(f.call(defs, 'timer_delete', a), 0);
  assert.equal(f.timers.size, 0);
  const b = create(f);
  settime(f, b, MS);
  f.t.tg.timers.exec();
  f.advance(SEC);
  assert.equal(f.sent.length, 0);
  assert.equal(f.call(defs, 'timer_gettime', b, OLD), -EINVAL);
});

test('CPU-clock timers fire on retired instructions: the process clock counts all threads, the thread clock one', () => {
  const f = timerFixture();
  const t2 = f.addThread(101);
  const p = create(f, CLOCK_PROCESS_CPUTIME_ID, sigevent(f, SIGEV_SIGNAL, SIGUSR1));
  const th = create(f, CLOCK_THREAD_CPUTIME_ID, sigevent(f, SIGEV_SIGNAL, SIGALRM));
  settime(f, p, 100_000n);
  settime(f, th, 100_000n);
  assert.equal(cpuTimerBudget(t2), 100_000);
  t2.hart.instret += 100_000;
  runCpuTimers(t2);
  assert.deepEqual(f.sent.map((s) => s.info.signo), [SIGUSR1]);
  assert.equal(cpuTimerBudget(t2), Infinity);
  assert.equal(cpuTimerBudget(f.t), 100_000);
  assert.deepEqual(gettime(f, th), [0n, 100_000n]);
  f.t.hart.instret += 100_000;
  runCpuTimers(f.t);
  assert.deepEqual(f.sent.map((s) => s.info.signo), [SIGUSR1, SIGALRM]);
});

test('timer_create takes dynamic CPU clock ids of the caller\'s process and threads, EINVAL for unknown ones', () => {
  const f = timerFixture();
  const self = ((~0) << 3) | 2; // make_process_cpuclock(0, CPUCLOCK_SCHED)
  const thread101 = ((~101) << 3) | 4 | 2; // make_thread_cpuclock(101, CPUCLOCK_SCHED)
  const t2 = f.addThread(101);
  const p = create(f, self, sigevent(f, SIGEV_SIGNAL, SIGUSR1));
  const th = create(f, thread101, sigevent(f, SIGEV_SIGNAL, SIGALRM));
  assert.equal(f.call(defs, 'timer_create', ((~4242) << 3) | 2, 0, ID), -EINVAL);
  settime(f, p, 50_000n);
  settime(f, th, 20_000n);
  t2.hart.instret += 20_000;
  runCpuTimers(f.t);
  assert.deepEqual(f.sent.map((s) => s.info.signo), [SIGALRM]);
  f.t.hart.instret += 30_000;
  runCpuTimers(f.t);
  assert.deepEqual(f.sent.map((s) => s.info.signo), [SIGALRM, SIGUSR1]);
});
