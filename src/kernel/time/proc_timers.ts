// The timers a process owns (signal_struct's real_timer, it[] and posix_timers): the three
// setitimer timers and the POSIX timers. A new process has none; exec keeps the setitimer timers
// and deletes the POSIX ones; exit stops all of them.
import type { SigInfo } from '../signal.js';
import type { IntervalTimer } from './interval_timer.js';

/** One of the three setitimer timers, with the last signal it sent. */
export interface ItimerSlot {
  timer: IntervalTimer;
  /** The last SIGALRM/SIGVTALRM/SIGPROF sent, to tell whether it is still pending. */
  lastInfo: SigInfo | null;
}

/** A POSIX timer as its process holds it (syscalls/posix_timers.ts makes them). */
export interface PosixTimerSlot {
  readonly timer: IntervalTimer;
}

/** Timers owned by one process. */
export class ProcTimers {
  /** Indexed by ITIMER_REAL 0, ITIMER_VIRTUAL 1, ITIMER_PROF 2; created on first use. */
  readonly itimers: (ItimerSlot | undefined)[] = [];
  readonly posix = new Map<number, PosixTimerSlot>();
  /** Next POSIX timer id to try (Linux's next_posix_timer_id: ids count up from 0). */
  nextPosixId = 0;

  /** For execve: deletes the POSIX timers; setitimer timers survive exec (as in Linux). */
  exec(): void {
    for (const pt of this.posix.values()) pt.timer.disarm();
    this.posix.clear();
  }

  /** For group exit: stops every timer so none fires into a dead process. */
  exit(): void {
    for (const slot of this.itimers) slot?.timer.disarm();
    this.exec();
  }
}
