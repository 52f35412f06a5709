// The injection sweep's plan: from a first run's recorded syscalls, the boundaries to inject a
// signal at (every syscall's entry and return, and the wait of each one that slept), filtered by
// syscall name and thread, or instruction counts spread evenly over the first run.
import { BOUNDARIES, formatInjection, type Injection, type SyscallRecord } from '../kernel/inject.js';
import { SYSCALL_NAMES } from '../kernel/syscalls/names.js';

/** What an injection sweep visits. */
export interface InjectOptions {
  signo: number;
  /** Syscall boundaries, or instruction counts. */
  at: 'sys' | 'insn';
  /** Only these syscalls (names), or all. */
  calls: string[] | null;
  /** Only this thread's syscalls, or every thread's. */
  tid: number | null;
  /** The schedule every run shares (text form). */
  schedule: string;
}

/** Returns the syscall number of each name, or the first unknown name. */
export function syscallNumbers(names: string[]): Set<number> | string {
  const out = new Set<number>();
  for (const n of names) {
    const nr = [...SYSCALL_NAMES].find(([, name]) => name === n)?.[0];
    if (nr === undefined) return n;
    out.add(nr);
  }
  return out;
}

/** The name of syscall nr (or `syscall_NR`). */
export function syscallName(nr: number): string {
  return SYSCALL_NAMES.get(nr) ?? `syscall_${nr}`;
}

/** Picks at most `max` of items, spread evenly (all of them when there are no more than max). */
function spread<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  return Array.from({ length: max }, (_, i) => items[Math.floor((i * items.length) / max)]!);
}

/** Returns the injections of a sweep over the first run (its syscalls, its instruction count),
 *  at most `max` of them. */
export function planInjections(o: InjectOptions, syscalls: SyscallRecord[], steps: number, max: number): Injection[] {
  if (o.at === 'insn') {
    const n = Math.min(max, Math.max(1, steps - 1));
    return Array.from({ length: n }, (_, i) => ({ signo: o.signo, at: { kind: 'insn' as const, n: 1 + Math.floor(((i + 1) * (steps - 1)) / (n + 1)) } }));
  }
  const nrs = o.calls === null ? null : syscallNumbers(o.calls);
  if (typeof nrs === 'string') throw new Error(`unknown syscall ${nrs}`);
  const all: Injection[] = [];
  for (const s of syscalls) {
    if ((nrs !== null && !nrs.has(s.nr)) || (o.tid !== null && s.tid !== o.tid)) continue;
    for (const b of BOUNDARIES) if (b !== 'wait' || s.blocked) all.push({ signo: o.signo, at: { kind: 'sys', index: s.index, boundary: b } });
  }
  return spread(all, max);
}

/** The text forms of injections. */
export function injectionTexts(list: Injection[]): string[] {
  return list.map(formatInjection);
}
