// What a new thread or process inherits from its creator (the copying half of Linux's
// copy_process), field by field, in one place: clone uses inheritTask for threads; fork will use
// inheritTask and inheritProcess. Registers, the fd table and the fs context depend on clone's
// flags and are set by the caller; everything not listed here starts fresh.
import type { Task, ThreadGroup } from './task.js';
import { ProcessVdso } from './vdso/process_vdso.js';

/**
 * Copies the per-thread state `child` inherits from `parent`, the task that called clone or
 * fork. sharedMm: child runs in parent's address space (CLONE_VM without CLONE_VFORK).
 */
export function inheritTask(parent: Task, child: Task, sharedMm: boolean): void {
  child.sigmask = parent.sigmask;
  child.cpusAllowed = parent.cpusAllowed;
  child.cpu = parent.cpu;
  child.policy = parent.policy; // SCHED_RESET_ON_FORK is accepted but not recorded
  child.rtPriority = parent.rtPriority;
  child.comm = parent.comm?.slice() ?? null;
  child.noNewPrivs = parent.noNewPrivs;
  child.personality = parent.personality;
  // A child's default slack is its parent's current slack (prctl(2): PR_SET_TIMERSLACK).
  child.timerSlackNs = child.defaultTimerSlackNs = parent.timerSlackNs;
  // An alternate signal stack inside a shared address space would be shared by two threads, so
  // a thread starts without one; a process keeps its parent's (sas_ss_reset in copy_process).
  if (!sharedMm) child.altstack = { ...parent.altstack };
  // A thread starts unregistered for rseq (two threads must not share a struct rseq); a process
  // keeps the registration at the same address in its copy (Linux's rseq_fork), and the syscall
  // counter likewise.
  if (!sharedMm) {
    child.rseq.area = parent.rseq.area === null ? null : { ...parent.rseq.area };
    child.rseq.notify = child.rseq.area !== null;
    child.syscallCounter = parent.syscallCounter;
  }
  // Fresh in the child: pending signals, pdeathsig (prctl(2): cleared for children), the robust
  // list, clear_child_tid (CLONE_CHILD_CLEARTID sets it), the restart block, the saved sigmask,
  // rseq events, and the syscall and sleep state.
}

/**
 * What execve resets in the task that calls it (Linux's rseq_execve and the like): the rseq
 * registration and the syscall counter name memory of the old image, so both are dropped.
 */
export function resetOnExec(t: Task): void {
  t.rseq.area = null;
  t.rseq.events = 0;
  t.rseq.notify = false;
  t.syscallCounter = 0;
}

/**
 * Copies the process-wide state a new process `child` inherits from `parent` (fork, or clone
 * without CLONE_THREAD). pid and ppid are the constructor's; the mm is copied by the caller.
 */
export function inheritProcess(parent: ThreadGroup, child: ThreadGroup): void {
  child.cred = parent.cred.clone();
  child.pgid = parent.pgid;
  child.sid = parent.sid;
  child.nice = parent.nice;
  child.dumpable = parent.dumpable;
  child.exePath = parent.exePath;
  child.sigreturnAddr = parent.sigreturnAddr; // the same address in the copied mm
  child.vdso = parent.vdso === null ? null : new ProcessVdso(parent.vdso.map); // likewise
  for (let sig = 0; sig < parent.actions.length; sig++) child.actions[sig] = { ...parent.actions[sig]! };
  for (const [res, [cur, max]] of parent.rlimits) child.rlimits.set(res, [cur, max]);
  // Fresh in the child: shared pending signals, interval and POSIX timers (fork(2): not
  // inherited), CPU time and resource usage, the group stop, the exit status, its threads, and
  // membarrier's registrations and rseq's concurrency ids (a new mm in Linux).
}
