// PCT (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010): every task gets a random
// priority when first seen; the highest-priority runnable task always runs; at each of d change
// points (counts of instructions retired by all tasks) the task running there drops below every
// initial priority (to -1, -2, ...). A bug of depth d is found with probability at least
// 1/(n k^(d-1)) per run for n tasks and k steps.
// Fairness: strict priority starves a low-priority task that a higher one busy-waits for (a spin
// lock or flag with no system call in the loop), and the run would only end at the instruction
// limit. So a runnable task that has waited PCT_STARVATION_LIMIT instructions (retired by all
// tasks) since it was queued gets the next slice, whatever its priority; strict priority resumes
// after that slice. The bound is far above the short runs PCT is for, so it changes no schedule
// that ends without it; with it every run whose tasks end under some fair schedule ends.
import type { Prng } from '../../util/prng.js';
import type { Task } from '../task.js';
import type { SchedPolicy } from './policy.js';

/** Longest PCT slice: a running task is re-picked (it keeps the CPU) unless a higher one waits,
 *  so this only bounds how long host events and timers wait. */
export const PCT_SLICE = 20_000;
/** Instructions a runnable task may wait before the fairness rule runs it: 50 slices, far above
 *  the runs the explorer makes (about 10^5 instructions), so bugs are found as PCT finds them. */
export const PCT_STARVATION_LIMIT = 1_000_000;

/** Strict priority scheduling with seeded priorities and explicit change points. */
export class PctPolicy implements SchedPolicy {
  private readonly priority = new Map<Task, number>();
  private next = 0;
  private last: Task | null = null;
  /** True from a slice's start (quantum) to the next pick: `last` is on the CPU. */
  private running = false;
  /** The retired count at which each queued task was first seen waiting since it last ran. */
  private waiting = new Map<Task, number>();
  /** Slices given by the fairness rule (for tests and statistics). */
  fairPicks = 0;

  constructor(private readonly rng: Prng, private readonly points: readonly number[]) {}

  /** A seeded choice in [0, n) (CPU placement ties). */
  below(n: number): number {
    return this.rng.below(n);
  }

  /** Up to the next change point, at most PCT_SLICE. */
  quantum(t: Task, retired: number): number {
    this.last = t;
    this.running = true;
    const cp = this.points[this.next];
    return cp === undefined ? PCT_SLICE : Math.max(1, Math.min(PCT_SLICE, cp - retired));
  }

  /** Applies the change points passed since the last slice, then takes the highest-priority task. */
  pick(queues: Task[][], retired: number): Task | null {
    this.running = false;
    while (this.next < this.points.length && this.points[this.next]! <= retired) {
      this.next++;
      if (this.last !== null) this.priority.set(this.last, -this.next);
    }
    let best: Task | null = null, bestQ: Task[] | null = null, bestP = -Infinity;
    let starved: Task | null = null, starvedQ: Task[] | null = null, starvedSince = Infinity;
    const waiting = new Map<Task, number>();
    for (const q of queues) {
      for (const t of q) {
        const p = this.priorityOf(t);
        if (p > bestP) { best = t; bestQ = q; bestP = p; }
        const since = this.waiting.get(t) ?? retired;
        waiting.set(t, since);
        if (retired - since >= PCT_STARVATION_LIMIT && since < starvedSince) { starved = t; starvedQ = q; starvedSince = since; }
      }
    }
    this.waiting = waiting;
    if (starved !== null) { best = starved; bestQ = starvedQ; this.fairPicks++; }
    if (best !== null) { bestQ!.splice(bestQ!.indexOf(best), 1); this.waiting.delete(best); }
    return best;
  }

  /** A task that wakes with a higher priority than the running one preempts it at its
   *  current syscall's return (PCT always runs the highest-priority enabled task). */
  enqueued(t: Task): void {
    const cur = this.last;
    if (this.running && cur !== null && cur !== t && this.priorityOf(t) > this.priorityOf(cur)) cur.yieldRequested = true;
  }

  /** t's priority, drawn (above every changed one) when t is first seen. */
  private priorityOf(t: Task): number {
    let p = this.priority.get(t);
    if (p === undefined) {
      p = 1 + this.rng.u32();
      this.priority.set(t, p);
    }
    return p;
  }
}
