// Time syscalls: clock_gettime/getres/settime, gettimeofday/settimeofday, nanosleep,
// clock_nanosleep, times and getrusage.
//
// Sleeping: a sleep handler records its deadline per task on the first run and returns
// t.block([], deadline, restartCode). The kernel re-runs the handler when the deadline passes;
// the re-run recognises itself through t.resumed, which the dispatcher sets
// itself, retired since the last run: no user code ran in between) and returns 0. When a signal
// interrupts the sleep, the kernel calls sleepInterrupted(t) (writes *rem, gives a0);
// restart_syscall calls sleepRestart(t).
import { EINTR, EINVAL, EOPNOTSUPP, EPERM, ERESTART_RESTARTBLOCK, ERESTARTNOHAND } from '../../abi/errno.js';
import { GuestFaultError } from '../../mem/guest_memory.js';
import type { Task } from '../task.js';
import {
  readTimespec, timespecToNs, timespecValid, writeRusage, writeTimespec, writeTimeval,
} from '../structs.js';
import type { SysArgs, SysResult, SyscallDef } from './types.js';
import { CLOCK_MONOTONIC, CLOCK_REALTIME, resolveClock, SleepKind } from './clocks.js';
import {
  childrenCpuNs, childrenMaxrssKiB, groupCpuNs, groupMaxrssKiB, taskCpuNs,
} from './cputime.js';

const NR_NANOSLEEP = 101, NR_CLOCK_NANOSLEEP = 115;
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

/** A sleep in progress: kept across re-runs of its handler and for restart_syscall. */
interface SleepState {
  /** The syscall that started this sleep. */
  nr: number;
  /** Set by sleepInterrupted: a later call is a new sleep (only restart_syscall resumes this one). */
  interrupted: boolean;
  clockid: number;
  abs: boolean;
  /** Absolute deadline on clockid's time base, ns. */
  deadline: bigint;
  /** Where to write the remaining time if interrupted (relative sleeps only), or 0. */
  remAddr: number;
}

const sleeps = new WeakMap<Task, SleepState>();

/** True if this handler run is a re-run of st's blocked call rather than a new call. */
function isRerun(t: Task, nr: number, st: SleepState): boolean {
  return t.resumed && !st.interrupted && st.nr === nr;
}

/** Returns 0 if st's deadline passed (and forgets it), else a Blocked until the deadline. */
function continueSleep(t: Task, st: SleepState): SysResult {
  const clock = resolveClock(t, st.clockid)!;
  const now = clock.now();
  if (now >= st.deadline) {
    sleeps.delete(t);
    return 0;
  }
  // Realtime deadlines are mapped onto the monotonic clock and rechecked on wake-up.
  const mono = clock.realtime ? t.kernel.monotonicNs() + (st.deadline - now) : st.deadline;
  const code = st.abs ? ERESTARTNOHAND : ERESTART_RESTARTBLOCK;
  return t.block([], mono, code, interruptSleep);
}

/**
 * A signal interrupted the sleep: *rem is written (relative sleeps), and a relative sleep can be
 * resumed by restart_syscall with its original deadline when no handler runs.
 */
function interruptSleep(t: Task): number {
  const r = sleepInterrupted(t) ?? -EINTR;
  if (r === -ERESTART_RESTARTBLOCK) t.restartBlock = (x) => sleepRestart(x) ?? -EINTR;
  return r;
}

/** Starts (first run) or continues (re-run) a sleep of `ns` on clockid, relative or absolute. */
function sleep(t: Task, nr: number, clockid: number, abs: boolean, ns: bigint, remAddr: number): SysResult {
  let st = sleeps.get(t);
  if (!st || !isRerun(t, nr, st)) {
    // Relative sleeps run on CLOCK_MONOTONIC whatever the clock, as Linux's hrtimers do.
    const base = abs ? clockid : CLOCK_MONOTONIC;
    const deadline = abs ? ns : resolveClock(t, base)!.now() + ns;
    st = { nr, interrupted: false, clockid: base, abs, deadline, remAddr: abs ? 0 : remAddr };
    sleeps.set(t, st);
  }
  return continueSleep(t, st);
}

/** nanosleep(req*, rem*): a relative CLOCK_MONOTONIC sleep. */
function sysNanosleep(t: Task, a: SysArgs): SysResult {
  const req = readTimespec(t.mm.mem, a.addr(0));
  if (!timespecValid(req)) return -EINVAL;
  return sleep(t, NR_NANOSLEEP, CLOCK_MONOTONIC, false, timespecToNs(req), a.addr(1));
}

/** clock_nanosleep(clockid, flags, req*, rem*). */
function sysClockNanosleep(t: Task, a: SysArgs): SysResult {
  const clockid = a.int(0);
  const clock = resolveClock(t, clockid);
  if (!clock) return -EINVAL;
  if (clock.sleep === SleepKind.Unsupported) return -EOPNOTSUPP;
  const req = readTimespec(t.mm.mem, a.addr(2));
  if (!timespecValid(req)) return -EINVAL;
  if (clock.sleep === SleepKind.Invalid) return -EINVAL;
  const abs = (a.int(1) & TIMER_ABSTIME) !== 0;
  return sleep(t, NR_CLOCK_NANOSLEEP, clockid, abs, timespecToNs(req), a.addr(3));
}

/** Returns the time left in t's current sleep in ns (>= 0), or null if t is not sleeping here. */
export function sleepRemaining(t: Task): bigint | null {
  const st = sleeps.get(t);
  if (!st) return null;
  const left = st.deadline - resolveClock(t, st.clockid)!.now();
  return left > 0n ? left : 0n;
}

/**
 * For the kernel, when a signal interrupts a task blocked in nanosleep/clock_nanosleep: writes
 * *rem for relative sleeps and returns the a0 value before restart processing: 0 if the
 * deadline had passed anyway, -ERESTART_RESTARTBLOCK (relative), -ERESTARTNOHAND (absolute),
 * or -EFAULT if rem is not writable. Returns null if t has no sleep of ours.
 */
export function sleepInterrupted(t: Task): number | null {
  const st = sleeps.get(t);
  if (!st) return null;
  const left = sleepRemaining(t)!;
  if (left === 0n) {
    sleeps.delete(t);
    return 0;
  }
  st.interrupted = true;
  if (st.abs) return -ERESTARTNOHAND;
  if (st.remAddr !== 0) {
    try {
      writeTimespec(t.mm.mem, st.remAddr, left);
    } catch (e) {
      if (e instanceof GuestFaultError) return -e.errno;
      throw e;
    }
  }
  return -ERESTART_RESTARTBLOCK;
}

/**
 * For restart_syscall (128): continues t's interrupted sleep to its original deadline, as
 * Linux's restart block does. Returns null if t has no sleep to restart (the caller gives -EINTR).
 */
export function sleepRestart(t: Task): SysResult | null {
  const st = sleeps.get(t);
  if (!st) return null;
  return continueSleep(t, st);
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
