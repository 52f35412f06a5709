// Ingo's cost/benefit table for the four cancellation designs (issue 11), from measurements, as
// `ecall explore --report cancel` and `npm run bench:cancel` print it. Per design:
// - the instructions its cancellable read adds to a bare ecall, and host ns per call;
// - PCT runs of the cancellation workload and the lost results among them;
// - the latency from the cancel request to the cancelled thread's exit (kernel-measured, in
//   instructions retired by all tasks, i.e. virtual ns at 1 GHz, and by the thread itself);
// - the cancellation points of a printf-heavy loop, counted by the kernel: a cancel is injected at
//   the entry of each of the loop thread's syscalls, and a call is a point when the thread then
//   exits without making it.
// The guests are guest/bin/cancel_* (paths relative to the current directory).
import { planRun, verdictOf, type ExploreOptions } from '../explore/explore.js';
import { planInjections, syscallName } from '../explore/inject_plan.js';
import type { RunResult, RunSpec, Target } from '../explore/types.js';
import { formatInjection } from '../kernel/inject.js';
import { formatSchedule, DEFAULT_SCHEDULE } from '../kernel/schedule/policy.js';
import { inlinePool, type Pool, workerPool } from './explore_pool.js';
import { runOnce } from './explore_run.js';

/** Runs per design (the issue's benchmark figure). */
export const DEFAULT_REPORT_RUNS = 10_000;
/** Cancellable calls in the cost measurement: enough that start-up is noise next to them. */
export const DEFAULT_COST_CALLS = 20_000;
/** Records (loop iterations) of the printf loop: each makes one cancellable read and two traces. */
export const PRINTF_RECORDS = 8;
/** The seed of the cost runs and of the printf sweep's runs (one schedule is enough: the sweep
 *  visits every boundary of that run). */
const FIXED_SEED = '1';
/** The hang guard of every run. */
const MAX_INSNS = 100_000_000;
/** PCT depth of the workload runs (the explorer's default). */
const PCT_DEPTH = 3;
/** The verdict of a lost result. */
const LOST = 'EXPLORE: lost-result';
/** glibc's SIGCANCEL, and the signal our three runtimes use for theirs (SIGUSR2). */
const GLIBC_SIGCANCEL = 32, OUR_SIGCANCEL = 12;

/** A design: its name, guest program, extensions and cancellation signal. */
export interface CancelDesign { name: string; program: string; ext: string[]; signo: number }

/** The four designs. */
export const CANCEL_DESIGNS: readonly CancelDesign[] = [
  { name: 'glibc 2.36 pthread_cancel', program: 'guest/bin/cancel_glibc', ext: [], signo: GLIBC_SIGCANCEL },
  { name: 'musl-style thunk + pc check', program: 'guest/bin/cancel_thunk', ext: [], signo: OUR_SIGCANCEL },
  { name: 'syscall counter (seed 000)', program: 'guest/bin/cancel_counter', ext: ['syscall-counter'], signo: OUR_SIGCANCEL },
  { name: 'vDSO helpers (seed 003)', program: 'guest/bin/cancel_vdso', ext: ['cancel'], signo: OUR_SIGCANCEL },
];

/** One design's measurements. */
export interface CancelRow {
  design: string;
  /** Instructions the cancellable read adds to a bare ecall (exact). */
  insnsAdded: number;
  /** Host ns per cancellable call and per bare call under ecall (host CPU time: noisy). */
  nsPerCall: number;
  nsPerPlainCall: number;
  runs: number;
  lost: number;
  /** Cancel request to the thread's exit, over the runs that cancelled: all tasks' instructions
   *  (virtual ns) and the cancelled thread's own. */
  latency: { runs: number; median: number; max: number; threadMedian: number; threadMax: number };
  /** The printf loop's thread: its syscalls, and those that are cancellation points, by name. */
  printf: { syscalls: number; points: number; byCall: Record<string, { calls: number; points: number }> };
}

/** The whole table. */
export interface CancelTable {
  runs: number;
  costCalls: number;
  printfRecords: number;
  jobs: number;
  /** Host seconds the measurement took. */
  wallSeconds: number;
  rows: CancelRow[];
}

/** What to measure with. */
export interface CancelReportOptions {
  runs: number;
  jobs: number;
  /** The CLI's main module (the explorer's workers load it). */
  moduleUrl: URL;
  costCalls?: number;
  printfRecords?: number;
  /** Only these designs (by program basename), or all. */
  only?: string[];
  /** Progress text for a terminal. */
  progress?: (s: string) => void;
}

/** Returns a design's target with args. */
function targetOf(d: CancelDesign, args: string[], cancelProbe = false): Target {
  return { program: d.program, args, env: [], cwd: process.cwd(), ext: d.ext, maxInsns: MAX_INSNS, cancelProbe };
}

/** A pool for target: inline with one job, else worker threads. */
function poolFor(target: Target, jobs: number, moduleUrl: URL): Pool {
  return jobs === 1 ? inlinePool(target) : workerPool(target, jobs, moduleUrl);
}

/** Retired instructions and host CPU ms of `PROGRAM mode calls`. */
async function measure(d: CancelDesign, mode: 'cost' | 'plain', calls: number): Promise<{ insns: number; ms: number }> {
  // Host CPU time of this process, not wall time: on a loaded machine wall time measures the load.
  const t0 = process.cpuUsage();
  const r = await runOnce(targetOf(d, [mode, String(calls)]), { seed: FIXED_SEED, schedule: 'random' });
  const used = process.cpuUsage(t0);
  if (r.code !== 0) throw new Error(`${d.program} ${mode}: exit status ${r.code}`);
  return { insns: r.instret, ms: (used.user + used.system) / 1000 };
}

/** Instructions and host ns per call of `PROGRAM mode calls`, without start-up (a run of 0 calls). */
async function costOf(d: CancelDesign, mode: 'cost' | 'plain', calls: number): Promise<{ insns: number; ns: number }> {
  const empty = await measure(d, mode, 0);
  const full = await measure(d, mode, calls);
  return { insns: (full.insns - empty.insns) / calls, ns: ((full.ms - empty.ms) * 1e6) / calls };
}

/** The median of sorted numbers (0 for none). */
function median(sorted: number[]): number {
  if (sorted.length === 0) return 0;
  const m = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
}

/** The workload under `runs` PCT schedules (explore's runs: seeds from 1, depth 3): lost results
 *  and latencies. */
async function workloadRuns(d: CancelDesign, runs: number, pool: Pool, onDone?: () => void): Promise<Pick<CancelRow, 'runs' | 'lost' | 'latency'>> {
  const o: ExploreOptions = { runs, strategy: 'pct', depth: PCT_DEPTH, seedBase: 1n };
  const [base] = await pool.run([{ seed: String(o.seedBase), schedule: formatSchedule(DEFAULT_SCHEDULE) }]);
  const specs: RunSpec[] = Array.from({ length: runs }, (_, i) => planRun(o, i, base!.instret));
  const results = await pool.run(specs, onDone);
  const lost = results.filter((r) => verdictOf(r.stdout) === LOST).length;
  const lat = results.map((r) => r.cancelLatency).filter((l) => l != null);
  const all = lat.map((l) => l.insns).sort((a, b) => a - b);
  const own = lat.map((l) => l.threadInsns).sort((a, b) => a - b);
  return { runs, lost, latency: { runs: lat.length, median: median(all), max: all.at(-1) ?? 0, threadMedian: median(own), threadMax: own.at(-1) ?? 0 } };
}

/** The printf loop's cancellation points: a cancel injected at the entry of each syscall of the
 *  loop's thread (the last thread created); a point when the thread exits without making the call. */
async function printfPoints(d: CancelDesign, records: number, pool: Pool): Promise<CancelRow['printf']> {
  const [base] = await pool.run([{ seed: FIXED_SEED, schedule: 'random', record: true }]);
  if (base!.code !== 0) throw new Error(`${d.program} printf: exit status ${base!.code}`);
  const calls = base!.syscalls!;
  const worker = Math.max(...calls.map((c) => c.tid));
  const mine = calls.filter((c) => c.tid === worker);
  const plan = planInjections({ signo: d.signo, at: 'sys', calls: null, tid: worker, schedule: 'random' }, calls, base!.instret, Infinity)
    .filter((i) => i.at.kind === 'sys' && i.at.boundary === 'entry');
  const results: RunResult[] = await pool.run(plan.map((i) => ({ seed: FIXED_SEED, schedule: 'random', inject: formatInjection(i) })));
  const byCall: Record<string, { calls: number; points: number }> = {};
  let points = 0;
  mine.forEach((c, k) => {
    const name = syscallName(c.nr);
    const e = (byCall[name] ??= { calls: 0, points: 0 });
    e.calls++;
    if (results[k]!.injected?.exitedFirst === true) { e.points++; points++; }
  });
  return { syscalls: mine.length, points, byCall };
}

/** Measures every design; `records` iterations in the printf loop. */
export async function cancelReport(o: CancelReportOptions): Promise<CancelTable> {
  const started = performance.now();
  const calls = o.costCalls ?? DEFAULT_COST_CALLS;
  const records = o.printfRecords ?? PRINTF_RECORDS;
  const designs = CANCEL_DESIGNS.filter((d) => o.only === undefined || o.only.includes(d.program.slice(d.program.lastIndexOf('/') + 1)));
  const rows: CancelRow[] = [];
  for (const d of designs) {
    const cost = await costOf(d, 'cost', calls);
    const plain = await costOf(d, 'plain', calls);
    let done = 0;
    const onDone = o.progress ? () => { if (++done % 100 === 0 || done === o.runs) o.progress!(`\r${d.name}: ${done}/${o.runs} runs`); } : undefined;
    const wp = poolFor(targetOf(d, [], true), o.jobs, o.moduleUrl);
    const work = await workloadRuns(d, o.runs, wp, onDone).finally(() => wp.close());
    const pp = poolFor(targetOf(d, ['printf', String(records)]), o.jobs, o.moduleUrl);
    const printf = await printfPoints(d, records, pp).finally(() => pp.close());
    o.progress?.('\r\x1b[K');
    rows.push({ design: d.name, insnsAdded: cost.insns - plain.insns, nsPerCall: cost.ns, nsPerPlainCall: plain.ns, ...work, printf });
  }
  return { runs: o.runs, costCalls: calls, printfRecords: records, jobs: o.jobs, wallSeconds: (performance.now() - started) / 1000, rows };
}

/** n with thousands separators. */
function num(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** The table as text: a Markdown table of the measurements, then what each number means in
 *  practical terms, per design. */
export function formatCancelReport(t: CancelTable): string {
  const head = ['design', 'insns added per call', 'ns per call (plain)', 'PCT runs', 'lost results', 'cancel→exit insns, median / max', 'of which the thread\'s own', 'printf loop: cancellation points / syscalls'];
  const rows = t.rows.map((r) => [
    r.design, r.insnsAdded.toFixed(0), `${r.nsPerCall.toFixed(0)} (${r.nsPerPlainCall.toFixed(0)})`, num(r.runs), num(r.lost),
    `${num(r.latency.median)} / ${num(r.latency.max)}${r.latency.runs !== r.runs ? ` (${num(r.latency.runs)} runs)` : ''}`, `${num(r.latency.threadMedian)} / ${num(r.latency.threadMax)}`,
    `${r.printf.points} / ${r.printf.syscalls} (${Object.entries(r.printf.byCall).filter(([, v]) => v.points > 0).map(([k, v]) => `${k} ${v.points}/${v.calls}`).join(', ') || 'none'})`,
  ]);
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  const out = [line(head), line(head.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line), ''];
  out.push('In practical terms:');
  for (const r of t.rows) {
    const loss = r.lost > 0
      ? `a cancelled reader loses a record it already read in ${num(r.lost)} of ${num(r.runs)} schedules`
      : `no record lost in ${num(r.runs)} schedules`;
    const pts = `a printf-traced loop of ${t.printfRecords} reads has ${r.printf.points} cancellation points among its thread's ${r.printf.syscalls} syscalls`;
    out.push(`- ${r.design}: ${loss}; ${r.insnsAdded.toFixed(0)} instructions per cancellable call; the thread exits a median ${num(r.latency.median)} instructions (virtual ns) after the request; ${pts}.`);
  }
  out.push('', `${num(t.runs)} PCT runs per design (depth ${PCT_DEPTH}, seeds 1..${t.runs}), ${num(t.costCalls)} calls per cost run, ${t.jobs} jobs, ${t.wallSeconds.toFixed(0)} s wall time.`);
  return out.join('\n');
}
