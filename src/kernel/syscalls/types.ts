// The shape of the syscall table: every family file exports SyscallDef[] and table.ts merges them.
import type { Task } from '../task.js';
import type { Request, SysArgs, SysResult } from '../request.js';

export { REGS_SET, RegsSet, type SysArgs, type SysResult } from '../request.js';

/** A syscall handler: runs the call for task t with arguments a (a === r.args) as request r. */
export type Handler = (t: Task, a: SysArgs, r: Request) => SysResult;

/** How --strace prints an argument. */
export type ArgFmt =
  | 'int' | 'uint' | 'hex' | 'ptr' | 'fd' | 'dirfd' | 'size' | 'off' | 'oct'
  | 'path'       // NUL-terminated string, printed quoted
  | 'bufin'      // buffer the kernel reads: printed as a quoted string, length = next argument
  | 'bufout'     // buffer the kernel writes: printed after the call, length = return value
  | 'openflags' | 'atflags' | 'prot' | 'mapflags' | 'signal' | 'sigset' | 'clockid' | 'whence' | 'futexop'
  | 'sighow' | 'rlimit' | 'ioctl' | 'cloneflags' | 'fcntlcmd' | 'membarriercmd' | 'rseqflags'
  // sockets (strace_net.ts): family, type word, accept4 flags, int sv[2] written by the call,
  // an address read (length = next argument), an address written (length = *next after the
  // call), a socklen_t pointer shown after the call, shutdown's how, option level and name (the
  // name depends on the previous argument), option values read and written, MSG_* flags, and a
  // struct msghdr read (sendmsg) or written (recvmsg)
  | 'sockfamily' | 'socktype' | 'sockflags' | 'fdpair' | 'sockaddr' | 'sockaddrout' | 'socklenptr' | 'shuthow'
  | 'sockoptlevel' | 'sockoptname' | 'sockoptval' | 'sockoptvalout' | 'msgflags' | 'msghdr' | 'msghdrout'
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
