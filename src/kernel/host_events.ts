// Host events and who holds the kernel. Exactly one party runs kernel code at a time: the
// scheduler loop (a guest slice, the timers, the event point), or the event point itself when no
// loop runs. Code outside the kernel (host signal handlers, process handles, the host ends of stdio
// pipes, host timers, and host code's own system calls through a HostTask) never runs kernel code
// directly: it queues an event with post(), and the event runs at the kernel's event point, the
// top of the scheduler loop between two slices (never inside a syscall handler); posting ends an
// idle wait so the event runs at once. While no loop runs (before the first process starts, after
// the last one ended, or with only host tasks) there is no handler to be inside of, and events run
// on the next microtask. Events run in the order they were posted; in deterministic mode host code
// that only awaits the kernel posts them at points the seed fixes (see Kernel's loop), so their
// order is the same on every run.
//
// Recursion: a host callback that the kernel calls while it holds itself (a strace sink, a stdout
// listener, an exit listener) may post events and make HostTask calls (they are queued and run at
// the next event point, after the holder lets go), but may not enter the kernel synchronously:
// Kernel.spawn and the other synchronous entries throw a KernelStateError ERR_KERNEL_HELD then.

/** Why an entry into the kernel was refused: it is held, shut down, or the host task ended. */
export class KernelStateError extends Error {
  constructor(
    /** ERR_KERNEL_HELD, ERR_KERNEL_SHUTDOWN or ERR_HOST_TASK_EXITED. */
    readonly code: 'ERR_KERNEL_HELD' | 'ERR_KERNEL_SHUTDOWN' | 'ERR_HOST_TASK_EXITED',
    message: string,
  ) {
    super(message);
    this.name = 'KernelStateError';
  }
}

/** The kernel's queue of host events, and the record of who holds the kernel. */
export class HostEventQueue {
  private queue: (() => void)[] = [];
  private drainScheduled = false;
  /** Who runs kernel code now ("a guest slice", "the event point"), or null: nobody. */
  private holder: string | null = null;
  /** Set by a host call that settled (its promise resolved or rejected) since the last check. */
  private settled = false;

  /**
   * running: whether the scheduler loop is running (it then drains the queue itself);
   * wake: ends the loop's idle wait.
   */
  constructor(private readonly running: () => boolean, private readonly wake: () => void) {}

  /**
   * Queues fn for the next event point. After shutdown no loop runs, so events run on a microtask;
   * they find only ended processes (a piped stdout still hands over what the guest wrote, then ends).
   */
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

  /**
   * Runs the events queued so far (the event point); those they post wait for the next point. An
   * event that throws (host code's bug) does not stop the others; the first error is rethrown
   * after the batch, with the kernel released.
   */
  run(): void {
    const batch = this.queue;
    this.queue = [];
    let failure = null as { e: unknown } | null;
    this.hold('the event point', () => {
      for (const fn of batch) {
        try {
          fn();
        } catch (e) {
          failure ??= { e };
        }
      }
    });
    if (failure !== null) throw failure.e;
  }

  /** True if events are waiting. */
  get pending(): boolean {
    return this.queue.length > 0;
  }

  /** Runs fn as `who`, holding the kernel (nested holds keep the outer holder); releases it after, even on a throw. */
  hold<T>(who: string, fn: () => T): T {
    const outer = this.holder;
    this.holder ??= who;
    try {
      return fn();
    } finally {
      this.holder = outer;
    }
  }

  /** Marks the kernel held by `who` (null: released); the scheduler loop brackets its awaits with it. */
  setHolder(who: string | null): void {
    this.holder = who;
  }

  /** Who holds the kernel now, or null. */
  get heldBy(): string | null {
    return this.holder;
  }

  /** Throws ERR_KERNEL_HELD if someone holds the kernel: `what` may not enter it synchronously now. */
  assertFree(what: string): void {
    if (this.holder === null) return;
    throw new KernelStateError('ERR_KERNEL_HELD', `${what} called while ${this.holder} holds the kernel ` +
      '(from a callback the kernel made); call it after the callback returns (for example from a microtask)');
  }

  /** Notes that a host call settled (the loop then gives host code a turn in deterministic mode). */
  noteSettled(): void {
    this.settled = true;
  }

  /** Returns whether a host call settled since the last call, and clears the note. */
  takeSettled(): boolean {
    const s = this.settled;
    this.settled = false;
    return s;
  }
}
