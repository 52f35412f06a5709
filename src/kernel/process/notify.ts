// What a parent learns when a child exits (Linux's do_notify_parent): the child's exit signal
// with its siginfo, and a wake-up of the parent's wait4/waitid sleepers. A child's stop and
// continue are told by signal_deliver.ts (do_notify_parent_cldstop), which the group stop is part of.
import { CLD_DUMPED, CLD_EXITED, CLD_KILLED, NSIG, SIGCHLD } from '../signal.js';
import { childInfo, sendGroupSignal } from '../signal_deliver.js';
import type { ThreadGroup } from '../task.js';

/** sa_flags bit of SIGCHLD's action: children are reaped without becoming zombies. */
const SA_NOCLDWAIT = 2n;
const SIG_IGN = 1n;

/** Returns the si_code and si_status a dead child reports (wait status and SIGCHLD agree). */
export function exitCodes(c: ThreadGroup): { code: number; status: number } {
  if (c.exitSignal !== 0) return { code: c.coreDumped ? CLD_DUMPED : CLD_KILLED, status: c.exitSignal };
  return { code: CLD_EXITED, status: c.exitCode ?? 0 };
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
