// The timeout and temporary signal mask arguments of the waiting calls (ppoll, pselect6,
// epoll_pwait, epoll_pwait2). The timeout becomes the request's deadline on the call's first
// run and is kept across its sleeps. A zero timeout is the deadline 0 (already passed), which is
// how Linux marks "poll once" so that the remaining time is not written back.
import { EINVAL } from '../../abi/errno.js';
import { GuestFaultError } from '../../mem/guest_memory.js';
import type { Request } from '../request.js';
import { readTimespec, timespecToNs, timespecValid, writeTimespec } from '../structs.js';
import type { Task } from '../task.js';
import { type Deadline, deadlinePassed, monotonicDeadline, timeLeft } from '../time/deadline.js';

/** sizeof(sigset_t) the kernel accepts for temporary masks (64 signals on riscv64). */
export const SIGSET_SIZE = 8;
/** The deadline of a zero timeout: the monotonic epoch, passed before any call starts. */
const POLL_ONCE: Deadline = monotonicDeadline(0n);

/**
 * On a call's first run, sets r.deadline from `first()` (a relative timeout in ns, null for none,
 * or -errno, which is returned); a re-run keeps the deadline it has. Returns 0 or -errno.
 */
export function startTimeout(t: Task, r: Request, first: () => bigint | null | number): number {
  if (r.resumed) return 0;
  const rel = first();
  if (typeof rel === 'number') return rel;
  r.deadline = rel === null ? null : rel === 0n ? POLL_ONCE : monotonicDeadline(t.kernel.monotonicNs() + rel);
  return 0;
}

/** Reads a struct timespec timeout at addr (0: none) as relative ns, or -EINVAL; throws EFAULT. */
export function readTimeoutTimespec(t: Task, addr: number): bigint | null | number {
  if (addr === 0) return null;
  const ts = readTimespec(t.mm.mem, addr);
  return timespecValid(ts) ? timespecToNs(ts) : -EINVAL;
}

/** True once r's deadline has passed (never without a deadline). */
export function timedOut(t: Task, r: Request): boolean {
  return r.deadline !== null && deadlinePassed(t.kernel, r.deadline);
}

/**
 * Writes the time left until r's deadline (0 if past) to the timespec at addr, as ppoll and
 * pselect6 do on return (not for a NULL pointer, no timeout, or a zero timeout). Returns false if
 * the write faulted (the caller then turns ERESTARTNOHAND into EINTR: it cannot restart exactly).
 */
export function writeRemaining(t: Task, r: Request, addr: number): boolean {
  const d = r.deadline;
  if (addr === 0 || d === null || d === POLL_ONCE) return true;
  try {
    writeTimespec(t.mm.mem, addr, timeLeft(t.kernel, d));
    return true;
  } catch (e) {
    if (e instanceof GuestFaultError) return false;
    throw e;
  }
}

/**
 * Installs the temporary signal mask at addr (0: none) for the rest of the call, as
 * set_user_sigmask does. Returns 0, or -EINVAL for a size other than 8; throws EFAULT.
 */
export function setUserSigmask(t: Task, addr: number, size: number): number {
  if (addr === 0) return 0;
  if (size !== SIGSET_SIZE) return -EINVAL;
  t.setTemporarySigmask(t.mm.mem.readBig64(addr));
  return 0;
}
