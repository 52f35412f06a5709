// The scheduler: N virtual CPUs, each with a run queue, interleaved on the one host thread.
// A CPU runs the task at the head of its queue for one quantum; a preempted task goes to the
// tail. Tasks are placed on CPUs their affinity allows, and an idle CPU steals from the busiest.
// In deterministic mode every choice (which CPU runs next, quantum length, placement ties)
// comes from the seeded generator.
import { RSEQ_EVENT_MIGRATE, RSEQ_EVENT_PREEMPT } from '../abi/rseq.js';
import type { Prng } from '../util/prng.js';
import { type SchedulerView, type Task, TaskState } from './task.js';

/** Instructions per quantum in real-time mode: short enough to notice host events, long enough to amortise. */
export const QUANTUM = 200_000;
/** Quantum bounds in deterministic mode: varied per slice so that different seeds interleave differently. */
export const DET_QUANTUM_MIN = 500;
export const DET_QUANTUM_MAX = 50_000;
/** Largest CPU count accepted by --cpus (the affinity masks are 64-bit words here). */
export const MAX_CPUS = 64;

export class Cpu {
  readonly runQueue: Task[] = [];
  /** The task whose turn on this CPU was the last, unless it has left (blocked, stopped, exited or
   *  moved): Linux's rq->curr, as rseq and membarrier see it. */
  current: Task | null = null;
  constructor(readonly id: number) {}
}

export class Scheduler implements SchedulerView {
  readonly cpus: Cpu[];
  private nextCpu = 0;

  constructor(n: number, private readonly rng: Prng | null) {
    this.cpus = Array.from({ length: n }, (_, i) => new Cpu(i));
  }

  /** Number of virtual CPUs. */
  get cpuCount(): number {
    return this.cpus.length;
  }

  /** Mask with every CPU allowed. */
  get allCpus(): bigint {
    return (1n << BigInt(this.cpus.length)) - 1n;
  }

  /**
   * Makes t runnable on a CPU its affinity allows: its last CPU while that is no busier than the
   * least loaded allowed one (cache affinity), else the least loaded.
   */
  enqueue(t: Task): void {
    if (this.cpus.some((c) => c.runQueue.includes(t))) return;
    const allowed = t.cpusAllowed & this.allCpus;
    const idlest = this.leastLoaded(allowed, t);
    let cpu = this.cpus[t.cpu];
    if (cpu === undefined || ((allowed >> BigInt(t.cpu)) & 1n) === 0n || this.load(cpu, t) > this.load(idlest, t)) cpu = idlest;
    if (cpu.id !== t.cpu) t.migrations++;
    t.cpu = cpu.id;
    cpu.runQueue.push(t);
  }

  /** Takes t off whatever run queue holds it; it is no longer its CPU's current task. */
  remove(t: Task): void {
    const q = this.cpus[t.cpu]?.runQueue;
    const i = q?.indexOf(t) ?? -1;
    if (q !== undefined && i >= 0) q.splice(i, 1);
    this.leave(t);
  }

  /**
   * Starts t's turn on its CPU. A move to another CPU since its last turn is a migration, and
   * another task's turn (or t's own sleep) on this CPU in between is a preemption: both are rseq
   * events (Linux's rseq_migrate and rseq_preempt). A turn that follows t's own on an otherwise
   * idle CPU is neither, as a task alone on its CPU keeps running across timer ticks.
   */
  switchIn(t: Task): void {
    const r = t.rseq;
    if (r.lastCpu >= 0 && r.lastCpu !== t.cpu) {
      r.event(RSEQ_EVENT_MIGRATE);
      const old = this.cpus[r.lastCpu];
      if (old?.current === t) old.current = null;
    } else if (r.lastCpu >= 0 && this.cpus[t.cpu]!.current !== t) {
      r.event(RSEQ_EVENT_PREEMPT);
    }
    r.lastCpu = t.cpu;
    this.cpus[t.cpu]!.current = t;
  }

  /** t leaves its CPU (it blocked, stopped or exited): the CPU has no current task until the next turn. */
  leave(t: Task): void {
    const cpu = this.cpus[t.cpu];
    if (cpu?.current === t) cpu.current = null;
  }

  /** The current task of CPU c (see Cpu.current), or null. */
  currentOn(c: number): Task | null {
    return this.cpus[c]?.current ?? null;
  }

  /** Puts t, which is on no run queue (its turn just ended), on CPU c's queue: a forced migration. */
  moveTo(t: Task, c: number): void {
    if (c !== t.cpu) t.migrations++;
    t.cpu = c;
    this.cpus[c]!.runQueue.push(t);
  }

  /** Returns the next CPU to run and removes its head task, or null if nothing is runnable. */
  pick(): Task | null {
    const n = this.cpus.length;
    const start = this.rng ? this.rng.below(n) : this.nextCpu;
    for (let k = 0; k < n; k++) {
      const cpu = this.cpus[(start + k) % n]!;
      if (cpu.runQueue.length === 0) this.steal(cpu);
      const t = cpu.runQueue.shift();
      if (t !== undefined) {
        this.nextCpu = (cpu.id + 1) % n;
        return t;
      }
    }
    return null;
  }

  /** Instructions for the next slice. */
  quantum(): number {
    if (!this.rng) return QUANTUM;
    return DET_QUANTUM_MIN + this.rng.below(DET_QUANTUM_MAX - DET_QUANTUM_MIN + 1);
  }

  /** Number of runnable tasks queued. */
  get runnable(): number {
    let n = 0;
    for (const c of this.cpus) n += c.runQueue.length;
    return n;
  }

  /** Moves one task that may run on idle cpu from the busiest CPU (load balancing). */
  private steal(idle: Cpu): void {
    let busiest: Cpu | null = null;
    for (const c of this.cpus) {
      if (c.runQueue.length > 1 && (busiest === null || c.runQueue.length > busiest.runQueue.length)) busiest = c;
    }
    if (busiest === null) return;
    const bit = 1n << BigInt(idle.id);
    for (let i = busiest.runQueue.length - 1; i >= 1; i--) {
      const t = busiest.runQueue[i]!;
      if ((t.cpusAllowed & bit) !== 0n) {
        busiest.runQueue.splice(i, 1);
        t.cpu = idle.id;
        t.migrations++;
        idle.runQueue.push(t);
        return;
      }
    }
  }

  /**
   * The tasks CPU c has to run besides t: its queue, and its current task when that one is
   * runnable but on no queue (it is the one running now), since a CPU that runs a task is not idle.
   */
  private load(c: Cpu, t: Task): number {
    const cur = c.current;
    const running = cur !== null && cur !== t && cur.state === TaskState.Runnable && !c.runQueue.includes(cur) ? 1 : 0;
    return c.runQueue.length + running;
  }

  /** The allowed CPU with the least load besides t (ties: lowest id, or a seeded choice). */
  private leastLoaded(allowed: bigint, t: Task): Cpu {
    let best: Cpu[] = [];
    let bestLoad = Infinity;
    for (const c of this.cpus) {
      if (((allowed >> BigInt(c.id)) & 1n) === 0n) continue;
      const l = this.load(c, t);
      if (l < bestLoad) { best = [c]; bestLoad = l; } else if (l === bestLoad) best.push(c);
    }
    if (best.length === 0) return this.cpus[0]!;
    return this.rng ? best[this.rng.below(best.length)]! : best[0]!;
  }
}
