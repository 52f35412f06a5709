// Signal injection and run probes for the explorer (a SyscallWatch): sends a signal at an exact
// instruction count or syscall boundary (entry, in the wait, at return), records the run's
// syscalls (the boundaries a sweep visits), and measures a cancellation's latency. Injected
// signals come as from tgkill by the process itself (SI_TKILL, si_pid the process's pid), which is
// what a libc's cancellation handler accepts as its own request.
import { SI_TKILL } from './signal.js';
import { SIGNAL_NAMES } from './strace.js';
import { type Task, TaskState } from './task.js';
import type { SyscallWatch } from './watch.js';

/** Where in a syscall a signal is injected: just before its ecall runs (the saved pc is the
 *  ecall's), while it sleeps (it is interrupted as by any signal), or once its result is in a0. */
export type Boundary = 'entry' | 'wait' | 'return';
export const BOUNDARIES: readonly Boundary[] = ['entry', 'wait', 'return'];

/** A signal and the instant it is injected at: when `n` instructions have retired in all (to the
 *  task that retired the n-th), or at a boundary of the run's `index`-th syscall (from 1, every
 *  task's calls counted in the order they start; a restarted call counts again). */
export interface Injection {
  signo: number;
  at: { kind: 'insn'; n: number } | { kind: 'sys'; index: number; boundary: Boundary };
}

/** Largest signal number. */
const MAX_SIGNO = 64;
/** tgkill and rt_sigaction (asm-generic numbers), which start a cancel request (see CancelProbe). */
const NR_TGKILL = 131, NR_RT_SIGACTION = 134;
/** glibc's SIGCANCEL: its pthread_cancel installs the handler (rt_sigaction) first thing. */
const GLIBC_SIGCANCEL = 32;

/** Returns the signal number of `text` (a number, `SIGUSR2` or `USR2`), or null. */
export function parseSignal(text: string): number | null {
  if (/^\d+$/.test(text)) { const n = Number(text); return n >= 1 && n <= MAX_SIGNO ? n : null; }
  const i = SIGNAL_NAMES.indexOf(text.startsWith('SIG') ? text : `SIG${text}`);
  return i > 0 ? i : null;
}

/** Returns the text form of i: `SIG@insn:N` or `SIG@sys:K:BOUNDARY` (SIG a number). */
export function formatInjection(i: Injection): string {
  return `${i.signo}@${i.at.kind === 'insn' ? `insn:${i.at.n}` : `sys:${i.at.index}:${i.at.boundary}`}`;
}

/** Parses formatInjection's form (the signal may be a name); returns an error message for bad text. */
export function parseInjection(text: string): Injection | string {
  const m = /^([A-Z0-9]+)@(?:insn:(\d+)|sys:(\d+):(entry|wait|return))$/.exec(text);
  if (!m) return 'expected SIG@insn:N or SIG@sys:K:entry|wait|return';
  const signo = parseSignal(m[1]!);
  if (signo === null) return `unknown signal ${m[1]}`;
  const n = Number(m[2] ?? m[3]);
  if (!Number.isSafeInteger(n) || n < 1) return 'the instruction count or syscall index must be a positive integer';
  return { signo, at: m[2] !== undefined ? { kind: 'insn', n } : { kind: 'sys', index: n, boundary: m[4] as Boundary } };
}

/** One syscall of a recorded run. */
export interface SyscallRecord {
  index: number;
  tid: number;
  nr: number;
  /** It slept (so it has a `wait` boundary). */
  blocked: boolean;
}

/** Where an injection landed and what its target did next. */
export interface InjectedReport {
  tid: number;
  /** The syscall it was injected at (-1 for an instruction count). */
  nr: number;
  /** Instructions retired in all when it was sent. */
  at: number;
  /** At entry or in the wait: the target made the interrupted call again (it went on as before). */
  resumed: boolean;
  /** The target exited before making the interrupted call again (for a cancellation: it was
   *  acted on there, the call is a cancellation point). */
  exitedFirst: boolean;
}

/** A cancellation's latency: from the request (the first tgkill, or glibc's pthread_cancel
 *  installing SIGCANCEL, whichever comes first) to the exit of the first thread the process created
 *  (the workload's consumer), in instructions retired by all tasks (virtual ns at 1 GHz) and by
 *  the cancelled thread itself. A thread that sees its cancel flag (set just before the tgkill)
 *  and exits before the tgkill is made has no latency: its cancel was acted on before the kernel
 *  could see the request. */
export interface CancelLatency {
  insns: number;
  threadInsns: number;
}

/** What a watched run reports. */
export interface WatchReport {
  syscalls: SyscallRecord[] | null;
  injected: InjectedReport | null;
  cancelLatency: CancelLatency | null;
}

/** What to watch for in a run. */
export interface RunWatchOptions {
  inject?: Injection;
  /** Record every syscall (the boundaries an injection sweep visits). */
  record?: boolean;
  /** Measure a cancellation's latency (CancelLatency). */
  cancelProbe?: boolean;
}

/** A watch that injects, records and probes as its options say; report() after the run. */
export class RunWatch implements SyscallWatch<Task> {
  private calls = 0;
  /** The index of each task's current (latest) call. */
  private readonly current = new Map<Task, number>();
  private readonly records: SyscallRecord[] | null;
  private fired = false;
  private injected: InjectedReport | null = null;
  /** The task and ecall pc an entry or wait injection interrupted. */
  private target: { t: Task; pc: number } | null = null;
  private request: { at: number; tid: number; instret: number } | null = null;
  private latency: CancelLatency | null = null;

  constructor(private readonly o: RunWatchOptions) {
    this.records = o.record === true ? [] : null;
  }

  /** Counts the call, records it, and injects at its entry if that is the point. */
  entry(t: Task, nr: number, at: number): boolean {
    const index = ++this.calls;
    this.current.set(t, index);
    this.records?.push({ index, tid: t.tid, nr, blocked: false });
    if (this.target !== null && this.target.t === t && this.target.pc === t.hart.pc && this.injected !== null) {
      this.injected.resumed = true;
      this.target = null;
    }
    if (this.o.cancelProbe === true && this.request === null) this.noteRequest(t, nr, at);
    if (this.due(index, 'entry')) {
      this.send(t, nr, at, true);
      return false;
    }
    return true;
  }

  /** Marks the call as one that slept, and injects in the wait if that is the point. */
  blocked(t: Task, at: number): void {
    const index = this.current.get(t) ?? 0;
    if (this.records !== null && index > 0) this.records[index - 1]!.blocked = true;
    if (this.due(index, 'wait')) this.send(t, t.syscall.nr, at, true);
  }

  /** Injects at the call's return if that is the point. */
  completed(t: Task, at: number): void {
    if (this.due(this.current.get(t) ?? 0, 'return')) this.send(t, t.syscall.nr, at, false);
  }

  /** Notes an interrupted target's exit and the cancelled thread's. */
  exited(t: Task, at: number): void {
    if (this.target !== null && this.target.t === t && this.injected !== null) {
      this.injected.exitedFirst = true;
      this.target = null;
    }
    const r = this.request;
    if (r !== null && this.latency === null && t.tid === r.tid) this.latency = { insns: at - r.at, threadInsns: t.hart.instret - r.instret };
    this.current.delete(t);
  }

  /** Up to the instruction-count injection, if one is still to come. */
  untilInstruction(retired: number): number {
    const a = this.o.inject?.at;
    return a?.kind === 'insn' && !this.fired ? Math.max(1, a.n - retired) : Infinity;
  }

  /** Injects into t once the count reaches the instruction-count point. */
  sliceEnded(t: Task, retired: number): void {
    const a = this.o.inject?.at;
    if (a?.kind === 'insn' && !this.fired && retired >= a.n) this.send(t, -1, retired, false);
  }

  /** What the run showed. */
  report(): WatchReport {
    return { syscalls: this.records, injected: this.injected, cancelLatency: this.latency };
  }

  /** True when the injection is due at call `index`'s `boundary`. */
  private due(index: number, boundary: Boundary): boolean {
    const a = this.o.inject?.at;
    return !this.fired && a?.kind === 'sys' && a.index === index && a.boundary === boundary;
  }

  /** Sends the injected signal to t, as tgkill by its own process would. */
  private send(t: Task, nr: number, at: number, interrupts: boolean): void {
    this.fired = true;
    if (t.state === TaskState.Exited) return;
    this.injected = { tid: t.tid, nr, at, resumed: false, exitedFirst: false };
    if (interrupts) this.target = { t, pc: t.hart.pc };
    t.kernel.signalTask(t, { signo: this.o.inject!.signo, code: SI_TKILL, pid: t.tg.pid, uid: t.tg.cred.ruid });
  }

  /** Starts the latency clock at a cancel request's first syscall (see CancelLatency). */
  private noteRequest(t: Task, nr: number, at: number): void {
    if (nr !== NR_TGKILL && !(nr === NR_RT_SIGACTION && Number(t.hart.x64[10]) === GLIBC_SIGCANCEL)) return;
    const others = t.tg.tasks.filter((x) => x.tid !== t.tg.pid).sort((a, b) => a.tid - b.tid);
    const victim = others[0];
    if (victim === undefined) return;
    this.request = { at, tid: victim.tid, instret: victim.hart.instret };
  }
}
