// PI futexes: FUTEX_LOCK_PI, LOCK_PI2, TRYLOCK_PI and UNLOCK_PI over the word
// TID | FUTEX_WAITERS | FUTEX_OWNER_DIED. The kernel keeps, per futex with sleeping lockers,
// the owner task (Linux's pi_state); UNLOCK_PI hands the lock to the first waiter by writing
// its TID into the word before waking it. Priority inheritance itself (boosting the owner)
// has no observable effect in ecall's scheduler and is not modelled.
import {
  EAGAIN, EDEADLK, EFAULT, EINVAL, EPERM, ERESTARTNOINTR, ESRCH, ETIMEDOUT,
} from '../../abi/errno.js';
import {
  FUTEX_BITSET_MATCH_ANY, FUTEX_OWNER_DIED, FUTEX_TID_MASK, FUTEX_WAITERS, FUTEX_WORD_SIZE,
} from './abi.js';
import { futexKey, readWord, writeWord } from './key.js';
import { futexTable, FutexWaiter } from './queue.js';
import type { WaitState } from './wait.js';
import type { Caller, Request, SysResult } from '../request.js';
import { type Deadline, deadlinePassed } from '../time/deadline.js';
import { TaskState, type Task } from '../task.js';
import { GuestFaultError, TASK_SIZE } from '../../mem/guest_memory.js';

/**
 * Starts FUTEX_LOCK_PI / LOCK_PI2 (trylock false) or FUTEX_TRYLOCK_PI (trylock true), as
 * Linux's futex_lock_pi and futex_lock_pi_atomic: 0 once the lock is the caller's, -EDEADLK if
 * it already is, -ESRCH if the owner TID names no task, -EAGAIN for a held lock on trylock,
 * -ETIMEDOUT, or a sleep that is restarted after a signal (ERESTARTNOINTR).
 */
export function futexLockPi(t: Task, r: Request, uaddr: number, shared: boolean, deadline: Deadline | null,
  trylock: boolean): SysResult {
  const key = futexKey(t, uaddr, shared, true);
  if (typeof key === 'number') return key;
  const table = futexTable(t);
  const uval = readWord(t, uaddr);
  if ((uval & FUTEX_TID_MASK) === t.tid) return -EDEADLK;
  const top = table.waiters(key)[0];
  let owner: Caller | undefined;
  if (top !== undefined) {
    // Sleepers exist: the word must agree with the kernel's owner (attach_to_pi_state).
    owner = table.piOwners.get(key);
    if (!top.pi || owner === undefined || (uval & FUTEX_TID_MASK) !== owner.tid) return -EINVAL;
  } else if ((uval & FUTEX_TID_MASK) === 0) {
    // Free (perhaps with a stale WAITERS bit or OWNER_DIED): take it, keeping OWNER_DIED.
    writeWord(t, uaddr, (uval & FUTEX_OWNER_DIED) | t.tid);
    return 0;
  } else {
    // First sleeper: set WAITERS, then find the owner (attach_to_pi_owner). Linux leaves the
    // bit set even when the owner turns out not to exist.
    writeWord(t, uaddr, uval | FUTEX_WAITERS);
    const o = t.kernel.tasks.get(uval & FUTEX_TID_MASK);
    if (o === undefined || o.state === TaskState.Exited) return -ESRCH;
    owner = o;
  }
  if (trylock) return -EAGAIN;
  if (deadline !== null && deadlinePassed(t.kernel, deadline)) return -ETIMEDOUT;
  table.piOwners.set(key, owner);
  const waiter = new FutexWaiter(table, key, t, r, FUTEX_BITSET_MATCH_ANY, true, uaddr);
  const st: WaitState = { pi: true, waiter, uaddr, shared, val: 0, bitset: FUTEX_BITSET_MATCH_ANY, key };
  r.state = st;
  r.deadline = deadline;
  return sleepLockPi(r, st);
}

/** The Blocked marker for a LOCK_PI sleep: a signal always restarts it. */
function sleepLockPi(r: Request, st: WaitState): SysResult {
  return r.block([st.waiter], ERESTARTNOINTR, (ir) => {
    st.waiter.remove(ir);
    return -ERESTARTNOINTR;
  });
}

/** Continues t's LOCK_PI (state st) after a wake-up. */
export function futexResumeLockPi(t: Task, r: Request, st: WaitState): SysResult {
  if (st.waiter.woken) return 0; // the unlocker already wrote our TID into the word
  if (r.deadline !== null && deadlinePassed(t.kernel, r.deadline)) {
    st.waiter.remove(r); // the word keeps FUTEX_WAITERS: the owner's unlock will clear it
    return -ETIMEDOUT;
  }
  return sleepLockPi(r, st); // spurious: keep waiting (at the tail)
}

/**
 * FUTEX_UNLOCK_PI: the caller must own the word (else -EPERM, checked before the key as in
 * Linux). With sleepers the first one gets the lock: word = its TID | FUTEX_WAITERS (Linux
 * keeps WAITERS set on every handoff); without, the word becomes 0.
 */
export function futexUnlockPi(t: Task, uaddr: number, shared: boolean): number {
  if (!(uaddr >= 0) || uaddr + FUTEX_WORD_SIZE > TASK_SIZE) return -EFAULT;
  const uval = readWord(t, uaddr);
  if ((uval & FUTEX_TID_MASK) !== t.tid) return -EPERM;
  const key = futexKey(t, uaddr, shared, true);
  if (typeof key === 'number') return key;
  const table = futexTable(t);
  const top = table.waiters(key)[0];
  if (top !== undefined) {
    if (!top.pi || table.piOwners.get(key) !== t) return -EINVAL;
    writeWord(t, uaddr, FUTEX_WAITERS | top.task.tid);
    table.piOwners.set(key, top.task);
    table.wakeWaiter(top);
    return 0;
  }
  writeWord(t, uaddr, 0);
  return 0;
}

/**
 * Thread exit (Linux's exit_pi_state_list): every PI futex t owns with sleepers passes to its
 * first sleeper, whose word becomes its TID | WAITERS, keeping OWNER_DIED (set by the robust
 * walk if the lock was on t's robust list). Faults on the word are ignored.
 */
export function exitPiState(t: Task): void {
  const table = futexTable(t);
  for (const [key, owner] of [...table.piOwners]) {
    if (owner !== t) continue;
    const top = table.waiters(key)[0];
    if (top === undefined || !top.pi) continue;
    const mem = top.task.mm.mem;
    try {
      const uval = mem.readU32(top.uaddr);
      mem.writeU32(top.uaddr, ((uval & FUTEX_OWNER_DIED) | FUTEX_WAITERS | top.task.tid) >>> 0);
    } catch (e) {
      if (!(e instanceof GuestFaultError)) throw e;
      // Linux's fixup_pi_state_owner cannot fix an unwritable word either; the lock still passes.
    }
    table.piOwners.set(key, top.task);
    table.wakeWaiter(top);
  }
}
