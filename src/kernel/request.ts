// The request record: one syscall in flight (Linux's restart_block and io_uring's io_kiocb in
// one). A handler that must sleep returns r.block(...); the kernel parks the request on the
// Blocked marker's lists and on its deadline, and runs the same handler again with r.resumed set
// when one of them wakes it. What the call keeps across its sleeps lives here, and only here:
// the deadline, the bytes already transferred, and one handler-owned state slot. A new call
// (begin) drops all three, so two requests in flight from one task never share progress.
import { ERESTARTSYS } from '../abi/errno.js';
import type { Mm } from '../mem/mm.js';
import type { Cred } from './cred.js';
import type { Deadline } from './time/deadline.js';
import { type WaitList, type Waiter, WakeReason } from './wait.js';
import type { TimerHandle } from './time/timer_queue.js';

/** The six argument registers a0..a5 of a call (from a hart, an SQE or host code). */
export interface SysArgs {
  /** a[i] low 32 bits as a signed int (for int, fd, flags). */
  int(i: number): number;
  /** a[i] low 32 bits as unsigned. */
  u32(i: number): number;
  /** a[i] as a JS number (sign-extended 64-bit, exact within +-2^53): sizes, offsets, addresses. */
  num(i: number): number;
  /** a[i] as an unsigned 64-bit bigint. */
  big(i: number): bigint;
  /**
   * a[i] as a guest address: a number in [0, 2^64). Values beyond the address space are returned
   * as-is, so checked copies fail them with EFAULT.
   */
  addr(i: number): number;
}

/** Returned by rt_sigreturn: the handler set every register and pc itself; write nothing. */
export class RegsSet {
  private readonly brand = 'regs-set';
}
export const REGS_SET = new RegsSet();

/**
 * What a handler returns: a number (the a0 value: >= 0 on success, -errno on failure), a bigint
 * for 64-bit results that do not fit a double, a Blocked marker (from r.block(...)): the request
 * sleeps and the handler runs again from scratch on wake-up, so a handler must have no side
 * effects before it decides to block, or REGS_SET.
 */
export type SysResult = number | bigint | Blocked | RegsSet;

/** What the layers below the task (files, futexes) see of the task that makes a call. */
export interface Caller {
  readonly tid: number;
  /** The caller's thread group id (its process id). */
  readonly tgid: number;
  /** The caller's address space (checked copies go through mm.mem). */
  readonly mm: Mm;
  /** Sends the caller a signal from the kernel (SIGPIPE on a broken pipe). */
  raise(sig: number): void;
  /** The caller's credentials, where the caller is a task (file writes clear setuid by them). */
  readonly cred?: Cred;
  /** The caller's RLIMIT_FSIZE soft limit in bytes (Infinity: none), where the caller is a task. */
  fileSizeLimit?(): number;
}

/** Whoever resumes a woken request: the kernel for a hart's syscall, a ring for io_uring. */
export interface RequestSink {
  wakeRequest(r: Request, reason: WakeReason): void;
}

/**
 * A handler's way to sleep: the lists whose wake-up resumes the request, the code the call
 * returns if a signal interrupts the sleep (ERESTARTSYS 512, ERESTARTNOINTR 513, ERESTARTNOHAND
 * 514, ERESTART_RESTARTBLOCK 516 with a restart block set, or EINTR 4 for calls that are never
 * restarted), or onInterrupt's value instead (say, a partial count, or after writing *rem). The
 * deadline is the request's own (r.deadline).
 */
export class Blocked {
  constructor(
    readonly queues: WaitList[],
    /** Code the call returns if a signal interrupts it (as a positive number). */
    readonly restart: number = ERESTARTSYS,
    /** Called instead when a signal interrupts: returns the a0 value. */
    readonly onInterrupt: ((r: Request) => number) | null = null,
    /** Called if the task dies while the request sleeps: undoes what the call holds (a half-open FIFO end). */
    readonly onAbandon: ((r: Request) => void) | null = null,
  ) {}
}

/** One call in flight and everything it keeps across sleeps. */
export class Request implements Waiter {
  /** Syscall number of the call in flight. */
  nr = -1;
  /** False on a call's first run; true on every run after a wake-up. */
  resumed = false;
  /** The call's deadline, computed on its first run and kept across its sleeps (null: none). */
  deadline: Deadline | null = null;
  /** Bytes (or items) already transferred: what an interrupted call returns instead of an error. */
  progress = 0;
  /** Handler-owned state kept across sleeps (say, a futex waiter); null on a new call. */
  state: unknown = null;
  /** The result is a success even if it looks like -errno (Linux's force_successful_syscall_return:
   *  umem_add's new value); a syslet's STOP_ON_ERROR reads it. begin() clears it. */
  forceNoError = false;
  /** While parked: the sleep, its timer, and (after it ends) why it ended. */
  blocked: Blocked | null = null;
  timer: TimerHandle | null = null;
  wakeReason = WakeReason.Event;
  /** The entry arguments, kept for --strace across sleeps (only while tracing). */
  traceArgs: bigint[] | null = null;
  /** True for a call made by an io_uring request: Linux runs those as its own (nowait or io-wq worker)
   *  attempt, and a file write past RLIMIT_FSIZE sends no SIGXFSZ to the submitter. */
  readonly asyncIo: boolean = false;
  /** True while a write continues a transfer that already moved bytes in this call (writev's next
   *  segment, sendfile's next chunk): RLIMIT_FSIZE cuts it without SIGXFSZ (Linux checks once per call). */
  continuedWrite = false;

  constructor(
    readonly caller: Caller,
    public args: SysArgs,
    private readonly sink: RequestSink,
  ) {}

  /** Starts call nr: whatever the previous call kept is dropped. */
  begin(nr: number): void {
    this.nr = nr;
    this.resumed = false;
    this.deadline = null;
    this.progress = 0;
    this.state = null;
    this.forceNoError = false;
    this.wakeReason = WakeReason.Event;
  }

  /** Returns a Blocked marker: sleep until a list wakes the request, its deadline or a signal. */
  block(queues: WaitList[], restart = ERESTARTSYS, onInterrupt: ((r: Request) => number) | null = null,
    onAbandon: ((r: Request) => void) | null = null): Blocked {
    return new Blocked(queues, restart, onInterrupt, onAbandon);
  }

  /** Called by a wait list or timer: hands the request to whoever resumes it. */
  wake(reason: WakeReason): void {
    this.sink.wakeRequest(this, reason);
  }
}
