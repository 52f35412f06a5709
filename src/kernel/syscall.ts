// Syscall entry: reads a7 and a0..a5, runs the handler from the table, writes a0 and advances
// pc past the ecall, or parks the task if the handler blocked (pc stays on the ecall, so the
// call runs again from scratch when the task is woken).
import { ENOSYS, SyscallError } from './errno.js';
import { formatSyscall } from './strace.js';
import { SYSCALL_NAMES } from './syscalls/names.js';
import { syscallTable } from './syscalls/table.js';
import type { SysArgs } from './syscalls/types.js';
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

/** Handles the ecall at t.hart.pc. */
export function dispatchSyscall(t: Task): void {
  const h = t.hart;
  const x = h.x;
  const nr = x[35] === 0 ? x[34]! : -1; // a7; a value above 32 bits is no syscall
  const def = syscallTable.get(nr);
  const tracing = t.kernel.options.strace !== undefined;
  const entryArgs = tracing ? [10, 11, 12, 13, 14, 15].map((r) => h.x64[r]!) : [];
  t.syscallNr = nr;
  t.origA0 = h.x64[10]!;
  t.resumed = t.blockedInSyscall;
  t.blockedInSyscall = false;
  let res: number | bigint | Blocked;
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
    t.blockedInSyscall = true;
    if (t.state === TaskState.Runnable) t.kernel.sleep(t, res);
    return;
  }
  if (t.state === TaskState.Exited) {
    if (tracing) t.kernel.trace(t, formatSyscall(t.mm.mem, nr, SYSCALL_NAMES.get(nr) ?? '', def, entryArgs, null));
    return;
  }
  if (typeof res === 'bigint') h.x64[10] = BigInt.asIntN(64, res);
  else { x[20] = res | 0; x[21] = Math.floor(res / TWO32) | 0; }
  h.pc += 4;
  if (tracing) {
    t.kernel.trace(t, formatSyscall(t.mm.mem, nr, SYSCALL_NAMES.get(nr) ?? '', def, entryArgs, h.x64[10]!));
  }
}
