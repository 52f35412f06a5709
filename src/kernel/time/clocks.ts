// POSIX clocks: which clock ids exist, what each reads, its resolution, and whether one can
// sleep on it. Used by clock_gettime/getres/nanosleep (time.ts); timers may reuse resolveClock.
import type { Task } from '../task.js';
import { groupCpuNs, taskCpuNs } from './cputime.js';
import { findTask } from '../syscalls/proc_state.js';
import { TICK_NSEC } from './tick.js';

/** Clock ids (include/uapi/linux/time.h). */
export const CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2,
  CLOCK_THREAD_CPUTIME_ID = 3, CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5,
  CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7, CLOCK_REALTIME_ALARM = 8,
  CLOCK_BOOTTIME_ALARM = 9, CLOCK_TAI = 11;

/** hrtimer resolution: the fine clocks resolve to 1 ns. */
const HRTIMER_RES_NSEC = 1n;

/** Bits of a dynamic CPU clock id: ~pid << 3 | perthread << 2 | which (include/linux/posix-timers.h). */
const CPUCLOCK_PERTHREAD_MASK = 4, CPUCLOCK_CLOCK_MASK = 3;
const CPUCLOCK_SCHED = 2;
/** `which` value 3 marks a clock-fd id (FD_TO_CLOCKID), which ecall does not support. */
const CLOCKFD = 3;

/** What sleeping on a clock does: allowed, or the errno clock_nanosleep returns. */
export const enum SleepKind {
  Ok = 0,
  Invalid = 1,      // EINVAL: the calling thread's own CPU clock
  Unsupported = 2,  // EOPNOTSUPP: no nsleep for this clock
}

/** A resolved clock: how to read it and its properties. */
export interface Clock {
  /** Reads the clock, ns. */
  now(): bigint;
  /** clock_getres value, ns. */
  res: bigint;
  /** True if the clock follows the wall clock (absolute deadlines must be rechecked against it). */
  realtime: boolean;
  sleep: SleepKind;
  /** True for the CPU-time clocks (clock_settime gives EPERM instead of EINVAL). */
  cpu: boolean;
}

function coarse(ns: bigint): bigint {
  return ns - (ns % TICK_NSEC);
}

/** Returns the clock named by id for task t, or null if id is not a valid clock (EINVAL). */
export function resolveClock(t: Task, id: number): Clock | null {
  const k = t.kernel;
  const fine = (realtime: boolean, read: () => bigint, sleep = SleepKind.Ok): Clock =>
    ({ now: read, res: HRTIMER_RES_NSEC, realtime, sleep, cpu: false });
  switch (id) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_ALARM:
    case CLOCK_TAI: // TAI offset is 0 until adjtimex sets one; ecall never does
      return fine(true, () => k.realtimeNs());
    case CLOCK_MONOTONIC:
    case CLOCK_BOOTTIME: // ecall never suspends, so BOOTTIME equals MONOTONIC
    case CLOCK_BOOTTIME_ALARM:
      return fine(false, () => k.monotonicNs());
    case CLOCK_MONOTONIC_RAW:
      return fine(false, () => k.monotonicNs(), SleepKind.Unsupported);
    case CLOCK_REALTIME_COARSE:
      return { now: () => coarse(k.realtimeNs()), res: TICK_NSEC, realtime: true, sleep: SleepKind.Unsupported, cpu: false };
    case CLOCK_MONOTONIC_COARSE:
      return { now: () => coarse(k.monotonicNs()), res: TICK_NSEC, realtime: false, sleep: SleepKind.Unsupported, cpu: false };
    case CLOCK_PROCESS_CPUTIME_ID:
      return cpuClock(t, 0, false, CPUCLOCK_SCHED);
    case CLOCK_THREAD_CPUTIME_ID:
      return cpuClock(t, 0, true, CPUCLOCK_SCHED);
    default:
      if (id >= 0) return null;
      return cpuClock(t, ~(id >> 3), (id & CPUCLOCK_PERTHREAD_MASK) !== 0, id & CPUCLOCK_CLOCK_MASK);
  }
}

/** A CPU-time clock of a thread or process of t's group; null if it names nothing visible. */
function cpuClock(t: Task, pid: number, perThread: boolean, which: number): Clock | null {
  if (which === CLOCKFD) return null;
  // PROF and VIRT tick-based clocks have jiffy resolution; SCHED is exact (posix-cpu-timers.c).
  const res = which === CPUCLOCK_SCHED ? HRTIMER_RES_NSEC : TICK_NSEC;
  const target = findTask(t, pid);
  if (perThread) {
    // A thread clock names a thread of the caller's own process.
    if (!target || target.tg !== t.tg) return null;
    // Sleeping on the caller's own thread clock could never end: EINVAL, as Linux.
    const sleep = target === t ? SleepKind.Invalid : SleepKind.Unsupported;
    return { now: () => taskCpuNs(target), res, realtime: false, sleep, cpu: true };
  }
  // A process clock names a process by its pid (the thread group leader's tid).
  if (!target || (pid !== 0 && target.tg.pid !== pid)) return null;
  const tg = target.tg;
  // Deviation: Linux can sleep on a process CPU clock; ecall answers EOPNOTSUPP.
  return { now: () => groupCpuNs(tg), res, realtime: false, sleep: SleepKind.Unsupported, cpu: true };
}
