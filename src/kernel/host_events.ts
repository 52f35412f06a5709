// Host events: how code outside the kernel (host signal handlers, process handles, the host ends of
// stdio pipes) enters it. An event is queued with post() and runs at the kernel's event point, the
// top of the scheduler loop between two slices, never inside a syscall handler; posting ends an
// idle wait so the event runs at once. While no loop runs (before the first process starts, or
// after the last one ended) there is no handler to be inside of, and events run on the next
// microtask.

/** The kernel's queue of host events. */
export class HostEventQueue {
  private queue: (() => void)[] = [];
  private drainScheduled = false;

  /**
   * running: whether the scheduler loop is running (it then drains the queue itself);
   * wake: ends the loop's idle wait.
   */
  constructor(private readonly running: () => boolean, private readonly wake: () => void) {}

  /** Queues fn for the next event point. */
  post(fn: () => void): void {
    this.queue.push(fn);
    if (this.running()) {
      this.wake();
      return;
    }
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    void Promise.resolve().then(() => {
      this.drainScheduled = false;
      if (!this.running()) this.run();
    });
  }

  /** Runs the events queued so far (the loop's event point); those they post wait for the next point. */
  run(): void {
    const batch = this.queue;
    this.queue = [];
    for (const fn of batch) fn();
  }

  /** True if events are waiting. */
  get pending(): boolean {
    return this.queue.length > 0;
  }
}
