// Test helpers over the request record: the deadline a sleeping call armed, as the kernel's
// timer queue sees it (monotonic ns), and the dispatcher's begin-or-resume step for fixtures.
import { Blocked, type SysResult } from '../../src/kernel/request.js';
import type { Task } from '../../src/kernel/task.js';
import { monotonicAt } from '../../src/kernel/time/deadline.js';

/** The monotonic deadline of t's syscall request (realtime ones mapped now), or null for none. */
export function deadlineOf(t: Task): bigint | null {
  const d = t.syscall.deadline;
  return d === null ? null : monotonicAt(t.kernel, d);
}

/** The monotonic deadline each Blocked result was parked with (what the kernel's timer gets). */
const armed = new WeakMap<Blocked, bigint | null>();

/** The deadline the kernel armed when b was returned: monotonic ns, or null for none. */
export function dl(b: unknown): bigint | null {
  if (!(b instanceof Blocked) || !armed.has(b)) throw new Error('not a Blocked result of a dispatched call');
  return armed.get(b)!;
}

/**
 * Runs `body` as the dispatcher runs a handler for t: a call after a Blocked result resumes that
 * call (r.resumed), any other starts a new one (r.begin); a Blocked result leaves t in the call.
 */
export function runAsDispatcher(t: Task, nr: number, body: () => SysResult): SysResult {
  const r = t.syscall;
  if (t.inSyscall) r.resumed = true;
  else r.begin(nr);
  t.inSyscall = false;
  const res = body();
  if (res instanceof Blocked) {
    t.inSyscall = true;
    r.blocked = res; // as the kernel parks it
    armed.set(res, deadlineOf(t));
  }
  return res;
}

/** A signal ends t's sleep as the kernel's interruptSleep does: the value the call returns, or null if t is not asleep in a call. */
export function interruptCall(t: Task): number | null {
  const r = t.syscall;
  const b = r.blocked;
  if (!t.inSyscall || b === null) return null;
  r.blocked = null;
  t.inSyscall = false;
  return b.onInterrupt ? b.onInterrupt(r) : -b.restart;
}
