// A process's place in the process tree and what wait can learn about it: Linux keeps these in
// task_struct and signal_struct (real_parent, children, exit_signal, exit_state, the group stop
// and continue reports, is_child_subreaper, vfork_done).
import { WaitQueue } from '../wait.js';
import type { TerminalState } from '../vfs/termios.js';

/** SIGCHLD: the default exit signal of fork (signal.ts has it too; repeated to keep this a leaf). */
const SIGCHLD = 17;

export const enum ExitState {
  /** Running (or stopped). */
  Live = 0,
  /** Exited and not yet reaped: wait can report it. */
  Zombie = 1,
  /** Reaped (or auto-reaped): gone from the process table. */
  Dead = 2,
}

/** The tree links of a process P (task.ts's ThreadGroup). */
export class ProcNode<P> {
  /** The parent process (Linux's real_parent), or null for a process the host started. */
  parent: P | null = null;
  /** Children in creation order (wait reports the first match, as Linux walks its list). */
  readonly children: P[] = [];
  /** Signal the parent gets at exit: clone's low byte or clone3's exit_signal (0: none). */
  exitSignal = SIGCHLD;
  exitState = ExitState.Live;
  /** The stop signal wait has not reported yet (WUNTRACED, WSTOPPED), or 0. */
  stopReport = 0;
  /** A continue wait has not reported yet (WCONTINUED). */
  continueReport = false;
  /** PR_SET_CHILD_SUBREAPER: orphaned descendants are reparented here. */
  subreaper = false;
  /** True once the process has called execve (setpgid on it from its parent gives EACCES). */
  execed = false;
  /** True for a process the host started: the init of its tree (orphans reparent to it, and
   *  its descendants are killed when it exits, as in a pid namespace). */
  root = false;
  /** Sleepers in wait4 and waitid (Linux's wait_chldexit): woken by a child's exit, stop or continue. */
  readonly childWait = new WaitQueue();
  /** While a vfork parent waits for this child to exec or exit: the queue it sleeps on. */
  vforkDone: WaitQueue | null = null;
  /** fileKey of the executable the process runs (write-denied while it runs: ETXTBSY), or null. */
  exeKey: string | null = null;
  /** The controlling terminal (Linux's signal->tty): the host terminal's state, or null. */
  ctty: TerminalState | null = null;
  /** argv as NUL-terminated strings back to back (/proc/<pid>/cmdline); exec replaces it. */
  cmdline: Uint8Array = new Uint8Array(0);
}
