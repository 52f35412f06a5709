// npm run fuzz -- --seconds N [--seed S] [--ext I,M,A,F,D,C] [--batch B] [--jit-threshold T]
// Runs random seeds against qemu-riscv64 until time runs out; exit 1 on any mismatch. With
// --jit-threshold, ecall's side runs the translator too (0: every case translated where it can).
import { parseArgs } from 'node:util';
import { compareBatch, formatMismatch } from './compare.js';
import { EcallCpu } from './ecall_cpu.js';
import { generateCase, GROUPS, type FuzzCase, type Group } from './gen.js';
import { qemuUnavailable } from './qemu.js';
import { SEED_TIME_OPTIONS, seedOption } from './cli_options.js';

/** Cases per runner process: large enough to hide qemu's start-up, small enough to stop on time. */
const DEFAULT_BATCH = 600;
/** Mismatches printed in full before the CLI only counts them. */
const MAX_PRINTED = 10;

/** Returns the exit status after fuzzing for the requested time. */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      ...SEED_TIME_OPTIONS,
      ext: { type: 'string', default: GROUPS.join(',') },
      batch: { type: 'string', default: String(DEFAULT_BATCH) },
      'jit-threshold': { type: 'string' },
    },
  });
  const seconds = Number(values.seconds);
  const batch = Number(values.batch);
  const groups = values.ext.split(',').map((s) => s.trim().toUpperCase());
  for (const g of groups) {
    if (!(GROUPS as readonly string[]).includes(g)) {
      console.error(`fuzz: unknown extension group ${g} (known: ${GROUPS.join(',')})`);
      return 2;
    }
  }
  if (!(seconds > 0) || !(batch > 0)) {
    console.error('fuzz: --seconds and --batch must be positive numbers');
    return 2;
  }
  const why = qemuUnavailable();
  if (why !== null) {
    console.error(`fuzz: cannot run the reference: ${why}`);
    return 2;
  }
  let seed = seedOption(values.seed);
  console.log(`fuzz: first seed ${seed}, groups ${groups.join(',')}, ${seconds}s`);
  const jit = values['jit-threshold'];
  if (jit !== undefined && !(Number.isInteger(Number(jit)) && Number(jit) >= 0)) {
    console.error('fuzz: --jit-threshold must be a non-negative integer');
    return 2;
  }
  const cpu = new EcallCpu(jit === undefined ? undefined : Number(jit));
  const start = Date.now();
  let cases = 0, mismatches = 0, printed = 0, failed = false;
  while ((Date.now() - start) / 1000 < seconds) {
    const list: FuzzCase[] = [];
    for (let i = 0; i < batch; i++) list.push(generateCase((seed + i) >>> 0, groups[i % groups.length] as Group));
    seed = (seed + batch) >>> 0;
    const out = await compareBatch(list, cpu);
    cases += out.cases;
    mismatches += out.mismatchCount;
    for (const m of out.mismatches) {
      if (printed++ < MAX_PRINTED) console.log(formatMismatch(m) + '\n');
    }
    if (out.runnerError !== null) {
      console.log(`fuzz: runner failed: ${out.runnerError}`);
      failed = true;
      break;
    }
  }
  const secs = (Date.now() - start) / 1000;
  console.log(`fuzz: ${cases} cases in ${secs.toFixed(1)}s (${(cases / secs).toFixed(0)} cases/s), ${mismatches} mismatches; next seed ${seed}`);
  return mismatches > 0 || failed ? 1 : 0;
}

process.exitCode = await main();
