// What a parent learns when a child exits, stops or continues (Linux's do_notify_parent and
// do_notify_parent_cldstop): a SIGCHLD (or the child's exit signal) with its siginfo, and a
// wake-up of the parent's wait4/waitid sleepers.
import { CLD_DUMPED, CLD_EXITED, CLD_KILLED, NSIG, SIGCHLD, SIGCONT, type SigInfo } from '../signal.js';
import { sendGroupSignal } from '../signal_deliver.js';
import type { ThreadGroup } from '../task.js';
import { groupCpuNs } from '../time/cputime.js';

/** si_code of a stopped and a continued child (include/uapi/asm-generic/siginfo.h). */
export const CLD_STOPPED = 5, CLD_CONTINUED = 6;
/** sa_flags bits of SIGCHLD's action that change what the parent gets. */
const SA_NOCLDSTOP = 1n, SA_NOCLDWAIT = 2n;
const SIG_IGN = 1n;
/** si_utime and si_stime are in clock ticks (USER_HZ 100): 10 ms each. */
const NS_PER_CLOCK_TICK = 10_000_000n;

/** Returns the si_code and si_status a dead child reports (wait status and SIGCHLD agree). */
export function exitCodes(c: ThreadGroup): { code: number; status: number } {
  if (c.exitSignal !== 0) return { code: c.coreDumped ? CLD_DUMPED : CLD_KILLED, status: c.exitSignal };
  return { code: CLD_EXITED, status: c.exitCode ?? 0 };
}

/** Returns the SIGCHLD-style siginfo about child c (code and status given). */
function childInfo(signo: number, c: ThreadGroup, code: number, status: number): SigInfo {
  return {
    signo, code, pid: c.pid, uid: c.cred.ruid, status,
    utime: groupCpuNs(c) / NS_PER_CLOCK_TICK, stime: 0n,
  };
}

/**
 * Child c has exited: sends its exit signal to parent p and wakes p's waiters. Returns true when
 * c is to be reaped at once (p ignores SIGCHLD or set SA_NOCLDWAIT, and c's exit signal is SIGCHLD).
 */
export function notifyParentOfExit(c: ThreadGroup, p: ThreadGroup): boolean {
  let sig = c.node.exitSignal;
  let autoreap = false;
  const act = p.actions[SIGCHLD]!;
  if (sig === SIGCHLD && (act.handler === SIG_IGN || (act.flags & SA_NOCLDWAIT) !== 0n)) {
    autoreap = true;
    if (act.handler === SIG_IGN) sig = 0; // an ignored SIGCHLD is not even queued
  }
  if (sig > 0 && sig <= NSIG && p.exitCode === null) {
    const { code, status } = exitCodes(c);
    sendGroupSignal(p, childInfo(sig, c, code, status));
  }
  p.node.childWait.wake();
  return autoreap;
}

/** Sends c's parent SIGCHLD for a stop or continue unless it asked not to (SA_NOCLDSTOP, SIG_IGN). */
function notifyStopOrContinue(c: ThreadGroup, code: number, status: number): void {
  const p = c.node.parent;
  if (p === null || p.exitCode !== null) return;
  const act = p.actions[SIGCHLD]!;
  if (act.handler !== SIG_IGN && (act.flags & SA_NOCLDSTOP) === 0n) sendGroupSignal(p, childInfo(SIGCHLD, c, code, status));
  p.node.childWait.wake();
}

/** The group stop of c took effect with signal sig: wait can report it (WUNTRACED). */
export function processStopped(c: ThreadGroup, sig: number): void {
  c.node.stopReport = sig;
  c.node.continueReport = false;
  notifyStopOrContinue(c, CLD_STOPPED, sig);
}

/** A stopped c was continued by SIGCONT: wait can report it (WCONTINUED). */
export function processContinued(c: ThreadGroup): void {
  c.node.stopReport = 0;
  c.node.continueReport = true;
  notifyStopOrContinue(c, CLD_CONTINUED, SIGCONT);
}
