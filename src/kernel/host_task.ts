// A host thread: host code acting as a task of the kernel (LKL's host thread, without its lock).
// A HostThread is a Task whose calls come from JavaScript instead of a hart's ecall: each call is
// the task's own Request with ValueArgs, run through the kernel's one invoke() at the event point
// (host_events.ts), and a call that blocks parks that request exactly as io_uring and syslets park
// theirs (Kernel.park); a wake-up comes back to this task (the request's sink), which runs the call
// again at the next event point. A host thread has no hart, so it never sits on a run queue: when it
// has no call in flight it counts as asleep in user space, so a signal sent to it arrives as an
// interruptSleep, and is delivered at the event point. Delivery follows returnToUser's rules
// (entry.ts): default actions end the host process; a handler is a JavaScript function; an
// interrupted call restarts or returns EINTR by the same restart codes and SA_RESTART.
import { EINTR, ERESTART_RESTARTBLOCK, ERESTARTNOHAND, ERESTARTSYS, errnoName, isRestartCode, strerror } from '../abi/errno.js';
import { ValueArgs } from './args.js';
import { formatSigInfo, formatSyscall } from './strace.js';
import { Blocked, type Request, REGS_SET, type SysResult } from './request.js';
import { SA_RESTART } from './signal_frame.js';
import { hasDeliverable, Signal, takeSignal } from './signal_deliver.js';
import type { SigInfo } from './signal.js';
import { SYSCALL_NAMES } from './syscalls/names.js';
import { syscallTable } from './syscalls/table.js';
import { NR_RESTART_SYSCALL } from './entry.js';
import { NR_ASYNC_EXEC, NR_ASYNC_WAIT, NR_THREADLET_EXEC } from './syslet/abi.js';
import { type KernelServices, Task, TaskState, type ThreadGroup } from './task.js';
import type { FdTable } from './vfs/fdtable.js';
import type { FsContext } from './vfs/fs_context.js';
import { KernelStateError } from './host_events.js';
import { WakeReason } from './wait.js';

/** A call's argument or result as host code gives it: a number (exact below 2^53) or a bigint. */
export type HostValue = number | bigint;

/** Largest errno a raw result can carry (Linux's MAX_ERRNO): -4095..-1 are failures. */
const MAX_ERRNO = 4095;

/**
 * Calls a host thread may not make: they act on a hart's registers or run guest code (signal
 * return, clone, exec, the syslet and threadlet entries, restart_syscall, which the kernel itself
 * issues on a restart); they fail with ENOSYS, as a call the table lacks.
 */
const NOT_FROM_HOST: ReadonlySet<number> = new Set([NR_RESTART_SYSCALL, 139 /* rt_sigreturn */, 220 /* clone */,
  221 /* execve */, 281 /* execveat */, 435 /* clone3 */, NR_ASYNC_EXEC, NR_ASYNC_WAIT, NR_THREADLET_EXEC]);
const ENOSYS = 38;

/** A failed host call: the errno, its name ("ENOENT") as `code`, and the syscall's name. */
export class ErrnoError extends Error {
  readonly code: string;
  constructor(readonly errno: number, readonly syscall: string, options?: { cause?: unknown }) {
    super(`${errnoName(errno)}: ${strerror(errno) ?? 'error ' + errno} (${syscall})`, options);
    this.code = errnoName(errno);
    this.name = 'ErrnoError';
  }
}

/** A JavaScript signal handler of a host task: runs at the event point with the siginfo. */
export type HostSignalHandler = (info: SigInfo) => void;

/** One call from host code: waiting, running, or asleep. */
export interface HostCall {
  /** Syscall number, or -1 for kernel work that is no syscall (host-task memory access). */
  readonly nr: number;
  /** Runs at the event point before the call: copies inputs in, returns the six argument values. */
  prepare(t: HostThread): HostValue[];
  /** Runs at the event point on success: turns the raw result into the promise's value. */
  finish(t: HostThread, res: number | bigint): unknown;
  /** Runs at the event point after the call whatever its outcome: frees what prepare took. */
  cleanup(t: HostThread): void;
  readonly signal: AbortSignal | null;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

/** What a host thread needs of the kernel beyond KernelServices (Kernel implements it). */
export interface HostKernel extends KernelServices {
  /** Puts r on b's lists and arms its deadline (the one park io_uring and syslets use). */
  park(r: Request, b: Blocked): void;
  /** Takes r off its lists and timer; returns the sleep it was in. */
  unpark(r: Request): Blocked | null;
  /** Runs fn holding the kernel with t as the current task. */
  runAs<T>(t: Task, fn: () => T): T;
  /** Notes that a host call settled (deterministic mode gives host code a turn after the event point). */
  noteHostSettled(): void;
  /** A host call parked with a deadline: the loop must run to fire it. */
  hostCallTimed(): void;
}

/** A task whose calls come from host code (see the file comment). */
export class HostThread extends Task {
  /** Calls submitted and not yet started, in order. */
  private readonly queue: HostCall[] = [];
  /** The call in flight (running at the event point, or asleep), or null. */
  private current: HostCall | null = null;
  /** A signal delivery is posted for the next event point. */
  private signalPosted = false;
  /** Signal handlers installed by host code, by signal number. */
  readonly handlers = new Map<number, HostSignalHandler>();
  /** The abort listeners of calls with an AbortSignal, removed when the call settles. */
  private readonly abortListeners = new Map<HostCall, () => void>();
  /** An error thrown by a handler while no call was in flight: the next call rejects with it. */
  private handlerError: { e: unknown } | null = null;

  constructor(private readonly hk: HostKernel, tid: number, tg: ThreadGroup, files: FdTable, fs: FsContext) {
    super(hk, tid, tg, files, fs);
    this.state = TaskState.Blocked; // asleep in "user space" until a call comes
  }

  /** Queues call c; it starts at the next event point after the calls before it. */
  submit(c: HostCall): void {
    if (this.state === TaskState.Exited) { c.reject(exited(this)); return; }
    if (c.signal?.aborted) { c.reject(new ErrnoError(EINTR, callName(c.nr), { cause: c.signal.reason })); return; }
    this.queue.push(c);
    if (c.signal) {
      const onAbort = (): void => this.hk.postHostEvent(() => this.abort(c));
      c.signal.addEventListener('abort', onAbort, { once: true });
      this.abortListeners.set(c, onAbort);
    }
    this.hk.postHostEvent(() => this.pump());
  }

  /** True once the task has exited (read through a getter: calls change the state behind the compiler's back). */
  get hasExited(): boolean {
    return this.state === TaskState.Exited;
  }

  /** True while the call in flight sleeps with a deadline: only the scheduler loop fires it. */
  get needsLoop(): boolean {
    return this.current !== null && this.syscall.timer !== null;
  }

  /** True while calls are queued or in flight. */
  get busy(): boolean {
    return this.current !== null || this.queue.length > 0;
  }

  /** Starts the next queued call if none is in flight (at the event point). */
  private pump(): void {
    while (this.current === null && this.queue.length > 0 && this.state !== TaskState.Exited) {
      const c = this.queue.shift()!;
      this.current = c;
      let args: HostValue[];
      try {
        args = this.hk.runAs(this, () => c.prepare(this));
      } catch (e) {
        this.settle(c, { error: e });
        continue;
      }
      if (c.nr < 0) { this.settle(c, { value: 0 }); continue; }
      const r = this.syscall;
      r.begin(c.nr);
      r.args = new ValueArgs(args);
      r.traceArgs = this.hk.tracing ? args.map((v) => BigInt.asUintN(64, BigInt(v))) : null;
      if (NOT_FROM_HOST.has(c.nr)) this.complete(-ENOSYS);
      else this.step();
    }
  }

  /** Runs the current call (first run, after a wake-up, or a restart): completes it or parks it. */
  private step(): void {
    const c = this.current!, r = this.syscall;
    let res: SysResult;
    this.state = TaskState.Runnable;
    try {
      res = this.hk.runAs(this, () => this.hk.invoke(this, r));
    } catch (e) {
      // A host callback the call reached (a strace sink, a stream listener) threw: the call ends
      // with that error; what the kernel did stands, and nothing is left half-parked.
      if (!this.hasExited) this.state = TaskState.Blocked;
      this.settle(c, { error: e });
      return;
    }
    if (this.hasExited) return; // exit_group or a fatal signal: died() settled the call
    this.state = TaskState.Blocked;
    if (res instanceof Blocked) {
      this.hk.park(r, res);
      if (hasDeliverable(this)) { this.interrupt(null); return; } // a signal that is already deliverable ends the sleep at once
      if (r.timer !== null) this.hk.hostCallTimed();
      return;
    }
    this.complete(res === REGS_SET ? 0 : res as number | bigint);
  }

  /** The current call ended with res (a result, a restart code, -errno): traces it, delivers signals, restarts or settles. */
  private complete(res: number | bigint, aborted = false): void {
    const c = this.current!, r = this.syscall;
    let traceError: { e: unknown } | null = null;
    try {
      this.trace(r, res);
    } catch (e) {
      traceError = { e };
    }
    let ret = res;
    if (aborted && typeof ret === 'number' && isRestartCode(ret)) ret = -EINTR; // an abort never restarts
    const restart = typeof ret === 'number' && isRestartCode(ret) ? ret : null;
    const delivered = this.deliverSignals();
    if (this.state === TaskState.Exited) return;
    if (restart !== null && delivered.handled) {
      // The first handler decides, as on a hart: EINTR unless the call restarts across handlers.
      const sa = delivered.firstFlags;
      if (restart === -ERESTARTNOHAND || restart === -ERESTART_RESTARTBLOCK || (restart === -ERESTARTSYS && (sa & SA_RESTART) === 0n)) ret = -EINTR;
    }
    if (typeof ret === 'number' && isRestartCode(ret) && delivered.error === null && traceError === null) {
      // Restart: the same call from the start (restart_syscall for a RESTARTBLOCK call).
      r.begin(ret === -ERESTART_RESTARTBLOCK ? NR_RESTART_SYSCALL : c.nr);
      this.step();
      return;
    }
    const failure = delivered.error ?? traceError;
    if (failure !== null) { this.settle(c, { error: failure.e }); return; }
    const n = typeof ret === 'bigint' ? ret : ret;
    const isErr = !r.forceNoError && (typeof n === 'number' ? n < 0 && n >= -MAX_ERRNO : BigInt.asIntN(64, n) < 0n && BigInt.asIntN(64, n) >= -BigInt(MAX_ERRNO));
    if (isErr) this.settle(c, { error: new ErrnoError(-Number(BigInt.asIntN(64, BigInt(n))), callName(c.nr)) });
    else this.settle(c, { value: n });
  }

  /**
   * Takes every deliverable signal (returnToUser's walk): default actions through takeSignal, host
   * handlers called here. Returns whether a handler ran, the first one's sa_flags, and the first
   * error a handler threw. Restores a temporary signal mask afterwards (rt_sigsuspend, ppoll).
   */
  private deliverSignals(): { handled: boolean; firstFlags: bigint; error: { e: unknown } | null } {
    const out = { handled: false, firstFlags: 0n, error: null as { e: unknown } | null };
    for (;;) {
      const s = takeSignal(this);
      if (s === Signal.None) break;
      if (s === Signal.Killed) return out;
      if (s === Signal.Stopped) continue; // a host thread cannot be stopped: the stop is recorded, host code runs on
      if (!out.handled) out.firstFlags = s.act.flags;
      out.handled = true;
      this.hk.trace(this, `--- ${formatSigInfo(s.info)} ---`);
      const h = this.handlers.get(s.info.signo);
      try {
        h?.(s.info);
      } catch (e) {
        out.error ??= { e };
      }
    }
    if (this.savedSigmask !== null) {
      this.sigmask = this.savedSigmask;
      this.savedSigmask = null;
    }
    return out;
  }

  /** Ends call c with a value or an error and starts the next one. */
  private settle(c: HostCall, outcome: { value: number | bigint } | { error: unknown }): void {
    if (this.current === c) this.current = null;
    this.dropAbortListener(c);
    const pendingHandlerError = this.handlerError;
    this.handlerError = null;
    let result: { ok: true; v: unknown } | { ok: false; e: unknown };
    if (pendingHandlerError !== null) result = { ok: false, e: pendingHandlerError.e };
    else if ('error' in outcome) result = { ok: false, e: outcome.error };
    else {
      try {
        result = { ok: true, v: this.hk.runAs(this, () => c.finish(this, outcome.value)) };
      } catch (e) {
        result = { ok: false, e };
      }
    }
    try {
      this.hk.runAs(this, () => c.cleanup(this));
    } catch {
      // cleanup only unmaps scratch memory; a failure there leaves nothing to undo
    }
    if (result.ok) c.resolve(result.v);
    else c.reject(result.e);
    this.hk.noteHostSettled();
    if (this.current === null && this.queue.length > 0) this.hk.postHostEvent(() => this.pump());
  }

  /** Stops listening for c's abort (it settled). */
  private dropAbortListener(c: HostCall): void {
    const f = this.abortListeners.get(c);
    if (f === undefined) return;
    this.abortListeners.delete(c);
    c.signal?.removeEventListener('abort', f);
  }

  /** A signal ends the sleep of the current call (or, with no call, is delivered now); null: a signal, not an abort. */
  private interrupt(abortOf: HostCall | null): void {
    const r = this.syscall;
    if (this.current === null || r.blocked === null || (abortOf !== null && abortOf !== this.current)) return;
    const b = this.hk.unpark(r)!;
    r.wakeReason = WakeReason.Signal;
    if (r.nr !== NR_RESTART_SYSCALL) this.interruptedNr = r.nr;
    this.complete(b.onInterrupt ? b.onInterrupt(r) : -b.restart, abortOf !== null);
  }

  /** An abort of c: a queued call is dropped with EINTR, a sleeping one is interrupted like a signal without SA_RESTART. */
  private abort(c: HostCall): void {
    const i = this.queue.indexOf(c);
    if (i >= 0) {
      this.queue.splice(i, 1);
      this.abortListeners.delete(c);
      c.reject(new ErrnoError(EINTR, callName(c.nr), { cause: c.signal?.reason }));
      return;
    }
    this.interrupt(c);
  }

  /** The request's sink: a wake-up runs the call again at the next event point (never inside the waker). */
  override wakeRequest(r: Request, reason: WakeReason): void {
    if (r.blocked === null || this.current === null) return;
    const c = this.current;
    this.hk.unpark(r);
    r.wakeReason = reason;
    this.hk.postHostEvent(() => {
      if (this.current !== c || this.state === TaskState.Exited) return;
      r.resumed = true;
      this.step();
    });
  }

  /** Kernel.interruptSleep for a host thread: a signal came; it is handled at the next event point. */
  signalArrived(): void {
    if (this.signalPosted) return;
    this.signalPosted = true;
    this.hk.postHostEvent(() => {
      this.signalPosted = false;
      if (this.state === TaskState.Exited) return;
      if (this.current !== null) {
        if (hasDeliverable(this)) this.interrupt(null); // (a signal taken meanwhile by sigtimedwait interrupts nothing)
        return;
      }
      const d = this.deliverSignals();
      if (d.error !== null) this.handlerError ??= d.error;
    });
  }

  /** The host process ended (exit_group, a fatal signal, shutdown): every call in flight or queued fails. */
  died(): void {
    const all = this.current !== null ? [this.current, ...this.queue] : [...this.queue];
    this.current = null;
    this.queue.length = 0;
    for (const c of all) { this.dropAbortListener(c); c.reject(exited(this)); }
  }

  /** Shutdown's first step: calls not started fail with `why` (calls in flight may still finish). */
  refuseQueued(why: KernelStateError): void {
    for (const c of this.queue.splice(0)) { this.dropAbortListener(c); c.reject(why); }
  }

  /** Shutdown: calls not started fail with ERR_KERNEL_SHUTDOWN; a call asleep is interrupted the same way. */
  refuseAll(why: KernelStateError): void {
    this.refuseQueued(why);
    const c = this.current;
    if (c !== null && this.syscall.blocked !== null) {
      const b = this.hk.unpark(this.syscall)!;
      b.onAbandon?.(this.syscall);
      this.current = null;
      this.dropAbortListener(c);
      c.reject(why);
    }
  }

  /** Emits the strace line of the call (the kernel's trace marks it as a host task's). */
  private trace(r: Request, res: number | bigint): void {
    if (!this.hk.tracing) return;
    const def = syscallTable.get(r.nr);
    let line = formatSyscall(this.mm.mem, r.nr, def?.name ?? SYSCALL_NAMES.get(r.nr) ?? '', def, r.traceArgs ?? [],
      BigInt.asUintN(64, BigInt(res)));
    if (r.nr === NR_RESTART_SYSCALL && this.interruptedNr >= 0) {
      line = line.replace('restart_syscall()', `restart_syscall(<... resuming interrupted ${SYSCALL_NAMES.get(this.interruptedNr) ?? '?'} ...>)`);
    }
    this.hk.trace(this, line);
  }
}

/** The name of syscall nr for errors ("openat"), or "syscall_N". */
export function callName(nr: number): string {
  if (nr < 0) return 'host memory access';
  return SYSCALL_NAMES.get(nr) ?? `syscall_${nr}`;
}

/** The error of a call made on (or in flight in) a host task whose process has ended. */
function exited(t: HostThread): KernelStateError {
  return new KernelStateError('ERR_HOST_TASK_EXITED', `host task ${t.tid} has exited (status ${t.tg.exitCode ?? 0}); its calls cannot run`);
}
