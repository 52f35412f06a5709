// Futexes: the futex(2) operations (Linux's do_futex) and what thread exit needs. The pieces:
// futex_key.ts (constants, keys), futex_queue.ts (per-key waiter queues, wake, requeue),
// futex_wait.ts (WAIT and WAIT_BITSET sleeps), futex_pi.ts (PI locks), futex_op.ts (WAKE_OP
// encoding, op names), futex_robust.ts (robust lists, clear_child_tid).
import { EAGAIN, EINVAL, ENOSYS } from '../abi/errno.js';
import {
  FUTEX_BITSET_MATCH_ANY, FUTEX_CLOCK_REALTIME, FUTEX_CMD_MASK, FUTEX_CMP_REQUEUE, FUTEX_LOCK_PI,
  FUTEX_LOCK_PI2, FUTEX_PRIVATE_FLAG, FUTEX_REQUEUE, FUTEX_TRYLOCK_PI, FUTEX_UNLOCK_PI, FUTEX_WAIT,
  FUTEX_WAIT_BITSET, FUTEX_WAIT_REQUEUE_PI, FUTEX_WAKE, FUTEX_WAKE_BITSET, FUTEX_WAKE_OP, FUTEX_WORD_SIZE, futexKey,
  readWord,
} from './futex_key.js';
import { applyWakeOp, compareWakeOp, decodeWakeOp } from './futex_op.js';
import { futexLockPi, futexResumeLockPi, futexUnlockPi } from './futex_pi.js';
import { futexTable } from './futex_queue.js';
import { type Deadline, futexResumeWait, futexWait } from './futex_wait.js';
import type { SysResult } from './syscalls/types.js';
import type { Task } from './task.js';

export { clearChildTid, exitRobustList, futexWake } from './futex_robust.js';
export { formatFutexOp } from './futex_op.js';
export type { Deadline } from './futex_wait.js';

/** The arguments of one futex call, decoded (timeout already read and made absolute). */
export interface FutexArgs {
  uaddr: number;
  op: number;
  /** a2 as u32: the expected value, or a count (read as int where Linux does). */
  val: number;
  deadline: Deadline | null;
  uaddr2: number;
  /** a3 as int: nr_requeue / nr_wake2. */
  val2: number;
  val3: number;
}

/** True for the commands whose a3 is a timeout (Linux's futex_cmd_has_timeout). */
export function futexCmdHasTimeout(cmd: number): boolean {
  return cmd === FUTEX_WAIT || cmd === FUTEX_LOCK_PI || cmd === FUTEX_LOCK_PI2
    || cmd === FUTEX_WAIT_BITSET || cmd === FUTEX_WAIT_REQUEUE_PI;
}

/** Continues a futex sleep of t after a wake-up, or null if t has none (a new call). */
export function futexResume(t: Task): SysResult | null {
  return futexResumeWait(t) ?? futexResumeLockPi(t);
}

/** Runs one futex operation as a new call (Linux's do_futex); re-runs go to futexResume first. */
export function doFutex(t: Task, a: FutexArgs): SysResult {
  const cmd = a.op & FUTEX_CMD_MASK;
  const shared = (a.op & FUTEX_PRIVATE_FLAG) === 0;
  if ((a.op & FUTEX_CLOCK_REALTIME) !== 0
    && cmd !== FUTEX_WAIT_BITSET && cmd !== FUTEX_WAIT_REQUEUE_PI && cmd !== FUTEX_LOCK_PI2) return -ENOSYS;
  switch (cmd) {
    case FUTEX_WAIT:
      return futexWait(t, a.uaddr, shared, a.val, a.deadline, FUTEX_BITSET_MATCH_ANY);
    case FUTEX_WAIT_BITSET:
      return futexWait(t, a.uaddr, shared, a.val, a.deadline, a.val3);
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
      return futexLockPi(t, a.uaddr, shared, a.deadline, false);
    case FUTEX_LOCK_PI2:
      return futexLockPi(t, a.uaddr, shared, a.deadline, false);
    case FUTEX_TRYLOCK_PI:
      return futexLockPi(t, a.uaddr, shared, null, true);
    case FUTEX_UNLOCK_PI:
      return futexUnlockPi(t, a.uaddr, shared);
    default:
      // FUTEX_FD (removed in 2.6.26), WAIT_REQUEUE_PI and CMP_REQUEUE_PI (not implemented), unknown.
      return -ENOSYS;
  }
}

/** FUTEX_WAKE / WAKE_BITSET. */
function wake(t: Task, uaddr: number, shared: boolean, n: number, bitset: number): number {
  if (bitset === 0) return -EINVAL;
  const key = futexKey(t, uaddr, shared, false);
  if (typeof key === 'number') return key;
  return futexTable(t).wake(key, n, bitset);
}

/** FUTEX_REQUEUE and FUTEX_CMP_REQUEUE (cmp = the expected *uaddr). */
function requeue(t: Task, a: FutexArgs, shared: boolean, cmp: number | null): number {
  const nWake = a.val | 0, nRequeue = a.val2;
  if (nWake < 0 || nRequeue < 0) return -EINVAL;
  const key1 = futexKey(t, a.uaddr, shared, false);
  if (typeof key1 === 'number') return key1;
  const key2 = futexKey(t, a.uaddr2, shared, false);
  if (typeof key2 === 'number') return key2;
  if (cmp !== null && readWord(t, a.uaddr) !== cmp >>> 0) return -EAGAIN;
  return futexTable(t).requeueWaiters(key1, key2, nWake, nRequeue);
}

/** FUTEX_WAKE_OP: *uaddr2 = old OP oparg; wake nr_wake on uaddr and, if old CMP cmparg, nr_wake2 on uaddr2. */
function wakeOp(t: Task, a: FutexArgs, shared: boolean): number {
  const key1 = futexKey(t, a.uaddr, shared, false);
  if (typeof key1 === 'number') return key1;
  const key2 = futexKey(t, a.uaddr2, shared, true);
  if (typeof key2 === 'number') return key2;
  const w = decodeWakeOp(a.val3);
  const mem = t.mm.mem;
  if (applyWakeOp(w, 0) < 0) return -ENOSYS; // unknown op: nothing is written
  mem.checkWrite(a.uaddr2, FUTEX_WORD_SIZE); // EFAULT

  const old = mem.readU32(a.uaddr2);
  mem.writeU32(a.uaddr2, applyWakeOp(w, old));
  const cond = compareWakeOp(w, old); // an unknown cmp is reported after the store, as in Linux
  if (cond < 0) return cond;
  const table = futexTable(t);
  const woken = table.wake(key1, a.val | 0, FUTEX_BITSET_MATCH_ANY);
  if (woken < 0 || cond === 0) return woken;
  const woken2 = table.wake(key2, a.val2, FUTEX_BITSET_MATCH_ANY);
  return woken2 < 0 ? woken2 : woken + woken2;
}
