// FUTEX_WAIT and FUTEX_WAIT_BITSET: compare, sleep on the key, and the re-runs that follow.
//
// A waiting handler keeps its WaitState in its request (r.state) and its timeout as the request's
// deadline, and returns r.block([waiter], restart, onInterrupt). When the request is woken the
// dispatcher runs the same syscall again (r.resumed); futexResumeWait then decides: woken by a
// futex wake -> 0; deadline passed -> -ETIMEDOUT; any other re-run (spurious) -> compare again
// and sleep again with the original deadline, like Linux's retry in futex_wait. A signal does not
// re-run the handler: onInterrupt returns -ERESTARTSYS (no timeout) or -ERESTART_RESTARTBLOCK
// with t.restartBlock continuing the wait to the same absolute deadline (futex_wait_restart).
import { EAGAIN, EINVAL, ERESTART_RESTARTBLOCK, ERESTARTSYS, ETIMEDOUT } from '../../abi/errno.js';
import { futexKey, readWord } from './key.js';
import { futexTable, FutexWaiter } from './queue.js';
import type { Request, SysResult } from '../request.js';
import type { Task } from '../task.js';
import { type Deadline, deadlinePassed } from '../time/deadline.js';

/** A futex sleep in progress (FUTEX_WAIT* or LOCK_PI): the request's state across its re-runs. */
export interface WaitState {
  pi: boolean;
  waiter: FutexWaiter;
  uaddr: number;
  shared: boolean;
  /** Expected value (WAIT) — unused for PI. */
  val: number;
  bitset: number;
  /** The key of uaddr (a requeue may have moved the waiter away from it). */
  key: string;
}

/** r's futex sleep if this run of the handler continues one, else null (a new call). */
export function resumedWait(r: Request): WaitState | null {
  return r.resumed && r.state !== null ? (r.state as WaitState) : null;
}

/** Starts FUTEX_WAIT / FUTEX_WAIT_BITSET (a new call, not a re-run). */
export function futexWait(t: Task, r: Request, uaddr: number, shared: boolean, val: number,
  deadline: Deadline | null, bitset: number): SysResult {
  if (bitset === 0) return -EINVAL;
  const key = futexKey(t, uaddr, shared, false);
  if (typeof key === 'number') return key;
  if (readWord(t, uaddr) !== val >>> 0) return -EAGAIN;
  if (deadline !== null && deadlinePassed(t.kernel, deadline)) return -ETIMEDOUT;
  const waiter = new FutexWaiter(futexTable(t), key, t, r, bitset, false, uaddr);
  const st: WaitState = { pi: false, waiter, uaddr, shared, val: val >>> 0, bitset, key };
  r.state = st;
  r.deadline = deadline;
  return sleepWait(t, r, st);
}

/** The Blocked marker for a FUTEX_WAIT* sleep. */
function sleepWait(t: Task, r: Request, st: WaitState): SysResult {
  return r.block([st.waiter], r.deadline !== null ? ERESTART_RESTARTBLOCK : ERESTARTSYS,
    (ir) => waitInterrupted(t, ir, st));
}

/** A signal interrupted the wait: the restart code, and for timed waits the restart block. */
function waitInterrupted(t: Task, r: Request, st: WaitState): number {
  st.waiter.remove(r);
  const deadline = r.deadline;
  if (deadline === null) return -ERESTARTSYS;
  const { uaddr, shared, val, bitset } = st;
  t.restartBlock = (rt, rr) => {
    const again = resumedWait(rr);
    return again !== null ? futexResumeWait(rt, rr, again) : futexWait(rt, rr, uaddr, shared, val, deadline, bitset);
  };
  return -ERESTART_RESTARTBLOCK;
}

/** Continues t's FUTEX_WAIT* (state st) after a wake-up. */
export function futexResumeWait(t: Task, r: Request, st: WaitState): SysResult {
  if (st.waiter.woken) return 0;
  st.waiter.remove(r);
  if (r.deadline !== null && deadlinePassed(t.kernel, r.deadline)) return -ETIMEDOUT;
  // Woken for no futex reason (or a realtime deadline whose clock went back): retry on the
  // original address, as Linux does, comparing the value again.
  if (readWord(t, st.uaddr) !== st.val) return -EAGAIN;
  st.waiter.key = st.key;
  return sleepWait(t, r, st);
}
