// Wait queues: the lists a sleeping request is parked on (see request.ts for how a handler
// sleeps). No hidden awaits: every sleep point is a return from a handler.

/** A waiter on a queue: the task (or any other sleeper) to resume. */
export interface Waiter {
  /** key: the POLL* bits the wake-up is about, when the waker says (Linux's keyed wake-ups). */
  wake(reason: WakeReason, key?: number): void;
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

  /**
   * Wakes up to n waiters (all by default) in FIFO order; returns how many were woken. key: the
   * POLL* events this wake-up reports (an edge-triggered epoll item ignores other events).
   */
  wake(n = Infinity, key?: number): number {
    let woken = 0;
    while (woken < n && this.waiters.length > 0) {
      const w = this.waiters.shift()!;
      w.wake(WakeReason.Event, key);
      woken++;
    }
    return woken;
  }

  get length(): number {
    return this.waiters.length;
  }
}
