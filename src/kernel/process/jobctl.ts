// Job control (Linux's drivers/tty/tty_jobctrl.c and the orphaned-group rules of kernel/exit.c):
// the controlling terminal of a session, its foreground process group, SIGTTIN and SIGTTOU for
// background readers and writers, and SIGHUP + SIGCONT to a process group that becomes orphaned
// while one of its members is stopped. There is one terminal, the host's (vfs/stdio.ts).
import { EINVAL, EIO, ENOTTY, EPERM, ERESTARTSYS, ESRCH } from '../../abi/errno.js';
import { SI_KERNEL, SIGCONT, SIGHUP, SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGWINCH } from '../signal.js';
import { sendGroupSignal } from '../signal_deliver.js';
import type { Request } from '../request.js';
import type { Task, ThreadGroup } from '../task.js';
import type { TerminalState } from '../vfs/termios.js';
import type { TtyJobControl } from '../vfs/tty_jobctl.js';
import { willBecomeOrphanedPgrp } from './orphan.js';

const SIG_IGN = 1n;

/** Sends sig from the kernel (SEND_SIG_PRIV: SI_KERNEL, no sender) to every member of group pgid. */
export function signalPgrp(tg: ThreadGroup, pgid: number, sig: number): void {
  for (const m of tg.kernel.procs.inGroup(pgid)) sendGroupSignal(m, { signo: sig, code: SI_KERNEL });
}

/** True if some member of group pgid is in a completed group stop (Linux's has_stopped_jobs). */
function hasStoppedJobs(tg: ThreadGroup, pgid: number): boolean {
  return tg.kernel.procs.inGroup(pgid).some((p) => p.stopped && p.exitCode === null);
}

/**
 * tg's exit (parent null: tg's own group may lose its last link outside) or its parent's exit
 * (parent: the dying process, tg's group may have lost that link) may orphan tg's group; if the
 * group then has a stopped member, every member gets SIGHUP then SIGCONT (kill_orphaned_pgrp).
 */
export function killOrphanedPgrp(tg: ThreadGroup, parent: ThreadGroup | null): void {
  let ignored: ThreadGroup | null = null;
  if (parent === null) {
    parent = tg.node.parent;
    ignored = tg;
  }
  if (parent === null) return;
  const pgid = tg.pgid;
  if (parent.pgid !== pgid && parent.sid === tg.sid && willBecomeOrphanedPgrp(tg, pgid, ignored) && hasStoppedJobs(tg, pgid)) {
    signalPgrp(tg, pgid, SIGHUP);
    signalPgrp(tg, pgid, SIGCONT);
  }
}

/** True if sig is blocked by t or ignored by its process (Linux's is_ignored in tty_jobctrl.c). */
function blockedOrIgnored(t: Task, sig: number): boolean {
  return (t.sigmask & (1n << BigInt(sig - 1))) !== 0n || t.tg.actions[sig]!.handler === SIG_IGN;
}

/**
 * The background check before a terminal read (sig SIGTTIN), a write with TOSTOP or a change of
 * the terminal's settings (SIGTTOU), as Linux's __tty_check_change: 0 when t may go on (not its
 * controlling terminal, or t's group is in the foreground, or SIGTTOU is ignored or blocked);
 * -EIO for an ignored SIGTTIN or an orphaned group; else t's group gets sig and the call returns
 * -ERESTARTSYS (it runs again once the group is continued).
 */
export function ttyCheckChange(t: Task, term: TerminalState, sig: number): number {
  const tg = t.tg;
  if (tg.node.ctty !== term) return 0;
  if (term.pgrp === 0 || term.pgrp === tg.pgid) return 0;
  if (blockedOrIgnored(t, sig)) return sig === SIGTTIN ? -EIO : 0;
  if (willBecomeOrphanedPgrp(tg, tg.pgid, null)) return -EIO;
  signalPgrp(tg, tg.pgid, sig);
  return -ERESTARTSYS;
}

/** Makes term the controlling terminal of tg's session, with tg's group in the foreground (proc_set_tty). */
function setCtty(tg: ThreadGroup, term: TerminalState): void {
  term.session = tg.sid;
  term.pgrp = tg.pgid;
  tg.node.ctty = term;
}

/**
 * A process the host starts with the host terminal as stdin: when the terminal belongs to no
 * session, it becomes the controlling terminal of the new process's session (what a terminal
 * emulator or `docker run -t` arranges for the first process).
 */
export function acquireTerminal(tg: ThreadGroup, term: TerminalState): void {
  if (term.session === 0) setCtty(tg, term);
}

/** TIOCSCTTY: a session leader without a controlling terminal takes term (EPERM otherwise, or when
 *  term belongs to another session and `steal` is not given by uid 0). */
export function tiocsctty(t: Task, term: TerminalState, steal: boolean, readable: boolean): number {
  const tg = t.tg;
  const leader = tg.sid === tg.pid;
  if (leader && term.session === tg.sid) return 0;
  if (!leader || tg.node.ctty !== null) return -EPERM;
  const admin = tg.cred.euid === 0;
  if (term.session !== 0) {
    if (!(steal && admin)) return -EPERM;
    clearSessionCtty(tg, term.session, term);
  }
  if (!readable && !admin) return -EPERM;
  setCtty(tg, term);
  return 0;
}

/** Clears the controlling terminal of every process of session sid (session_clear_tty). */
function clearSessionCtty(tg: ThreadGroup, sid: number, term: TerminalState): void {
  for (const p of tg.kernel.procs.all()) if (p.sid === sid && p.node.ctty === term) p.node.ctty = null;
}

/**
 * A session leader gives up its controlling terminal (Linux's disassociate_ctty): the foreground
 * group gets SIGHUP (and SIGCONT, unless the leader is exiting), and the terminal belongs to no
 * session any more. Does nothing for a process that is not a session leader with a terminal.
 */
export function disassociateCtty(tg: ThreadGroup, onExit: boolean): void {
  const term = tg.node.ctty;
  if (tg.sid !== tg.pid || term === null) return;
  if (term.session === tg.sid) {
    if (term.pgrp !== 0) {
      signalPgrp(tg, term.pgrp, SIGHUP);
      if (!onExit) signalPgrp(tg, term.pgrp, SIGCONT);
    }
    term.session = 0;
    term.pgrp = 0;
  }
  clearSessionCtty(tg, tg.sid, term);
}

/** TIOCNOTTY: the caller gives up its controlling terminal (a session leader for its whole session). */
export function tiocnotty(t: Task, term: TerminalState): number {
  const tg = t.tg;
  if (tg.node.ctty !== term) return -ENOTTY;
  if (tg.sid === tg.pid) disassociateCtty(tg, false);
  else tg.node.ctty = null;
  return 0;
}

/** TIOCGPGRP and TIOCGSID: the foreground group or the session of the caller's controlling terminal, or -ENOTTY. */
export function tiocgpgrp(t: Task, term: TerminalState, sid: boolean): number {
  if (t.tg.node.ctty !== term) return -ENOTTY;
  if (sid) return term.session === 0 ? -ENOTTY : term.session;
  return term.pgrp;
}

/**
 * TIOCSPGRP: makes group *argp of the caller's session the foreground group (tiocspgrp). A caller
 * in the background gets SIGTTOU first (ENOTTY when its group is orphaned); ENOTTY if term is not
 * its session's terminal, EINVAL for a negative id, ESRCH for an empty group, EPERM for a group
 * of another session.
 */
export function tiocspgrp(t: Task, term: TerminalState, readPgrp: () => number): number {
  const chk = ttyCheckChange(t, term, SIGTTOU);
  if (chk === -EIO) return -ENOTTY;
  if (chk !== 0) return chk;
  const pgrp = readPgrp(); // read after the background check, as Linux does
  if (pgrp < 0) return -EINVAL;
  const tg = t.tg;
  if (tg.node.ctty !== term || term.session !== tg.sid) return -ENOTTY;
  const members = tg.kernel.procs.inGroup(pgrp);
  if (members.length === 0) return -ESRCH;
  if (members[0]!.sid !== tg.sid) return -EPERM;
  term.pgrp = pgrp;
  return 0;
}


/** The signals a terminal sends its foreground group itself (^C, ^\\, ^Z, a resize). */
const TERMINAL_SIGNALS: readonly number[] = [SIGINT, SIGQUIT, SIGTSTP, SIGWINCH];

/**
 * The processes a host signal that the host terminal generated goes to: the live members of the
 * terminal's foreground group when sig is one a terminal sends (TERMINAL_SIGNALS) and a session
 * has the terminal, else null (the caller's default targets).
 */
export function terminalSignalTargets(procs: Iterable<ThreadGroup>, term: TerminalState, sig: number): ThreadGroup[] | null {
  if (!TERMINAL_SIGNALS.includes(sig) || term.session === 0 || term.pgrp === 0) return null;
  const out: ThreadGroup[] = [];
  for (const p of procs) if (p.pgid === term.pgrp && p.exitCode === null && p.node.ctty === term) out.push(p);
  return out.length > 0 ? out : null;
}

/** Returns the task behind a request (a hart's syscall or a ring's call made for a task), or null. */
function callerTask(r: Request): Task | null {
  const c = r.caller as Partial<Task>;
  return c.tg !== undefined && c.tg.node !== undefined ? c as Task : null;
}

/** Job control as the kernel's terminal asks for it: the caller's task acts; a request with no
 *  task behind it passes the background check and gets ENOTTY (EPERM for TIOCSCTTY) otherwise. */
export const terminalJobControl: TtyJobControl = {
  checkChange: (r, term, sig) => {
    const t = callerTask(r);
    return t === null ? 0 : ttyCheckChange(t, term, sig);
  },
  getPgrp: (r, term, sid) => {
    const t = callerTask(r);
    return t === null ? -ENOTTY : tiocgpgrp(t, term, sid);
  },
  setPgrp: (r, term, readPgrp) => {
    const t = callerTask(r);
    return t === null ? -ENOTTY : tiocspgrp(t, term, readPgrp);
  },
  setCtty: (r, term, steal, readable) => {
    const t = callerTask(r);
    return t === null ? -EPERM : tiocsctty(t, term, steal, readable);
  },
  noCtty: (r, term) => {
    const t = callerTask(r);
    return t === null ? -ENOTTY : tiocnotty(t, term);
  },
};
