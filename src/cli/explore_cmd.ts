// `ecall explore`: parses its options, runs the explorer over a worker pool, prints the report.
import { availableParallelism } from 'node:os';
import { explore, formatReport } from '../explore/explore.js';
import type { Target } from '../explore/types.js';
import { MAX_CPUS } from '../kernel/sched.js';
import { MAX_PCT_POINTS } from '../kernel/schedule/policy.js';
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

/** Runs `ecall explore` and returns the exit status: 0 (the report says what was found). */
export async function exploreCommand(program: string, args: string[], o: ExploreCliOptions, moduleUrl: URL): Promise<number> {
  const strategy = o.strategy ?? 'pct';
  if (strategy !== 'random' && strategy !== 'pct') throw new UsageError(`bad --strategy '${strategy}': expected random or pct`);
  if (o.seedBase !== undefined && (!/^\d+$/.test(o.seedBase) || BigInt(o.seedBase) >= 1n << 63n)) {
    throw new UsageError(`bad --seed-base '${o.seedBase}': expected an integer from 0 to 2^63-1`);
  }
  for (const kv of o.env) if (!kv.includes('=')) throw new UsageError(`bad --env '${kv}': expected KEY=VALUE`);
  const runs = intOption('--runs', o.runs, DEFAULT_RUNS, 1, MAX_RUNS);
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
    const fill = Math.round((done / runs) * BAR_WIDTH);
    process.stderr.write(`\r[${'#'.repeat(fill)}${' '.repeat(BAR_WIDTH - fill)}] ${done}/${runs}`);
  } : undefined;
  try {
    const report = await explore(target, { runs, strategy, depth, seedBase: BigInt(o.seedBase ?? 1) }, pool.run, progress);
    if (tty) process.stderr.write('\r\x1b[K');
    process.stdout.write(o.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report) + '\n');
  } finally {
    await pool.close();
  }
  return 0;
}
