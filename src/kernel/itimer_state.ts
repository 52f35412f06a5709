// Per-process timer state and the interval-timer core shared by timerfd, setitimer and POSIX
// timers. A timer keeps its next expiry on one base clock: kernel CLOCK_MONOTONIC (realtime
// timers are converted when armed), or a CPU-time clock. Monotonic expiry goes through
// kernel.timers; CPU-time expiry is found by runCpuTimers(), which the scheduler calls after
// each slice (with the slice clipped by cpuTimerBudget()).
import type { GuestMemory } from '../mem/guest_memory.js';
import type { Kernel } from './kernel.js';
import type { SigInfo } from './signal.js';
import type { Task, ThreadGroup } from './task.js';
import type { TimerHandle } from './timers.js';
import { type SigPending, sigbit } from './signal_queue.js';
import type { PosixTimer } from './syscalls/posix_timers.js';
import { NS_PER_INSN } from './syscalls/cputime.js';
import { NSEC_PER_SEC, NSEC_PER_USEC } from './structs.js';

/** Largest ktime_t (include/linux/ktime.h): Linux clamps every timer value and expiry to it. */
export const KTIME_MAX = (1n << 63n) - 1n;
/** Fewest instructions a slice is clipped to for a CPU timer: Linux checks CPU timers only at
 *  the scheduler tick (4 ms), so 10 us keeps expiry finer than Linux's without 1-instruction slices. */
export const MIN_CPU_TIMER_SLICE = 10_000;
/** sizeof(struct itimerspec) and sizeof(struct itimerval) on riscv64: two 16-byte halves. */
export const ITIMERSPEC_SIZE = 32;
export const ITIMERVAL_SIZE = 32;

/** A CPU-time clock a timer runs on: the process's (task null) or one thread's. */
export interface CpuBase {
  now(): bigint;
  tg: ThreadGroup;
  task: Task | null;
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

  constructor(private readonly kernel: Kernel, private readonly opts: IntervalTimerOptions) {}

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

/**
 * For the scheduler: how many instructions t may run before a CPU-time timer whose clock t
 * advances could expire (at least MIN_CPU_TIMER_SLICE), or Infinity if there is none.
 */
export function cpuTimerBudget(t: Task): number {
  const s = t.kernel.cpuTimers;
  if (s.size === 0) return Infinity;
  let best = Infinity;
  for (const tm of s) {
    const c = tm.cpu!;
    if (c.task === null ? c.tg !== t.tg : c.task !== t) continue;
    const left = tm.remaining();
    if (left === null) continue;
    const insns = Number(left) / NS_PER_INSN;
    if (insns < best) best = insns;
  }
  return best === Infinity ? best : Math.max(MIN_CPU_TIMER_SLICE, Math.ceil(best));
}

/** For the scheduler, after t ran a slice: fires the CPU-time timers that are due. */
export function runCpuTimers(t: Task): void {
  const s = t.kernel.cpuTimers;
  if (s.size === 0) return;
  for (const tm of [...s]) {
    if (!tm.alive || tm.cpu!.tg.exitCode !== null) {
      tm.disarm(); // its owner or the process whose CPU time it measures is gone
      continue;
    }
    tm.sync();
  }
}

// --- per-process state ------------------------------------------------------------------------

/** One of the three setitimer timers, with the last signal it sent. */
export interface ItimerSlot {
  timer: IntervalTimer;
  /** The last SIGALRM/SIGVTALRM/SIGPROF sent, to tell whether it is still pending. */
  lastInfo: SigInfo | null;
}

/** Timers owned by one process (signal_struct's real_timer, it[], posix_timers); a new process has none. */
export class ProcTimers {
  /** Indexed by ITIMER_REAL 0, ITIMER_VIRTUAL 1, ITIMER_PROF 2; created on first use. */
  readonly itimers: (ItimerSlot | undefined)[] = [];
  readonly posix = new Map<number, PosixTimer>();
  /** Next POSIX timer id to try (Linux's next_posix_timer_id: ids count up from 0). */
  nextPosixId = 0;
}

/** For execve: deletes the POSIX timers; setitimer timers survive exec (as in Linux). */
export function execTimers(tg: ThreadGroup): void {
  const s = tg.timers;
  for (const pt of s.posix.values()) pt.timer.disarm();
  s.posix.clear();
}

/** For group exit: stops every timer of tg so none fires into a dead process. */
export function exitTimers(tg: ThreadGroup): void {
  for (const slot of tg.timers.itimers) slot?.timer.disarm();
  execTimers(tg);
}

/**
 * True while `info`, sent to `target` (or to tg's shared queue when process-directed), is still
 * queued. Uses SigPending.has(info) when the queue provides it; otherwise the pending bit, which
 * is exact for standard signals (never queued twice) and approximate for real-time ones.
 */
export function sigInfoPending(tg: ThreadGroup, target: Task | null, info: SigInfo): boolean {
  const q = (target ? target.pending : tg.shared) as SigPending & { has?: (i: SigInfo) => boolean };
  if (typeof q.has === 'function') return q.has(info);
  return (q.mask & sigbit(info.signo)) !== 0n;
}

// --- struct itimerspec / itimerval -----------------------------------------------------------

/** A decoded itimerspec or itimerval, in ns; valid is false if a field is out of range. */
export interface TimerValue {
  intervalNs: bigint;
  valueNs: bigint;
  valid: boolean;
}

/** Converts a raw (sec, sub) pair to ns; sub is nsec (or usec when perSub is NSEC_PER_USEC). */
function half(sec: bigint, sub: bigint, subMax: bigint, perSub: bigint): [bigint, boolean] {
  const ok = sec >= 0n && sub >= 0n && sub < subMax;
  if (!ok) return [0n, false];
  // timespec64_to_ktime: seconds past KTIME_SEC_MAX give KTIME_MAX.
  return [clampKtime(sec * NSEC_PER_SEC + sub * perSub), true];
}

/** Reads a 32-byte struct itimerspec (it_interval @0, it_value @16); throws EFAULT. */
export function readItimerspec(mem: GuestMemory, addr: number): TimerValue {
  mem.checkRead(addr, ITIMERSPEC_SIZE);
  const f = (o: number): bigint => BigInt.asIntN(64, mem.readBig64(addr + o));
  const [iv, ok1] = half(f(0), f(8), NSEC_PER_SEC, 1n);
  const [v, ok2] = half(f(16), f(24), NSEC_PER_SEC, 1n);
  return { intervalNs: iv, valueNs: v, valid: ok1 && ok2 };
}

/** Reads a 32-byte struct itimerval (timevals: it_interval @0, it_value @16); throws EFAULT. */
export function readItimerval(mem: GuestMemory, addr: number): TimerValue {
  mem.checkRead(addr, ITIMERVAL_SIZE);
  const f = (o: number): bigint => BigInt.asIntN(64, mem.readBig64(addr + o));
  const usecMax = NSEC_PER_SEC / NSEC_PER_USEC;
  const [iv, ok1] = half(f(0), f(8), usecMax, NSEC_PER_USEC);
  const [v, ok2] = half(f(16), f(24), usecMax, NSEC_PER_USEC);
  return { intervalNs: iv, valueNs: v, valid: ok1 && ok2 };
}

/** Writes a struct itimerspec (both values non-negative ns); throws EFAULT. */
export function writeItimerspec(mem: GuestMemory, addr: number, intervalNs: bigint, valueNs: bigint): void {
  mem.checkWrite(addr, ITIMERSPEC_SIZE);
  mem.writeBig64(addr, intervalNs / NSEC_PER_SEC);
  mem.writeBig64(addr + 8, intervalNs % NSEC_PER_SEC);
  mem.writeBig64(addr + 16, valueNs / NSEC_PER_SEC);
  mem.writeBig64(addr + 24, valueNs % NSEC_PER_SEC);
}

/** Writes a struct itimerval, microseconds truncated (put_itimerval); throws EFAULT. */
export function writeItimerval(mem: GuestMemory, addr: number, intervalNs: bigint, valueNs: bigint): void {
  mem.checkWrite(addr, ITIMERVAL_SIZE);
  mem.writeBig64(addr, intervalNs / NSEC_PER_SEC);
  mem.writeBig64(addr + 8, (intervalNs % NSEC_PER_SEC) / NSEC_PER_USEC);
  mem.writeBig64(addr + 16, valueNs / NSEC_PER_SEC);
  mem.writeBig64(addr + 24, (valueNs % NSEC_PER_SEC) / NSEC_PER_USEC);
}
