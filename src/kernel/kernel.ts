// The Kernel: the library entry. It owns the tasks, runs them on the CPU in slices, dispatches
// their syscalls through the one table, parks blocked tasks and turns traps into signals.
import { run } from '../cpu/run.js';
import { Stop, TIMEBASE_HZ } from '../cpu/hart.js';
import type { Host } from '../host/host.js';
import { isLoadError, loadElf } from '../loader/index.js';
import { Mm } from '../mem/mm.js';
import { dispatchSyscall } from './syscall.js';
import { signalName } from './strace.js';
import { faultSignal, SIGILL, SIGTRAP, type SigInfo, signalFatal } from './signal.js';
import { Task, TaskState, ThreadGroup } from './task.js';
import { Vfs, type VfsOptions } from './vfs/vfs.js';
import { TimerQueue } from './timers.js';
import { Blocked, WakeReason } from './wait.js';

export interface KernelOptions extends Partial<VfsOptions> {
  host: Host;
  /** Receives one line per syscall when tracing (strace format, no trailing newline). */
  strace?: (line: string) => void;
}

/** How a process ended: exit status as a shell reports it, and the fatal signal if any. */
export interface ExitStatus {
  /** 0..255 for exit(), 128+N for a fatal signal N. */
  code: number;
  signal: number;
  coreDumped: boolean;
  /** Instructions retired by all of the process's tasks. */
  instret: number;
}

/** Why spawn failed, with the exit status a shell would use (126 cannot execute, 127 not found). */
export interface SpawnError {
  error: string;
  exitCode: number;
}

/** Instructions per run() call: short enough to notice host events, long enough to amortise. */
const QUANTUM = 200_000;
/** Host milliseconds between yields to the host event loop (stdin, timers) while guests compute. */
const YIELD_MS = 20;
/** rdtime ticks at TIMEBASE_HZ (10 MHz): 100 ns each. */
const NS_PER_TIME_TICK = BigInt(1e9 / TIMEBASE_HZ);
/** pid of the first process (Linux numbers are arbitrary; a fixed one keeps runs reproducible). */
const FIRST_PID = 100;

export class Kernel {
  readonly host: Host;
  readonly vfs: Vfs;
  /** Boot time on the host monotonic clock, so CLOCK_MONOTONIC starts near zero like a fresh boot. */
  readonly bootNs: bigint;
  readonly tasks = new Map<number, Task>();
  /** Callbacks at monotonic deadlines (sleeps, timerfd, itimers, POSIX timers). */
  readonly timers = new TimerQueue();
  private readonly runQueue: Task[] = [];
  private readonly sleepers = new Set<Task>();
  private nextTid = FIRST_PID;
  private idleWake: (() => void) | null = null;
  private running: Promise<void> | null = null;
  private readonly groups: ThreadGroup[] = [];

  constructor(readonly options: KernelOptions) {
    this.host = options.host;
    this.vfs = new Vfs({ mounts: options.mounts ?? [], root: options.root ?? null }, this.host);
    this.bootNs = this.host.monotonicNs();
  }

  /** CLOCK_MONOTONIC in nanoseconds. */
  monotonicNs(): bigint {
    return this.host.monotonicNs() - this.bootNs;
  }

  /** CLOCK_REALTIME in nanoseconds since the epoch. */
  realtimeNs(): bigint {
    return this.host.realtimeNs();
  }

  /**
   * Creates a process running the static ELF at `path` (resolved in the guest's view, relative
   * to cwd). Returns its thread group, or a one-line error with the shell's exit status.
   */
  spawn(path: string, argv: string[], envp: string[], cwd: string = process.cwd()): ThreadGroup | SpawnError {
    const fs = this.vfs.initialFsContext(cwd);
    const exe = this.vfs.readExecutable(fs, path);
    if (typeof exe === 'number') {
      const why = exe === -2 ? 'No such file or directory' : exe === -13 ? 'Permission denied'
        : exe === -21 ? 'Is a directory' : exe === -20 ? 'Not a directory' : `cannot open (errno ${-exe})`;
      return { error: `${path}: ${why}`, exitCode: exe === -2 || exe === -20 ? 127 : 126 };
    }
    const pid = this.nextTid++;
    const mm = new Mm();
    const tg = new ThreadGroup(this, pid, 1, mm);
    tg.exePath = exe.guestPath;
    const random = new Uint8Array(16);
    this.host.randomFill(random);
    const uid = this.host.uid(), gid = this.host.gid();
    const r = loadElf(mm, exe.data, {
      argv, envp, execfn: path, random, uid, gid, euid: uid, egid: gid, exePath: exe.guestPath,
    });
    if (isLoadError(r)) return { error: `${path}: ${r.error}`, exitCode: r.exitCode };
    const t = new Task(this, pid, tg, this.vfs.initialFdTable(), fs);
    t.hart.pc = r.entry;
    t.hart.setX(2, r.sp);
    t.hart.timeSource = () => Number(this.monotonicNs() / NS_PER_TIME_TICK);
    tg.sigreturnAddr = r.sigreturnAddr;
    this.tasks.set(t.tid, t);
    this.groups.push(tg);
    this.runQueue.push(t);
    return tg;
  }

  /** Runs until every process has exited; resolves with the exit status of the first one. */
  async wait(): Promise<ExitStatus> {
    this.running ??= this.loop();
    await this.running;
    const tg = this.groups[0];
    if (tg === undefined) throw new Error('wait() called with no process');
    return {
      code: tg.exitSignal ? 128 + tg.exitSignal : tg.exitCode ?? 0,
      signal: tg.exitSignal,
      coreDumped: tg.coreDumped,
      instret: tg.instret,
    };
  }

  /** The scheduler: round-robin over runnable tasks; sleeps on host events when all are blocked. */
  private async loop(): Promise<void> {
    let lastYield = performance.now();
    while (this.groups.some((g) => g.exitCode === null)) {
      this.expireSleepers();
      const t = this.runQueue.shift();
      if (t === undefined) {
        await this.idle();
        lastYield = performance.now();
        continue;
      }
      if (t.state !== TaskState.Runnable) continue;
      this.runSlice(t);
      if (t.state === TaskState.Runnable) this.runQueue.push(t);
      if (performance.now() - lastYield > YIELD_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }
    this.host.stdin.close();
  }

  /** Runs one task for up to a quantum, handling its traps, until it blocks, exits or is preempted. */
  private runSlice(t: Task): void {
    const h = t.hart;
    let budget = QUANTUM;
    while (budget > 0 && t.state === TaskState.Runnable) {
      const before = h.instret;
      const stop = run(h, t.mm.mem, budget);
      budget -= h.instret - before;
      switch (stop) {
        case Stop.Budget:
          return;
        case Stop.Ecall:
          dispatchSyscall(t);
          budget--;
          break;
        case Stop.Fault:
        case Stop.Misaligned:
          this.deliverFatalOrHandled(t, faultSignal(t, stop));
          break;
        case Stop.Illegal:
          this.deliverFatalOrHandled(t, { signo: SIGILL, code: 1 /* ILL_ILLOPC */, addr: h.pc });
          break;
        case Stop.Ebreak:
          this.deliverFatalOrHandled(t, { signo: SIGTRAP, code: 1 /* TRAP_BRKPT */, addr: h.pc });
          break;
      }
    }
  }

  /** A synchronous signal from a trap. Handlers arrive with full signal delivery; until then it is fatal. */
  private deliverFatalOrHandled(t: Task, info: SigInfo): void {
    this.trace(t, `--- ${signalLine(info)} ---`);
    signalFatal(t, info.signo);
  }

  /** Emits a strace line for t (with [pid N] once the process has several threads). */
  trace(t: Task, line: string): void {
    const out = this.options.strace;
    if (out === undefined) return;
    out(t.tg.tasks.length > 1 ? `[pid ${t.tid}] ${line}` : line);
  }

  /** Parks t on the Blocked marker's queues and deadline; its syscall runs again when woken. */
  sleep(t: Task, b: Blocked): void {
    t.state = TaskState.Blocked;
    t.blockedOn = b;
    for (const q of b.queues) q.add(t);
    if (b.deadline !== null) this.sleepers.add(t);
  }

  /** Makes a blocked task runnable (the scheduler re-runs its syscall). */
  wakeTask(t: Task, reason: WakeReason): void {
    if (t.state !== TaskState.Blocked) return;
    const b = t.blockedOn;
    if (b !== null) for (const q of b.queues) q.remove(t);
    this.sleepers.delete(t);
    t.blockedOn = null;
    t.wakeReason = reason;
    t.state = TaskState.Runnable;
    this.runQueue.push(t);
    const w = this.idleWake;
    this.idleWake = null;
    w?.();
  }

  /** Wakes sleepers whose deadline has passed. */
  private expireSleepers(): void {
    if (this.sleepers.size === 0) return;
    const now = this.monotonicNs();
    for (const t of [...this.sleepers]) {
      const d = t.blockedOn?.deadline;
      if (d !== null && d !== undefined && d <= now) this.wakeTask(t, WakeReason.Timeout);
    }
  }

  /** Waits for a host event (a wake-up) or the earliest sleeper deadline. */
  private idle(): Promise<void> {
    let earliest: bigint | null = null;
    for (const t of this.sleepers) {
      const d = t.blockedOn?.deadline ?? null;
      if (d !== null && (earliest === null || d < earliest)) earliest = d;
    }
    const live = this.groups.some((g) => g.exitCode === null);
    if (!live) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      this.idleWake = () => { if (timer !== undefined) clearTimeout(timer); resolve(); };
      if (earliest !== null) {
        const ms = Number(earliest - this.monotonicNs()) / 1e6;
        timer = setTimeout(() => { this.idleWake = null; resolve(); }, Math.max(0, Math.ceil(ms)));
      }
    });
  }

  /** Sends a thread-directed signal (tkill, tgkill, faults, SIGEV_THREAD_ID timers) to t. */
  signalTask(t: Task, info: SigInfo): void {
    void info;
    this.raiseSignal(t, info.signo);
  }

  /** Sends a process-directed signal (kill, itimers, SIGEV_SIGNAL timers) to the thread group. */
  signalGroup(tg: ThreadGroup, info: SigInfo): void {
    const t = tg.tasks.find((x) => x.state !== TaskState.Exited);
    if (t !== undefined) this.raiseSignal(t, info.signo);
  }

  /** Sends signal sig to task t from the kernel (e.g. SIGPIPE on a broken pipe write). */
  raiseSignal(t: Task, sig: number): void {
    const act = t.tg.actions[sig];
    if (act !== undefined && act.handler === 1n) return; // SIG_IGN
    if (act !== undefined && act.handler > 1n) {
      t.sigpending |= 1n << BigInt(sig - 1); // delivered once signal delivery exists
      return;
    }
    this.trace(t, `--- ${signalLine({ signo: sig, code: 0x80, addr: 0 })} ---`);
    signalFatal(t, sig);
  }

  /** Ends every task of tg with the given exit status (exit_group or a fatal signal). */
  exitGroup(tg: ThreadGroup, code: number, signal = 0, core = false): void {
    if (tg.exitCode !== null) return;
    tg.exitCode = code & 0xff;
    tg.exitSignal = signal;
    tg.coreDumped = core;
    for (const t of tg.tasks) this.exitTask(t);
    tg.exitWaiters.wake();
  }

  /** Ends one task: releases its files, takes it off every queue. */
  exitTask(t: Task): void {
    if (t.state === TaskState.Exited) return;
    if (t.state === TaskState.Blocked) {
      const b = t.blockedOn;
      if (b !== null) for (const q of b.queues) q.remove(t);
      this.sleepers.delete(t);
      t.blockedOn = null;
    }
    t.state = TaskState.Exited;
    t.tg.instret += t.hart.instret;
    this.tasks.delete(t.tid);
    t.files.closeAll();
    const live = t.tg.tasks.filter((x) => x.state !== TaskState.Exited);
    if (live.length === 0 && t.tg.exitCode === null) t.tg.exitCode = 0;
  }

  /** Allocates a new task/thread id. */
  allocTid(): number {
    return this.nextTid++;
  }
}

/** strace's signal line body: SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10} */
function signalLine(info: SigInfo): string {
  const name = signalName(info.signo);
  const codes: Record<number, Record<number, string>> = {
    11: { 1: 'SEGV_MAPERR', 2: 'SEGV_ACCERR' },
    4: { 1: 'ILL_ILLOPC' },
    5: { 1: 'TRAP_BRKPT' },
    7: { 1: 'BUS_ADRALN', 2: 'BUS_ADRERR' },
  };
  const code = codes[info.signo]?.[info.code] ?? (info.code === 0x80 ? 'SI_KERNEL' : String(info.code));
  const addr = info.signo === 11 || info.signo === 4 || info.signo === 5 || info.signo === 7
    ? `, si_addr=0x${(info.addr ?? 0).toString(16)}` : '';
  return `${name} {si_signo=${name}, si_code=${code}${addr}}`;
}

