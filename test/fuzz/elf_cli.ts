// npm run fuzz:elf -- [--seconds N] [--seed S] [--count N] [--jobs J] [--budget INSNS]
//                     [--only I [--save FILE]]
// Runs ELF mutants through the kernel until time or the count runs out; exit 1 on any failure.
// --only I replays mutant I of seed S in this process (and --save writes its bytes).
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runElfFuzz } from './elf_driver.js';
import { ELF_BUDGET, fuzzOneElf, loadBases, makeMutant } from './elf_fuzz.js';
import { JOBS_OPTION, SEED_TIME_OPTIONS, secondsOption, seedOption } from './cli_options.js';

/** Mutants per worker process: enough to amortise Node's start-up, few enough to stop on time. */
const BLOCK = 100;
/** Failures printed in full. */
const MAX_PRINTED = 20;

/** Returns the exit status after fuzzing. */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      ...SEED_TIME_OPTIONS,
      count: { type: 'string' },
      ...JOBS_OPTION,
      budget: { type: 'string', default: String(ELF_BUDGET) },
      only: { type: 'string' },
      save: { type: 'string' },
    },
  });
  const seed = seedOption(values.seed);
  const budget = Number(values.budget);
  if (values.only !== undefined) {
    const index = Number(values.only);
    const m = makeMutant(loadBases(), seed, index);
    if (values.save !== undefined) writeFileSync(values.save, m.image, { mode: 0o755 });
    const r = await fuzzOneElf(loadBases(), seed, index, budget);
    console.log(`fuzz:elf seed ${seed} mutant ${index} (${r.base}): ${r.ops.join('; ')}\n  outcome: ${r.outcome}${r.failure ? `\n  FAILURE: ${r.failure}` : ''}`);
    return r.failure ? 1 : 0;
  }
  const seconds = secondsOption(values.seconds, values.count !== undefined);
  const count = values.count !== undefined ? Number(values.count) : Number.MAX_SAFE_INTEGER;
  const jobs = Number(values.jobs);
  if (!(seconds > 0) || !(count > 0) || !(jobs >= 1) || !(budget > 0)) {
    console.error('fuzz:elf: --seconds, --count, --jobs and --budget must be positive numbers');
    return 2;
  }
  console.log(`fuzz:elf: seed ${seed}, ${seconds === Infinity ? `${count} mutants` : `${seconds}s`}, ${jobs} workers, budget ${budget} instructions`);
  const s = await runElfFuzz({ seed, count, seconds, jobs, block: BLOCK, budget });
  const secs = s.ms / 1000;
  console.log(`fuzz:elf: ${s.mutants} mutants in ${secs.toFixed(1)}s (${(s.mutants / secs).toFixed(0)}/s), ${s.failures.length} failures`);
  const hist = [...s.outcomes.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}: ${v}`).join(', ');
  console.log(`fuzz:elf: outcomes: ${hist}`);
  for (const f of s.failures.slice(0, MAX_PRINTED)) {
    console.log(`FAILURE seed ${seed} mutant ${f.index} (${f.base}): ${f.ops.join('; ')}\n  ${f.failure}\n  replay: npm run fuzz:elf -- --seed ${seed} --only ${f.index}`);
  }
  return s.failures.length > 0 ? 1 : 0;
}

process.exitCode = await main();
