// The schedule explorer's logic: which schedule each run gets, grouping runs by outcome,
// shrinking a failing outcome's schedule, and the report. Running is the caller's (a RunBatch),
// so the report is the same however many workers run the batches.
import { Prng } from '../util/prng.js';
import { formatSchedule, DEFAULT_SCHEDULE, MAX_SCHEDULE_QUANTUM, parseSchedule } from '../kernel/schedule/policy.js';
import type { ExploreReport, OutcomeReport, RunBatch, RunResult, RunSpec, Target } from './types.js';
import { type InjectOptions, planInjections, syscallName } from './inject_plan.js';
import { formatInjection, type InjectedReport } from '../kernel/inject.js';

/** The Prng stream that draws PCT change points (the kernel's streams are 1 to 3). */
const PCT_POINTS_STREAM = 4;
/** Most runs one shrink may spend: each step tries every single removal, so a depth-d schedule
 *  costs at most d(d+1)/2 runs; this bounds large depths. */
export const MAX_SHRINK_RUNS = 200;
/** How many times the random schedule's quanta are doubled while shrinking (2^6 = 64 times fewer slices). */
const RANDOM_SHRINK_DOUBLINGS = 6;
/** The prefix of a verdict line. */
export const VERDICT_PREFIX = 'EXPLORE:';

/** What to explore. */
export interface ExploreOptions {
  runs: number;
  strategy: 'random' | 'pct' | 'inject';
  depth: number;
  seedBase: bigint;
  /** For the inject strategy. */
  inject?: InjectOptions;
}

/** Returns the schedule of run i: the default random one, or d PCT change points drawn from the
 *  run's seed uniformly over the baseline's `steps` instructions. */
export function planRun(o: ExploreOptions, i: number, steps: number): RunSpec {
  const seed = o.seedBase + BigInt(i);
  if (o.strategy === 'random') return { seed: String(seed), schedule: formatSchedule(DEFAULT_SCHEDULE) };
  const rng = new Prng(seed, PCT_POINTS_STREAM);
  const points = new Set<number>();
  for (let k = 0; k < o.depth; k++) points.add(1 + rng.below(Math.max(1, steps)));
  return { seed: String(seed), schedule: formatSchedule({ kind: 'pct', points: [...points].sort((a, b) => a - b) }) };
}

/** The first EXPLORE: line of stdout, or null. */
export function verdictOf(stdout: string): string | null {
  return stdout.split('\n').find((l) => l.startsWith(VERDICT_PREFIX)) ?? null;
}

/** The key that groups runs: exit status, kernel notice, and the verdict (or the whole stdout). */
function outcomeKey(r: RunResult): string {
  return JSON.stringify([r.code, r.notice, verdictOf(r.stdout) ?? r.stdout]);
}

/** True for an outcome worth shrinking: a verdict, a non-zero exit or a kernel notice. */
function failing(r: RunResult): boolean {
  return r.code !== 0 || r.notice !== null || verdictOf(r.stdout) !== null;
}

/** `line N: TEXT` for the first line where a differs from b, or null if they are equal. */
function firstDifference(a: string, b: string): string | null {
  const x = a.split('\n'), y = b.split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) return `line ${i + 1}: ${x[i] ?? '(end of output)'}`;
  }
  return null;
}

/** Shell-quotes s when it needs it. */
function quote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The `ecall run` command that replays spec on target. */
export function replayCommand(t: Target, spec: RunSpec): string {
  const opts: string[] = [];
  if (t.cpus !== undefined) opts.push(`--cpus ${t.cpus}`);
  if (t.maxInsns !== undefined) opts.push(`--max-insns ${t.maxInsns}`);
  for (const e of t.ext) opts.push(`--ext ${quote(e)}`);
  if (t.env.length > 0) opts.push('--clear-env', ...t.env.map((e) => `--env ${quote(e)}`)); else opts.push('--clear-env');
  const inject = spec.inject === undefined ? [] : [`--inject ${spec.inject}`];
  return ['ecall run', ...opts, `--seed ${spec.seed}`, `--schedule ${spec.schedule}`, ...inject, quote(t.program), ...t.args.map(quote)].join(' ');
}

/** Searches for a schedule with fewer preemptions that reaches the same outcome as spec did
 *  (result r): for PCT, greedily drops change points; for random, doubles the quanta. */
async function shrink(spec: RunSpec, r: RunResult, run: RunBatch): Promise<OutcomeReport['shrunk']> {
  const key = outcomeKey(r);
  const s = parseSchedule(spec.schedule);
  if (typeof s === 'string') return null;
  let tries = 0;
  if (s.kind === 'random') {
    const cands: RunSpec[] = [];
    for (let k = 1; k <= RANDOM_SHRINK_DOUBLINGS && s.max << k <= MAX_SCHEDULE_QUANTUM; k++) {
      cands.push({ seed: spec.seed, schedule: formatSchedule({ kind: 'random', min: s.min << k, max: s.max << k }) });
    }
    const res = await run(cands);
    tries = cands.length;
    for (let i = cands.length - 1; i >= 0; i--) {
      if (outcomeKey(res[i]!) === key) return { spec: cands[i]!, summary: `quanta ${s.min}-${s.max} -> ${cands[i]!.schedule.slice(7)} instructions`, tries };
    }
    return { spec, summary: 'no longer quanta reproduce it', tries };
  }
  let points = s.points;
  for (;;) {
    if (points.length === 0 || tries + points.length > MAX_SHRINK_RUNS) break;
    const cands = points.map((_, i) => ({ seed: spec.seed, schedule: formatSchedule({ kind: 'pct', points: points.filter((__, j) => j !== i) }) }));
    const res = await run(cands);
    tries += cands.length;
    const hit = res.findIndex((x) => outcomeKey(x) === key);
    if (hit < 0) break;
    points = points.filter((_, j) => j !== hit);
  }
  const best = { seed: spec.seed, schedule: formatSchedule({ kind: 'pct', points }) };
  return { spec: best, summary: `${s.points.length} -> ${points.length} change points`, tries };
}

/** Explores target: runs o.runs schedules through `run`, groups, shrinks failing outcomes. */
export async function explore(target: Target, o: ExploreOptions, run: RunBatch, onDone?: () => void): Promise<ExploreReport> {
  let steps = 0, syscalls = 0;
  let specs: RunSpec[];
  if (o.strategy === 'inject') {
    const io = o.inject!;
    const [base] = await run([{ seed: String(o.seedBase), schedule: io.schedule, record: true }]);
    steps = base!.instret;
    syscalls = base!.syscalls!.length;
    specs = planInjections(io, base!.syscalls!, steps, o.runs).map((i) => ({ seed: String(o.seedBase), schedule: io.schedule, inject: formatInjection(i) }));
  } else {
    if (o.strategy === 'pct') {
      const [base] = await run([{ seed: String(o.seedBase), schedule: formatSchedule(DEFAULT_SCHEDULE) }]);
      steps = base!.instret;
    }
    specs = Array.from({ length: o.runs }, (_, i) => planRun(o, i, steps));
  }
  const results = await run(specs, onDone);
  const groups = new Map<string, number[]>();
  results.forEach((r, i) => {
    const k = outcomeKey(r);
    const g = groups.get(k);
    if (g) g.push(i); else groups.set(k, [i]);
  });
  // Most runs first; ties by the first run's index, so the order does not depend on workers.
  const ordered = [...groups.values()].sort((a, b) => b.length - a.length || a[0]! - b[0]!);
  const common = results[ordered[0]![0]!]!;
  const outcomes: OutcomeReport[] = [];
  for (const idx of ordered) {
    const r = results[idx[0]!]!;
    const first = specs[idx[0]!]!;
    const verdict = verdictOf(r.stdout);
    const shrunk = failing(r) && first.inject === undefined ? await shrink(first, r, run) : null;
    outcomes.push({
      code: r.code, verdict, notice: r.notice, runs: idx.length, first, shrunk,
      injected: first.inject === undefined ? null : describeInjection(r.injected ?? null),
      difference: verdict === null && r !== common ? firstDifference(r.stdout, common.stdout) : null,
      replay: replayCommand(target, shrunk?.spec ?? first),
    });
  }
  const inject = o.strategy === 'inject' ? { ...o.inject!, syscalls } : null;
  return { program: target.program, strategy: o.strategy, depth: o.depth, runs: specs.length, seedBase: String(o.seedBase), steps, inject, outcomes };
}

/** Where an injection landed, in words. */
function describeInjection(i: InjectedReport | null): string {
  if (i === null) return 'the injection point was never reached';
  const where = i.nr < 0 ? `thread ${i.tid} at instruction ${i.at}` : `thread ${i.tid} in ${syscallName(i.nr)} at instruction ${i.at}`;
  const next = i.resumed ? '; it then made the interrupted call again' : i.exitedFirst ? '; it exited without making the interrupted call again' : '';
  return where + next;
}

/** The report as text. */
export function formatReport(r: ExploreReport): string {
  const i = r.inject;
  const how = i !== null
    ? `inject, signal ${i.signo} at ${i.at === 'sys' ? `boundaries of ${i.calls?.join(',') ?? 'all'} syscalls${i.tid !== null ? ` of thread ${i.tid}` : ''} (${i.syscalls} in the first run)` : 'instruction counts'} of a first run of ${r.steps} instructions, seed ${r.seedBase}, schedule ${i.schedule}`
    : r.strategy === 'pct' ? `pct, depth ${r.depth}, change points over ${r.steps} instructions` : 'random';
  const last = BigInt(r.seedBase) + BigInt(r.runs - 1);
  const seeds = i !== null ? '' : `, seeds ${r.seedBase}..${last}`;
  const lines = [`explored ${r.program}: ${r.runs} runs, strategy ${how}${seeds}: ${r.outcomes.length} outcome${r.outcomes.length === 1 ? '' : 's'}`];
  r.outcomes.forEach((o, i) => {
    lines.push(`outcome ${i + 1}: ${o.runs} run${o.runs === 1 ? '' : 's'}, exit status ${o.code}`);
    if (o.notice !== null) lines.push(`  kernel: ${o.notice}`);
    if (o.verdict !== null) lines.push(`  verdict: ${o.verdict}`);
    else if (o.difference !== null) lines.push(`  stdout differs at ${o.difference}`);
    else lines.push('  stdout: the most common output');
    if (o.injected !== null) lines.push(`  injected: ${o.injected}`);
    if (o.shrunk !== null) lines.push(`  shrunk: ${o.shrunk.summary} (${o.shrunk.tries} tries)`);
    lines.push(`  replay: ${o.replay}`);
  });
  return lines.join('\n');
}
