// Runs ELF mutants in worker processes (elf_worker.js), a block of consecutive indices per
// worker, several workers at once. A worker that dies (a host crash) or stops reporting (a hang)
// is charged to the mutant it had started, and the block goes on in a fresh worker.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ElfResult } from './elf_fuzz.js';

const WORKER = fileURLToPath(new URL('./elf_worker.js', import.meta.url));
/** Wall-clock hang guard for one mutant. A mutant takes about 10 ms (a few hundred ms for one
 *  that runs threads to the instruction budget); this is far above that on a loaded machine. */
export const ELF_HANG_GUARD_MS = 120_000;
/** Stderr kept from a worker that died, for the report. */
const STDERR_KEEP = 2000;

export interface ElfFuzzOptions {
  seed: number;
  /** Mutants to run (indices 0..count-1); with seconds, an upper bound. */
  count: number;
  /** Stop starting new blocks after this many seconds (Infinity: run all count). */
  seconds: number;
  /** Worker processes at once. */
  jobs: number;
  /** Mutants per worker process. */
  block: number;
  /** Instruction budget per mutant. */
  budget: number;
  hangGuardMs?: number;
}

export interface ElfFuzzSummary {
  mutants: number;
  failures: ElfResult[];
  /** Mutants per outcome class ("refused 126", "exit 0", "signal 11", "instruction limit", ...). */
  outcomes: Map<string, number>;
  ms: number;
  /** The first index not run (where a longer run can continue). */
  nextIndex: number;
}

/** Runs mutants first..first+n-1 in one worker (and fresh ones after a crash or hang). */
async function runBlock(o: ElfFuzzOptions, first: number, n: number, out: ElfResult[]): Promise<void> {
  let next = first;
  while (next < first + n) {
    const started = next;
    const got = await new Promise<{ done: number; failure: ElfResult | null }>((resolve) => {
      const child = spawn(process.execPath, [WORKER, String(o.seed), String(started), String(first + n - started), String(o.budget)],
        { stdio: ['ignore', 'pipe', 'pipe'] });
      let current = -1;
      let done = started;
      let buf = '';
      let stderr = '';
      let hung = false;
      let timer: NodeJS.Timeout | undefined;
      const arm = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => { hung = true; child.kill('SIGKILL'); }, o.hangGuardMs ?? ELF_HANG_GUARD_MS);
      };
      arm();
      child.stderr.on('data', (d: Buffer) => { if (stderr.length < STDERR_KEEP) stderr += d.toString(); });
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const msg = JSON.parse(buf.slice(0, nl)) as { start?: number } & Partial<ElfResult>;
          buf = buf.slice(nl + 1);
          if (msg.start !== undefined) { current = msg.start; arm(); continue; }
          out.push(msg as ElfResult);
          done = msg.index! + 1;
        }
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (done === first + n) { resolve({ done, failure: null }); return; }
        const at = current >= done ? current : done;
        const why = hung ? `hang: no result after ${o.hangGuardMs ?? ELF_HANG_GUARD_MS} ms`
          : `worker died (exit ${code ?? signal}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`;
        resolve({ done: at + 1, failure: { index: at, base: '?', ops: [], outcome: hung ? 'hang' : 'host crash', failure: why } });
      });
    });
    if (got.failure !== null) out.push(got.failure);
    next = got.done;
  }
}

/** Runs the fuzzer and returns the summary; failures carry their (seed, index) for replay. */
export async function runElfFuzz(o: ElfFuzzOptions): Promise<ElfFuzzSummary> {
  const start = performance.now();
  const results: ElfResult[] = [];
  let nextBlock = 0;
  const worker = async (): Promise<void> => {
    while (nextBlock < o.count && (performance.now() - start) / 1000 < o.seconds) {
      const first = nextBlock;
      const n = Math.min(o.block, o.count - first);
      nextBlock += n;
      await runBlock(o, first, n, results);
    }
  };
  await Promise.all(Array.from({ length: o.jobs }, worker));
  const outcomes = new Map<string, number>();
  for (const r of results) outcomes.set(r.outcome, (outcomes.get(r.outcome) ?? 0) + 1);
  return {
    mutants: results.length,
    failures: results.filter((r) => r.failure !== null).sort((a, b) => a.index - b.index),
    outcomes,
    ms: performance.now() - start,
    nextIndex: nextBlock,
  };
}
