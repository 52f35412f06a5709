// The kernel boundary. Entry: a hart's ecall becomes a call of the one syscall table
// (syscallEntry, and syscallResume after a wake-up), through invoke(), which io_uring, syslets
// and host code use too. Exit: complete() is the one place a result reaches a0 (with pc moved
// past the ecall and the restart record kept), and returnToUser() is the one way back to user
// mode: the restart rules of abi-riscv64.md §3.7, then signal delivery.
import { REG_A0, REG_A7 } from '../cpu/hart.js';
import { EINTR, ENOMEM, ENOSYS, ERESTART_RESTARTBLOCK, ERESTARTNOHAND, ERESTARTSYS, isRestartCode, SyscallError,
} from '../abi/errno.js';
import { Blocked, REGS_SET, type Request, type SysResult } from './request.js';
import { SA_RESTART } from './signal_frame.js';
import { deliverToHandler, hasDeliverable, Signal, takeSignal } from './signal_deliver.js';
import { isHostAllocationFailure } from './host_alloc.js';
import { formatSyscall } from './strace.js';
import { SYSCALL_NAMES } from './syscalls/names.js';
import { syscallTable } from './syscalls/table.js';
import { threadletBlocked } from './syslet/threadlet.js';
import { type Task, TaskState } from './task.js';
import { rseqNotifyResume, rseqSignalDeliver } from './rseq/fixup.js';
import { countSyscall } from './ext/syscall_counter.js';

/** restart_syscall's number: a7 is set to it when a RESTARTBLOCK call restarts without a handler. */
export const NR_RESTART_SYSCALL = 128;
/** Index of a0's low half in the hart's int32 register view. */
const A0_LO = 2 * REG_A0;
/** Index of a7's low half. */
const A7_LO = 2 * REG_A7;

/**
 * Runs request r's call as task t: the handler's result, -ENOSYS, -errno from a SyscallError, or
 * -ENOMEM when the host could not allocate what the call needed (never a host exception).
 */
export function invoke(t: Task, r: Request): SysResult {
  const def = syscallTable.get(r.nr);
  if (def?.handler === undefined) return -ENOSYS;
  try {
    return def.handler(t, r.args, r);
  } catch (e) {
    if (isHostAllocationFailure(e)) return -ENOMEM;
    if (!(e instanceof SyscallError)) throw e;
    return -e.errno;
  }
}

/** Handles the ecall at t.hart.pc: a new call. */
export function syscallEntry(t: Task): void {
  const x = t.hart.x;
  const r = t.syscall;
  r.begin(x[A7_LO + 1] === 0 ? x[A7_LO]! : -1); // a7 beyond 32 bits names no syscall
  t.origA0Lo = x[A0_LO]!;
  t.origA0Hi = x[A0_LO + 1]!;
  if (t.kernel.watch?.entry(t, r.nr, t.kernel.instant()) === false) return; // a signal goes first; the ecall runs after it
  if (tracing(t)) r.traceArgs = [10, 11, 12, 13, 14, 15].map((i) => t.hart.x64[i]!);
  run(t, r);
}

/** Runs t's woken call again (it completes before any signal is delivered, so no wake-up is lost). */
export function syscallResume(t: Task): void {
  const r = t.syscall;
  r.resumed = true;
  run(t, r);
}

/** Runs the call and completes it, or parks the task if it blocked. */
function run(t: Task, r: Request): void {
  t.inSyscall = false;
  const res = invoke(t, r);
  if (res instanceof Blocked) {
    if (t.state === TaskState.Runnable) {
      if (threadletBlocked(t, r, res)) return; // a threadlet moves to a new thread instead of sleeping
      t.inSyscall = true;
      t.kernel.sleep(t, res);
      if ((t.state as TaskState) === TaskState.Blocked) t.kernel.watch?.blocked(t, t.kernel.instant());
    }
    return;
  }
  if (res === REGS_SET) {
    if (tracing(t)) trace(t, r, t.hart.x64[REG_A0]!);
    return;
  }
  if (t.state === TaskState.Exited) {
    if (tracing(t)) trace(t, r, null);
    return;
  }
  complete(t, res as number | bigint);
}

/**
 * Writes the result to a0, moves pc past the ecall and records a restart code for returnToUser.
 * A result that is not a restart code is a completed call: the syscall counter (if registered)
 * counts it here, together with the a0 write.
 */
function complete(t: Task, res: number | bigint): void {
  const h = t.hart;
  if (typeof res === 'bigint') h.setXBig(REG_A0, res);
  else h.setX(REG_A0, res);
  h.pc += 4;
  t.restartRet = typeof res === 'number' && isRestartCode(res) ? res : null;
  if (t.syscallCounter !== 0 && t.restartRet === null) countSyscall(t);
  if (tracing(t)) trace(t, t.syscall, h.x64[REG_A0]!);
  if (t.restartRet === null) t.kernel.watch?.completed(t, t.kernel.instant());
}

/**
 * A signal ended t's sleep: the call completes with `ret` (a restart code, -EINTR, or a partial
 * result from the Blocked marker's onInterrupt), and strace shows it as interrupted.
 */
export function syscallInterrupted(t: Task, ret: number): void {
  const r = t.syscall;
  t.inSyscall = false;
  if (r.nr !== NR_RESTART_SYSCALL) t.interruptedNr = r.nr;
  complete(t, ret);
}

/**
 * The way back to user mode: resolves a pending syscall restart, then delivers every deliverable
 * signal (default actions, or frames for handlers, one on top of another, each after the rseq
 * fixup), then runs the rseq fixup an event asked for (which may force a SIGSEGV, delivered in
 * turn), then restores a temporary signal mask if no handler took it over.
 */
export function returnToUser(t: Task): void {
  if (t.restartRet === null && t.savedSigmask === null && !t.rseq.notify && !hasDeliverable(t)) return;
  const h = t.hart;
  const ret = t.restartRet;
  t.restartRet = null;
  let restartPc = -1;
  if (ret !== null) {
    // Pre-set the restart: back to the ecall with the original a0 (a1-a5 and a7 are intact).
    h.pc -= 4;
    h.x[A0_LO] = t.origA0Lo;
    h.x[A0_LO + 1] = t.origA0Hi;
    restartPc = h.pc;
  }
  let handled = false;
  for (;;) {
    const s = takeSignal(t);
    if (s === Signal.None) {
      if (!t.rseq.notify) break;
      rseqNotifyResume(t, 0);
      continue; // a forced SIGSEGV is delivered now
    }
    if (s === Signal.Stopped) { finishRestart(t, ret, restartPc); return; }
    if (s === Signal.Killed) return;
    // The first handler decides the restart: EINTR unless the call restarts across handlers.
    if (!handled && ret !== null && h.pc === restartPc) {
      if (ret === -ERESTARTNOHAND || ret === -ERESTART_RESTARTBLOCK || (ret === -ERESTARTSYS && (s.act.flags & SA_RESTART) === 0n)) {
        h.setX(REG_A0, -EINTR);
        h.pc += 4;
      } else t.kernel.mark?.(t, 'restart', Number(h.x64[REG_A7]));
    }
    rseqSignalDeliver(t, s.info.signo);
    if (!deliverToHandler(t, s.info, s.act)) return;
    handled = true;
  }
  if (!handled) finishRestart(t, ret, restartPc);
}

/** No handler ran: a RESTARTBLOCK call restarts through restart_syscall; a temporary mask is restored. */
function finishRestart(t: Task, ret: number | null, restartPc: number): void {
  if (ret !== null && t.hart.pc === restartPc) t.kernel.mark?.(t, 'restart', Number(t.hart.x64[REG_A7]));
  if (ret === -ERESTART_RESTARTBLOCK && t.hart.pc === restartPc) t.hart.setX(REG_A7, NR_RESTART_SYSCALL);
  if (t.savedSigmask !== null) {
    t.sigmask = t.savedSigmask;
    t.savedSigmask = null;
  }
}

/** True when --strace lines are wanted (checked before anything is built for them). */
function tracing(t: Task): boolean {
  return t.kernel.tracing;
}

/** Emits the strace line of r's call with result ret (null: does not return). */
function trace(t: Task, r: Request, ret: bigint | null): void {
  const nr = r.nr;
  const def = syscallTable.get(nr);
  let line = formatSyscall(t.mm.mem, nr, def?.name ?? SYSCALL_NAMES.get(nr) ?? '', def, r.traceArgs ?? [], ret);
  if (nr === NR_RESTART_SYSCALL && t.interruptedNr >= 0) {
    line = line.replace('restart_syscall()', `restart_syscall(<... resuming interrupted ${SYSCALL_NAMES.get(t.interruptedNr) ?? '?'} ...>)`);
  }
  t.kernel.trace(t, line);
}
