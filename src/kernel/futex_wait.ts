// FUTEX_WAIT and FUTEX_WAIT_BITSET: compare, sleep on the key, and the re-runs that follow.
//
// A waiting handler returns t.block([waiter], deadline, restart, onInterrupt). When the task
// is woken, the dispatcher runs the same syscall again with t.resumed set; futexResumeWait then
// finds the task's WaitState: woken by a futex wake -> 0; deadline passed -> -ETIMEDOUT; any
// other re-run (spurious) -> compare again and sleep again with the original deadline, like
// Linux's retry in futex_wait. A signal does not re-run the handler: onInterrupt drops the
// state and returns -ERESTARTSYS (no timeout) or -ERESTART_RESTARTBLOCK with t.restartBlock
// continuing the wait to the same absolute deadline (Linux's futex_wait_restart).
import { EAGAIN, EINVAL, ERESTART_RESTARTBLOCK, ERESTARTSYS, ETIMEDOUT } from '../abi/errno.js';
import { futexKey, readWord } from './futex_key.js';
import { futexTable, FutexWaiter } from './futex_queue.js';
import type { SysResult } from './syscalls/types.js';
import type { Task } from './task.js';

/** An absolute timeout on CLOCK_MONOTONIC or CLOCK_REALTIME, in ns. */
export interface Deadline {
  realtime: boolean;
  ns: bigint;
}

/** True once the deadline's clock has reached it. */
export function deadlinePassed(t: Task, d: Deadline): boolean {
  return (d.realtime ? t.kernel.realtimeNs() : t.kernel.monotonicNs()) >= d.ns;
}

/** The deadline on the kernel's monotonic base, for Blocked (realtime ones are mapped at sleep time). */
export function monotonicDeadline(t: Task, d: Deadline | null): bigint | null {
  if (d === null) return null;
  return d.realtime ? t.kernel.monotonicNs() + (d.ns - t.kernel.realtimeNs()) : d.ns;
}

/** A futex sleep in progress (FUTEX_WAIT* or LOCK_PI), kept across the handler's re-runs. */
export interface WaitState {
  pi: boolean;
  waiter: FutexWaiter;
  deadline: Deadline | null;
  uaddr: number;
  shared: boolean;
  /** Expected value (WAIT) — unused for PI. */
  val: number;
  bitset: number;
  /** The key of uaddr (a requeue may have moved the waiter away from it). */
  key: string;
}

const states = new WeakMap<Task, WaitState>();

/** t's futex sleep in progress, if any. */
export function waitState(t: Task): WaitState | undefined {
  return states.get(t);
}

/** Records t's sleep. */
export function setWaitState(t: Task, st: WaitState): void {
  states.set(t, st);
}

/** Forgets t's sleep, taking its waiter off any queue. */
export function dropWaitState(t: Task): void {
  const st = states.get(t);
  if (st === undefined) return;
  st.waiter.remove(t);
  states.delete(t);
}

/** Starts FUTEX_WAIT / FUTEX_WAIT_BITSET (a new call, not a re-run). */
export function futexWait(t: Task, uaddr: number, shared: boolean, val: number,
  deadline: Deadline | null, bitset: number): SysResult {
  dropWaitState(t);
  if (bitset === 0) return -EINVAL;
  const key = futexKey(t, uaddr, shared, false);
  if (typeof key === 'number') return key;
  if (readWord(t, uaddr) !== val >>> 0) return -EAGAIN;
  if (deadline !== null && deadlinePassed(t, deadline)) return -ETIMEDOUT;
  const waiter = new FutexWaiter(futexTable(t), key, t, bitset, false, uaddr);
  const st: WaitState = { pi: false, waiter, deadline, uaddr, shared, val: val >>> 0, bitset, key };
  states.set(t, st);
  return sleepWait(t, st);
}

/** The Blocked marker for a FUTEX_WAIT* sleep. */
function sleepWait(t: Task, st: WaitState): SysResult {
  const timed = st.deadline !== null;
  return t.block([st.waiter], monotonicDeadline(t, st.deadline), timed ? ERESTART_RESTARTBLOCK : ERESTARTSYS,
    (it) => waitInterrupted(it, st));
}

/** A signal interrupted the wait: the restart code, and for timed waits the restart block. */
function waitInterrupted(t: Task, st: WaitState): number {
  if (states.get(t) === st) dropWaitState(t);
  if (st.deadline === null) return -ERESTARTSYS;
  const { uaddr, shared, val, deadline, bitset } = st;
  t.restartBlock = (rt) => (rt.resumed ? futexResumeWait(rt) : null)
    ?? futexWait(rt, uaddr, shared, val, deadline, bitset);
  return -ERESTART_RESTARTBLOCK;
}

/** Continues t's FUTEX_WAIT* after a wake-up; null if t has no such sleep (then it is a new call). */
export function futexResumeWait(t: Task): SysResult | null {
  const st = states.get(t);
  if (st === undefined || st.pi) return null;
  if (st.waiter.woken) {
    states.delete(t);
    return 0;
  }
  if (st.deadline !== null && deadlinePassed(t, st.deadline)) {
    dropWaitState(t);
    return -ETIMEDOUT;
  }
  // Woken for no futex reason (or a realtime deadline whose clock went back): retry on the
  // original address, as Linux does, comparing the value again.
  dropWaitState(t);
  if (readWord(t, st.uaddr) !== st.val) return -EAGAIN;
  st.waiter.key = st.key;
  states.set(t, st);
  return sleepWait(t, st);
}
