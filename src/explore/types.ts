// The schedule explorer's data: what to run, one run's inputs and outcome, and the report.
import type { CancelLatency, InjectedReport, SyscallRecord } from '../kernel/inject.js';
import type { InjectOptions } from './inject_plan.js';

/** The program the explorer runs, and the options every run shares. */
export interface Target {
  program: string;
  args: string[];
  env: string[];
  cwd: string;
  cpus?: number;
  maxInsns?: number;
  ext: string[];
  /** Measure each run's cancellation latency (RunResult.cancelLatency). */
  cancelProbe?: boolean;
}

/** One run's inputs: the seed (decimal) and the schedule's text form. */
export interface RunSpec {
  seed: string;
  schedule: string;
  /** A signal to inject (kernel/inject.ts's text form), if any. */
  inject?: string;
  /** Record the run's syscalls (RunResult.syscalls). */
  record?: boolean;
}

/** One run's outcome. */
export interface RunResult {
  /** Exit status as a shell reports it (128 + signal for a death by signal). */
  code: number;
  stdout: string;
  /** Instructions retired by all tasks. */
  instret: number;
  /** Why the kernel ended the run itself (deadlock, instruction limit), or null. */
  notice: string | null;
  /** The run's syscalls, when the spec asked to record them. */
  syscalls?: SyscallRecord[];
  /** Where the spec's injection landed and what its target did next (null: never reached). */
  injected?: InjectedReport | null;
  /** With Target.cancelProbe: the cancellation's latency (null: no cancellation seen). */
  cancelLatency?: CancelLatency | null;
}

/** Runs a batch of specs, in any order or in parallel; resolves with the results in spec order. */
export type RunBatch = (specs: RunSpec[], onDone?: () => void) => Promise<RunResult[]>;

/** One group of runs with the same outcome, as reported. */
export interface OutcomeReport {
  /** Exit status. */
  code: number;
  /** The first EXPLORE: line of stdout, or null. */
  verdict: string | null;
  /** Without a verdict: the first line where stdout differs from the most common outcome's
   *  (`line N: TEXT`), or null for the most common outcome itself. */
  difference: string | null;
  /** The kernel's own notice (deadlock, instruction limit), or null. */
  notice: string | null;
  runs: number;
  /** The first run (lowest index) that reached it. */
  first: RunSpec;
  /** A shrunk schedule that still reaches it, for failing outcomes, or null. */
  shrunk: { spec: RunSpec; summary: string; tries: number } | null;
  /** The command that replays it (the shrunk schedule when there is one). */
  replay: string;
  /** Inject strategy: where the first run's injection landed and what its target did next. */
  injected: string | null;
}

/** The explorer's report: the same for any number of workers. */
export interface ExploreReport {
  program: string;
  strategy: 'random' | 'pct' | 'inject';
  depth: number;
  runs: number;
  /** The inject strategy's sweep, with the first run's syscall count (null for the others). */
  inject: (InjectOptions & { syscalls: number }) | null;
  seedBase: string;
  /** Instructions of the baseline run that PCT's change points are drawn over (0 for random). */
  steps: number;
  outcomes: OutcomeReport[];
}
