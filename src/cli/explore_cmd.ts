// `ecall explore`: parses its options, runs the explorer over a worker pool, prints the report.
import { availableParallelism } from 'node:os';
import { explore, formatReport } from '../explore/explore.js';
import type { Target } from '../explore/types.js';
import { MAX_CPUS } from '../kernel/sched.js';
import { formatSchedule, MAX_PCT_POINTS, parseSchedule } from '../kernel/schedule/policy.js';
import { parseSignal } from '../kernel/inject.js';
import { type InjectOptions, syscallNumbers } from '../explore/inject_plan.js';
import { cancelReport, DEFAULT_REPORT_RUNS, formatCancelReport } from './explore_cancel.js';
import { type ExploreCliOptions, UsageError } from './args.js';
import { inlinePool, workerPool } from './explore_pool.js';

/** Default number of runs. */
const DEFAULT_RUNS = 100;
/** Default PCT depth: most concurrency bugs in the PCT paper's study have depth 1 to 3. */
const DEFAULT_DEPTH = 3;
/** Default hang guard per run: a livelock (a spinning task that PCT never preempts) ends here. */
export const DEFAULT_EXPLORE_MAX_INSNS = 100_000_000;
/** Most runs one explore may ask for (a guard against typos, not a technical limit). */
const MAX_RUNS = 10_000_000;
/** Most worker threads (each holds a kernel and its guest memory). */
const MAX_JOBS = 256;
/** Width of the progress bar in characters. */
const BAR_WIDTH = 40;

/** Parses a decimal option in [min, max]. */
function intOption(name: string, v: string | undefined, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < min || n > max) throw new UsageError(`bad ${name} '${v}': expected an integer from ${min} to ${max}`);
  return n;
}

/** The inject strategy's options from the command line (--signal is required). */
function injectOptions(o: ExploreCliOptions): InjectOptions {
  if (o.signal === undefined) throw new UsageError('--strategy inject needs --signal SIG');
  const signo = parseSignal(o.signal);
  if (signo === null) throw new UsageError(`bad --signal '${o.signal}': expected a number from 1 to 64 or a name such as SIGUSR2`);
  const at = o.injectAt ?? 'sys';
  if (at !== 'sys' && at !== 'insn') throw new UsageError(`bad --inject-at '${at}': expected sys or insn`);
  const calls = o.injectCalls === undefined ? null : o.injectCalls.split(',');
  if (calls !== null) {
    const nrs = syscallNumbers(calls);
    if (typeof nrs === 'string') throw new UsageError(`bad --inject-calls: unknown syscall '${nrs}'`);
  }
  const tid = o.injectTid === undefined ? null : intOption('--inject-tid', o.injectTid, 0, 1, 1 << 30);
  const schedule = o.schedule ?? 'random';
  const parsed = parseSchedule(schedule);
  if (typeof parsed === 'string') throw new UsageError(`bad --schedule '${schedule}': ${parsed}`);
  return { signo, at, calls, tid, schedule: formatSchedule(parsed) };
}

/** Runs `ecall explore` and returns the exit status: 0 (the report says what was found). */
export async function exploreCommand(program: string, args: string[], o: ExploreCliOptions, moduleUrl: URL): Promise<number> {
  if (o.report !== undefined) {
    if (o.report !== 'cancel') throw new UsageError(`bad --report '${o.report}': expected cancel`);
    const jobs = intOption('--jobs', o.jobs, availableParallelism(), 1, MAX_JOBS);
    const runs = intOption('--runs', o.runs, DEFAULT_REPORT_RUNS, 1, MAX_RUNS);
    const table = await cancelReport({ runs, jobs, moduleUrl, progress: process.stderr.isTTY === true ? (s) => process.stderr.write(s) : undefined });
    process.stdout.write(o.json ? JSON.stringify(table, null, 2) + '\n' : formatCancelReport(table) + '\n');
    return 0;
  }
  const strategy = o.strategy ?? 'pct';
  if (strategy !== 'random' && strategy !== 'pct' && strategy !== 'inject') throw new UsageError(`bad --strategy '${strategy}': expected random, pct or inject`);
  const inject = strategy === 'inject' ? injectOptions(o) : undefined;
  if (o.seedBase !== undefined && (!/^\d+$/.test(o.seedBase) || BigInt(o.seedBase) >= 1n << 63n)) {
    throw new UsageError(`bad --seed-base '${o.seedBase}': expected an integer from 0 to 2^63-1`);
  }
  for (const kv of o.env) if (!kv.includes('=')) throw new UsageError(`bad --env '${kv}': expected KEY=VALUE`);
  const runs = intOption('--runs', o.runs, inject !== undefined && inject.at === 'sys' ? MAX_RUNS : DEFAULT_RUNS, 1, MAX_RUNS);
  const depth = intOption('--depth', o.depth, DEFAULT_DEPTH, 0, MAX_PCT_POINTS);
  const jobs = intOption('--jobs', o.jobs, availableParallelism(), 1, MAX_JOBS);
  const target: Target = {
    program, args, env: o.env, cwd: process.cwd(), ext: o.ext,
    cpus: o.cpus === undefined ? undefined : intOption('--cpus', o.cpus, 0, 1, MAX_CPUS),
    maxInsns: intOption('--max-insns', o.maxInsns, DEFAULT_EXPLORE_MAX_INSNS, 1, Number.MAX_SAFE_INTEGER),
  };
  const pool = jobs === 1 ? inlinePool(target) : workerPool(target, jobs, moduleUrl);
  const tty = process.stderr.isTTY === true;
  let done = 0;
  const progress = tty ? () => {
    done++;
    const fill = Math.min(BAR_WIDTH, Math.round((done / runs) * BAR_WIDTH));
    process.stderr.write(`\r[${'#'.repeat(fill)}${' '.repeat(BAR_WIDTH - fill)}] ${done}/${runs === MAX_RUNS ? '?' : runs}`);
  } : undefined;
  try {
    const report = await explore(target, { runs, strategy, depth, seedBase: BigInt(o.seedBase ?? 1), inject }, pool.run, progress);
    if (tty) process.stderr.write('\r\x1b[K');
    process.stdout.write(o.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report) + '\n');
  } finally {
    await pool.close();
  }
  return 0;
}
