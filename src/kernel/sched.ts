// The scheduler: N virtual CPUs, each with a run queue, interleaved on the one host thread.
// A CPU runs the task at the head of its queue for one quantum; a preempted task goes to the
// tail. Tasks are placed on CPUs their affinity allows, and an idle CPU steals from the busiest.
// In deterministic mode every choice (which CPU runs next, quantum length, placement ties)
// comes from the seeded generator.
import type { Prng } from '../util/prng.js';
import type { SchedulerView, Task } from './task.js';

/** Instructions per quantum in real-time mode: short enough to notice host events, long enough to amortise. */
export const QUANTUM = 200_000;
/** Quantum bounds in deterministic mode: varied per slice so that different seeds interleave differently. */
export const DET_QUANTUM_MIN = 500;
export const DET_QUANTUM_MAX = 50_000;
/** Largest CPU count accepted by --cpus (the affinity masks are 64-bit words here). */
export const MAX_CPUS = 64;

export class Cpu {
  readonly runQueue: Task[] = [];
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
    const idlest = this.leastLoaded(allowed);
    let cpu = this.cpus[t.cpu];
    if (cpu === undefined || ((allowed >> BigInt(t.cpu)) & 1n) === 0n || cpu.runQueue.length > idlest.runQueue.length) cpu = idlest;
    if (cpu.id !== t.cpu) t.migrations++;
    t.cpu = cpu.id;
    cpu.runQueue.push(t);
  }

  /** Takes t off whatever run queue holds it. */
  remove(t: Task): void {
    const q = this.cpus[t.cpu]?.runQueue;
    const i = q?.indexOf(t) ?? -1;
    if (q !== undefined && i >= 0) q.splice(i, 1);
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

  /** The allowed CPU with the shortest queue (ties: lowest id, or a seeded choice). */
  private leastLoaded(allowed: bigint): Cpu {
    let best: Cpu[] = [];
    for (const c of this.cpus) {
      if (((allowed >> BigInt(c.id)) & 1n) === 0n) continue;
      if (best.length === 0 || c.runQueue.length < best[0]!.runQueue.length) best = [c];
      else if (c.runQueue.length === best[0]!.runQueue.length) best.push(c);
    }
    if (best.length === 0) return this.cpus[0]!;
    return this.rng ? best[this.rng.below(best.length)]! : best[0]!;
  }
}
