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

/** Anything a sleeper can be parked on: the kernel adds the task when it blocks and removes it
 *  when it wakes for any reason (event, timeout, signal). */
export interface WaitList {
  add(w: Waiter): void;
  remove(w: Waiter): void;
}

/** A FIFO list of sleepers; kernel objects (pipes, stdin, eventfds) own one each. */
export class WaitQueue implements WaitList {
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

/**
 * Returned by a handler to sleep: on wake-up the same syscall is run again (with t.resumed set).
 * If a signal interrupts the sleep instead, the call is not run again: its result is
 * -restart (or onInterrupt's value), and the kernel applies the restart rules to it
 * (ERESTARTSYS 512, ERESTARTNOINTR 513, ERESTARTNOHAND 514, ERESTART_RESTARTBLOCK 516 with
 * t.restartBlock set, or EINTR 4 for calls that are never restarted).
 */
export class Blocked {
  constructor(
    /** Lists whose wake resumes the task. */
    readonly queues: WaitList[],
    /** Absolute deadline in kernel monotonic nanoseconds (bigint), or null for none. */
    readonly deadline: bigint | null = null,
    /** Code the call returns if a signal interrupts it (ERESTARTSYS etc., as a positive number). */
    readonly restart: number = 512,
    /** Called instead when a signal interrupts: returns the a0 value (e.g. after writing *rem). */
    readonly onInterrupt: ((t: import('./task.js').Task) => number) | null = null,
  ) {}
}
