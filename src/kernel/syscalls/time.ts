// Time syscalls: clock_gettime/getres/settime, gettimeofday/settimeofday, nanosleep,
// clock_nanosleep, times and getrusage.
//
// Sleeping: a sleep handler sets its request's deadline on the first run and returns
// r.block([], restartCode); the kernel runs the handler again (r.resumed) when the deadline
// passes, and the re-run returns 0. A signal ends the sleep through interruptSleep (which writes
// *rem and arms restart_syscall for relative sleeps).
import { EINVAL, EOPNOTSUPP, EPERM, ERESTART_RESTARTBLOCK, ERESTARTNOHAND } from '../../abi/errno.js';
import { GuestFaultError } from '../../mem/guest_memory.js';
import type { Request } from '../request.js';
import type { Task } from '../task.js';
import { deadlinePassed, monotonicDeadline, timeLeft } from '../time/deadline.js';
import {
  readTimespec, timespecToNs, timespecValid, writeRusage, writeTimespec, writeTimeval,
} from '../structs.js';
import type { SysArgs, SysResult, SyscallDef } from './types.js';
import { type Clock, CLOCK_MONOTONIC, CLOCK_REALTIME, resolveClock, SleepKind } from '../time/clocks.js';
import {
  childrenCpuNs, childrenMaxrssKiB, groupCpuNs, groupMaxrssKiB, taskCpuNs,
} from '../time/cputime.js';

/** clock_nanosleep flag (include/uapi/linux/time.h). Linux ignores the other bits, and so do we. */
const TIMER_ABSTIME = 1;
/** sizeof(struct timezone): two ints, always zero (Linux's sys_tz is never set here). */
const TIMEZONE_SIZE = 8;
/** USER_HZ: the unit of clock_t in times(2). */
const USER_HZ_NSEC = 10_000_000n;
/** getrusage `who` values (include/uapi/linux/resource.h). */
const RUSAGE_SELF = 0, RUSAGE_CHILDREN = -1, RUSAGE_THREAD = 1;

// --- reading clocks -------------------------------------------------------------------------

/** clock_gettime(clockid, tp*). CPU clocks count retired instructions at 1 ns each (cputime.ts). */
function sysClockGettime(t: Task, a: SysArgs): number {
  const clock = resolveClock(t, a.int(0));
  if (!clock) return -EINVAL;
  writeTimespec(t.mm.mem, a.addr(1), clock.now());
  return 0;
}

/** clock_getres(clockid, res*): res may be NULL. */
function sysClockGetres(t: Task, a: SysArgs): number {
  const clock = resolveClock(t, a.int(0));
  if (!clock) return -EINVAL;
  const addr = a.addr(1);
  if (addr !== 0) writeTimespec(t.mm.mem, addr, clock.res);
  return 0;
}

/** gettimeofday(tv*, tz*): either may be NULL; the timezone is always zeros. */
function sysGettimeofday(t: Task, a: SysArgs): number {
  const tv = a.addr(0), tz = a.addr(1);
  if (tv !== 0) writeTimeval(t.mm.mem, tv, t.kernel.realtimeNs());
  if (tz !== 0) t.mm.mem.write(tz, new Uint8Array(TIMEZONE_SIZE));
  return 0;
}

/** clock_settime(clockid, tp*): only REALTIME and CPU clocks are settable in Linux; ecall refuses (EPERM). */
function sysClockSettime(t: Task, a: SysArgs): number {
  const clock = resolveClock(t, a.int(0));
  const id = a.int(0);
  if (!clock || !(id === CLOCK_REALTIME || clock.cpu)) return -EINVAL;
  const ts = readTimespec(t.mm.mem, a.addr(1));
  if (!clock.cpu && !timespecValid(ts)) return -EINVAL;
  return -EPERM;
}

/** settimeofday(tv*, tz*): validates tv, then EPERM (the host clock is not the guest's to set). */
function sysSettimeofday(t: Task, a: SysArgs): number {
  const tv = a.addr(0);
  if (tv !== 0) {
    const raw = readTimespec(t.mm.mem, tv); // same layout; nsec field holds microseconds
    if (raw.sec < 0n || raw.nsec < 0n || raw.nsec >= 1_000_000n) return -EINVAL;
  }
  const tz = a.addr(1);
  if (tz !== 0) t.mm.mem.checkRead(tz, TIMEZONE_SIZE);
  return -EPERM;
}

// --- sleeping -------------------------------------------------------------------------------

/** What a sleep keeps in its request besides the deadline. */
interface SleepState {
  /** TIMER_ABSTIME: an interrupted absolute sleep restarts as it was (ERESTARTNOHAND). */
  abs: boolean;
  /** Where to write the remaining time if interrupted (relative sleeps only), or 0. */
  remAddr: number;
}

/** Returns 0 once r's deadline has passed, else a sleep until it (or a signal). */
function continueSleep(t: Task, r: Request): SysResult {
  if (deadlinePassed(t.kernel, r.deadline!)) return 0;
  const st = r.state as SleepState;
  return r.block([], st.abs ? ERESTARTNOHAND : ERESTART_RESTARTBLOCK, (ir) => interruptSleep(t, ir));
}

/**
 * A signal interrupted the sleep: returns 0 if the deadline passed anyway; an absolute sleep
 * gives -ERESTARTNOHAND; a relative one writes *rem and gives -ERESTART_RESTARTBLOCK, with a
 * restart block that sleeps on to the original deadline (or -EFAULT if rem is not writable).
 */
function interruptSleep(t: Task, r: Request): number {
  const d = r.deadline!;
  const st = r.state as SleepState;
  const left = timeLeft(t.kernel, d);
  if (left === 0n) return 0;
  if (st.abs) return -ERESTARTNOHAND;
  if (st.remAddr !== 0) {
    try {
      writeTimespec(t.mm.mem, st.remAddr, left);
    } catch (e) {
      if (e instanceof GuestFaultError) return -e.errno;
      throw e;
    }
  }
  t.restartBlock = (rt, rr) => {
    if (!rr.resumed) { rr.deadline = d; rr.state = st; }
    return continueSleep(rt, rr);
  };
  return -ERESTART_RESTARTBLOCK;
}

/** Starts (first run) or continues (re-run) a sleep of `ns` on clock, relative or absolute. */
function sleep(t: Task, r: Request, clock: Clock, abs: boolean, ns: bigint, remAddr: number): SysResult {
  if (!r.resumed) {
    // Relative sleeps run on CLOCK_MONOTONIC whatever the clock, as Linux's hrtimers do.
    r.deadline = abs ? { realtime: clock.realtime, ns } : monotonicDeadline(t.kernel.monotonicNs() + ns);
    r.state = { abs, remAddr: abs ? 0 : remAddr } satisfies SleepState;
  }
  return continueSleep(t, r);
}

/** nanosleep(req*, rem*): a relative CLOCK_MONOTONIC sleep. */
function sysNanosleep(t: Task, a: SysArgs, r: Request): SysResult {
  if (r.resumed) return continueSleep(t, r);
  const req = readTimespec(t.mm.mem, a.addr(0));
  if (!timespecValid(req)) return -EINVAL;
  return sleep(t, r, resolveClock(t, CLOCK_MONOTONIC)!, false, timespecToNs(req), a.addr(1));
}

/** clock_nanosleep(clockid, flags, req*, rem*). */
function sysClockNanosleep(t: Task, a: SysArgs, r: Request): SysResult {
  if (r.resumed) return continueSleep(t, r);
  const clockid = a.int(0);
  const clock = resolveClock(t, clockid);
  if (!clock) return -EINVAL;
  if (clock.sleep === SleepKind.Unsupported) return -EOPNOTSUPP;
  const req = readTimespec(t.mm.mem, a.addr(2));
  if (!timespecValid(req)) return -EINVAL;
  if (clock.sleep === SleepKind.Invalid) return -EINVAL;
  const abs = (a.int(1) & TIMER_ABSTIME) !== 0;
  return sleep(t, r, clock, abs, timespecToNs(req), a.addr(3));
}

// --- process times --------------------------------------------------------------------------

/** times(buf*): struct tms in USER_HZ ticks (buf may be NULL); returns ticks since boot. */
function sysTimes(t: Task, a: SysArgs): number {
  const addr = a.addr(0);
  if (addr !== 0) {
    const mem = t.mm.mem;
    mem.checkWrite(addr, 32);
    mem.writeBig64(addr, groupCpuNs(t.tg) / USER_HZ_NSEC); // tms_utime
    mem.writeBig64(addr + 8, 0n); // tms_stime
    mem.writeBig64(addr + 16, childrenCpuNs(t.tg) / USER_HZ_NSEC); // tms_cutime
    mem.writeBig64(addr + 24, 0n); // tms_cstime
  }
  return Number(t.kernel.monotonicNs() / USER_HZ_NSEC);
}

/** getrusage(who, ru*): SELF, CHILDREN or THREAD; system time and counters are zero. */
function sysGetrusage(t: Task, a: SysArgs): number {
  const who = a.int(0);
  let utimeNs: bigint, maxrssKiB: number;
  if (who === RUSAGE_SELF) {
    utimeNs = groupCpuNs(t.tg); maxrssKiB = groupMaxrssKiB(t.tg);
  } else if (who === RUSAGE_CHILDREN) {
    utimeNs = childrenCpuNs(t.tg); maxrssKiB = childrenMaxrssKiB(t.tg);
  } else if (who === RUSAGE_THREAD) {
    utimeNs = taskCpuNs(t); maxrssKiB = groupMaxrssKiB(t.tg);
  } else {
    return -EINVAL;
  }
  writeRusage(t.mm.mem, a.addr(1), { utimeNs, stimeNs: 0n, maxrssKiB });
  return 0;
}

export const defs: SyscallDef[] = [
  { nr: 113, name: 'clock_gettime', handler: sysClockGettime, status: 'full', note: 'CPU clocks: retired instructions at 1 ns each', args: ['clockid', 'ptr'] },
  { nr: 114, name: 'clock_getres', handler: sysClockGetres, status: 'full', args: ['clockid', 'ptr'] },
  { nr: 112, name: 'clock_settime', handler: sysClockSettime, status: 'stub', note: 'always EPERM', args: ['clockid', 'ptr'] },
  { nr: 169, name: 'gettimeofday', handler: sysGettimeofday, status: 'full', args: ['ptr', 'ptr'] },
  { nr: 170, name: 'settimeofday', handler: sysSettimeofday, status: 'stub', note: 'always EPERM', args: ['ptr', 'ptr'] },
  { nr: 101, name: 'nanosleep', handler: sysNanosleep, status: 'full', args: ['ptr', 'ptr'] },
  { nr: 115, name: 'clock_nanosleep', handler: sysClockNanosleep, status: 'partial', note: 'no sleeping on CPU-time clocks (EOPNOTSUPP)', args: ['clockid', 'int', 'ptr', 'ptr'] },
  { nr: 153, name: 'times', handler: sysTimes, status: 'full', note: 'system time is always 0; returns ticks since boot', args: ['ptr'] },
  { nr: 165, name: 'getrusage', handler: sysGetrusage, status: 'partial', note: 'utime and maxrss (resident pages) only', args: ['int', 'ptr'] },
];
