// npm run fuzz:sys -- [--seconds N] [--seed S] [--count CALLS] [--threads T] [--jobs J] [--runs R]
// Runs the syscall fuzzer guest under `ecall run --seed` for seeds S, S+1, ... (CALLS calls each,
// on T guest threads; by default 1 to 3 depending on the seed)
// until the time or the number of runs is used up; exit 1 on any host exception, hang or guest
// that did not finish. Prints the calls made per second.
import { parseArgs } from 'node:util';
import { runSysFuzz, type SysRun } from './sys_fuzz.js';
import { JOBS_OPTION, SEED_TIME_OPTIONS, secondsOption, seedOption } from './cli_options.js';

/** Calls per run: long enough to build up state (fds, mappings, timers), short enough to stop on time. */
const DEFAULT_CALLS = 20_000;
/** Failures printed in full. */
const MAX_PRINTED = 20;

/** Returns the exit status after fuzzing. */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      ...SEED_TIME_OPTIONS,
      count: { type: 'string', default: String(DEFAULT_CALLS) },
      ...JOBS_OPTION,
      runs: { type: 'string' },
      threads: { type: 'string' },
    },
  });
  const first = seedOption(values.seed);
  const runs = values.runs !== undefined ? Number(values.runs) : Number.MAX_SAFE_INTEGER;
  const seconds = secondsOption(values.seconds, values.runs !== undefined);
  const count = Number(values.count);
  const jobs = Number(values.jobs);
  const threads = values.threads !== undefined ? Number(values.threads) : undefined;
  if (threads !== undefined && !(threads >= 1 && threads <= 8)) {
    console.error('fuzz:sys: --threads must be 1 to 8');
    return 2;
  }
  if (!(seconds > 0) || !(count > 0) || !(jobs >= 1) || !(runs >= 1)) {
    console.error('fuzz:sys: --seconds, --count, --jobs and --runs must be positive numbers');
    return 2;
  }
  console.log(`fuzz:sys: first seed ${first}, ${count} calls per run, ${jobs} runs at a time, ${seconds === Infinity ? `${runs} runs` : `${seconds}s`}`);
  const start = performance.now();
  const results: SysRun[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < runs && (performance.now() - start) / 1000 < seconds) {
      const seed = (first + next++) >>> 0;
      const r = await runSysFuzz(seed, count, threads);
      results.push(r);
      if (r.failure !== null) console.log(`FAILURE seed ${seed}: ${r.failure}`);
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  const secs = (performance.now() - start) / 1000;
  const made = results.reduce((s, r) => s + (r.made ?? 0), 0);
  const skipped = results.reduce((s, r) => s + (r.skipped ?? 0), 0);
  const failures = results.filter((r) => r.failure !== null).sort((a, b) => a.seed - b.seed);
  console.log(`fuzz:sys: ${results.length} runs, ${made} calls made (${skipped} skipped) in ${secs.toFixed(1)}s: `
    + `${(made / secs).toFixed(0)} calls/s; ${failures.length} failures; next seed ${(first + next) >>> 0}`);
  for (const f of failures.slice(0, MAX_PRINTED)) console.log(`FAILURE seed ${f.seed} (${f.threads} threads): ${f.failure}\n  replay: ${f.replay}`);
  return failures.length > 0 ? 1 : 0;
}

process.exitCode = await main();
