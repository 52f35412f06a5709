// IORING_SETUP_SQPOLL: a kernel thread consumes the SQ ring without io_uring_enter. ecall has
// no kernel threads; the poller is a timer that looks at the SQ tail every SQPOLL_TICK_NS while it
// is awake, submits what it finds as the ring's creator, and after sq_thread_idle ms without work
// goes to sleep and sets IORING_SQ_NEED_WAKEUP, until io_uring_enter(IORING_ENTER_SQ_WAKEUP).
import { TaskState } from '../task.js';
import type { RingCore } from './ring_state.js';
import { submitSqes } from './submit.js';

/** How often the awake poller looks at the SQ ring (a busy-polling thread, sampled). */
const SQPOLL_TICK_NS = 50_000n;
/** sq_thread_idle when the application passes 0 (HZ: one second, as Linux). */
export const SQPOLL_DEFAULT_IDLE_MS = 1000;

/** Submits what the SQ ring holds now (the poller's work); returns the count. */
export function sqpollRun(ring: RingCore): number {
  if (ring.dead || !ring.enabled || ring.owner.state === TaskState.Exited) return 0;
  const n = ring.sqPending();
  if (n === 0) return 0;
  const done = submitSqes(ring, ring.owner, n);
  ring.sqWait.wake();
  return done;
}

/** Wakes the poller (at setup, and on IORING_ENTER_SQ_WAKEUP): awake for the idle time from now. */
export function sqpollWake(ring: RingCore): void {
  const k = ring.kernel;
  const asleep = ring.sqThreadAwakeUntil === null;
  ring.sqThreadAwakeUntil = k.monotonicNs() + BigInt(ring.sqThreadIdle) * 1_000_000n;
  ring.sqThreadSleeping(false);
  if (asleep) k.timers.add(k.monotonicNs() + SQPOLL_TICK_NS, () => tick(ring));
}

/** One poll of the SQ ring; re-arms while awake, else sleeps with NEED_WAKEUP set. */
function tick(ring: RingCore): void {
  if (ring.dead || ring.sqThreadAwakeUntil === null) return;
  const k = ring.kernel;
  if (sqpollRun(ring) > 0) ring.sqThreadAwakeUntil = k.monotonicNs() + BigInt(ring.sqThreadIdle) * 1_000_000n;
  if (k.monotonicNs() >= ring.sqThreadAwakeUntil || ring.owner.state === TaskState.Exited) {
    ring.sqThreadAwakeUntil = null;
    ring.sqThreadSleeping(true);
    return;
  }
  k.timers.add(k.monotonicNs() + SQPOLL_TICK_NS, () => tick(ring));
}
