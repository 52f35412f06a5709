// What a terminal asks of job control (Linux's tty_jobctrl.c), as an interface the kernel hands the
// terminal when it is made: the terminal's files (vfs/stdio.ts) call it without knowing processes,
// and kernel/process/jobctl.ts implements it for the request's calling task.
import { ENOTTY, EPERM } from '../../abi/errno.js';
import type { Request } from '../request.js';
import type { TerminalState } from './termios.js';

/** Job control for one terminal operation; r is the request of the caller acting on the terminal. */
export interface TtyJobControl {
  /** The background check before a read (SIGTTIN), a TOSTOP write or a settings change (SIGTTOU):
   *  0 when the caller may go on, else a negative errno or -ERESTARTSYS. */
  checkChange(r: Request, term: TerminalState, sig: number): number;
  /** TIOCGPGRP (sid false) or TIOCGSID (sid true): the id, or a negative errno. */
  getPgrp(r: Request, term: TerminalState, sid: boolean): number;
  /** TIOCSPGRP with the group readPgrp() reads from the caller: 0 or a negative errno. */
  setPgrp(r: Request, term: TerminalState, readPgrp: () => number): number;
  /** TIOCSCTTY (steal: arg 1; readable: the file is open for reading): 0 or a negative errno. */
  setCtty(r: Request, term: TerminalState, steal: boolean, readable: boolean): number;
  /** TIOCNOTTY: 0 or a negative errno. */
  noCtty(r: Request, term: TerminalState): number;
}

/** A terminal with no processes behind it (a Vfs alone): nothing is checked, and the ioctls that
 *  need a calling process fail as they do for a caller that is not a task. */
export const NO_JOB_CONTROL: TtyJobControl = {
  checkChange: () => 0,
  getPgrp: () => -ENOTTY,
  setPgrp: () => -ENOTTY,
  setCtty: () => -EPERM,
  noCtty: () => -ENOTTY,
};
