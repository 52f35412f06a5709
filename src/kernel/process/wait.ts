// The choice wait4 and waitid make (Linux's do_wait and wait_consider_task): which child, if any,
// has an exit, a stop or a continue to report to a parent, and what reporting it consumes.
import { SIGCHLD, SIGCONT } from '../signal.js';
import type { ThreadGroup } from '../task.js';
import { ExitState } from './node.js';
import { CLD_CONTINUED, CLD_STOPPED } from '../signal.js';
import { exitCodes } from './notify.js';
import { reap } from './exit.js';

/** wait option bits (include/uapi/linux/wait.h). */
export const WNOHANG = 0x1, WUNTRACED = 0x2, WSTOPPED = 0x2, WEXITED = 0x4, WCONTINUED = 0x8,
  WNOWAIT = 0x01000000, __WNOTHREAD = 0x20000000, __WALL = 0x40000000, __WCLONE = 0x80000000;

/** Which children a wait names: one pid, one process group, or all. */
export type WaitWhich = { kind: 'pid'; pid: number } | { kind: 'pgid'; pgid: number } | { kind: 'all' };

/** An event wait reports: the child, the wait status word, and the waitid/SIGCHLD code and status. */
export interface WaitEvent {
  child: ThreadGroup;
  /** The int wait4 stores: exit code << 8, signal | 0x80 for a core, (sig << 8) | 0x7f, or 0xffff. */
  status: number;
  /** CLD_EXITED, CLD_KILLED, CLD_DUMPED, CLD_STOPPED or CLD_CONTINUED. */
  code: number;
  /** si_status: the exit code or the signal. */
  siStatus: number;
  exited: boolean;
}

/** True if child c is one this wait names (pid or group, and the __WCLONE/__WALL class). */
function eligible(c: ThreadGroup, which: WaitWhich, options: number): boolean {
  if (which.kind === 'pid' && c.pid !== which.pid) return false;
  if (which.kind === 'pgid' && c.pgid !== which.pgid) return false;
  if ((options & __WALL) !== 0) return true;
  // A "clone" child is one whose exit signal is not SIGCHLD: only __WCLONE waits for those.
  return (c.node.exitSignal !== SIGCHLD) === ((options & __WCLONE) !== 0);
}

/** Returns what child c can report under options, without consuming it, or null. */
function eventOf(c: ThreadGroup, options: number): WaitEvent | null {
  const n = c.node;
  if (n.exitState === ExitState.Zombie) {
    if ((options & WEXITED) === 0) return null;
    const { code, status } = exitCodes(c);
    const word = c.exitSignal !== 0 ? (c.exitSignal | (c.coreDumped ? 0x80 : 0)) : ((c.exitCode ?? 0) & 0xff) << 8;
    return { child: c, status: word, code, siStatus: status, exited: true };
  }
  if (n.exitState !== ExitState.Live) return null;
  if ((options & WSTOPPED) !== 0 && n.stopReport !== 0 && c.stopped) {
    return { child: c, status: (n.stopReport << 8) | 0x7f, code: CLD_STOPPED, siStatus: n.stopReport, exited: false };
  }
  if ((options & WCONTINUED) !== 0 && n.continueReport) {
    return { child: c, status: 0xffff, code: CLD_CONTINUED, siStatus: SIGCONT, exited: false };
  }
  return null;
}

/**
 * Looks through parent's children in creation order: returns the first event to report, 'wait'
 * if some child matches but has nothing to report yet, or 'none' if no child matches (ECHILD).
 */
export function findWaitEvent(parent: ThreadGroup, which: WaitWhich, options: number): WaitEvent | 'wait' | 'none' {
  let matched = false;
  for (const c of parent.node.children) {
    if (!eligible(c, which, options)) continue;
    matched = true;
    const ev = eventOf(c, options);
    if (ev !== null) return ev;
  }
  return matched ? 'wait' : 'none';
}

/** Consumes a reported event unless WNOWAIT: an exited child is reaped (its usage counted), a stop or continue report is cleared. */
export function consumeWaitEvent(ev: WaitEvent, options: number): void {
  if ((options & WNOWAIT) !== 0) return;
  const n = ev.child.node;
  if (ev.exited) reap(ev.child, true);
  else if (ev.code === CLD_STOPPED) n.stopReport = 0;
  else n.continueReport = false;
}
