// Signal generation and delivery. Sending queues a siginfo on the task or the process and wakes
// a thread that can take it; delivery happens on the way back to user space (entry.ts's
// returnToUser, which applies the syscall restart rules before a frame is built): takeSignal
// carries out default actions and deliverToHandler builds a handler's frame.
import { Stop } from '../cpu/hart.js';
import { FAULT_ACCERR, FAULT_BUS } from '../mem/guest_memory.js';
import { BUS_ADRALN, BUS_ADRERR, CLD_CONTINUED, CLD_STOPPED, DefaultAction, defaultAction, SEGV_ACCERR, SEGV_MAPERR, SIGBUS, SIGCHLD, SIGCONT, SIGKILL, SIGSEGV, SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU,
  type SigInfo } from './signal.js';
import { SA_NODEFER, SA_RESETHAND, setupFrame } from './signal_frame.js';
import { sigbit } from './signal_queue.js';
import { formatSigInfo, signalName } from './strace.js';
import { type SigAction, type Task, TaskState, type ThreadGroup } from './task.js';
import { WakeReason } from './wait.js';
import { groupCpuNs } from './time/cputime.js';
import { willBecomeOrphanedPgrp } from './process/orphan.js';

const SIG_DFL = 0n, SIG_IGN = 1n;
const UNBLOCKABLE = sigbit(SIGKILL) | sigbit(SIGSTOP);
const STOP_SIGNALS = sigbit(SIGSTOP) | sigbit(SIGTSTP) | sigbit(SIGTTIN) | sigbit(SIGTTOU);
/** sa_flags bit of SIGCHLD's action: no SIGCHLD when a child stops or continues. */
const SA_NOCLDSTOP = 1n;
/** si_utime and si_stime are in clock ticks (USER_HZ 100): 10 ms each. */
const NS_PER_CLOCK_TICK = 10_000_000n;

/** Signals t could take now: its own and its process's pending ones that it does not block. */
export function deliverableMask(t: Task): bigint {
  return (t.pending.mask | t.tg.shared.mask) & ~t.sigmask;
}

/** True if t has a signal to take on its way back to user space (no BigInt allocated when none is pending). */
export function hasDeliverable(t: Task): boolean {
  if (t.pending.mask === 0n && t.tg.shared.mask === 0n) return false;
  return deliverableMask(t) !== 0n;
}

/** True if sig would be discarded on arrival: SIG_IGN, or SIG_DFL with an ignore default. */
function ignored(tg: ThreadGroup, sig: number): boolean {
  const h = tg.actions[sig]!.handler;
  if (h === SIG_IGN) return true;
  return h === SIG_DFL && (defaultAction(sig) === DefaultAction.Ignore || sig === SIGCONT);
}

/**
 * Side effects at generation time (Linux's prepare_signal): SIGKILL ends the group; a stop
 * signal cancels pending SIGCONT; SIGCONT cancels pending stops and resumes a stopped group.
 * Returns false if nothing is left to queue.
 */
function prepare(tg: ThreadGroup, sig: number): boolean {
  if (tg.exitCode !== null) return false;
  if (sig === SIGKILL) {
    const t = tg.tasks.find((x) => x.state !== TaskState.Exited);
    if (t) t.kernel.trace(t, `+++ killed by SIGKILL +++`);
    tg.kernel.exitGroup(tg, 128 + SIGKILL, SIGKILL, false);
    return false;
  }
  if ((STOP_SIGNALS & sigbit(sig)) !== 0n) {
    tg.shared.discard(sigbit(SIGCONT));
    for (const t of tg.tasks) t.pending.discard(sigbit(SIGCONT));
  } else if (sig === SIGCONT) {
    tg.shared.discard(STOP_SIGNALS);
    for (const t of tg.tasks) t.pending.discard(STOP_SIGNALS);
    if (tg.stopped) groupContinue(tg);
  }
  return true;
}

/** Queues a thread-directed signal on t and wakes it if it can take the signal. */
export function sendSignal(t: Task, info: SigInfo): void {
  if (t.state === TaskState.Exited || !prepare(t.tg, info.signo)) return;
  const bit = sigbit(info.signo);
  if ((t.sigmask & bit) === 0n && ignored(t.tg, info.signo)) return;
  if (!t.pending.add(info)) return;
  wakeFor(t, info.signo);
  t.tg.signalfdWait.wake();
}

/** Queues a process-directed signal and wakes one thread that does not block it. */
export function sendGroupSignal(tg: ThreadGroup, info: SigInfo): void {
  if (!prepare(tg, info.signo)) return;
  const live = tg.tasks.filter((x) => x.state !== TaskState.Exited);
  if (live.length === 0) return;
  const bit = sigbit(info.signo);
  if ((live[0]!.sigmask & bit) === 0n && ignored(tg, info.signo)) return; // checked on the main thread, as kill() does
  if (!tg.shared.add(info)) return;
  tg.signalfdWait.wake();
  // Prefer the main thread, then go round the others (Linux's complete_signal).
  const order = [live[0]!, ...rotate(live.slice(1), tg.signalTarget)];
  const target = order.find((x) => (x.sigmask & bit) === 0n || (x.sigwaitSet & bit) !== 0n);
  if (target === undefined) return;
  tg.signalTarget = (tg.signalTarget + 1) % Math.max(1, live.length - 1);
  wakeFor(target, info.signo);
}

const rotate = <T>(a: T[], k: number): T[] => (a.length === 0 ? a : [...a.slice(k % a.length), ...a.slice(0, k % a.length)]);

/** Wakes t for sig: rt_sigtimedwait waiters for signals in their set; otherwise interrupts a sleep. */
function wakeFor(t: Task, sig: number): void {
  const bit = sigbit(sig);
  if (t.state !== TaskState.Blocked) return;
  if ((t.sigwaitSet & bit) !== 0n) { t.kernel.wakeTask(t, WakeReason.Event); return; }
  if ((t.sigmask & bit) !== 0n) return;
  t.kernel.interruptSleep(t);
}

/** Builds the siginfo for a memory fault or misaligned atomic that stopped t's hart. */
export function faultSignal(t: Task, stop: Stop): SigInfo {
  const h = t.hart;
  if (stop === Stop.Misaligned) return { signo: SIGBUS, code: BUS_ADRALN, addr: h.faultAddr };
  const addr = h.faultAddr;
  // A page of a file mapping past the end of the file (or an unreadable one) is SIGBUS.
  if (h.faultKind === FAULT_BUS) return { signo: SIGBUS, code: BUS_ADRERR, addr };
  return { signo: SIGSEGV, code: h.faultKind === FAULT_ACCERR ? SEGV_ACCERR : SEGV_MAPERR, addr };
}

/**
 * A synchronous signal from a trap (Linux's force_sig_fault): if the guest blocks or ignores
 * it, the default action is restored and it is unblocked, so a fault can never be skipped.
 */
export function forceSignal(t: Task, info: SigInfo): void {
  const bit = sigbit(info.signo);
  const act = t.tg.actions[info.signo]!;
  if ((t.sigmask & bit) !== 0n || act.handler === SIG_IGN) {
    t.tg.actions[info.signo] = { handler: SIG_DFL, flags: act.flags, mask: act.mask };
    t.sigmask &= ~bit;
  }
  if (t.pending.add(info)) t.tg.signalfdWait.wake();
}

/** Removes and returns the next signal t may take from `allowed` (its own queue first), or null. */
export function dequeueSignal(t: Task, allowed: bigint): SigInfo | null {
  const own = t.pending.next(allowed);
  if (own !== 0) return t.pending.take(own);
  const shared = t.tg.shared.next(allowed);
  return shared !== 0 ? t.tg.shared.take(shared) : null;
}

/** What takeSignal found: nothing more to deliver, a stop or a death it carried out, or a handler to run. */
export const enum Signal {
  None = 0,
  Stopped = 1,
  Killed = 2,
}

/**
 * Dequeues t's next deliverable signals, carrying out default actions (ignore, stop, terminate),
 * until one needs a handler: returns that signal with its action, or what ended the walk.
 */
export function takeSignal(t: Task): Signal | { info: SigInfo; act: SigAction } {
  const tg = t.tg;
  for (;;) {
    const info = dequeueSignal(t, ~t.sigmask);
    if (info === null) return Signal.None;
    const sig = info.signo;
    const act = tg.actions[sig]!;
    if (act.handler === SIG_IGN) continue;
    if (act.handler !== SIG_DFL) return { info, act };
    const da = defaultAction(sig);
    if (da === DefaultAction.Ignore || da === DefaultAction.Continue) continue;
    // A terminal stop signal to an orphaned group is discarded: nobody could continue it.
    if (da === DefaultAction.Stop && sig !== SIGSTOP && willBecomeOrphanedPgrp(tg, tg.pgid, null)) continue;
    t.kernel.trace(t, `--- ${formatSigInfo(info)} ---`);
    if (da === DefaultAction.Stop) {
      groupStop(tg, sig);
      return Signal.Stopped;
    }
    t.kernel.trace(t, `+++ killed by ${signalName(sig)}${da === DefaultAction.Core ? ' (core dumped)' : ''} +++`);
    t.kernel.exitGroup(tg, 128 + sig, sig, da === DefaultAction.Core);
    return Signal.Killed;
  }
}

/**
 * Builds the signal frame for a handler and switches t to it (mask, SA_RESETHAND). Returns false
 * if the frame could not be written: the process then dies of SIGSEGV (Linux's force_sigsegv).
 */
export function deliverToHandler(t: Task, info: SigInfo, act: SigAction): boolean {
  const tg = t.tg;
  const sig = info.signo;
  const saved = t.savedSigmask ?? t.sigmask;
  t.savedSigmask = null;
  t.kernel.trace(t, `--- ${formatSigInfo(info)} ---`);
  t.kernel.mark?.(t, 'signal', sig);
  if (!setupFrame(t, info, act, saved)) {
    t.kernel.trace(t, `--- ${formatSigInfo({ signo: SIGSEGV, code: 0x80 })} ---`);
    t.kernel.trace(t, '+++ killed by SIGSEGV (core dumped) +++');
    t.kernel.exitGroup(tg, 128 + SIGSEGV, SIGSEGV, true);
    return false;
  }
  t.sigmask = (t.sigmask | act.mask | ((act.flags & SA_NODEFER) !== 0n ? 0n : sigbit(sig))) & ~UNBLOCKABLE;
  if ((act.flags & SA_RESETHAND) !== 0n) tg.actions[sig] = { handler: SIG_DFL, flags: act.flags & ~SA_RESETHAND, mask: act.mask };
  return true;
}

/** Stops every thread of the group until SIGCONT (the group stop). */
function groupStop(tg: ThreadGroup, sig: number): void {
  tg.stopped = true;
  for (const x of tg.tasks) if (x.state === TaskState.Runnable) tg.kernel.sched.remove(x);
  const t = tg.tasks.find((x) => x.state !== TaskState.Exited);
  if (t) t.kernel.trace(t, `--- stopped by ${signalName(sig)} ---`);
  processStopped(tg, sig);
}

/** Resumes a stopped group: its runnable threads go back on the run queues. */
function groupContinue(tg: ThreadGroup): void {
  tg.stopped = false;
  const k = tg.kernel;
  for (const x of tg.tasks) if (x.state === TaskState.Runnable && x !== k.currentTask) k.sched.enqueue(x);
  processContinued(tg);
}

/** Returns the SIGCHLD-style siginfo about child c (code and status given). */
export function childInfo(signo: number, c: ThreadGroup, code: number, status: number): SigInfo {
  return {
    signo, code, pid: c.pid, uid: c.cred.ruid, status,
    utime: groupCpuNs(c) / NS_PER_CLOCK_TICK, stime: 0n,
  };
}

/**
 * Tells c's parent that c stopped or continued (Linux's do_notify_parent_cldstop): SIGCHLD unless
 * the parent asked not to (SA_NOCLDSTOP, SIG_IGN), and a wake-up of its wait sleepers.
 */
function notifyStopOrContinue(c: ThreadGroup, code: number, status: number): void {
  const p = c.node.parent;
  if (p === null || p.exitCode !== null) return;
  const act = p.actions[SIGCHLD]!;
  if (act.handler !== SIG_IGN && (act.flags & SA_NOCLDSTOP) === 0n) sendGroupSignal(p, childInfo(SIGCHLD, c, code, status));
  p.node.childWait.wake();
}

/** The group stop of c took effect with signal sig: wait can report it (WUNTRACED). */
function processStopped(c: ThreadGroup, sig: number): void {
  c.node.stopReport = sig;
  c.node.continueReport = false;
  notifyStopOrContinue(c, CLD_STOPPED, sig);
}

/** A stopped c was continued by SIGCONT: wait can report it (WCONTINUED). */
function processContinued(c: ThreadGroup): void {
  c.node.stopReport = 0;
  c.node.continueReport = true;
  notifyStopOrContinue(c, CLD_CONTINUED, SIGCONT);
}

/**
 * True while `info`, sent to `target` (or to tg's shared queue when process-directed), is still
 * queued (POSIX timers and itimers count overruns against the signal they sent).
 */
export function sigInfoPending(tg: ThreadGroup, target: Task | null, info: SigInfo): boolean {
  return (target ? target.pending : tg.shared).has(info);
}
