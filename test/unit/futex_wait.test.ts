// FUTEX_WAIT / WAKE / WAIT_BITSET / WAKE_BITSET: comparisons, keys, bitsets, timeouts, restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Blocked } from '../../src/kernel/request.js';
import { WakeReason } from '../../src/kernel/wait.js';
import { TaskState } from '../../src/kernel/task.js';
import {
  EAGAIN, EFAULT, EINVAL, ENOSYS, ERESTART_RESTARTBLOCK, ERESTARTSYS, ETIMEDOUT,
} from '../../src/abi/errno.js';
import { BUF, fixture, putTimespec, RO, UNMAPPED } from './futex_fixture.js';
import { dl } from './request_helpers.js';

const WAIT = 0, WAKE = 1, FD = 2, WAIT_BITSET = 9, WAKE_BITSET = 10, LOCK_PI = 6, PRIVATE = 128, CLOCK_RT = 256;
const ANY = 0xffffffff;
const TS = BUF + 0x100; // where tests put a timespec
const W = BUF; // the futex word

test('WAIT returns EAGAIN at once when the word differs from val', () => {
  const f = fixture();
  f.mem.writeU32(W, 5);
  assert.equal(f.futex(f.t, W, WAIT | PRIVATE, 4, 0), -EAGAIN);
  assert.equal(f.t.state, TaskState.Runnable);
});

test('WAIT sleeps on a matching word and a WAKE returns 0 to it and 1 to the waker', () => {
  const f = fixture();
  const waker = f.thread(101);
  f.mem.writeU32(W, 7);
  assert.ok(f.futex(f.t, W, WAIT | PRIVATE, 7, 0) instanceof Blocked);
  assert.equal(f.t.state, TaskState.Blocked);
  assert.equal(f.futex(waker, W, WAKE | PRIVATE, 1), 1);
  assert.equal(f.t.state, TaskState.Runnable);
  assert.equal(f.t.syscall.wakeReason, WakeReason.Event);
  assert.equal(f.futex(f.t, W, WAIT | PRIVATE, 7, 0), 0);
  assert.equal(f.futex(waker, W, WAKE | PRIVATE, 1), 0, 'nobody left');
});

test('WAKE wakes at most n waiters in FIFO order; n = 0 still wakes one, as Linux does', () => {
  const f = fixture();
  const ws = [101, 102, 103, 104].map((tid) => f.thread(tid));
  for (const w of ws) f.futex(w, W, WAIT | PRIVATE, 0, 0);
  assert.equal(f.futex(f.t, W, WAKE | PRIVATE, 2), 2);
  assert.deepEqual(ws.map((w) => w.state), [TaskState.Runnable, TaskState.Runnable, TaskState.Blocked, TaskState.Blocked]);
  assert.equal(f.futex(f.t, W, WAKE | PRIVATE, 0), 1);
  assert.equal(ws[2]!.state, TaskState.Runnable);
  assert.equal(f.futex(f.t, W, WAKE | PRIVATE, 0x7fffffff), 1);
});

test('private and shared operations on one address do not match each other', () => {
  const f = fixture();
  const w = f.thread(101);
  f.futex(w, W, WAIT, 0, 0); // shared
  assert.equal(f.futex(f.t, W, WAKE | PRIVATE, 1), 0);
  assert.equal(f.futex(f.t, W, WAKE, 1), 1);
  f.futex(w, W, WAIT, 0, 0); // the re-run returns 0
  f.futex(w, W, WAIT | PRIVATE, 0, 0);
  assert.equal(f.futex(f.t, W, WAKE, 1), 0);
  assert.equal(f.futex(f.t, W, WAKE | PRIVATE, 1), 1);
});

test('private futexes at the same address in two processes are different futexes', () => {
  const f = fixture();
  const other = f.otherProcess(200);
  f.futex(other, W, WAIT | PRIVATE, 0, 0);
  assert.equal(f.futex(f.t, W, WAKE | PRIVATE, 1), 0);
  const peer = f.otherProcess(201);
  assert.equal(f.futex(peer, W, WAKE | PRIVATE, 1), 1);
});

test('unaligned uaddr gives EINVAL, an unmapped one EFAULT, for WAIT and WAKE', () => {
  const f = fixture();
  assert.equal(f.futex(f.t, W + 2, WAIT | PRIVATE, 0, 0), -EINVAL);
  assert.equal(f.futex(f.t, W + 1, WAKE | PRIVATE, 1), -EINVAL);
  assert.equal(f.futex(f.t, UNMAPPED, WAIT | PRIVATE, 0, 0), -EFAULT);
  assert.equal(f.futex(f.t, UNMAPPED, WAKE, 1), -EFAULT, 'a shared key needs the page');
  assert.equal(f.futex(f.t, UNMAPPED, WAKE | PRIVATE, 1), 0, 'a private key does not touch memory');
  assert.equal(f.futex(f.t, 0x40_0000_0000n, WAKE | PRIVATE, 1), -EFAULT, 'beyond TASK_SIZE');
  assert.equal(f.futex(f.t, 0x1_0000_0000_0000_0002n, WAKE | PRIVATE, 1), -EINVAL, 'huge and misaligned');
  assert.equal(f.futex(f.t, RO, WAIT, 1, 0), -EAGAIN, 'read-only pages can be waited on');
});

test('bitset 0 gives EINVAL for WAIT_BITSET and WAKE_BITSET', () => {
  const f = fixture();
  assert.equal(f.futex(f.t, W, WAIT_BITSET | PRIVATE, 0, 0, 0, 0), -EINVAL);
  assert.equal(f.futex(f.t, W, WAKE_BITSET | PRIVATE, 1, 0, 0, 0), -EINVAL);
});

test('WAKE_BITSET wakes only waiters whose bitset shares a bit; plain WAKE matches any', () => {
  const f = fixture();
  const a = f.thread(101), b = f.thread(102), c = f.thread(103);
  f.futex(a, W, WAIT_BITSET | PRIVATE, 0, 0, 0, 0b0001);
  f.futex(b, W, WAIT_BITSET | PRIVATE, 0, 0, 0, 0b0110);
  f.futex(c, W, WAIT_BITSET | PRIVATE, 0, 0, 0, 0x80000000);
  assert.equal(f.futex(f.t, W, WAKE_BITSET | PRIVATE, 10, 0, 0, 0b0100), 1);
  assert.equal(b.state, TaskState.Runnable);
  assert.equal(a.state, TaskState.Blocked);
  assert.equal(f.futex(f.t, W, WAKE_BITSET | PRIVATE, 10, 0, 0, 0x80000000), 1);
  assert.equal(c.state, TaskState.Runnable);
  assert.equal(f.futex(f.t, W, WAKE | PRIVATE, 10), 1);
  assert.equal(a.state, TaskState.Runnable);
});

test('an invalid timeout gives EINVAL, an unreadable one EFAULT, before the word is looked at', () => {
  const f = fixture();
  putTimespec(f.mem, TS, 0n, 1_000_000_000n);
  assert.equal(f.futex(f.t, W + 1, WAIT | PRIVATE, 0, TS), -EINVAL);
  putTimespec(f.mem, TS, -1n, 0n);
  assert.equal(f.futex(f.t, W, WAIT_BITSET | PRIVATE, 0, TS, 0, ANY), -EINVAL);
  putTimespec(f.mem, TS, 0n, -1n);
  assert.equal(f.futex(f.t, W, WAIT | PRIVATE, 0, TS), -EINVAL);
  assert.equal(f.futex(f.t, UNMAPPED, WAIT | PRIVATE, 0, UNMAPPED), -EFAULT);
  assert.equal(f.futex(f.t, W, WAKE | PRIVATE, 1, UNMAPPED), 0, 'WAKE has no timeout argument');
});

test('FUTEX_CLOCK_REALTIME is ENOSYS except with WAIT_BITSET, WAIT_REQUEUE_PI and LOCK_PI2', () => {
  const f = fixture();
  assert.equal(f.futex(f.t, W, WAIT | PRIVATE | CLOCK_RT, 1, 0), -ENOSYS);
  assert.equal(f.futex(f.t, W, WAKE | CLOCK_RT, 1), -ENOSYS);
  assert.equal(f.futex(f.t, W, LOCK_PI | CLOCK_RT, 0, 0), -ENOSYS);
  assert.equal(f.futex(f.t, W, WAIT_BITSET | PRIVATE | CLOCK_RT, 1, 0, 0, ANY), -EAGAIN);
});

test('FUTEX_FD, the requeue-PI pair and unknown commands give ENOSYS', () => {
  const f = fixture();
  assert.equal(f.futex(f.t, W, FD, 0), -ENOSYS);
  assert.equal(f.futex(f.t, W, 11 | PRIVATE, 0, 0, BUF + 8), -ENOSYS);
  assert.equal(f.futex(f.t, W, 12 | PRIVATE, 1, 0, BUF + 8, 0), -ENOSYS);
  assert.equal(f.futex(f.t, W, 14, 0), -ENOSYS);
  assert.equal(f.futex(f.t, W, WAKE | 0x200, 1), -ENOSYS, 'a stray op bit makes an unknown command');
});

test('a relative WAIT timeout counts from the call on CLOCK_MONOTONIC and ends in ETIMEDOUT', () => {
  const f = fixture();
  putTimespec(f.mem, TS, 2n, 500n);
  const b = f.futex(f.t, W, WAIT | PRIVATE, 0, TS);
  assert.ok(b instanceof Blocked);
  assert.equal(dl(b), f.clock.mono + 2_000_000_500n);
  assert.equal(b.restart, ERESTART_RESTARTBLOCK);
  f.clock.mono = dl(b)!;
  f.expire(f.t);
  assert.equal(f.futex(f.t, W, WAIT | PRIVATE, 0, TS), -ETIMEDOUT);
  assert.equal(f.futex(f.thread(101), W, WAKE | PRIVATE, 1), 0, 'the timed-out waiter left the queue');
});

test('a zero relative timeout on a matching word gives ETIMEDOUT without sleeping', () => {
  const f = fixture();
  putTimespec(f.mem, TS, 0n, 0n);
  assert.equal(f.futex(f.t, W, WAIT | PRIVATE, 0, TS), -ETIMEDOUT);
  f.mem.writeU32(W, 1);
  assert.equal(f.futex(f.t, W, WAIT | PRIVATE, 0, TS), -EAGAIN, 'the comparison comes first');
});

test('WAIT_BITSET timeouts are absolute: MONOTONIC by default, REALTIME with the flag', () => {
  const f = fixture();
  putTimespec(f.mem, TS, 9n, 0n);
  const b = f.futex(f.t, W, WAIT_BITSET | PRIVATE, 0, TS, 0, ANY);
  assert.ok(b instanceof Blocked);
  assert.equal(dl(b), 9_000_000_000n);
  const u = f.thread(101);
  const rt = f.clock.real + 3_000_000_000n;
  putTimespec(f.mem, TS, rt / 1_000_000_000n, rt % 1_000_000_000n);
  const b2 = f.futex(u, W, WAIT_BITSET | PRIVATE | CLOCK_RT, 0, TS, 0, ANY);
  assert.ok(b2 instanceof Blocked);
  assert.equal(dl(b2), f.clock.mono + 3_000_000_000n, 'mapped onto the monotonic base');
  putTimespec(f.mem, TS, 4n, 0n);
  assert.equal(f.futex(f.thread(102), W, WAIT_BITSET | PRIVATE, 0, TS, 0, ANY), -ETIMEDOUT, 'already past');
});

test('a REALTIME deadline whose clock was set back sleeps again instead of timing out', () => {
  const f = fixture();
  const rt = f.clock.real + 1_000_000_000n;
  putTimespec(f.mem, TS, rt / 1_000_000_000n, rt % 1_000_000_000n);
  assert.ok(f.futex(f.t, W, WAIT_BITSET | CLOCK_RT, 0, TS, 0, ANY) instanceof Blocked);
  f.clock.mono += 1_000_000_000n;
  f.clock.real -= 5_000_000_000n; // someone set the clock back
  f.expire(f.t);
  const again = f.futex(f.t, W, WAIT_BITSET | CLOCK_RT, 0, TS, 0, ANY);
  assert.ok(again instanceof Blocked);
  assert.equal(dl(again), f.clock.mono + 6_000_000_000n);
  f.clock.real = rt;
  f.expire(f.t);
  assert.equal(f.futex(f.t, W, WAIT_BITSET | CLOCK_RT, 0, TS, 0, ANY), -ETIMEDOUT);
});

test('a signal interrupts an untimed WAIT with ERESTARTSYS and takes it off the queue', () => {
  const f = fixture();
  const b = f.futex(f.t, W, WAIT_BITSET | PRIVATE, 0, 0, 0, ANY);
  assert.ok(b instanceof Blocked);
  assert.equal(b.restart, ERESTARTSYS);
  assert.equal(f.interrupt(f.t), -ERESTARTSYS);
  assert.equal(f.futex(f.thread(101), W, WAKE | PRIVATE, 1), 0);
  // Restarted (SA_RESTART): a new call that sleeps again.
  assert.ok(f.futex(f.t, W, WAIT_BITSET | PRIVATE, 0, 0, 0, ANY) instanceof Blocked);
});

test('a signal interrupts a timed WAIT with ERESTART_RESTARTBLOCK; restart_syscall keeps the deadline', () => {
  const f = fixture();
  putTimespec(f.mem, TS, 1n, 0n);
  const b = f.futex(f.t, W, WAIT | PRIVATE, 0, TS) as Blocked;
  const deadline = dl(b)!;
  f.clock.mono += 400_000_000n;
  assert.equal(f.interrupt(f.t), -ERESTART_RESTARTBLOCK);
  assert.notEqual(f.t.restartBlock, null);
  f.clock.mono += 100_000_000n;
  const r = f.restart(f.t);
  assert.ok(r instanceof Blocked);
  assert.equal(dl(r), deadline, 'the original absolute deadline, not a new relative one');
  // Woken while sleeping in restart_syscall: its re-run returns 0.
  assert.equal(f.futex(f.thread(101), W, WAKE | PRIVATE, 1), 1);
  assert.equal(f.restart(f.t), 0);
});

test('restart_syscall of a timed WAIT compares the word again', () => {
  const f = fixture();
  putTimespec(f.mem, TS, 1n, 0n);
  f.futex(f.t, W, WAIT | PRIVATE, 0, TS);
  f.interrupt(f.t);
  f.mem.writeU32(W, 3);
  assert.equal(f.restart(f.t), -EAGAIN);
});

test('a re-run that no wake caused sleeps again with the same deadline, or EAGAIN if the word moved', () => {
  const f = fixture();
  putTimespec(f.mem, TS, 5n, 0n);
  const b = f.futex(f.t, W, WAIT | PRIVATE, 0, TS) as Blocked;
  f.kernel.wakeTask(f.t, WakeReason.Event); // not a futex wake
  const again = f.futex(f.t, W, WAIT | PRIVATE, 0, TS);
  assert.ok(again instanceof Blocked);
  assert.equal(dl(again), dl(b));
  assert.equal(f.futex(f.thread(101), W, WAKE | PRIVATE, 1), 1, 'it is queued again');
  assert.equal(f.futex(f.t, W, WAIT | PRIVATE, 0, TS), 0);
  f.futex(f.t, W, WAIT | PRIVATE, 0, 0);
  f.kernel.wakeTask(f.t, WakeReason.Event);
  f.mem.writeU32(W, 1);
  assert.equal(f.futex(f.t, W, WAIT | PRIVATE, 0, 0), -EAGAIN);
});

test('a wake that races with the timeout wins: the re-run returns 0', () => {
  const f = fixture();
  putTimespec(f.mem, TS, 1n, 0n);
  f.futex(f.t, W, WAIT | PRIVATE, 0, TS);
  assert.equal(f.futex(f.thread(101), W, WAKE | PRIVATE, 1), 1);
  f.clock.mono += 2_000_000_000n;
  assert.equal(f.futex(f.t, W, WAIT | PRIVATE, 0, TS), 0);
});
