// CPU-time timers (ITIMER_VIRTUAL and ITIMER_PROF, POSIX timers and timerfds on CPU clocks):
// their clocks advance only while the task runs, so the scheduler asks cpuTimerBudget how long a
// slice may be and runs runCpuTimers after it.
import type { Task } from '../task.js';
import { NS_PER_INSN } from './usage.js';

/** Fewest instructions a slice is clipped to for a CPU timer: Linux checks CPU timers only at
 *  the scheduler tick (4 ms), so 10 us keeps expiry finer than Linux's without 1-instruction slices. */
export const MIN_CPU_TIMER_SLICE = 10_000;

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
