// The shape of the syscall table: every family file exports SyscallDef[] and table.ts merges them.
import type { Task } from '../task.js';
import type { Blocked } from '../wait.js';

/**
 * What a handler returns: a number (the a0 value: >= 0 on success, -errno on failure),
 * a bigint for 64-bit results that do not fit a double, or a Blocked marker
 * (from t.block(...)): the task sleeps and the handler runs again from scratch on wake-up,
 * so a handler must have no side effects before it decides to block.
 */
export type SysResult = number | bigint | Blocked | RegsSet;

/** Returned by rt_sigreturn: the handler set every register and pc itself; write nothing. */
export class RegsSet {
  private readonly brand = 'regs-set';
}
export const REGS_SET = new RegsSet();

/** The six argument registers a0..a5 of the current syscall, read lazily from the hart. */
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
   * a[i] as a guest address: a number in [0, 2^64). Values >= 4 GiB are returned as-is
   * (>= TASK_SIZE), so checked copies fail them with EFAULT.
   */
  addr(i: number): number;
}

export type Handler = (t: Task, a: SysArgs) => SysResult;

/** How --strace prints an argument. */
export type ArgFmt =
  | 'int' | 'uint' | 'hex' | 'ptr' | 'fd' | 'dirfd' | 'size' | 'off' | 'oct'
  | 'path'       // NUL-terminated string, printed quoted
  | 'bufin'      // buffer the kernel reads: printed as a quoted string, length = next argument
  | 'bufout'     // buffer the kernel writes: printed after the call, length = return value
  | 'openflags' | 'atflags' | 'prot' | 'mapflags' | 'signal' | 'sigset' | 'clockid' | 'whence' | 'futexop'
  | 'sighow' | 'rlimit' | 'ioctl' | 'cloneflags' | 'fcntlcmd'
  | 'ignore';

/** Support status shown by `ecall syscalls`. */
export type Status = 'full' | 'partial' | 'stub' | 'enosys';

export interface SyscallDef {
  nr: number;
  name: string;
  handler?: Handler;
  status: Status;
  /** One line: what is supported or how it differs from Linux. */
  note?: string;
  /** Argument formats for --strace; missing means print every argument as hex. */
  args?: ArgFmt[];
  /** How to print the result: default is a signed decimal (errno name when negative). */
  ret?: 'int' | 'hex' | 'none';
}
