// Tasks (Linux's schedulable threads) and thread groups (processes).
import { Hart } from '../cpu/hart.js';
import type { Mm } from '../mem/mm.js';
import type { Cred } from './cred.js';
import type { Sysctl } from './sysctl.js';
import type { FdTable } from './vfs/fdtable.js';
import type { FsContext } from './vfs/fs_context.js';
import type { Host } from '../host/host.js';
import type { SigInfo } from './signal.js';
import type { Blocked } from './request.js';
import type { IntervalTimer } from './time/interval_timer.js';
import type { FutexTable } from './futex/queue.js';
import type { KernelClock } from './time/deadline.js';
import type { TimerQueue } from './time/timer_queue.js';
import type { Vfs } from './vfs/vfs.js';
import type { NetNs } from './net/netns.js';
import { WaitQueue, type WakeReason } from './wait.js';
import type { ExecRandom } from './exec/aslr.js';
import { type Caller, Request, type RequestSink, type SysResult } from './request.js';
import { HartArgs } from './args.js';
import { SigPending } from './signal_queue.js';
import { GroupUsage } from './time/usage.js';
import { ProcTimers } from './time/proc_timers.js';
import { ProcNode } from './process/node.js';
import type { ProcessTable } from './process/table.js';
import { RseqTask } from './rseq/state.js';
import { RseqMm } from './rseq/mm_state.js';
import { RLIMIT_FSIZE, rlimitCur } from './rlimits.js';
import type { ProcessVdso } from './vdso/process_vdso.js';
import type { EcallExtensions } from './ext/extensions.js';
import type { MarkEvent } from './events.js';
import type { SyscallWatch } from './watch.js';

/** What the scheduler offers the code that runs on behalf of tasks (affinity, group stop). */
export interface SchedulerView {
  /** Number of virtual CPUs. */
  readonly cpuCount: number;
  /** Mask with every CPU allowed. */
  readonly allCpus: bigint;
  /** Makes t runnable on a CPU its affinity allows. */
  enqueue(t: Task): void;
  /** Takes t off whatever run queue holds it. */
  remove(t: Task): void;
  /** The task current on CPU c (the last to run there and still there), or null. */
  currentOn(c: number): Task | null;
}

/**
 * The kernel as tasks, and the code that runs on their behalf, see it (kernel.ts's Kernel is the
 * one implementation). Declared here, beside Task, so that nothing below the kernel's top needs
 * to import the kernel itself.
 */
export interface KernelServices extends KernelClock {
  readonly host: Host;
  readonly vfs: Vfs;
  /** Every live task by tid. */
  readonly tasks: Map<number, Task>;
  /** Callbacks at monotonic deadlines (sleeps, timerfd, itimers, POSIX timers). */
  readonly timers: TimerQueue;
  /** Armed timers on CPU-time clocks, checked after each slice. */
  readonly cpuTimers: Set<IntervalTimer>;
  /** The futex wait queues (Linux's futex hash table). */
  readonly futexes: FutexTable;
  /** The network namespace: AF_UNIX names and the IP stack. */
  readonly net: NetNs;
  /** The /proc/sys tunables. */
  readonly sysctl: Sysctl;
  readonly sched: SchedulerView;
  /** The task whose syscall or trap the kernel is handling now (null between slices). */
  readonly currentTask: Task | null;
  /** True when time and scheduling are virtual and seeded. */
  readonly deterministic: boolean;
  /** True when --strace lines are wanted. */
  readonly tracing: boolean;
  /** The run's watch (deterministic mode's syscall observer, watch.ts), or null. */
  readonly watch: SyscallWatch | null;
  /** Instructions retired by all tasks up to now (a watch's clock). */
  instant(): number;
  /** ecall's own ABIs that are enabled (all off unless the embedder turns them on). */
  readonly extensions: EcallExtensions;
  /** Emits a strace line for t. */
  trace(t: Task, line: string): void;
  /** Tells the events observer (KernelOptions.events), if any (optional: test kernels leave it out), that `kind` happened to t now. */
  mark?(t: Task, kind: MarkEvent['kind'], detail: number): void;
  /** Parks t's syscall request on b until a wake-up, its deadline or a signal. */
  sleep(t: Task, b: Blocked): void;
  /** Makes a blocked task runnable (its syscall runs again). */
  wakeTask(t: Task, reason: WakeReason): void;
  /** A signal ends t's sleep: its call returns the interrupt value. */
  interruptSleep(t: Task): void;
  /** Sends a thread-directed signal. */
  signalTask(t: Task, info: SigInfo): void;
  /** Sends a process-directed signal. */
  signalGroup(tg: ThreadGroup, info: SigInfo): void;
  /** Sends t a signal from the kernel (SI_KERNEL). */
  raiseSignal(t: Task, sig: number): void;
  /** Ends every task of tg with an exit status. */
  exitGroup(tg: ThreadGroup, code: number, signal?: number, core?: boolean): void;
  /** Ends one task. */
  exitTask(t: Task): void;
  /** Registers a new task and makes it runnable. */
  addTask(t: Task): void;
  /** Allocates a new task/thread id. */
  allocTid(): number;
  /**
   * Runs request r's call as t through the syscall table (entry.ts's invoke): what io_uring and
   * syslets use to run a call by number without importing the table they are part of.
   */
  invoke(t: Task, r: Request): SysResult;
  /** The random page offsets of exec'd PIE images (seeded in deterministic mode). */
  readonly execRandom: ExecRandom;
  /** Every process not yet reaped, by pid (process/table.ts). */
  readonly procs: ProcessTable;
  /** Queues fn for the kernel's event point (between slices, never inside a handler). */
  postHostEvent(fn: () => void): void;
}

/** A signal disposition as stored by rt_sigaction (kernel struct sigaction, riscv64). */
export interface SigAction {
  handler: bigint; // SIG_DFL 0, SIG_IGN 1, or a guest address
  flags: bigint;
  mask: bigint;
}

export const enum TaskState {
  Runnable = 0,
  Blocked = 1,
  Exited = 2,
}

/** A process: the shared state of all tasks with the same tgid. */
export class ThreadGroup {
  readonly tasks: Task[] = [];
  /** Signals pending for the whole process (kill, itimers, SIGEV_SIGNAL timers). */
  readonly shared = new SigPending();
  /** Set once the process has had a second thread (strace then prefixes lines with [pid N]). */
  everMultithreaded = false;
  /** Group stop in effect (SIGSTOP and friends until SIGCONT). */
  stopped = false;
  /** Next task to try for process-directed signals (Linux's curr_target). */
  signalTarget = 0;
  /** Signal dispositions, indexed by signal number 1..64 (one array shared under CLONE_SIGHAND). */
  actions: SigAction[] = [];
  /** Resource limits: resource -> [cur, max] as bigints (RLIM_INFINITY = 2^64-1). */
  readonly rlimits = new Map<number, [bigint, bigint]>();
  /** Exit status once the group is dead: exit code, or 128+signal for a fatal signal. */
  exitCode: number | null = null;
  /** The signal that killed the group, or 0. */
  exitSignal = 0;
  coreDumped = false;
  /** Path of the executable, as the guest sees it (for /proc/self/exe). */
  exePath = '';
  readonly exitWaiters = new WaitQueue();
  /** Readers and pollers of signalfds waiting for a signal of this process or its threads (Linux's
   *  sighand->signalfd_wqh); every queued signal wakes it. */
  readonly signalfdWait = new WaitQueue();
  /** Address of the rt_sigreturn trampoline (the kernel puts it in ra for signal handlers). */
  sigreturnAddr = 0;
  /** The vDSO mapped into the process and its vvar page (null for a group built without one). */
  vdso: ProcessVdso | null = null;
  /** rseq's mm_cid allocation and membarrier's registrations (per mm in Linux). */
  readonly rseqMm = new RseqMm();
  /** Instructions retired by tasks of this group that have exited. */
  instret = 0;
  /** Process group and session ids (a new process starts as the leader of both; fork copies them). */
  pgid: number;
  sid: number;
  /** Nice value, -20..19 (per process in ecall; Linux keeps one per thread). */
  nice = 0;
  /** PR_SET_DUMPABLE value, 0 or 1 (Linux keeps it in the mm's flags). */
  dumpable = 1;
  /** CPU time and maxrss of reaped children, and this group's peak size (getrusage, times). */
  readonly usage = new GroupUsage();
  /** setitimer and POSIX timers. */
  readonly timers = new ProcTimers();
  /** Parent, children, exit signal, wait reports and vfork state (process/node.ts). */
  readonly node = new ProcNode();

  constructor(
    readonly kernel: KernelServices,
    readonly pid: number,
    /** The parent's pid (0 for a process the host started); reparenting changes it. */
    public ppid: number,
    public mm: Mm,
    /** Credentials of every thread of the group (Linux keeps them per thread; setxid syncs them). */
    public cred: Cred,
  ) {
    for (let i = 0; i <= 64; i++) this.actions.push({ handler: 0n, flags: 0n, mask: 0n });
    this.pgid = this.sid = pid;
  }
}

/** A schedulable thread: hart state, fd table and fs context (shareable), signal mask. */
/** Timer slack a task starts with (Linux's 50 us default for normal tasks). */
export const DEFAULT_TIMER_SLACK_NS = 50_000;

export class Task implements Caller, RequestSink {
  readonly hart = new Hart();
  /** The credentials of the task's thread group (Caller.cred). */
  get cred(): Cred { return this.tg.cred; }
  /** personality(2) value (PER_LINUX plus flag bits such as UNAME26). */
  personality = 0;
  /** prctl timer slack in ns, and the value PR_SET_TIMERSLACK 0 restores (Linux's default 50 us). */
  timerSlackNs = DEFAULT_TIMER_SLACK_NS;
  defaultTimerSlackNs = DEFAULT_TIMER_SLACK_NS;
  state = TaskState.Runnable;
  /** Blocked signals, bit (n-1) for signal n. */
  sigmask = 0n;
  /** Signals pending for this thread (tkill, tgkill, faults, SIGEV_THREAD_ID timers). */
  readonly pending = new SigPending();
  /** The virtual CPU the task runs on (or last ran on), and the CPUs it may run on. */
  cpu = 0;
  cpusAllowed = ~0n;
  /** Scheduling policy (SCHED_OTHER 0, SCHED_FIFO 1, ...) and real-time priority, per thread as
   *  in Linux; recorded by sched_setscheduler, not used by ecall's scheduler. */
  policy = 0;
  rtPriority = 0;
  /** Times the scheduler moved the task between CPUs. */
  migrations = 0;
  /** Set by sched_yield: end the current slice after the syscall. */
  yieldRequested = false;
  /** The -ERESTART* value the last syscall returned, until signal handling resolves it. */
  restartRet: number | null = null;
  /** Signals this task waits for in rt_sigtimedwait (their arrival wakes it), or 0n. */
  sigwaitSet = 0n;
  /** The syscall a signal last interrupted (strace names it when restart_syscall resumes it). */
  interruptedNr = -1;
  /** set_tid_address / CLONE_CHILD_CLEARTID address, or 0. */
  clearChildTid = 0;
  /** set_robust_list head and length as recorded. */
  robustList = 0;
  robustListLen = 0;
  /** Alternate signal stack. */
  altstack = { sp: 0, flags: 2 /* SS_DISABLE */, size: 0 };
  /**
   * The request record of the syscall this task's hart makes (reused: begin() starts each call).
   * While the call sleeps, or after it was woken and before it runs again, inSyscall is true and
   * pc stays on the ecall.
   */
  readonly syscall: Request;
  inSyscall = false;
  /** a0 at syscall entry as (lo, hi) halves: a restarted call gets it back (Linux's orig_a0). */
  origA0Lo = 0;
  origA0Hi = 0;
  /** PR_SET_NAME name without NUL (at most TASK_COMM_LEN-1 bytes); null means the exe's basename. */
  comm: Uint8Array | null = null;
  /** PR_SET_PDEATHSIG signal, or 0. */
  pdeathsig = 0;
  /** PR_SET_NO_NEW_PRIVS: once set it stays set. */
  noNewPrivs = false;
  /** rseq registration and pending events. */
  readonly rseq = new RseqTask();
  /** ecall_syscall_counter: address of the registered 64-bit counter, or 0. */
  syscallCounter = 0;

  constructor(
    readonly kernel: KernelServices,
    public tid: number,
    readonly tg: ThreadGroup,
    public files: FdTable,
    public fs: FsContext,
  ) {
    tg.tasks.push(this);
    this.syscall = new Request(this, new HartArgs(this.hart), this);
  }

  get mm(): Mm {
    return this.tg.mm;
  }

  /** The process id (thread group id). */
  get tgid(): number {
    return this.tg.pid;
  }

  /**
   * What restart_syscall runs after a call that returned -ERESTART_RESTARTBLOCK was interrupted
   * by a signal with no handler (Linux's restart_block.fn); reset by rt_sigreturn.
   */
  restartBlock: ((t: Task, r: Request) => SysResult) | null = null;
  /**
   * The mask to restore when a call that set a temporary mask (rt_sigsuspend, ppoll, pselect6,
   * epoll_pwait) returns to user space; a delivered signal's frame records it instead.
   */
  savedSigmask: bigint | null = null;

  /** Installs a temporary signal mask for the current call (restored on return to user space). */
  setTemporarySigmask(mask: bigint): void {
    if (this.savedSigmask === null) this.savedSigmask = this.sigmask;
    this.sigmask = mask & ~((1n << 8n) | (1n << 18n)); // SIGKILL and SIGSTOP cannot be blocked
  }

  /** Resumes the task when its syscall request is woken (the call then runs again). */
  wakeRequest(_r: Request, reason: WakeReason): void {
    this.kernel.wakeTask(this, reason);
  }

  /** Sends this task a signal from the kernel (SIGPIPE on a broken pipe write). */
  raise(sig: number): void {
    this.kernel.raiseSignal(this, sig);
  }

  /** The RLIMIT_FSIZE soft limit of the task's process in bytes (Infinity: unlimited). */
  fileSizeLimit(): number {
    return rlimitCur(this, RLIMIT_FSIZE);
  }
}
