// Blocking: a handler that must sleep returns t.block(...); the scheduler parks the task on
// the given wait queues and runs the handler again when one of them is woken (or on timeout
// or signal). No hidden awaits: every sleep point is a return from a handler.

/** A waiter on a queue: the task (or any other sleeper) to resume. */
export interface Waiter {
  wake(reason: WakeReason): void;
}

export const enum WakeReason {
  Event = 0,
  Timeout = 1,
  Signal = 2,
}

/** A FIFO list of sleepers; kernel objects (pipes, stdin, futex buckets) own one each. */
export class WaitQueue {
  private waiters: Waiter[] = [];

  add(w: Waiter): void {
    if (!this.waiters.includes(w)) this.waiters.push(w);
  }

  remove(w: Waiter): void {
    const i = this.waiters.indexOf(w);
    if (i >= 0) this.waiters.splice(i, 1);
  }

  /** Wakes up to n waiters (all by default) in FIFO order; returns how many were woken. */
  wake(n = Infinity): number {
    let woken = 0;
    while (woken < n && this.waiters.length > 0) {
      const w = this.waiters.shift()!;
      w.wake(WakeReason.Event);
      woken++;
    }
    return woken;
  }

  get length(): number {
    return this.waiters.length;
  }
}

/** Returned by a handler to sleep: on wake-up the same syscall is run again. */
export class Blocked {
  constructor(
    /** Queues whose wake() resumes the task. */
    readonly queues: WaitQueue[],
    /** Absolute deadline in kernel monotonic nanoseconds (bigint), or null for none. */
    readonly deadline: bigint | null = null,
    /** Code the call returns if a signal interrupts it (ERESTARTSYS etc., as a positive number). */
    readonly restart: number = 512,
  ) {}
}
