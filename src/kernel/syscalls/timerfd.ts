// timerfd_create(2), timerfd_settime(2), timerfd_gettime(2).
import { EINVAL, EPERM } from '../../abi/errno.js';
import type { Task } from '../task.js';
import { O_CLOEXEC, O_NONBLOCK } from '../vfs/constants.js';
import { TimerFdFile } from '../vfs/timerfd.js';
import {
  CLOCK_BOOTTIME, CLOCK_BOOTTIME_ALARM, CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_REALTIME_ALARM,
} from '../time/clocks.js';
import { fileAt, nofileLimit } from './fs_common.js';
import { privileged } from './proc_state.js';
import type { SysArgs, SyscallDef } from './types.js';
import { readItimerspec, writeItimerspec } from '../time/timer_values.js';

/** timerfd_create flags (include/uapi/linux/timerfd.h): the O_ values. */
export const TFD_CLOEXEC = O_CLOEXEC, TFD_NONBLOCK = O_NONBLOCK;
/** timerfd_settime flags. */
export const TFD_TIMER_ABSTIME = 1, TFD_TIMER_CANCEL_ON_SET = 2;
const TFD_CREATE_FLAGS = TFD_CLOEXEC | TFD_NONBLOCK;
const TFD_SETTIME_FLAGS = TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET;

/** True for the clocks that follow the wall clock (absolute deadlines are wall-clock times). */
function isRealtime(clockid: number): boolean {
  return clockid === CLOCK_REALTIME || clockid === CLOCK_REALTIME_ALARM;
}

/** timerfd_create(clockid, flags): REALTIME, MONOTONIC, BOOTTIME; the ALARM clocks need privilege. */
function sysTimerfdCreate(t: Task, a: SysArgs): number {
  const clockid = a.int(0);
  const flags = a.int(1);
  if (flags & ~TFD_CREATE_FLAGS) return -EINVAL;
  if (clockid !== CLOCK_REALTIME && clockid !== CLOCK_MONOTONIC && clockid !== CLOCK_BOOTTIME
    && clockid !== CLOCK_REALTIME_ALARM && clockid !== CLOCK_BOOTTIME_ALARM) return -EINVAL;
  // CAP_WAKE_ALARM; with it, an ALARM clock is its base clock (ecall never suspends).
  if ((clockid === CLOCK_REALTIME_ALARM || clockid === CLOCK_BOOTTIME_ALARM) && !privileged(t)) return -EPERM;
  const f = new TimerFdFile(t.kernel, clockid, (flags & TFD_NONBLOCK) !== 0);
  const fd = t.files.install(f, (flags & TFD_CLOEXEC) !== 0, 0, nofileLimit(t));
  if (fd < 0) f.release();
  return fd;
}

/** The timerfd at fd: -EBADF if fd is not open, -EINVAL if it is not a timerfd. */
function timerfdAt(t: Task, fd: number): TimerFdFile | number {
  const f = fileAt(t, fd);
  if (typeof f === 'number') return f;
  return f instanceof TimerFdFile ? f : -EINVAL;
}

/** timerfd_settime(fd, flags, new*, old*): arms or disarms; old (may be NULL) gets the previous setting. */
function sysTimerfdSettime(t: Task, a: SysArgs): number {
  const mem = t.mm.mem;
  const nv = readItimerspec(mem, a.addr(2));
  const flags = a.int(1);
  if ((flags & ~TFD_SETTIME_FLAGS) || !nv.valid) return -EINVAL;
  const f = timerfdAt(t, a.int(0));
  if (typeof f === 'number') return f;
  const [oldInterval, oldValue] = f.get();
  let expires: bigint | null = null;
  if (nv.valueNs !== 0n) {
    const k = t.kernel;
    const mono = k.monotonicNs();
    if (!(flags & TFD_TIMER_ABSTIME)) expires = mono + nv.valueNs;
    else if (isRealtime(f.clockid)) expires = mono + (nv.valueNs - k.realtimeNs());
    else expires = nv.valueNs;
  }
  f.set(expires, nv.intervalNs);
  const oldAddr = a.addr(3);
  if (oldAddr !== 0) writeItimerspec(mem, oldAddr, oldInterval, oldValue);
  return 0;
}

/** timerfd_gettime(fd, curr*): the interval and the time left (0 when disarmed or expired). */
function sysTimerfdGettime(t: Task, a: SysArgs): number {
  const f = timerfdAt(t, a.int(0));
  if (typeof f === 'number') return f;
  const [interval, value] = f.get();
  writeItimerspec(t.mm.mem, a.addr(1), interval, value);
  return 0;
}

export const defs: SyscallDef[] = [
  {
    nr: 85, name: 'timerfd_create', handler: sysTimerfdCreate, status: 'full',
    note: 'ALARM clocks (with privilege) act as their base clock',
    args: ['clockid', 'hex'],
  },
  {
    nr: 86, name: 'timerfd_settime', handler: sysTimerfdSettime, status: 'full',
    note: 'TFD_TIMER_CANCEL_ON_SET never cancels: the guest cannot set CLOCK_REALTIME',
    args: ['fd', 'hex', 'ptr', 'ptr'],
  },
  {
    nr: 87, name: 'timerfd_gettime', handler: sysTimerfdGettime, status: 'full',
    args: ['fd', 'ptr'],
  },
];
