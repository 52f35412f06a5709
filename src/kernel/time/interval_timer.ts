// The interval-timer core shared by timerfd, setitimer and POSIX timers. A timer keeps its next
// expiry on one base clock: kernel CLOCK_MONOTONIC (realtime timers are converted when armed), or
// a CPU-time clock. Monotonic expiry goes through the kernel's timer queue; CPU-time expiry is
// found by cpu_timers.ts, which the scheduler runs after each slice.
import type { TimerHandle, TimerQueue } from './timer_queue.js';

/** Largest ktime_t (include/linux/ktime.h): Linux clamps every timer value and expiry to it. */
export const KTIME_MAX = (1n << 63n) - 1n;

/** A CPU-time clock a timer runs on: a process's (task null) or one of its threads'. */
export interface CpuBase {
  now(): bigint;
  /** The process whose CPU time it is (the timer stops when it has exited). */
  tg: { readonly exitCode: number | null };
  /** The thread, for a thread clock; null for the process clock. */
  task: object | null;
}

/** What a timer needs of the kernel: the monotonic clock, the timer queue, the armed CPU timers. */
export interface TimerContext {
  monotonicNs(): bigint;
  readonly timers: TimerQueue;
  readonly cpuTimers: Set<IntervalTimer>;
}

/** How missed expirations are handled. */
export const enum Reload {
  /** hrtimer_forward: every expiry up to now counts at once, the next one is after now. */
  Forward = 0,
  /** CPU itimers (check_cpu_itimer): one expiry per check, expires += interval. */
  Step = 1,
}

export interface IntervalTimerOptions {
  /** Called with the number of expirations (>= 1) each time the timer expires. */
  onExpire(count: bigint): void;
  reload: Reload;
  /** A CPU-time base, or undefined for kernel CLOCK_MONOTONIC. */
  cpu?: CpuBase;
  /** No callback is scheduled (SIGEV_NONE): expiry is only computed when someone looks. */
  passive?: boolean;
  /** Checked before a scheduled expiry runs: false once the owner is gone (exited process). */
  alive?: () => boolean;
}

/** Clamps a ns value to [0, KTIME_MAX] (ktime_add_safe). */
export function clampKtime(ns: bigint): bigint {
  return ns < 0n ? 0n : ns > KTIME_MAX ? KTIME_MAX : ns;
}

/** A one-shot or periodic timer on one base clock (Linux's hrtimer or cpu_timer, plus interval). */
export class IntervalTimer {
  /** Next expiry on the base clock (ns), or null when disarmed. */
  expires: bigint | null = null;
  /** Reload interval (ns), 0 for one-shot. Kept when disarmed (CPU itimers report it). */
  interval = 0n;
  private handle: TimerHandle | null = null;

  constructor(private readonly kernel: TimerContext, private readonly opts: IntervalTimerOptions) {}

  /** The base clock's current time (ns). */
  now(): bigint {
    return this.opts.cpu ? this.opts.cpu.now() : this.kernel.monotonicNs();
  }

  /** The CPU-time base, or undefined for a timer on the monotonic clock. */
  get cpu(): CpuBase | undefined {
    return this.opts.cpu;
  }

  /** False once the timer's owner is gone (its expiries must not run). */
  get alive(): boolean {
    return this.opts.alive ? this.opts.alive() : true;
  }

  /** Arms the timer at the absolute base-clock time `expires` with the given interval. */
  arm(expires: bigint, interval: bigint): void {
    this.disarm();
    this.interval = clampKtime(interval);
    this.expires = clampKtime(expires);
    this.schedule();
  }

  /** Stops the timer (the interval is left as it was). */
  disarm(): void {
    this.kernel.timers.cancel(this.handle);
    this.handle = null;
    this.expires = null;
    if (this.opts.cpu) this.kernel.cpuTimers.delete(this);
  }

  /** Time to the next expiry in ns (<= 0 if due but not yet processed), or null if disarmed. */
  remaining(now = this.now()): bigint | null {
    return this.expires === null ? null : this.expires - now;
  }

  /**
   * Processes expiry at `now`: returns how many expirations happened (0 if not due), moves the
   * next expiry on (or disarms a one-shot timer) and calls onExpire with the count.
   */
  sync(now = this.now()): bigint {
    const e = this.expires;
    if (e === null || now < e) return 0n;
    let n = 1n;
    if (this.interval === 0n) {
      this.expires = null;
    } else if (this.opts.reload === Reload.Forward) {
      n = (now - e) / this.interval + 1n;
      this.expires = clampKtime(e + n * this.interval);
    } else {
      this.expires = clampKtime(e + this.interval);
    }
    this.schedule();
    this.opts.onExpire(n);
    return n;
  }

  /** (Re)registers the pending expiry with kernel.timers or the CPU-timer set. */
  private schedule(): void {
    const k = this.kernel;
    k.timers.cancel(this.handle);
    this.handle = null;
    const cpu = this.opts.cpu;
    if (this.expires === null || this.opts.passive) {
      if (cpu) k.cpuTimers.delete(this);
      return;
    }
    if (cpu) {
      k.cpuTimers.add(this);
      return;
    }
    const due = this.expires;
    this.handle = k.timers.add(due, () => {
      this.handle = null;
      if (!this.alive) return;
      const now = k.monotonicNs();
      this.sync(now > due ? now : due);
    });
  }
}
