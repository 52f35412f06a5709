// Kernel timers: callbacks at absolute CLOCK_MONOTONIC deadlines (kernel ns). Sleeps, timerfd,
// itimers and POSIX timers all use this one queue; the scheduler fires due timers before it
// picks the next task, and when every task is blocked it waits for (or, in deterministic mode,
// jumps virtual time to) the earliest deadline.

export interface TimerHandle {
  readonly id: number;
  readonly deadline: bigint;
}

interface Entry extends TimerHandle {
  fn: () => void;
  seq: number;
}

export class TimerQueue {
  private entries: Entry[] = [];
  private nextId = 1;
  private seq = 0;

  /** Schedules fn at the absolute monotonic deadline (ns); returns a handle for cancel(). */
  add(deadline: bigint, fn: () => void): TimerHandle {
    const e: Entry = { id: this.nextId++, deadline, fn, seq: this.seq++ };
    // Sorted by deadline, then by insertion order, so firing order is deterministic.
    let i = this.entries.length;
    while (i > 0 && this.entries[i - 1]!.deadline > deadline) i--;
    this.entries.splice(i, 0, e);
    return e;
  }

  /** Removes a pending timer; returns false if it already fired or was cancelled. */
  cancel(h: TimerHandle | null | undefined): boolean {
    if (!h) return false;
    const i = this.entries.findIndex((e) => e.id === h.id);
    if (i < 0) return false;
    this.entries.splice(i, 1);
    return true;
  }

  /** The earliest pending deadline, or null. */
  earliest(): bigint | null {
    return this.entries.length > 0 ? this.entries[0]!.deadline : null;
  }

  /** Runs (in deadline order) every timer due at `now`; timers they add for <= now run too. */
  fire(now: bigint): number {
    let n = 0;
    while (this.entries.length > 0 && this.entries[0]!.deadline <= now) {
      const e = this.entries.shift()!;
      e.fn();
      n++;
    }
    return n;
  }

  get size(): number {
    return this.entries.length;
  }
}
