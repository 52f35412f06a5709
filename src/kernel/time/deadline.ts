// The one deadline type: an absolute time on CLOCK_MONOTONIC or CLOCK_REALTIME, in ns. Every
// call that sleeps with a timeout (nanosleep, futex, poll, epoll, sigtimedwait) keeps one of these
// in its request; the kernel arms the timer queue (which runs on the monotonic clock) from it.

/** The two clocks a kernel time base can be read from. */
export interface KernelClock {
  /** CLOCK_MONOTONIC in ns since boot. */
  monotonicNs(): bigint;
  /** CLOCK_REALTIME in ns since the epoch. */
  realtimeNs(): bigint;
}

/** An absolute deadline in ns on CLOCK_REALTIME (realtime) or CLOCK_MONOTONIC. */
export interface Deadline {
  readonly realtime: boolean;
  readonly ns: bigint;
}

/** A deadline on the monotonic clock at `ns`. */
export function monotonicDeadline(ns: bigint): Deadline {
  return { realtime: false, ns };
}

/** Returns the current time on d's clock. */
export function clockNow(clock: KernelClock, d: Deadline): bigint {
  return d.realtime ? clock.realtimeNs() : clock.monotonicNs();
}

/** True once d's clock has reached d. */
export function deadlinePassed(clock: KernelClock, d: Deadline): boolean {
  return clockNow(clock, d) >= d.ns;
}

/** ns left until d (0 if it passed). */
export function timeLeft(clock: KernelClock, d: Deadline): bigint {
  const left = d.ns - clockNow(clock, d);
  return left > 0n ? left : 0n;
}

/**
 * d on the monotonic time base, for the timer queue: a realtime deadline is mapped at the moment
 * of the call (a sleeper woken early by a clock change checks its own clock again).
 */
export function monotonicAt(clock: KernelClock, d: Deadline): bigint {
  return d.realtime ? clock.monotonicNs() + (d.ns - clock.realtimeNs()) : d.ns;
}
