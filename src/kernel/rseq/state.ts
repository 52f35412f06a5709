// A task's rseq state: its registration (the area, its length and signature) and the events the
// scheduler and signal delivery record for the next return to user mode.
import { RSEQ_EVENT_MIGRATE, RSEQ_EVENT_PREEMPT, RSEQ_EVENT_SIGNAL } from '../../abi/rseq.js';

/** One registration: where the thread's struct rseq is, as given to rseq(). */
export interface RseqArea {
  addr: number;
  len: number;
  sig: number;
}

/** Per-task rseq bookkeeping (Linux keeps it in task_struct: rseq, rseq_len, rseq_sig, rseq_event_mask). */
export class RseqTask {
  /** The registered area, or null. */
  area: RseqArea | null = null;
  /** RSEQ_EVENT_* bits not yet consumed by a fixup inside a critical section. */
  events = 0;
  /** Set by an event or a registration: the next return to user mode runs the fixup (TIF_NOTIFY_RESUME). */
  notify = false;
  /** The CPU the task last ran on in user mode (-1: never), to notice migrations. */
  lastCpu = -1;
  /** Aborts this task's critical sections took (user rseq and the vDSO's), for --stats and tests. */
  aborts = 0;

  /** Records an event (Linux's rseq_preempt, rseq_migrate, rseq_signal_deliver) and asks for the fixup. */
  event(bit: typeof RSEQ_EVENT_PREEMPT | typeof RSEQ_EVENT_SIGNAL | typeof RSEQ_EVENT_MIGRATE): void {
    this.events |= bit;
    this.notify = true;
  }
}
