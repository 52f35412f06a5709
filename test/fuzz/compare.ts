// Compares ecall's CPU against the qemu reference, minimizes each mismatch to the first
// diverging instruction and formats a report.
import { EcallCpu } from './ecall_cpu.js';
import { prefixCase, type FuzzCase, type Insn } from './gen.js';
import { REC_SLOTS, SCRATCH_ADDR, SLOT_F0, SLOT_FCSR } from './layout.js';
import type { CaseResult } from './protocol.js';
import { runQemu } from './qemu.js';

/** Mismatches that get minimized and printed in full per batch (the rest are only counted). */
export const MAX_REPORTED = 5;

/** One differing register or scratch byte range. */
export interface Diff {
  what: string;
  expected: string;
  actual: string;
}

/** A case on which ecall and qemu disagree, after minimization. */
export interface Mismatch {
  c: FuzzCase;
  index: number;
  diffs: Diff[];
  /** Index of the first instruction whose prefix already diverges (-1 if not found). */
  first: number;
  /** State before that instruction (qemu), for the slots it reads. */
  inputs: string[];
  /** Differences right after that instruction (the prefix ending with it). */
  firstDiffs: Diff[];
  /** ecall's stop reason on that prefix, if it did not reach the end. */
  firstError: string | null;
  error: string | null;
}

/** Returns the display name of a state slot. */
export function slotName(i: number): string {
  if (i < SLOT_F0) return `x${i}`;
  if (i < SLOT_FCSR) return `f${i - SLOT_F0}`;
  return 'fcsr';
}

const hex = (v: bigint): string => '0x' + v.toString(16).padStart(16, '0');

/** Returns the differences between the reference and ecall's result (empty if equal). */
export function diffResults(ref: CaseResult, got: CaseResult): Diff[] {
  const diffs: Diff[] = [];
  for (let i = 1; i < REC_SLOTS; i++) {
    if (ref.regs[i] !== got.regs[i]) diffs.push({ what: slotName(i), expected: hex(ref.regs[i]!), actual: hex(got.regs[i]!) });
  }
  for (let i = 0; i < ref.scratch.length; i += 8) {
    const a = Buffer.from(ref.scratch.subarray(i, i + 8)), b = Buffer.from(got.scratch.subarray(i, i + 8));
    if (!a.equals(b)) {
      diffs.push({ what: `mem[0x${(SCRATCH_ADDR + i).toString(16)}]`, expected: a.toString('hex'), actual: b.toString('hex') });
    }
  }
  return diffs;
}

/** Returns a hex listing of instructions, one per line, with the generator's mnemonic. */
export function listing(insns: readonly Insn[], mark = -1): string {
  return insns.map((i, k) => {
    const h = i.size === 4 ? i.bits.toString(16).padStart(8, '0') : '    ' + i.bits.toString(16).padStart(4, '0');
    return `${k === mark ? '=>' : '  '} ${String(k).padStart(3)}: ${h}  ${i.text}`;
  }).join('\n');
}

/** Returns the case's first diverging instruction and its inputs, using prefixes on both sides. */
async function minimize(cpu: EcallCpu, c: FuzzCase): Promise<Pick<Mismatch, 'first' | 'inputs' | 'firstDiffs' | 'firstError'>> {
  const prefixes = c.insns.map((_, k) => prefixCase(c, k + 1));
  const before = [prefixCase(c, 0), ...prefixes];
  const ref = await runQemu(before);
  for (let k = 1; k < before.length && k < ref.results.length; k++) {
    const got = cpu.runCase(before[k]!);
    const firstDiffs = diffResults(ref.results[k]!, got.result);
    if (got.error !== null || firstDiffs.length > 0) {
      const state = ref.results[k - 1]!;
      const insn = c.insns[k - 1]!;
      const inputs = [...new Set(insn.reads)].map((s) => `${slotName(s)}=${hex(state.regs[s]!)}`);
      return { first: k - 1, inputs, firstDiffs, firstError: got.error };
    }
  }
  return { first: -1, inputs: [], firstDiffs: [], firstError: null };
}

/** Result of comparing a batch. */
export interface BatchOutcome {
  cases: number;
  mismatches: Mismatch[];
  /** Count of all mismatching cases (mismatches holds at most MAX_REPORTED). */
  mismatchCount: number;
  /** Set when the runner itself failed (e.g. a generated case faulted under qemu). */
  runnerError: string | null;
}

/** Runs the cases under qemu and on ecall's CPU and compares every result. */
export async function compareBatch(cases: readonly FuzzCase[], cpu = new EcallCpu()): Promise<BatchOutcome> {
  const ref = await runQemu(cases);
  const mismatches: Mismatch[] = [];
  let mismatchCount = 0;
  for (let i = 0; i < ref.results.length; i++) {
    const c = cases[i]!;
    const got = cpu.runCase(c);
    const diffs = diffResults(ref.results[i]!, got.result);
    if (diffs.length === 0 && got.error === null) continue;
    mismatchCount++;
    if (mismatches.length >= MAX_REPORTED) continue;
    const m = await minimize(cpu, c);
    mismatches.push({ c, index: i, diffs, error: got.error, ...m });
  }
  let runnerError = ref.error;
  if (runnerError !== null && ref.results.length < cases.length) {
    const bad = cases[ref.results.length]!;
    runnerError += `\ncase seed ${bad.seed} group ${bad.group}:\n${listing(bad.insns)}`;
  }
  return { cases: ref.results.length, mismatches, mismatchCount, runnerError };
}

/** Returns a human-readable report of one mismatch. */
export function formatMismatch(m: Mismatch): string {
  const lines = [`MISMATCH seed=${m.c.seed} group=${m.c.group} case=${m.index}` + (m.error ? ` (${m.error})` : '')];
  if (m.first >= 0) {
    lines.push(`first diverging instruction #${m.first}: ${m.c.insns[m.first]!.text}`);
    if (m.inputs.length) lines.push(`  inputs (qemu state before it): ${m.inputs.join(' ')}`);
    if (m.firstError) lines.push(`  ecall ${m.firstError}`);
    for (const d of m.firstDiffs) lines.push(`  after it ${d.what}: expected ${d.expected} actual ${d.actual}`);
  } else {
    for (const d of m.diffs) lines.push(`  ${d.what}: expected ${d.expected} actual ${d.actual}`);
  }
  lines.push(listing(m.c.insns, m.first));
  return lines.join('\n');
}
