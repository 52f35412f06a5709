// Scheduling policies of deterministic mode and their compact text form (`--schedule`).
// A schedule names a strategy and its parameters; with the seed it fixes every scheduling
// decision, so `ecall run --seed S --schedule SCHED` replays a run exactly.
import type { Task } from '../task.js';

/** What the scheduler asks a deterministic policy. */
export interface SchedPolicy {
  /** A choice in [0, n): which CPU to look at first, which of equally loaded CPUs to use. */
  below(n: number): number;
  /** Instructions for the slice of t that starts when `retired` instructions have run in all. */
  quantum(t: Task, retired: number): number;
  /** The next task to run, taken off its queue, or undefined to let the scheduler's own rotation
   *  choose; `queues` are the CPUs' run queues. */
  pick?(queues: Task[][], retired: number): Task | null | undefined;
  /** t became runnable (or was put back after its slice). */
  enqueued?(t: Task): void;
}

/** A parsed --schedule. */
export type Schedule =
  | { kind: 'random'; min: number; max: number }
  | { kind: 'pct'; points: number[] };

/** Quantum bounds of the default random schedule (sched.ts's deterministic slice lengths). */
export const RANDOM_QUANTUM_MIN = 500;
export const RANDOM_QUANTUM_MAX = 50_000;
/** Largest quantum a schedule may name: longer slices only delay host events. */
export const MAX_SCHEDULE_QUANTUM = 100_000_000;
/** Most PCT change points a schedule may name (depth beyond this finds nothing new in practice). */
export const MAX_PCT_POINTS = 64;

/** The default schedule: random quanta between the usual bounds. */
export const DEFAULT_SCHEDULE: Schedule = { kind: 'random', min: RANDOM_QUANTUM_MIN, max: RANDOM_QUANTUM_MAX };

/** Returns the text form of s: `random:MIN-MAX` or `pct:P1,P2,...` (P: instruction counts). */
export function formatSchedule(s: Schedule): string {
  return s.kind === 'random' ? `random:${s.min}-${s.max}` : s.points.length === 0 ? 'pct' : `pct:${s.points.join(',')}`;
}

/** Parses `random`, `random:MIN-MAX`, `pct` or `pct:P1,P2,...`; returns an error message for bad text. */
export function parseSchedule(text: string): Schedule | string {
  if (text === 'random') return DEFAULT_SCHEDULE;
  let m = /^random:(\d+)-(\d+)$/.exec(text);
  if (m) {
    const min = Number(m[1]), max = Number(m[2]);
    if (min < 1 || max < min || max > MAX_SCHEDULE_QUANTUM) return `quantum bounds must satisfy 1 <= MIN <= MAX <= ${MAX_SCHEDULE_QUANTUM}`;
    return { kind: 'random', min, max };
  }
  if (text === 'pct') return { kind: 'pct', points: [] };
  m = /^pct:(\d+(?:,\d+)*)$/.exec(text);
  if (m) {
    const points = m[1]!.split(',').map(Number);
    if (points.length > MAX_PCT_POINTS) return `at most ${MAX_PCT_POINTS} change points`;
    if (points.some((p, i) => !Number.isSafeInteger(p) || (i > 0 && p <= points[i - 1]!))) return 'change points must be increasing integers';
    return { kind: 'pct', points };
  }
  return 'expected random, random:MIN-MAX, pct or pct:P1,P2,...';
}

/** Counts the preemption opportunities a schedule names (PCT change points; for random, none is explicit). */
export function schedulePoints(s: Schedule): number {
  return s.kind === 'pct' ? s.points.length : 0;
}
