// Ingo's cost/benefit table for the four cancellation designs (issue 11), from measurements:
// per design, the instructions its cancellable read adds to a plain read(2) and the host time per
// cancellable call under ecall (host CPU time), and the runs the PCT explorer made of the cancellation workload
// with the lost results it found.
//
//   npm run bench:cancel -- [--runs N] [--calls N] [--jobs J]
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { explore } from '../src/explore/explore.js';
import type { Target } from '../src/explore/types.js';
import { runOnce } from '../src/cli/explore_run.js';
import { inlinePool, workerPool } from '../src/cli/explore_pool.js';
import { formatTable } from './stats.js';

/** Explorer runs per design (the benchmark figure). */
const DEFAULT_RUNS = 10_000;
/** Cancellable calls in the cost measurement: enough that start-up is noise next to them. */
const DEFAULT_CALLS = 20_000;
/** The seed of the cost runs (one thread: the schedule does not matter). */
const COST_SEED = '1';
/** The CLI module the explorer's workers load. */
const MAIN_MODULE = new URL('../src/cli/main.js', import.meta.url);

/** The four designs: guest program and the extension it needs. */
const DESIGNS = [
  { name: 'glibc 2.36 pthread_cancel', program: 'guest/bin/cancel_glibc', ext: [] },
  { name: 'musl-style thunk + pc check', program: 'guest/bin/cancel_thunk', ext: [] },
  { name: 'syscall counter (seed 000)', program: 'guest/bin/cancel_counter', ext: ['syscall-counter'] },
  { name: 'vDSO helpers (seed 003)', program: 'guest/bin/cancel_vdso', ext: ['cancel'] },
];

/** Returns the target for a design's program with args. */
function target(d: (typeof DESIGNS)[number], args: string[]): Target {
  return { program: d.program, args, env: [], cwd: process.cwd(), ext: d.ext, maxInsns: 100_000_000 };
}

/** Retired instructions and host CPU ms of `PROGRAM mode calls`. */
async function measure(d: (typeof DESIGNS)[number], mode: 'cost' | 'plain', calls: number): Promise<{ insns: number; ms: number }> {
  // Host CPU time of this process, not wall time: on a loaded machine wall time measures the load.
  const t0 = process.cpuUsage();
  const r = await runOnce(target(d, [mode, String(calls)]), { seed: COST_SEED, schedule: 'random' });
  const used = process.cpuUsage(t0);
  const ms = (used.user + used.system) / 1000;
  if (r.code !== 0) throw new Error(`${d.program} ${mode}: exit status ${r.code}`);
  return { insns: r.instret, ms };
}

/** Instructions and host ns per call of `PROGRAM mode calls`, without start-up (a run of 0 calls). */
async function costOf(d: (typeof DESIGNS)[number], mode: 'cost' | 'plain', calls: number): Promise<{ insns: number; ns: number }> {
  const empty = await measure(d, mode, 0);
  const full = await measure(d, mode, calls);
  return { insns: (full.insns - empty.insns) / calls, ns: ((full.ms - empty.ms) * 1e6) / calls };
}

const { values } = parseArgs({ options: { runs: { type: 'string' }, calls: { type: 'string' }, jobs: { type: 'string' } } });
const runs = Number(values.runs ?? DEFAULT_RUNS);
const calls = Number(values.calls ?? DEFAULT_CALLS);
const jobs = Number(values.jobs ?? availableParallelism());
const rows: string[][] = [];
for (const d of DESIGNS) {
  const cost = await costOf(d, 'cost', calls);
  const plain = await costOf(d, 'plain', calls);
  const pool = jobs === 1 ? inlinePool(target(d, [])) : workerPool(target(d, []), jobs, MAIN_MODULE);
  const report = await explore(target(d, []), { runs, strategy: 'pct', depth: 3, seedBase: 1n }, pool.run).finally(() => pool.close());
  const lost = report.outcomes.filter((o) => o.verdict === 'EXPLORE: lost-result').reduce((n, o) => n + o.runs, 0);
  rows.push([d.name, (cost.insns - plain.insns).toFixed(1), cost.ns.toFixed(0), plain.ns.toFixed(0), String(runs), String(lost)]);
}
console.log(formatTable(['design', 'insns added per call', 'ns per call', 'ns per plain call', 'runs explored', 'lost results'], rows));
