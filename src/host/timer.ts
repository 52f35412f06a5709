// The one-shot timer both hosts arm with the platform's setTimeout (Node's and the page's behave
// alike here): delays past setTimeout's limit are re-armed in steps until the whole delay passed.
import type { HostTimer } from './host.js';

/** Longest delay setTimeout takes (2^31 - 1 ms, about 24.8 days); longer timers are re-armed. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Returns a HostTimer that calls onFire once after delayMs (negative is 0), however long the delay. */
export function armSetTimeout(delayMs: number, onFire: () => void): HostTimer {
  let handle: ReturnType<typeof setTimeout>;
  const arm = (ms: number): void => {
    handle = ms > MAX_TIMEOUT_MS ? setTimeout(() => arm(ms - MAX_TIMEOUT_MS), MAX_TIMEOUT_MS) : setTimeout(onFire, ms);
  };
  arm(Math.max(0, delayMs));
  return { cancel: () => clearTimeout(handle) };
}
