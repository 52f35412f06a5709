// The Kernel: the library entry. It owns the tasks, runs them on virtual CPUs in slices,
// dispatches their syscalls through the one table, parks blocked tasks, delivers signals on the
// way back to user space, and turns traps into signals.
import { run } from '../cpu/run.js';
import { JIT_DEFAULT, setJit } from '../cpu/jit/jit.js';
import { Stop, TIMEBASE_HZ } from '../cpu/hart.js';
import type { Host } from '../host/host.js';
import { ExecRandom } from './exec/aslr.js';
import { prepareFirstProgram } from './exec/first.js';
import { FAULT_OOM } from '../mem/guest_memory.js';
import { DEFAULT_MEMORY_BYTES, PhysMem } from '../mem/phys.js';
import { pageCache } from '../mem/mem_object.js';
import { Cred } from './cred.js';
import { clearChildTid, exitRobustList } from './futex/exit.js';
import { FutexTable } from './futex/queue.js';
import { Prng } from '../util/prng.js';
import { threadletReturn } from './syslet/threadlet.js';
import { utf8ToBytes } from '../util/bytestr.js';
import { MAX_CPUS, Scheduler } from './sched.js';
import { invoke, returnToUser, syscallEntry, syscallInterrupted, syscallResume } from './entry.js';
import { isHostAllocationFailure } from './host_alloc.js';
import {
  ILL_ILLOPC, SI_USER, SIGCONT, SIGHUP, SIGILL, SIGINT, SIGKILL, SIGQUIT, SIGTERM, SIGTRAP, SIGTSTP, SIGUSR1, SIGUSR2,
  SIGWINCH, type SigInfo, TRAP_BRKPT,
} from './signal.js';
import {
  envList, type ExitStatus, GuestProcess, type ProcessHost, SpawnError, type SpawnOptions, stdioChoices, stdioTable,
} from './guest_process.js';
import { HostEventQueue, KernelStateError } from './host_events.js';
import { HostThread } from './host_task.js';
import { HostTask } from './host_task_api.js';
import { FdTable as HostFdTable } from './vfs/fdtable.js';
import { Mm } from '../mem/mm.js';
import type { FdTable } from './vfs/fdtable.js';
import { forceSignal, hasDeliverable, sendSignal, sendGroupSignal, faultSignal } from './signal_deliver.js';
import { type KernelServices, Task, TaskState, ThreadGroup } from './task.js';
import { Vfs, type VfsOptions } from './vfs/vfs.js';
import { createProcfs } from './procfs/procfs.js';
import type { Blocked, Request, SysResult } from './request.js';
import { NetNs } from './net/netns.js';
import { createInetStack } from './net/inet_stack.js';
import { taskSockCred } from './net/task_cred.js';
import { monotonicAt } from './time/deadline.js';
import { WakeReason } from './wait.js';
import { cpuTimerBudget, runCpuTimers } from './time/cpu_timers.js';
import type { IntervalTimer } from './time/interval_timer.js';
import { TimerQueue } from './time/timer_queue.js';
import { ProcessTable } from './process/table.js';
import { processExited } from './process/exit.js';
import { acquireTerminal, terminalJobControl, terminalSignalTargets } from './process/jobctl.js';
import { setRunningExe } from './process/exe_deny.js';
import { fileKey } from './vfs/open_files.js';
import { mmPut } from './process/mm_users.js';
import { Sysctl } from './sysctl.js';
import { procSources } from './proc_sources.js';
import { ipcExit } from './ipc/namespace.js';
import { type EcallExtensions, NO_EXTENSIONS } from './ext/extensions.js';
import { ProcessVdso } from './vdso/process_vdso.js';
import { RseqStress } from './rseq/stress.js';
import { DEFAULT_SCHEDULE, type Schedule } from './schedule/policy.js';
import { createPolicy } from './schedule/create.js';
import type { SyscallWatch } from './watch.js';
import { vdsoImageName } from '../loader/index.js';
import type { KernelEventSink, MarkEvent } from './events.js';

export interface KernelOptions extends Partial<VfsOptions> {
  host: Host;
  /** Receives one line per syscall when tracing (strace format, no trailing newline). */
  strace?: (line: string) => void;
  /** Receives scheduling events (events.ts): each slice a task ran, and signal deliveries, syscall
   *  restarts, rseq aborts and io_uring completions; for pictures of a run such as a timeline. */
  events?: KernelEventSink;
  /** Number of virtual CPUs (default: the host's in real-time mode, 4 in deterministic mode). */
  cpus?: number;
  /** Deterministic mode: every scheduling choice comes from this seed (use with a SimHost). */
  seed?: number | bigint;
  /** Deterministic mode's schedule (schedule/policy.ts; default: random quanta). */
  schedule?: Schedule;
  /** Ends every process with SIGKILL after this many retired instructions (all tasks together):
   *  a hang guard that counts work, not host time. */
  maxInstructions?: number;
  /** ecall's own ABIs to enable (README "ecall extensions"); all off by default. */
  extensions?: Partial<EcallExtensions>;
  /** rseq stress testing: the probability, at each seeded stop inside a critical section, of a
   *  preemption or migration there (rseq/stress.ts); 0 or absent: off. */
  rseqStress?: number;
  /** The machine's memory in bytes (`--memory`; default 2 GiB, at most 4 GiB): the frame pool. */
  memory?: number;
  /** The user and group id of processes the kernel creates (default: the host user's), so that a
   *  guest can start as root without the host user being root. */
  uid?: number;
  gid?: number;
  /** Translate hot guest code to WebAssembly (`--jit`/`--no-jit`; default JIT_DEFAULT). */
  jit?: boolean;
  /** Arrivals at an entry point before the translator compiles it (`--jit-threshold`). */
  jitThreshold?: number;
  /** Compile translations in the background (default: outside deterministic mode; false
   *  compiles where code gets hot). */
  jitAsync?: boolean;
  /** Deterministic mode: observes syscall boundaries and exits, and may inject signals (watch.ts). */
  watch?: SyscallWatch<Task>;
}

/** The host signals a foreground process gets, as a terminal sends them to its foreground job and
 *  qemu-riscv64 passes them on (Linux numbers). */
export const FORWARDED_SIGNALS: readonly number[] = [SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGTERM, SIGWINCH, SIGTSTP, SIGCONT];

export type { ExitStatus } from './guest_process.js';
export { SpawnError } from './guest_process.js';

/** Options of Kernel.hostTask. */
export interface HostTaskOptions {
  /** Working directory in the guest's view (default "/"). */
  cwd?: string;
  /** User and group id of the host task's process (default: the kernel's uid/gid options, else the host user's). */
  uid?: number;
  gid?: number;
}

/** Most event-point rounds shutdown runs so that host calls its kills woke can finish (each round
 *  runs what the one before posted; a call finishes in one). */
const SHUTDOWN_DRAIN_ROUNDS = 8;

/** Host milliseconds between yields to the host event loop (stdin, timers) while guests compute. */
const YIELD_MS = 20;
/** Retired instructions between yields to the host in deterministic mode (about YIELD_MS of work
 *  for the translator; a count, not a time, so that host code runs at the same points every run). */
const DET_YIELD_INSNS = 2_000_000;
/** Nanoseconds per millisecond. */
const NS_PER_MS = 1_000_000n;
/** pid of the first process: pid 1 of the guest's own pid namespace, as in a container. */
const FIRST_PID = 1;
/** rdtime ticks at TIMEBASE_HZ (1 GHz): 1 ns each. */
const NS_PER_TIME_TICK = BigInt(1e9 / TIMEBASE_HZ);
/** Virtual time per retired instruction in deterministic mode: a 1 GHz hart. */
const NS_PER_INSN = 1n;
/** Default CPU count in deterministic mode (the choice: independent of the host). */
const DET_CPUS = 4;

export class Kernel implements KernelServices {
  readonly host: Host;
  readonly vfs: Vfs;
  /** Boot time on the host monotonic clock, so CLOCK_MONOTONIC starts near zero like a fresh boot. */
  readonly bootNs: bigint;
  readonly tasks = new Map<number, Task>();
  /** Callbacks at monotonic deadlines (sleeps, timerfd, itimers, POSIX timers). */
  readonly timers = new TimerQueue();
  /** The futex wait queues (Linux's futex hash table). */
  readonly futexes = new FutexTable();
  /** Armed timers on CPU-time clocks, checked after each slice (runCpuTimers). */
  readonly cpuTimers = new Set<IntervalTimer>();
  readonly sched: Scheduler;
  /** True when time and scheduling are virtual and seeded. */
  readonly deterministic: boolean;
  /** ecall's own ABIs that are enabled. */
  readonly extensions: EcallExtensions;
  /** --rseq-stress, or null. */
  private readonly stress: RseqStress | null;
  /** The machine's physical memory: every process's pages are frames of this pool. */
  readonly phys: PhysMem;
  /** The random page offsets of exec'd PIE images (seeded in deterministic mode). */
  readonly execRandom: ExecRandom;
  /** The network namespace: AF_UNIX names, and the host's or the simulated IP network. */
  readonly net: NetNs;
  /** Every process not yet reaped (live or zombie), by pid. */
  readonly procs = new ProcessTable<ThreadGroup>();
  /** The /proc/sys tunables (pipe-max-size, lease-break-time, SysV IPC limits, ...). */
  readonly sysctl: Sysctl;
  private nextTid = FIRST_PID;
  private idleWake: (() => void) | null = null;
  private running: Promise<void> | null = null;
  private readonly groups: ThreadGroup[] = [];
  private current: Task | null = null;
  /** Instructions retired by every task so far (for maxInstructions). */
  private retired = 0;
  /** The current task's instret when its slice began (marks inside a slice are timed from it). */
  private sliceStart = 0;
  /** The run's watch (options.watch), or null. */
  readonly watch: SyscallWatch<Task> | null;
  /** Why the kernel ended the run itself (a deadlock, the instruction limit), or null. */
  endNotice: string | null = null;
  /** Host code's way in: events run at the top of the scheduler loop (host_events.ts). */
  private readonly hostEvents = new HostEventQueue(() => this.running !== null, () => this.endIdle());
  /** Who waits for each process's end (process handles), until it ends. */
  private readonly exitListeners = new Map<ThreadGroup, ((st: ExitStatus) => void)[]>();
  /** Processes that get the host's signals (a terminal's foreground job), and how to stop listening. */
  private readonly foreground = new Set<ThreadGroup>();
  private unsubscribeSignals: (() => void) | null = null;
  /** What process handles use of the kernel. */
  private readonly processHost: ProcessHost;
  /** Host ends of stdio pipes and host tasks that are open: while there are any, host code may still wake a guest. */
  private hostEndsOpen = 0;
  /** Host tasks whose process lives (Kernel.hostTask). */
  private readonly hostThreads = new Set<HostThread>();
  /** The shutdown gate: closed first by shutdown(); new host calls, host tasks and spawns are refused. */
  private gateClosed = false;
  private shutdownDone: Promise<void> | null = null;

  constructor(readonly options: KernelOptions) {
    this.host = options.host;
    this.deterministic = options.seed !== undefined;
    this.watch = options.watch ?? null;
    const n = options.cpus ?? (this.deterministic ? DET_CPUS : Math.min(this.host.cpuCount(), MAX_CPUS));
    if (!(n >= 1 && n <= MAX_CPUS)) throw new RangeError(`cpus must be between 1 and ${MAX_CPUS}`);
    this.sched = new Scheduler(n, this.deterministic ? createPolicy(options.schedule ?? DEFAULT_SCHEDULE, options.seed!) : null);
    this.phys = new PhysMem(options.memory ?? DEFAULT_MEMORY_BYTES);
    this.execRandom = new ExecRandom(this.host, options.seed);
    // Translated modules import a shared memory: without one (a page that is not cross-origin isolated) they are off.
    const jit = setJit(this.phys, (options.jit ?? JIT_DEFAULT) && this.phys.shared);
    if (jit !== null && options.jitThreshold !== undefined) jit.threshold = options.jitThreshold;
    // Deterministic mode compiles on the spot, so that even the --stats counters repeat.
    if (jit !== null) jit.async = options.jitAsync ?? !this.deterministic;
    this.extensions = { ...NO_EXTENSIONS, ...options.extensions };
    const p = options.rseqStress ?? 0;
    if (!(p >= 0 && p <= 1)) throw new RangeError('rseqStress must be a probability from 0 to 1');
    this.stress = p > 0 ? new RseqStress(p, new Prng(this.deterministic ? options.seed! : this.hostSeed(), 3), this.sched) : null;
    this.vfs = new Vfs({ mounts: options.mounts ?? [], root: options.root ?? null, sysroot: options.sysroot, tmpfsSize: options.tmpfsSize ?? (options.memory === undefined ? undefined : options.memory / 2) }, this.host, terminalJobControl);
    this.sysctl = new Sysctl((b) => this.host.randomFill(b));
    this.vfs.mount('/proc', createProcfs(() => this.host.realtimeNs(), this.host.uid(), this.host.gid(), this.tasks,
      (pid) => this.procs.get(pid), () => this.procs.all(), procSources(this)));
    this.vfs.pageCache = pageCache(this.phys);
    this.bootNs = this.host.monotonicNs();
    // Lease breaks read the clock and signal the holder's process (or process group, -pid).
    this.vfs.locks.host = {
      monotonicNs: () => this.monotonicNs(),
      signalOwner: (type, id, info) => {
        if (type === 0 /* F_OWNER_TID */) {
          const t = this.tasks.get(id);
          if (t) sendSignal(t, info);
          return;
        }
        for (const g of this.groups) if (g.exitCode === null && (type === 1 ? g.pid === id : g.pgid === id)) sendGroupSignal(g, info);
      },
    };
    this.processHost = {
      stdio: this.vfs.stdio,
      post: (fn) => this.postHostEvent(fn),
      // A sender outside the guest's pid namespace: SI_USER with si_pid 0, as Linux reports it.
      signalFromHost: (tg, sig) => sendGroupSignal(tg, { signo: sig, code: SI_USER, pid: 0, uid: 0 }),
      whenExited: (tg, onExit) => this.whenExited(tg, onExit),
      armTimer: (ms, onFire) => this.host.armTimer(ms, onFire),
      hostEnd: (delta) => { this.hostEndsOpen += delta; },
    };
    this.net = new NetNs(this, (c) => taskSockCred(c as Task), createInetStack(this.host, this.deterministic, (fn) => this.postHostEvent(fn)));
    this.vfs.stdio.post = (fn) => this.postHostEvent(fn);
  }

  /** A seed from the host's randomness (for generators that need one outside deterministic mode). */
  private hostSeed(): bigint {
    const b = new Uint8Array(8);
    this.host.randomFill(b);
    return new DataView(b.buffer).getBigUint64(0, true);
  }

  /** CLOCK_MONOTONIC in nanoseconds. */
  monotonicNs(): bigint {
    return this.host.monotonicNs() - this.bootNs;
  }

  /** CLOCK_REALTIME in nanoseconds since the epoch. */
  realtimeNs(): bigint {
    return this.host.realtimeNs();
  }

  /** True when --strace lines are wanted. */
  get tracing(): boolean {
    return this.options.strace !== undefined;
  }

  /** Instructions retired by every task so far. */
  get retiredInstructions(): number {
    return this.retired;
  }

  /** The task whose syscall or trap the kernel is handling now (null between slices). */
  get currentTask(): Task | null {
    return this.current;
  }

  /**
   * Starts `program` with `args` and returns its handle (guest_process.ts): streams or inherited
   * stdio, an `exited` promise, kill(). The scheduler loop starts if it is not running. Throws a
   * SpawnError (with the shell's 126 or 127) when the program cannot run.
   */
  spawn(program: string, args: string[] = [], options: SpawnOptions = {}): GuestProcess {
    this.enterGate('Kernel.spawn');
    const choices = stdioChoices(options);
    const io = stdioTable(choices, this.processHost);
    const tg = this.createProcess(program, [options.argv0 ?? program, ...args], envList(options.env), options.cwd, io.files);
    if (tg instanceof SpawnError) {
      io.files.closeAll();
      throw tg;
    }
    const proc = new GuestProcess(this.processHost, tg, options, io);
    if (choices[0] === 'inherit' && this.host.isatty(0)) acquireTerminal(tg, this.vfs.stdio.terminal);
    if (options.forwardSignals ?? choices.every((c) => c === 'inherit')) this.addForeground(tg);
    void this.start();
    return proc;
  }

  /**
   * Creates a process running the static ELF at `path` (resolved in the guest's view, relative
   * to cwd, by default the host's working directory, else "/"; a program the guest cannot see is
   * read from the host path as qemu-riscv64 does). Returns its thread group, not yet running, or a
   * SpawnError with the one-line message and the shell's exit status. files: its fd table
   * (default: fds 0, 1 and 2 on the host's stdio).
   */
  createProcess(path: string, argv: string[], envp: string[], cwd: string = this.host.cwd() ?? '/',
    files: FdTable = this.vfs.initialFdTable()): ThreadGroup | SpawnError {
    // The first process runs with the host user's ids; later ones inherit their parent's.
    const cred = new Cred(this.options.uid ?? this.host.uid(), this.options.gid ?? this.host.gid());
    const fs = this.vfs.initialFsContext(utf8ToBytes(cwd), cred);
    const prog = prepareFirstProgram({ vfs: this.vfs, host: this.host, phys: this.phys, aslr: this.execRandom, vdso: vdsoImageName(this.extensions) }, fs, cred, path, argv, envp);
    if ('error' in prog) return new SpawnError(prog.error, prog.exitCode);
    const { b, img } = prog;
    cred.euid = cred.suid = cred.fsuid = img.euid;
    cred.egid = cred.sgid = cred.fsgid = img.egid;
    const pid = this.allocTid();
    // The host's process is outside the guest's pid namespace: the parent pid reads 0, as for a
    // container's init, and this process adopts its orphaned descendants.
    const tg = new ThreadGroup(this, pid, 0, img.mm, cred);
    tg.node.root = true;
    tg.node.cmdline = new TextEncoder().encode(argv.map((s) => s + '\0').join(''));
    tg.exePath = b.file.loc.path;
    setRunningExe(tg, fileKey(b.file.st)); // ETXTBSY for writers while it runs
    const r = img.load;
    const t = new Task(this, pid, tg, files, fs);
    t.hart.pc = r.entry;
    t.hart.setX(2, r.sp);
    tg.sigreturnAddr = r.vdso.sigreturn;
    tg.vdso = new ProcessVdso(r.vdso);
    this.procs.add(tg);
    this.addTask(t);
    return tg;
  }

  /** Registers a new task and makes it runnable. */
  addTask(t: Task): void {
    t.hart.timeSource = () => Number(this.monotonicNs() / NS_PER_TIME_TICK);
    t.hart.cpuCsr = this.extensions.percpu;
    this.tasks.set(t.tid, t);
    if (!this.groups.includes(t.tg)) this.groups.push(t.tg);
    if (t.tg.tasks.length > 1) t.tg.everMultithreaded = true;
    this.sched.enqueue(t);
  }

  /**
   * Runs until every process has exited; resolves with the exit status of the first one (each
   * process handle's `exited` has its own).
   */
  async wait(): Promise<ExitStatus> {
    while (this.groups.some((g) => g.exitCode === null)) await this.start();
    const tg = this.groups[0];
    if (tg === undefined) throw new Error('wait() called with no process');
    return exitStatusOf(tg);
  }

  /**
   * Starts the scheduler loop unless it runs; resolves when it ends (every process has exited). A
   * process added while the loop was ending (its last step is asynchronous) starts it again.
   */
  start(): Promise<void> {
    this.running ??= this.loop().finally(() => {
      this.running = null;
      if (this.groups.some((g) => g.exitCode === null) || this.hostTimed()) void this.start();
      else if (this.hostEvents.pending) this.hostEvents.run();
    });
    return this.running;
  }

  /**
   * Queues fn to run at the kernel's event point (the top of the scheduler loop, between slices):
   * the one way host code (signal handlers, process handles, stdio streams) changes kernel state.
   */
  postHostEvent(fn: () => void): void {
    this.hostEvents.post(fn);
  }

  /** Calls onExit with tg's exit status once tg has ended (at once if it has). */
  whenExited(tg: ThreadGroup, onExit: (st: ExitStatus) => void): void {
    if (tg.exitCode !== null) { onExit(exitStatusOf(tg)); return; }
    const list = this.exitListeners.get(tg);
    if (list) list.push(onExit); else this.exitListeners.set(tg, [onExit]);
  }

  /** A process has ended: tells its listeners and stops forwarding host signals to it. */
  private groupExited(tg: ThreadGroup): void {
    ipcExit(this, tg, tg.pid); // SEM_UNDO adjustments (exit_sem)
    processExited(tg);
    // The first process stays listed: wait() reports its status.
    if (tg !== this.groups[0] && this.groups.includes(tg)) this.groups.splice(this.groups.indexOf(tg), 1);
    const list = this.exitListeners.get(tg) ?? [];
    this.exitListeners.delete(tg);
    const st = exitStatusOf(tg);
    for (const f of list) f(st);
    if (this.foreground.delete(tg) && this.foreground.size === 0) {
      this.unsubscribeSignals?.();
      this.unsubscribeSignals = null;
    }
  }

  /** Makes tg a foreground process: the host's signals (FORWARDED_SIGNALS) go to it while it lives. */
  private addForeground(tg: ThreadGroup): void {
    this.foreground.add(tg);
    this.unsubscribeSignals ??= this.host.onSignals?.(FORWARDED_SIGNALS, (sig) => this.postHostEvent(() => this.hostSignal(sig))) ?? null;
  }

  /**
   * A host signal at the event point: SIGWINCH first makes the terminal size the host's again
   * (TIOCGWINSZ); then each foreground process (or the terminal's foreground group) gets the signal. A SIGTSTP whose default action
   * stops the guest stops the host process too (Host.suspend), as qemu-riscv64 and a shell's job
   * control expect; the SIGCONT that resumes the host is forwarded in turn and resumes the guest.
   */
  private hostSignal(sig: number): void {
    if (sig === SIGWINCH) this.vfs.stdio.terminal.winsize = null;
    let suspend = false;
    // ^C, ^\, ^Z and a resize go to the terminal's foreground group when a session has the terminal.
    const targets = terminalSignalTargets(this.procs.all(), this.vfs.stdio.terminal, sig) ?? this.foreground;
    for (const tg of targets) {
      if (tg.exitCode !== null) continue;
      const main = tg.tasks.find((t) => t.state !== TaskState.Exited);
      if (sig === SIGTSTP && tg.actions[SIGTSTP]!.handler === 0n && main && (main.sigmask & (1n << BigInt(SIGTSTP - 1))) === 0n) suspend = true;
      this.processHost.signalFromHost(tg, sig);
    }
    if (suspend) this.host.suspend?.();
  }

  /** The scheduler loop: fires due timers, runs the next CPU's task for a quantum, idles when all sleep. */
  private async schedLoop(): Promise<void> {
    let lastYield = this.yieldClock();
    const clock = this.host.virtualClock;
    while (this.groups.some((g) => g.exitCode === null) || this.hostTimed()) {
      this.hostEvents.run();
      if (this.hostEvents.takeSettled()) {
        // A host call settled: host code that awaits it makes its next call now, so that call
        // reaches the next event point (in deterministic mode at a place the seed fixes, not the
        // host's clock; in real-time mode after one slice, not after YIELD_MS).
        await this.released(this.host.yieldToHost());
        lastYield = this.yieldClock();
      }
      if (!this.groups.some((g) => g.exitCode === null) && !this.hostTimed()) break;
      this.timers.fire(this.monotonicNs());
      const t = this.sched.pick(this.retired);
      if (t === null) {
        if (this.hostEvents.pending) continue; // a timer posted work (an io_uring request woke)
        if (clock !== undefined) {
          const next = this.timers.earliest();
          if (next === null && this.hostEndsOpen > 0) {
            // Every task sleeps, but host code holding a stdio pipe may still wake one: wait for it
            // (virtual time stands still meanwhile, so the guest's view stays deterministic).
            await this.released(this.idle());
            continue;
          }
          if (next === null) { this.deadlock(); break; }
          clock.advance(next + this.bootNs - clock.now());
          continue;
        }
        await this.released(this.idle());
        lastYield = this.yieldClock();
        continue;
      }
      if (t.state !== TaskState.Runnable) continue;
      const before = t.hart.instret;
      this.sliceStart = before;
      this.current = t;
      // The slice ends early enough for a CPU-time timer (ITIMER_VIRTUAL/PROF, CPU clocks) to fire
      // on time, and at the watch's next instruction-count event.
      const watchBudget = this.watch?.untilInstruction(this.retired) ?? Infinity;
      this.runSlice(t, Math.min(this.sched.quantum(t, this.retired), cpuTimerBudget(t), this.instructionsLeft(), watchBudget));
      runCpuTimers(t);
      this.current = null;
      this.options.events?.({ kind: 'slice', cpu: t.cpu, tid: t.tid, pid: t.tg.pid, start: this.retired, end: this.retired + t.hart.instret - before });
      this.retired += t.hart.instret - before;
      this.watch?.sliceEnded(t, this.retired);
      if (clock !== undefined) clock.advance(BigInt(t.hart.instret - before) * NS_PER_INSN);
      if (this.instructionsLeft() <= 0) { this.killAll(`instruction limit reached: ${this.retired} instructions retired`); break; }
      if (t.state === TaskState.Runnable && !t.tg.stopped) this.sched.enqueue(t);
      if (this.yieldClock() - lastYield > (this.deterministic ? DET_YIELD_INSNS : YIELD_MS)) {
        await this.released(this.host.yieldToHost());
        lastYield = this.yieldClock();
      }
    }
    this.host.stdin.close();
    // Let go here, not in loop()'s finally: that runs a microtask later, and code that runs right
    // after a loop that ended without awaiting (the caller of spawn) must find the kernel free.
    this.hostEvents.setHolder(null);
  }

  /** The scheduler loop, holding the kernel except while it awaits the host (released()). */
  private async loop(): Promise<void> {
    this.hostEvents.setHolder('a guest slice');
    try {
      await this.schedLoop();
    } finally {
      this.hostEvents.setHolder(null);
    }
  }

  /**
   * What the loop measures between its yields to the host: host milliseconds in real-time mode;
   * retired instructions in deterministic mode, so that host code runs at points the seed fixes.
   */
  private yieldClock(): number {
    return this.deterministic ? this.retired : Number(this.host.monotonicNs() / NS_PER_MS);
  }

  /** Awaits p with the kernel released (host code may run meanwhile), then holds it again for the loop. */
  private async released(p: Promise<void>): Promise<void> {
    this.hostEvents.setHolder(null);
    try {
      await p;
    } finally {
      this.hostEvents.setHolder('a guest slice');
    }
  }

  /** Deterministic mode with every task asleep and no timer: nothing can ever run again. */
  private deadlock(): void {
    this.killAll('deadlock: every task is blocked and no timer is pending');
  }

  /** Instructions retired by all tasks up to now, the running slice's included: a watch's clock. */
  instant(): number {
    const t = this.current;
    return this.retired + (t !== null ? t.hart.instret - this.sliceStart : 0);
  }

  /** Returns how many instructions may still run under maxInstructions (Infinity without one). */
  private instructionsLeft(): number {
    const max = this.options.maxInstructions;
    return max === undefined ? Infinity : max - this.retired;
  }

  /** Ends every live process with SIGKILL, noting why (endNotice, and a strace line); does
   *  nothing once every process has ended. */
  private killAll(why: string): void {
    if (!this.groups.some((g) => g.exitCode === null)) return;
    this.endNotice = why;
    for (const g of this.groups) {
      if (g.exitCode !== null) continue;
      const t = g.tasks.find((x) => x.state !== TaskState.Exited);
      if (t) this.trace(t, `--- ${why} ---`);
      this.exitGroup(g, 128 + SIGKILL, SIGKILL, false);
    }
  }

  /** Runs one task for up to a quantum, handling its traps, until it blocks, exits, yields or is preempted. */
  private runSlice(t: Task, quantum: number): void {
    const h = t.hart;
    let budget = quantum;
    this.sched.switchIn(t);
    h.cpuId = t.cpu;
    t.tg.vdso?.refresh(this, t.mm.mem);
    const percpu = t.tg.vdso?.map.percpu ?? null;
    while (budget > 0 && t.state === TaskState.Runnable) {
      // A task woken in a syscall finishes that call before anything else (Linux returns the
      // woken call's result first and delivers signals after), so no wake-up is lost.
      if (t.inSyscall) {
        syscallResume(t);
        continue;
      }
      returnToUser(t);
      if (t.state !== TaskState.Runnable || t.tg.stopped) return;
      // Every return to user space drops the LR reservation (Linux does a dummy sc on trap
      // return), so an sc after a syscall, a trap or a preemption fails: other harts only run
      // between these calls, which makes lr/sc atomic across harts.
      h.reservation = -1;
      const before = h.instret;
      let stop: Stop;
      try {
        stop = this.stress !== null ? this.stress.run(t, budget) : run(h, t.mm.mem, budget);
        // Stopped at the vDSO per-CPU operation's commit store, after its first store: finish it
        // now, before anything else runs on this CPU, so that it is never half done.
        if (percpu !== null && h.pc === percpu.commit) run(h, t.mm.mem, 1);
      } catch (e) {
        // The host could not give memory a guest access needed: Linux's OOM killer ends the process.
        if (!isHostAllocationFailure(e)) throw e;
        this.trace(t, '--- out of host memory: killed by SIGKILL ---');
        this.exitGroup(t.tg, 128 + SIGKILL, SIGKILL, false);
        return;
      }
      budget -= h.instret - before;
      switch (stop) {
        case Stop.Budget:
          return;
        case Stop.Ecall:
          syscallEntry(t);
          budget--;
          if (this.phys.oomPending) this.oomKill(); // a kernel copy found no frame (the call got EFAULT)
          if (t.yieldRequested) { t.yieldRequested = false; return; }
          break;
        case Stop.Fault:
          // Out of frames: the OOM killer frees some (or ends this process); then the access retries.
          if (h.faultKind === FAULT_OOM) { this.oomKill(); break; }
          if (threadletReturn(t)) break; // a threadlet's function returned (syslet/threadlet.ts)
          forceSignal(t, faultSignal(t, stop));
          break;
        case Stop.Misaligned:
          forceSignal(t, faultSignal(t, stop));
          break;
        case Stop.Illegal:
          forceSignal(t, { signo: SIGILL, code: ILL_ILLOPC, addr: h.pc });
          break;
        case Stop.Ebreak:
          forceSignal(t, { signo: SIGTRAP, code: TRAP_BRKPT, addr: h.pc });
          break;
      }
    }
  }

  /**
   * The OOM killer: ends the live process holding the most frames (its pages and page tables)
   * with SIGKILL, and says so on stderr in one line, as Linux logs it.
   */
  private oomKill(): void {
    this.phys.oomPending = false;
    let victim: ThreadGroup | null = null;
    let most = -1;
    for (const g of this.groups) {
      if (g.exitCode !== null) continue;
      const n = g.mm.mem.rss + g.mm.mem.pt.nodes;
      if (n > most) { most = n; victim = g; }
    }
    if (victim === null) return;
    const name = victim.exePath.slice(victim.exePath.lastIndexOf('/') + 1);
    const line = `ecall: out of memory (${this.phys.bytes / 1024 / 1024} MiB): killed process ${victim.pid} (${name}), ` +
      `anon-rss ${victim.mm.mem.rss * 4} kB, page tables ${victim.mm.mem.pt.nodes * 4} kB\n`;
    this.host.writeStdio(2, new TextEncoder().encode(line));
    this.exitGroup(victim, 128 + SIGKILL, SIGKILL, false);
  }

  /** Emits a strace line for t (with [pid N] once the process has had several threads). */
  trace(t: Task, line: string): void {
    const out = this.options.strace;
    if (out === undefined) return;
    if (t instanceof HostThread) out(`[host ${t.tid}] ${line}`);
    else out(t.tg.everMultithreaded ? `[pid ${t.tid}] ${line}` : line);
  }

  /** Sends the events observer a mark for t, timed by the machine's instruction count. */
  mark(t: Task, kind: MarkEvent['kind'], detail: number): void {
    const out = this.options.events;
    if (out === undefined) return;
    const at = this.retired + (t === this.current ? t.hart.instret - this.sliceStart : 0);
    out({ kind, tid: t.tid, cpu: t.cpu, at, detail });
  }

  /** Parks t's syscall request on the Blocked marker's lists and deadline; it runs again when woken. */
  sleep(t: Task, b: Blocked): void {
    t.state = TaskState.Blocked;
    this.sched.leave(t);
    this.park(t.syscall, b);
    // A signal that is already deliverable (say, unblocked by a temporary mask) interrupts at once.
    if (hasDeliverable(t)) this.interruptSleep(t);
  }

  /** Puts r on b's lists and arms its deadline; a wake-up from either goes to r.wake. */
  park(r: Request, b: Blocked): void {
    r.blocked = b;
    for (const q of b.queues) q.add(r);
    const d = r.deadline;
    if (d !== null) {
      r.timer = this.timers.add(monotonicAt(this, d), () => {
        if (r.blocked === b) r.wake(WakeReason.Timeout);
      });
    }
  }

  /** Takes r off its sleep lists and timer; returns the sleep it was in (null if none). */
  unpark(r: Request): Blocked | null {
    const b = r.blocked;
    if (b !== null) for (const q of b.queues) q.remove(r);
    this.timers.cancel(r.timer);
    r.timer = null;
    r.blocked = null;
    return b;
  }

  /** Makes a blocked task runnable (the scheduler re-runs its syscall). */
  wakeTask(t: Task, reason: WakeReason): void {
    if (t instanceof HostThread) { t.wakeRequest(t.syscall, reason); return; }
    if (t.state !== TaskState.Blocked) return;
    this.unpark(t.syscall);
    t.syscall.wakeReason = reason;
    this.makeRunnable(t);
  }

  /**
   * A signal interrupts t's sleep: the call is not run again; it returns the Blocked marker's
   * interrupt value (a restart code or EINTR), which returnToUser then resolves.
   */
  interruptSleep(t: Task): void {
    if (t instanceof HostThread) { t.signalArrived(); return; }
    if (t.state !== TaskState.Blocked) return;
    const r = t.syscall;
    const b = this.unpark(r)!;
    r.wakeReason = WakeReason.Signal;
    syscallInterrupted(t, b.onInterrupt ? b.onInterrupt(r) : -b.restart);
    this.makeRunnable(t);
  }

  /** Puts a woken task back on a run queue (unless its group is stopped) and ends an idle wait. */
  private makeRunnable(t: Task): void {
    t.state = TaskState.Runnable;
    if (!t.tg.stopped) this.sched.enqueue(t);
    this.endIdle();
  }

  /** Ends the loop's idle wait, if it is in one (a task woke, or a host event came). */
  private endIdle(): void {
    const w = this.idleWake;
    this.idleWake = null;
    w?.();
  }

  /** Real-time mode with every task asleep: waits for a host event (a wake-up) or the next timer. */
  private idle(): Promise<void> {
    const earliest = this.timers.earliest();
    // With no timer pending only a host event can wake a task; the armed host timer keeps the host
    // running meanwhile, so a guest that waits forever hangs as on Linux.
    const ms = earliest !== null ? Math.max(0, Math.ceil(Number(earliest - this.monotonicNs()) / 1e6)) : Infinity;
    return new Promise<void>((resolve) => {
      const timer = this.host.armTimer(ms, () => { this.idleWake = null; resolve(); });
      this.idleWake = () => { timer.cancel(); resolve(); };
    });
  }

  /** Sends a thread-directed signal (tkill, tgkill, SIGEV_THREAD_ID timers) to t. */
  signalTask(t: Task, info: SigInfo): void {
    sendSignal(t, info);
  }

  /** Sends a process-directed signal (kill, itimers, SIGEV_SIGNAL timers) to the thread group. */
  signalGroup(tg: ThreadGroup, info: SigInfo): void {
    sendGroupSignal(tg, info);
  }

  /** Sends signal sig to task t from the kernel (e.g. SIGPIPE on a broken pipe write). */
  raiseSignal(t: Task, sig: number): void {
    sendSignal(t, { signo: sig, code: 0x80 /* SI_KERNEL */ });
  }

  /** Ends every task of tg with the given exit status (exit_group or a fatal signal). */
  exitGroup(tg: ThreadGroup, code: number, signal = 0, core = false): void {
    if (tg.exitCode !== null) return;
    tg.exitCode = code & 0xff;
    tg.exitSignal = signal;
    tg.coreDumped = core;
    for (const t of [...tg.tasks]) this.exitTask(t);
    tg.timers.exit();
    tg.exitWaiters.wake();
    this.groupExited(tg);
  }

  /**
   * Ends one task: the robust-list walk, then the clear_child_tid store and wake (only while
   * other tasks share the mm), then its files; the process ends with its last task.
   */
  exitTask(t: Task): void {
    if (t.state === TaskState.Exited) return;
    this.watch?.exited(t, this.instant());
    if (t.state === TaskState.Blocked) this.unpark(t.syscall)?.onAbandon?.(t.syscall);
    this.sched.remove(t);
    // Every exiting thread walks its robust list and clears its tid (an exit_group included).
    exitRobustList(t);
    clearChildTid(t);
    t.state = TaskState.Exited;
    t.tg.instret += t.hart.instret;
    t.hart.release();
    this.tasks.delete(t.tid);
    // With CLONE_FILES the table is shared: it is closed when its last user exits.
    if (![...this.tasks.values()].some((o) => o.files === t.files)) t.files.closeAll();
    const live = t.tg.tasks.filter((x) => x.state !== TaskState.Exited);
    if (live.length === 0 && t.tg.exitCode === null) {
      t.tg.exitCode = 0;
      t.tg.timers.exit();
      t.tg.exitWaiters.wake();
      this.groupExited(t.tg);
    }
    // The last task out frees the address space (shared file pages are written back first).
    if (live.length === 0) mmPut(t.tg, t.tg.mm);
  }

  /** Allocates a new task/thread id. */
  allocTid(): number {
    return this.nextTid++;
  }

  /** Runs request r's call as t through the syscall table (entry.ts). */
  invoke(t: Task, r: Request): SysResult {
    return invoke(t, r);
  }

  /**
   * A task for host code (host_task_api.ts): a new process (ppid 0, no program, an empty fd table)
   * whose one thread runs the system calls host code makes, each a promise. Throws a
   * KernelStateError when the kernel is shut down, or held (called from a kernel callback).
   */
  hostTask(options: HostTaskOptions = {}): HostTask {
    this.enterGate('Kernel.hostTask');
    const cred = new Cred(options.uid ?? this.options.uid ?? this.host.uid(), options.gid ?? this.options.gid ?? this.host.gid());
    const pid = this.allocTid();
    const tg = new ThreadGroup(this, pid, 0, new Mm(this.phys), cred);
    tg.node.root = true;
    tg.exePath = '[host]';
    tg.node.cmdline = new TextEncoder().encode('[host]\0');
    const t = new HostThread(this, pid, tg, new HostFdTable(), this.vfs.initialFsContext(options.cwd ?? '/', cred));
    t.comm = new TextEncoder().encode('[host]');
    t.hart.timeSource = () => Number(this.monotonicNs() / NS_PER_TIME_TICK);
    this.tasks.set(pid, t);
    this.procs.add(tg);
    this.hostThreads.add(t);
    this.hostEndsOpen++;
    this.whenExited(tg, () => {
      this.hostThreads.delete(t);
      this.hostEndsOpen--;
      t.died();
    });
    const k = this;
    return new HostTask(t, { get closed() { return k.gateClosed; } });
  }

  /** Throws if `what` may not enter the kernel now: the gate is closed, or someone holds the kernel. */
  private enterGate(what: string): void {
    if (this.gateClosed) throw new KernelStateError('ERR_KERNEL_SHUTDOWN', `${what}: the kernel is shut down`);
    this.hostEvents.assertFree(what);
  }

  /** Runs fn holding the kernel with t as the current task (a host call at the event point). */
  runAs<T>(t: Task, fn: () => T): T {
    const prev = this.current;
    this.current = t;
    try {
      return this.hostEvents.hold('a host call', fn);
    } finally {
      this.current = prev;
    }
  }

  /**
   * True while a host task's call sleeps with a deadline (a futex wait with a timeout, a
   * nanosleep) or a woken one waits for the event point: the loop must run to fire the timer or
   * the event even when no guest lives.
   */
  private hostTimed(): boolean {
    for (const t of this.hostThreads) if (t.needsLoop) return true;
    return false;
  }

  /** A host call parked with a deadline: starts the loop (on a microtask, never inside the event point) if no guest keeps it running. */
  hostCallTimed(): void {
    void Promise.resolve().then(() => { if (this.running === null && this.hostTimed()) void this.start(); });
  }

  /** A host call settled (noted for the loop's deterministic yield). */
  noteHostSettled(): void {
    this.hostEvents.noteSettled();
  }

  /** Who holds the kernel now ("a guest slice", "the event point", "a host call"), or null. */
  get heldBy(): string | null {
    return this.hostEvents.heldBy;
  }

  /**
   * Shuts the kernel down: closes the gate first (new host calls, host tasks and spawns fail at
   * once with ERR_KERNEL_SHUTDOWN), then at the event point kills every guest with SIGKILL
   * semantics (robust futexes, child-tid clearing, files closed), lets the host calls those deaths
   * woke finish, fails the rest, ends the host tasks, and releases the host's timers, stdin and
   * signal subscription. Resolves when nothing of the kernel can run again. Idempotent.
   */
  shutdown(): Promise<void> {
    this.shutdownDone ??= this.shutdownSteps();
    return this.shutdownDone;
  }

  /** `await using kernel = new Kernel(...)`: shuts it down at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  /** shutdown's body: the teardown runs as a host event, never inside a slice or a host call. */
  private async shutdownSteps(): Promise<void> {
    this.gateClosed = true;
    await new Promise<void>((resolve, reject) => {
      this.hostEvents.post(() => {
        try {
          this.tearDown();
          resolve();
        } catch (e) {
          reject(e);
        }
      });
    });
    this.endIdle();
    if (this.running !== null) await this.running.catch(() => undefined);
  }

  /** The teardown at the event point (see shutdown). */
  private tearDown(): void {
    const why = new KernelStateError('ERR_KERNEL_SHUTDOWN', 'the kernel was shut down while the call was in flight');
    for (const t of this.hostThreads) t.refuseQueued(why);
    this.killAll('kernel shut down');
    for (let i = 0; i < SHUTDOWN_DRAIN_ROUNDS && this.hostEvents.pending; i++) this.hostEvents.run();
    for (const t of [...this.hostThreads]) {
      t.refuseAll(why);
      this.exitGroup(t.tg, 128 + SIGKILL, SIGKILL, false);
    }
    this.unsubscribeSignals?.();
    this.unsubscribeSignals = null;
    this.foreground.clear();
    this.host.stdin.close();
  }
}

/** Returns the exit status of an ended process, as a shell reports it. */
function exitStatusOf(tg: ThreadGroup): ExitStatus {
  return {
    code: tg.exitSignal ? 128 + tg.exitSignal : tg.exitCode ?? 0,
    signal: tg.exitSignal,
    coreDumped: tg.coreDumped,
    instret: tg.instret,
    rseqAborts: tg.tasks.reduce((n, t) => n + t.rseq.aborts, 0),
  };
}
