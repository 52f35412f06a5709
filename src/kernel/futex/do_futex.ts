// do_futex: a futex(2) call, decoded by syscalls/futex.ts, goes to its operation here. A call
// takes one path through this folder: key.ts (the word's key) then wait.ts, wake.ts or pi.ts,
// which queue or wake waiters in queue.ts. exit.ts is the thread-exit path (robust lists,
// clear_child_tid); abi.ts holds the uapi constants.
import { ENOSYS } from '../../abi/errno.js';
import {
  FUTEX_BITSET_MATCH_ANY, FUTEX_CLOCK_REALTIME, FUTEX_CMD_MASK, FUTEX_CMP_REQUEUE, FUTEX_LOCK_PI,
  FUTEX_LOCK_PI2, FUTEX_PRIVATE_FLAG, FUTEX_REQUEUE, FUTEX_TRYLOCK_PI, FUTEX_UNLOCK_PI, FUTEX_WAIT,
  FUTEX_WAIT_BITSET, FUTEX_WAIT_REQUEUE_PI, FUTEX_WAKE, FUTEX_WAKE_BITSET, FUTEX_WAKE_OP, type FutexArgs,
} from './abi.js';
import { futexLockPi, futexResumeLockPi, futexUnlockPi } from './pi.js';
import { futexResumeWait, futexWait, resumedWait } from './wait.js';
import { requeue, wake, wakeOp } from './wake.js';
import type { Request, SysResult } from '../request.js';
import type { Task } from '../task.js';

/** True for the commands whose a3 is a timeout (Linux's futex_cmd_has_timeout). */
export function futexCmdHasTimeout(cmd: number): boolean {
  return cmd === FUTEX_WAIT || cmd === FUTEX_LOCK_PI || cmd === FUTEX_LOCK_PI2
    || cmd === FUTEX_WAIT_BITSET || cmd === FUTEX_WAIT_REQUEUE_PI;
}

/** Continues the futex sleep of request r after a wake-up, or null if this run is a new call. */
export function futexResume(t: Task, r: Request): SysResult | null {
  const st = resumedWait(r);
  if (st === null) return null;
  return st.pi ? futexResumeLockPi(t, r, st) : futexResumeWait(t, r, st);
}

/** Runs one futex operation as a new call (Linux's do_futex); re-runs go to futexResume first. */
export function doFutex(t: Task, r: Request, a: FutexArgs): SysResult {
  const cmd = a.op & FUTEX_CMD_MASK;
  const shared = (a.op & FUTEX_PRIVATE_FLAG) === 0;
  if ((a.op & FUTEX_CLOCK_REALTIME) !== 0
    && cmd !== FUTEX_WAIT_BITSET && cmd !== FUTEX_WAIT_REQUEUE_PI && cmd !== FUTEX_LOCK_PI2) return -ENOSYS;
  switch (cmd) {
    case FUTEX_WAIT:
      return futexWait(t, r, a.uaddr, shared, a.val, a.deadline, FUTEX_BITSET_MATCH_ANY);
    case FUTEX_WAIT_BITSET:
      return futexWait(t, r, a.uaddr, shared, a.val, a.deadline, a.val3);
    case FUTEX_WAKE:
      return wake(t, a.uaddr, shared, a.val | 0, FUTEX_BITSET_MATCH_ANY);
    case FUTEX_WAKE_BITSET:
      return wake(t, a.uaddr, shared, a.val | 0, a.val3);
    case FUTEX_REQUEUE:
      return requeue(t, a, shared, null);
    case FUTEX_CMP_REQUEUE:
      return requeue(t, a, shared, a.val3);
    case FUTEX_WAKE_OP:
      return wakeOp(t, a, shared);
    case FUTEX_LOCK_PI:
      return futexLockPi(t, r, a.uaddr, shared, a.deadline, false);
    case FUTEX_LOCK_PI2:
      return futexLockPi(t, r, a.uaddr, shared, a.deadline, false);
    case FUTEX_TRYLOCK_PI:
      return futexLockPi(t, r, a.uaddr, shared, null, true);
    case FUTEX_UNLOCK_PI:
      return futexUnlockPi(t, a.uaddr, shared);
    default:
      // FUTEX_FD (removed in 2.6.26), WAIT_REQUEUE_PI and CMP_REQUEUE_PI (not implemented), unknown.
      return -ENOSYS;
  }
}

