// One ELF mutant through the kernel, and the rule it must satisfy: a one-line error with exit
// status 126 or 127, or a program that runs (to the instruction budget) and ends with a status;
// never a host exception.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/guest_cases.js';
import { mutantRng, mutateElf } from './elf_mutate.js';
import { runImage, type ImageRun } from './run_image.js';

/** Real executables the mutants start from: static glibc C programs (output, signal handlers,
 *  /proc reads) and a tiny assembly program with no libc. */
export const ELF_BASES = ['hello', 'asm_hello', 'exit42', 'signals', 'procself'];
/** Instructions a mutant may run: the bases need 30 to 120 thousand; a mutant that loops is cut
 *  off here, which keeps one mutant near 100 ms. */
export const ELF_BUDGET = 1_000_000;

/** Returns the base images, read from guest/bin. */
export function loadBases(root = repoRoot()): Uint8Array[] {
  return ELF_BASES.map((b) => new Uint8Array(readFileSync(join(root, 'guest', 'bin', b))));
}

/** What one mutant did: its index, the mutations, a one-word outcome class, and why it broke the
 *  rule (null when it did not). */
export interface ElfResult {
  index: number;
  base: string;
  ops: string[];
  outcome: string;
  failure: string | null;
}

/** Returns the outcome class of a run, for the summary histogram. */
function outcomeOf(r: ImageRun): string {
  if (r.kind === 'refused') return `refused ${r.exitCode}`;
  if (r.notice?.startsWith('instruction limit')) return 'instruction limit';
  if (r.notice?.startsWith('deadlock')) return 'deadlock';
  return r.signal ? `signal ${r.signal}` : `exit ${r.code}`;
}

/** Returns why r breaks the rule, or null. */
export function elfRuleBroken(r: ImageRun): string | null {
  if (r.kind === 'refused') {
    if (r.exitCode !== 126 && r.exitCode !== 127) return `refused with exit status ${r.exitCode} (expected 126 or 127): ${r.error}`;
    if (!r.error.startsWith('/prog: ') || r.error.length <= '/prog: '.length) return `error message without a reason: ${JSON.stringify(r.error)}`;
    if (/[\n\r]/.test(r.error)) return `error message is not one line: ${JSON.stringify(r.error)}`;
    return null;
  }
  if (!(r.code >= 0 && r.code <= 255)) return `exit status ${r.code} outside 0..255`;
  return null;
}

/** Returns the mutant of (seed, index): which base it starts from, and its bytes and mutations. */
export function makeMutant(bases: Uint8Array[], seed: number, index: number): { base: string; image: Uint8Array; ops: string[] } {
  const rng = mutantRng(seed, index);
  const b = rng.below(bases.length);
  return { base: ELF_BASES[b]!, ...mutateElf(bases[b]!, rng) };
}

/** Runs mutant (seed, index) through the kernel and judges it; a host exception is a failure. */
export async function fuzzOneElf(bases: Uint8Array[], seed: number, index: number, budget = ELF_BUDGET): Promise<ElfResult> {
  const m = makeMutant(bases, seed, index);
  try {
    const r = await runImage(m.image, { seed: (seed + index) >>> 0, maxInstructions: budget });
    return { index, base: m.base, ops: m.ops, outcome: outcomeOf(r), failure: elfRuleBroken(r) };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    const where = (err.stack ?? '').split('\n').slice(1, 4).map((l) => l.trim()).join(' | ');
    return { index, base: m.base, ops: m.ops, outcome: 'host exception', failure: `host exception: ${err.name}: ${err.message} (${where})` };
  }
}
