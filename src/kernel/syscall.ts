// Syscall entry: reads a7 and a0..a5, runs the handler from the table, writes a0 and advances
// pc past the ecall, or parks the task if the handler blocked (pc stays on the ecall, so the
// call runs again from scratch when the task is woken, with t.resumed set).
import { ENOSYS, SyscallError } from '../abi/errno.js';
import { formatSyscall } from './strace.js';
import { SYSCALL_NAMES } from './syscalls/names.js';
import { syscallTable } from './syscalls/table.js';
import { RegsSet, type SysArgs } from './syscalls/types.js';
import { TaskState, type Task } from './task.js';
import { Blocked } from './wait.js';

const TWO32 = 4294967296;

/** Argument accessors over the hart's a0..a5 (x10..x15). */
class HartArgs implements SysArgs {
  constructor(private readonly x: Int32Array) {}
  int(i: number): number { return this.x[20 + 2 * i]!; }
  u32(i: number): number { return this.x[20 + 2 * i]! >>> 0; }
  num(i: number): number { return this.x[21 + 2 * i]! * TWO32 + (this.x[20 + 2 * i]! >>> 0); }
  big(i: number): bigint { return (BigInt(this.x[21 + 2 * i]! >>> 0) << 32n) | BigInt(this.x[20 + 2 * i]! >>> 0); }
  addr(i: number): number { return (this.x[21 + 2 * i]! >>> 0) * TWO32 + (this.x[20 + 2 * i]! >>> 0); }
}

/** True for the kernel-internal restart codes (-512..-516 except ENOIOCTLCMD). */
const isRestart = (r: number): boolean => r <= -512 && r >= -516 && r !== -515;

/** Handles the ecall at t.hart.pc. */
export function dispatchSyscall(t: Task): void {
  const h = t.hart;
  const x = h.x;
  const nr = x[35] === 0 ? x[34]! : -1; // a7; a value above 32 bits is no syscall
  const def = syscallTable.get(nr);
  const tracing = t.kernel.options.strace !== undefined;
  if (tracing && !t.blockedInSyscall) t.traceArgs = [10, 11, 12, 13, 14, 15].map((r) => h.x64[r]!);
  t.syscallNr = nr;
  if (!t.blockedInSyscall) t.origA0 = h.x64[10]!;
  t.resumed = t.blockedInSyscall;
  t.blockedInSyscall = false;
  let res: number | bigint | Blocked | RegsSet;
  if (def?.handler === undefined) {
    res = -ENOSYS;
  } else {
    try {
      res = def.handler(t, new HartArgs(x));
    } catch (e) {
      if (!(e instanceof SyscallError)) throw e;
      res = -e.errno;
    }
  }
  if (res instanceof Blocked) {
    if (t.state === TaskState.Runnable) {
      t.blockedInSyscall = true;
      t.kernel.sleep(t, res);
    }
    return;
  }
  if (res instanceof RegsSet) {
    if (tracing) trace(t, nr, h.x64[10]!);
    return;
  }
  if (t.state === TaskState.Exited) {
    if (tracing) trace(t, nr, null);
    return;
  }
  if (typeof res === 'bigint') h.x64[10] = BigInt.asIntN(64, res);
  else { x[20] = res | 0; x[21] = Math.floor(res / TWO32) | 0; }
  h.pc += 4;
  t.restartRet = typeof res === 'number' && isRestart(res) ? res : null;
  if (tracing) trace(t, nr, h.x64[10]!);
}

/** restart_syscall's number, which strace shows with the call it resumes. */
const NR_RESTART_SYSCALL = 128;

/** Emits the strace line of t's current syscall with result ret (null: does not return). */
function trace(t: Task, nr: number, ret: bigint | null): void {
  const def = syscallTable.get(nr);
  let line = formatSyscall(t.mm.mem, nr, SYSCALL_NAMES.get(nr) ?? '', def, t.traceArgs ?? [], ret);
  if (nr === NR_RESTART_SYSCALL && t.interruptedNr >= 0) {
    line = line.replace('restart_syscall()', `restart_syscall(<... resuming interrupted ${SYSCALL_NAMES.get(t.interruptedNr) ?? '?'} ...>)`);
  }
  t.kernel.trace(t, line);
}

/** The strace line of a sleep that a signal interrupted ("= ? ERESTARTSYS (...)"). */
export function traceInterrupted(t: Task, ret: number): void {
  if (t.syscallNr !== NR_RESTART_SYSCALL) t.interruptedNr = t.syscallNr;
  if (t.kernel.options.strace === undefined) return;
  trace(t, t.syscallNr, BigInt(ret));
}
