// One run of the syscall fuzzer guest (guest/src/sysfuzz.c) under `ecall run --seed`, and the
// rule it must satisfy: no host exception (ecall's "internal error", exit 70, or a stack trace
// on stderr), no hang (the kernel's instruction limit or deadlock notice, or the wall-clock
// guard), and the guest finishes its calls and prints its summary. Nothing else is compared.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/guest_cases.js';
import { runCommand } from '../helpers/run_guest.js';

/** Instructions the kernel allows per fuzzed call before it calls the run a hang: a call costs
 *  the guest about 1,000 to 2,000 instructions (argument generation included). */
export const SYS_INSNS_PER_CALL = 10_000;
/** Instructions allowed for start-up (glibc, the guest's setup) on top of the calls. */
const SYS_INSNS_START = 10_000_000;
/** Wall-clock guard for one run, only against a host-side hang (the kernel itself looping): a
 *  run of 20,000 calls takes about 3 s, far less than this even on a loaded machine. */
export const SYS_HANG_GUARD_MS = 600_000;
/** Where the guest sees its work directory (a fresh host directory per run). */
const GUEST_WORKDIR = '/work-fuzz';
/** Most fuzzing threads the guest takes (its MAX_THREADS is 8). */
export const SYS_MAX_THREADS = 3;
/** Threads of a run by default: 1 to SYS_MAX_THREADS by seed, so consecutive seeds cover both
 *  one task alone and several tasks racing on the same fds, mappings and signals. */
export const threadsFor = (seed: number): number => 1 + (seed % SYS_MAX_THREADS);
/** Where the guest sees its own binary (a read-only copy, so no fuzzed call can touch guest/bin). */
const GUEST_BINDIR = '/fuzzbin';

export interface SysRun {
  seed: number;
  count: number;
  threads: number;
  status: number;
  /** The guest's summary counters (null when it did not finish). */
  made: number | null;
  skipped: number | null;
  ok: number | null;
  efault: number | null;
  summary: string | null;
  stderr: string;
  ms: number;
  /** Why the run breaks the rule, or null. */
  failure: string | null;
  /** The command line that replays the run (from a scratch directory). */
  replay: string;
}

let binDir: string | null = null;

/** Returns a directory holding a copy of the fuzzer binary (made once per process). */
function fuzzerBinDir(): string {
  if (binDir === null) {
    const dir = mkdtempSync(join(tmpdir(), 'ecall-sysfuzz-bin-'));
    copyFileSync(join(repoRoot(), 'guest', 'bin', 'sysfuzz'), join(dir, 'sysfuzz'));
    binDir = dir;
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return binDir;
}

/** Returns why a finished run breaks the rule, or null. */
export function sysRuleBroken(status: number, stderr: string, summary: string | null): string | null {
  if (status === 70 || /internal error/.test(stderr)) return `host exception: ${stderr.trim().split('\n')[0]}`;
  if (/^\s+at \S/m.test(stderr)) return `stack trace on stderr: ${stderr.trim().split('\n').slice(0, 3).join(' | ')}`;
  if (/instruction limit reached/.test(stderr)) return 'hang: the instruction budget ran out';
  if (/deadlock/.test(stderr)) return 'hang: deadlock (every task blocked, no timer)';
  if (summary === null) return `the guest ended early (status ${status}): ${stderr.trim().slice(0, 300)}`;
  if (stderr.trim() !== '') return `unexpected stderr: ${stderr.trim().slice(0, 300)}`;
  return null;
}

/** Runs the fuzzer guest for count calls on the given number of threads with seed (also ecall's
 *  --seed) and judges the run. */
export async function runSysFuzz(seed: number, count: number, threads = threadsFor(seed), hangGuardMs = SYS_HANG_GUARD_MS): Promise<SysRun> {
  const root = repoRoot();
  const work = mkdtempSync(join(tmpdir(), 'ecall-sysfuzz-work-'));
  const bin = fuzzerBinDir();
  const budget = SYS_INSNS_START + count * SYS_INSNS_PER_CALL;
  const runArgs = ['run', '--seed', String(seed), '--max-insns', String(budget), '--mount', `${bin}:${GUEST_BINDIR}:ro`,
    '--mount', `${work}:${GUEST_WORKDIR}`, `${GUEST_BINDIR}/sysfuzz`, String(seed), String(count), GUEST_WORKDIR, String(threads)];
  const replay = `mkdir -p /tmp/fz/bin /tmp/fz/work && cp guest/bin/sysfuzz /tmp/fz/bin/ && node bin/ecall.js ${runArgs.join(' ')
    .replace(bin, '/tmp/fz/bin').replace(work, '/tmp/fz/work')} -v`;
  const start = performance.now();
  const base = { seed, count, threads, made: null, skipped: null, ok: null, efault: null, summary: null, replay };
  try {
    const r = await runCommand({ file: process.execPath, args: [join(root, 'bin', 'ecall.js'), ...runArgs] },
      { name: `sysfuzz seed ${seed}`, stdin: '' }, { ...process.env } as Record<string, string>, hangGuardMs, work);
    const ms = performance.now() - start;
    const out = r.stdout.toString('utf8');
    const stderr = r.stderr.toString('utf8');
    const m = /^sysfuzz: seed \d+ made (\d+) skipped (\d+) ok (\d+) failed \d+ \(ENOSYS \d+ EFAULT (\d+)[^\n]*$/m.exec(out);
    const summary = m === null ? null : m[0];
    return {
      ...base, status: r.status, stderr, ms, summary,
      made: m ? Number(m[1]) : null, skipped: m ? Number(m[2]) : null, ok: m ? Number(m[3]) : null, efault: m ? Number(m[4]) : null,
      failure: sysRuleBroken(r.status, stderr, summary),
    };
  } catch (e) {
    return { ...base, status: -1, stderr: '', ms: performance.now() - start, failure: `hang: ${(e as Error).message}` };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
