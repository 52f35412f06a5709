// setitimer/getitimer: ITIMER_REAL on the monotonic clock (SIGALRM, reload, the value shown
// while the signal is pending), ITIMER_VIRTUAL and ITIMER_PROF on CPU time (retired
// instructions), the CPU-timer scheduler hooks, struct itimerval, and the errno paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUF, RO, UNMAPPED } from './sys_proc_fixture.js';
import { timerFixture, type TimerFixture } from './timer_fixture.js';
import { defs } from '../../src/kernel/syscalls/itimer.js';
import { EFAULT, EINVAL } from '../../src/abi/errno.js';
import { SI_KERNEL, SIGALRM, SIGPROF, SIGVTALRM } from '../../src/kernel/signal.js';
import { cpuTimerBudget, MIN_CPU_TIMER_SLICE, runCpuTimers } from '../../src/kernel/time/cpu_timers.js';

const ITIMER_REAL = 0, ITIMER_VIRTUAL = 1, ITIMER_PROF = 2;
const US = 1000n, MS = 1_000_000n, SEC = 1_000_000_000n;
const NEW = BUF, OLD = BUF + 0x40;

/** Writes a struct itimerval {interval, value} given in microseconds. */
function putVal(f: TimerFixture, addr: number, intervalUs: bigint, valueUs: bigint): void {
  f.mem.writeBig64(addr, intervalUs / 1_000_000n);
  f.mem.writeBig64(addr + 8, intervalUs % 1_000_000n);
  f.mem.writeBig64(addr + 16, valueUs / 1_000_000n);
  f.mem.writeBig64(addr + 24, valueUs % 1_000_000n);
}

/** Reads a struct itimerval as [interval, value] in microseconds. */
function getVal(f: TimerFixture, addr: number): [bigint, bigint] {
  const r = (o: number): bigint => f.mem.readBig64(addr + o);
  return [r(0) * 1_000_000n + r(8), r(16) * 1_000_000n + r(24)];
}

function setitimer(f: TimerFixture, which: number, intervalUs: bigint, valueUs: bigint, old = 0): unknown {
  putVal(f, NEW, intervalUs, valueUs);
  return f.call(defs, 'setitimer', which, NEW, old);
}

function getitimer(f: TimerFixture, which: number): [bigint, bigint] {
  assert.equal(f.call(defs, 'getitimer', which, OLD), 0);
  return getVal(f, OLD);
}

test('ITIMER_REAL sends one process-directed SIGALRM with SI_KERNEL when it expires', () => {
  const f = timerFixture();
  assert.equal(setitimer(f, ITIMER_REAL, 0n, 1500n), 0);
  assert.deepEqual(getitimer(f, ITIMER_REAL), [0n, 1500n]);
  f.advance(1000n * US);
  assert.deepEqual(getitimer(f, ITIMER_REAL), [0n, 500n]);
  assert.equal(f.sent.length, 0);
  f.advance(500n * US);
  assert.deepEqual(f.sent, [{ tid: null, info: { signo: SIGALRM, code: SI_KERNEL } }]);
  assert.deepEqual(getitimer(f, ITIMER_REAL), [0n, 0n]);
  f.advance(SEC);
  assert.equal(f.sent.length, 1);
});

test('a periodic ITIMER_REAL shows 0 while its SIGALRM is pending and reloads on the same grid', () => {
  const f = timerFixture();
  setitimer(f, ITIMER_REAL, 20_000n, 10_000n);
  f.advance(10n * MS);
  assert.equal(f.sent.length, 1);
  assert.deepEqual(getitimer(f, ITIMER_REAL), [20_000n, 0n]); // Linux rearms at dequeue
  f.advance(45n * MS); // expiries at 30 and 50 ms are absorbed by the pending signal; now 55 ms
  assert.equal(f.sent.length, 1);
  assert.ok(f.deliver(SIGALRM));
  assert.deepEqual(getitimer(f, ITIMER_REAL), [20_000n, 15_000n]); // next expiry at 70 ms
  f.advance(15n * MS);
  assert.equal(f.sent.length, 2);
});

test('setitimer returns the old value, and a zero value disarms ITIMER_REAL and clears its interval', () => {
  const f = timerFixture();
  setitimer(f, ITIMER_REAL, 7n, 3_000_000n);
  f.advance(SEC);
  assert.equal(setitimer(f, ITIMER_REAL, 1_000_000n, 0n, OLD), 0);
  assert.deepEqual(getVal(f, OLD), [7n, 2_000_000n]);
  assert.deepEqual(getitimer(f, ITIMER_REAL), [0n, 0n]);
  assert.equal(f.timers.size, 0);
  // A NULL new value disarms too (Linux still accepts it).
  setitimer(f, ITIMER_REAL, 0n, 5n);
  assert.equal(f.call(defs, 'setitimer', ITIMER_REAL, 0, 0), 0);
  assert.deepEqual(getitimer(f, ITIMER_REAL), [0n, 0n]);
});

test('getitimer and setitimer reject an unknown which with EINVAL, after copying in the new value', () => {
  const f = timerFixture();
  putVal(f, NEW, 0n, 1n);
  assert.equal(f.call(defs, 'setitimer', 3, NEW, 0), -EINVAL);
  assert.equal(f.call(defs, 'setitimer', -1, NEW, 0), -EINVAL);
  assert.equal(f.call(defs, 'setitimer', 3, UNMAPPED, 0), -EFAULT);
  assert.equal(f.call(defs, 'getitimer', 3, OLD), -EINVAL);
});

test('setitimer rejects tv_usec outside 0..999999 and negative seconds with EINVAL', () => {
  const f = timerFixture();
  putVal(f, NEW, 0n, 0n);
  f.mem.writeBig64(NEW + 24, 1_000_000n);
  assert.equal(f.call(defs, 'setitimer', ITIMER_REAL, NEW, 0), -EINVAL);
  putVal(f, NEW, 0n, 0n);
  f.mem.writeBig64(NEW + 8, -1n);
  assert.equal(f.call(defs, 'setitimer', ITIMER_REAL, NEW, 0), -EINVAL);
  putVal(f, NEW, 0n, 0n);
  f.mem.writeBig64(NEW + 16, -1n);
  assert.equal(f.call(defs, 'setitimer', ITIMER_REAL, NEW, 0), -EINVAL);
  assert.equal(f.timers.size, 0);
});

test('setitimer and getitimer fault on bad pointers; a bad old pointer fails after the timer is set', () => {
  const f = timerFixture();
  assert.equal(f.call(defs, 'getitimer', ITIMER_REAL, RO), -EFAULT);
  putVal(f, NEW, 0n, 5_000_000n);
  assert.equal(f.call(defs, 'setitimer', ITIMER_REAL, NEW, RO), -EFAULT);
  assert.deepEqual(getitimer(f, ITIMER_REAL), [0n, 5_000_000n]);
});

test('getitimer truncates to microseconds and shows a due but unhandled ITIMER_REAL as 1 us', () => {
  const f = timerFixture();
  setitimer(f, ITIMER_REAL, 0n, 10n);
  f.clock.mono += 9_999n; // 1 ns left
  assert.deepEqual(getitimer(f, ITIMER_REAL), [0n, 0n]);
  f.clock.mono += 5n; // due, callback not run yet
  assert.deepEqual(getitimer(f, ITIMER_REAL), [0n, 1n]);
});

test('ITIMER_VIRTUAL counts retired instructions and sends SIGVTALRM when the CPU hook sees it due', () => {
  const f = timerFixture();
  f.t.hart.instret = 1000;
  setitimer(f, ITIMER_VIRTUAL, 0n, 50n); // 50 us = 50,000 instructions
  assert.equal(f.timers.size, 0); // not on the monotonic clock
  assert.deepEqual(getitimer(f, ITIMER_VIRTUAL), [0n, 50n]);
  f.clock.mono += SEC; // wall time does not count
  f.t.hart.instret += 20_000;
  runCpuTimers(f.t);
  assert.equal(f.sent.length, 0);
  assert.deepEqual(getitimer(f, ITIMER_VIRTUAL), [0n, 30n]);
  assert.equal(cpuTimerBudget(f.t), 30_000);
  f.t.hart.instret += 30_000;
  runCpuTimers(f.t);
  assert.deepEqual(f.sent, [{ tid: null, info: { signo: SIGVTALRM, code: SI_KERNEL } }]);
  assert.deepEqual(getitimer(f, ITIMER_VIRTUAL), [0n, 0n]);
  assert.equal(cpuTimerBudget(f.t), Infinity);
});

test('ITIMER_PROF reloads by one interval per check and counts every thread of the process', () => {
  const f = timerFixture();
  const t2 = f.addThread(101);
  setitimer(f, ITIMER_PROF, 100n, 100n);
  t2.hart.instret += 100_000;
  runCpuTimers(f.t);
  assert.equal(f.sent.length, 1);
  assert.equal(f.sent[0]!.info.signo, SIGPROF);
  assert.deepEqual(getitimer(f, ITIMER_PROF), [100n, 100n]);
  assert.equal(cpuTimerBudget(t2), 100_000);
  // 250 us late: one expiry per check, like Linux's check_cpu_itimer.
  t2.hart.instret += 350_000;
  f.deliver(SIGPROF);
  runCpuTimers(f.t);
  assert.equal(f.sent.length, 2);
  assert.deepEqual(getitimer(f, ITIMER_PROF), [100n, 4000n]); // still overdue: shown as one tick
});

test('a CPU itimer keeps its interval when set with a zero value', () => {
  const f = timerFixture();
  setitimer(f, ITIMER_VIRTUAL, 1_000_000n, 0n);
  assert.deepEqual(getitimer(f, ITIMER_VIRTUAL), [1_000_000n, 0n]);
  assert.equal(cpuTimerBudget(f.t), Infinity);
});

test('cpuTimerBudget never clips a slice below MIN_CPU_TIMER_SLICE', () => {
  const f = timerFixture();
  setitimer(f, ITIMER_VIRTUAL, 0n, 1n); // 1,000 instructions
  assert.equal(cpuTimerBudget(f.t), MIN_CPU_TIMER_SLICE);
});

test('exitTimers stops every itimer of the process', () => {
  const f = timerFixture();
  setitimer(f, ITIMER_REAL, 0n, 10n);
  setitimer(f, ITIMER_VIRTUAL, 0n, 10n);
  f.t.tg.timers.exit();
  assert.equal(f.timers.size, 0);
  assert.equal(cpuTimerBudget(f.t), Infinity);
  f.t.hart.instret += 1e9;
  f.advance(SEC);
  runCpuTimers(f.t);
  assert.equal(f.sent.length, 0);
});

test('a timer of a process that has exited sends nothing even if exitTimers was not called', () => {
  const f = timerFixture();
  setitimer(f, ITIMER_REAL, 0n, 10n);
  setitimer(f, ITIMER_PROF, 0n, 10n);
  f.t.tg.exitCode = 0;
  f.t.hart.instret += 1e6;
  f.advance(SEC);
  runCpuTimers(f.t);
  assert.equal(f.sent.length, 0);
  assert.equal(cpuTimerBudget(f.t), Infinity);
});
