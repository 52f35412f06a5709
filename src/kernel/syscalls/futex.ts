// futex (98): argument decoding and the timeout; the operations live in ../futex/.
import { TASK_SIZE } from '../../mem/guest_memory.js';
import { EINVAL } from '../../abi/errno.js';
import { FUTEX_CLOCK_REALTIME, FUTEX_CMD_MASK, FUTEX_LOCK_PI, FUTEX_WAIT } from '../futex/abi.js';
import { doFutex, futexCmdHasTimeout, futexResume } from '../futex/do_futex.js';
import type { Request } from '../request.js';
import { type Deadline, monotonicDeadline } from '../time/deadline.js';
import { readTimespec, timespecToNs, timespecValid } from '../structs.js';
import type { Task } from '../task.js';
import type { SysArgs, SysResult, SyscallDef } from './types.js';

/**
 * a[i] as a futex address. Addresses beyond TASK_SIZE keep their low two bits (a JS number
 * above 2^53 would lose them), so a misaligned one still gives EINVAL before EFAULT.
 */
function futexAddr(a: SysArgs, i: number): number {
  const v = a.addr(i);
  return v < TASK_SIZE ? v : TASK_SIZE + (a.u32(i) & 3);
}

/** futex(uaddr, op, val, timeout|val2, uaddr2, val3). */
function sysFutex(t: Task, a: SysArgs, r: Request): SysResult {
  // A re-run after a wake-up: the sleep's own state decides (the timeout is not read again).
  const again = futexResume(t, r);
  if (again !== null) return again;
  const op = a.int(1);
  const cmd = op & FUTEX_CMD_MASK;
  const utime = a.addr(3);
  let deadline: Deadline | null = null;
  if (utime !== 0 && futexCmdHasTimeout(cmd)) {
    const ts = readTimespec(t.mm.mem, utime);
    if (!timespecValid(ts)) return -EINVAL;
    const ns = timespecToNs(ts);
    // WAIT's timeout is relative (on CLOCK_MONOTONIC); the others are absolute, on
    // CLOCK_REALTIME for LOCK_PI and with FUTEX_CLOCK_REALTIME, else CLOCK_MONOTONIC.
    if (cmd === FUTEX_WAIT) deadline = monotonicDeadline(t.kernel.monotonicNs() + ns);
    else deadline = { realtime: cmd === FUTEX_LOCK_PI || (op & FUTEX_CLOCK_REALTIME) !== 0, ns };
  }
  return doFutex(t, r, {
    uaddr: futexAddr(a, 0), op, val: a.u32(2), deadline, uaddr2: futexAddr(a, 4), val2: a.int(3), val3: a.u32(5),
  });
}

export const defs: SyscallDef[] = [
  {
    nr: 98, name: 'futex', handler: sysFutex, status: 'partial',
    note: 'WAIT_REQUEUE_PI and CMP_REQUEUE_PI give ENOSYS; PI locks hand off but do not boost priority',
    args: ['ptr', 'futexop', 'int', 'ptr', 'ptr', 'hex'],
  },
];
