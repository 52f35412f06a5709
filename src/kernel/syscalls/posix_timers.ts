// POSIX timers: timer_create(2), timer_settime(2), timer_gettime(2), timer_getoverrun(2),
// timer_delete(2). Ids are small integers per process, counting up from 0 (kernel timer_t is
// an int). Expiry sends a SI_TIMER signal; if the previous signal of the same timer is still
// pending, the expiry is counted as an overrun of that signal instead (Linux's semantics:
// si_overrun says how many expirations the delivered signal stands for beyond the first).
import { EAGAIN, EINVAL, EOPNOTSUPP } from '../../abi/errno.js';
import { NSIG, SI_TIMER, SIGALRM, type SigInfo } from '../signal.js';
import { TaskState, type Task, type ThreadGroup } from '../task.js';
import {
  CLOCK_BOOTTIME, CLOCK_BOOTTIME_ALARM, CLOCK_MONOTONIC, CLOCK_MONOTONIC_COARSE, CLOCK_MONOTONIC_RAW,
  CLOCK_PROCESS_CPUTIME_ID, CLOCK_REALTIME, CLOCK_REALTIME_ALARM, CLOCK_REALTIME_COARSE, CLOCK_TAI,
  CLOCK_THREAD_CPUTIME_ID, resolveClock,
} from '../time/clocks.js';
import { groupCpuNs, taskCpuNs } from '../time/cputime.js';
import { findTask } from './proc_state.js';
import type { SysArgs, SyscallDef } from './types.js';
import { type CpuBase, IntervalTimer, Reload } from '../time/interval_timer.js';
import { readItimerspec, writeItimerspec } from '../time/timer_values.js';
import { sigInfoPending } from '../signal_deliver.js';

/** sigev_notify values (include/uapi/asm-generic/siginfo.h). */
export const SIGEV_SIGNAL = 0, SIGEV_NONE = 1, SIGEV_THREAD = 2, SIGEV_THREAD_ID = 4;
/** sizeof(struct sigevent): value u64 @0, signo i32 @8, notify i32 @12, union @16 (thread id i32). */
export const SIGEVENT_SIZE = 64;
/** timer_settime flag (include/uapi/linux/time.h); Linux ignores every other bit. */
export const TIMER_ABSTIME = 1;
/** Overrun counts saturate here (DELAYTIMER_MAX = INT_MAX). */
const DELAYTIMER_MAX = 0x7fffffff;
/** Largest timer id; ids wrap to 0 after it (Linux masks next_posix_timer_id with INT_MAX). */
const MAX_TIMER_ID = 0x7fffffff;
/** Most timers a process may hold. Linux's bound is RLIMIT_SIGPENDING (a preallocated sigqueue
 *  per timer, EAGAIN beyond it); this is a typical default of that limit. */
export const MAX_POSIX_TIMERS = 63_445;
/** What timer_gettime reports for a signalling timer that is due but not yet handled (1 ns). */
const DUE_NS = 1n;

/** A decoded struct sigevent. */
interface SigEvent {
  value: bigint;
  signo: number;
  notify: number;
  tid: number;
}

/** One POSIX timer (Linux's k_itimer). */
export class PosixTimer {
  readonly timer: IntervalTimer;
  /** Overruns of the last delivered signal (timer_getoverrun). */
  overrunLast = 0;
  /** The signal sent and not yet delivered, whose overrun count grows on each expiry. */
  pendingInfo: SigInfo | null = null;

  constructor(
    readonly tg: ThreadGroup,
    readonly id: number,
    /** True for clocks whose absolute times are wall-clock times. */
    readonly realtime: boolean,
    readonly notify: number,
    readonly signo: number,
    readonly value: bigint,
    /** The thread a SIGEV_THREAD_ID timer signals; null for a process-directed signal. */
    readonly target: Task | null,
    cpu: CpuBase | undefined,
  ) {
    this.timer = new IntervalTimer(tg.kernel, {
      reload: Reload.Forward,
      cpu,
      passive: notify === SIGEV_NONE,
      alive: () => tg.exitCode === null,
      onExpire: (n) => this.expire(n),
    });
  }

  /** Notes delivery of the pending signal: its overrun becomes timer_getoverrun's value. */
  settle(): void {
    const p = this.pendingInfo;
    if (p && !sigInfoPending(this.tg, this.target, p)) {
      this.overrunLast = p.overrun ?? 0;
      this.pendingInfo = null;
    }
  }

  /** n expirations: queue a signal, or add them to the one still pending as overruns. */
  private expire(n: bigint): void {
    if (this.notify === SIGEV_NONE) return;
    this.settle();
    const p = this.pendingInfo;
    if (p) {
      p.overrun = Math.min(DELAYTIMER_MAX, (p.overrun ?? 0) + Number(n));
      return;
    }
    const target = this.target;
    if (target && target.state === TaskState.Exited) return;
    const info: SigInfo = {
      signo: this.signo, code: SI_TIMER, timerid: this.id,
      overrun: Math.min(DELAYTIMER_MAX, Number(n - 1n)), value: this.value,
    };
    this.pendingInfo = info;
    const k = this.tg.kernel;
    if (target) k.signalTask(target, info);
    else k.signalGroup(this.tg, info);
  }

  /** The setting as [interval, time left] in ns (common_timer_get). */
  get(): [bigint, bigint] {
    const tm = this.timer;
    const none = this.notify === SIGEV_NONE;
    if (none) tm.sync(); // SIGEV_NONE timers are never queued: move expiry past now here
    const left = tm.remaining();
    if (left === null) return [tm.interval, 0n];
    if (left > 0n) return [tm.interval, left];
    return [tm.interval, none ? 0n : DUE_NS];
  }

  /** Arms at valueNs (absolute on the timer's clock if abs) with intervalNs; valueNs 0 disarms. */
  set(abs: boolean, valueNs: bigint, intervalNs: bigint): void {
    const tm = this.timer;
    tm.disarm();
    tm.interval = 0n;
    // A signal queued under the old setting no longer speaks for this timer.
    this.pendingInfo = null;
    this.overrunLast = 0;
    if (valueNs === 0n) return;
    let expires: bigint;
    if (!abs) expires = tm.now() + valueNs;
    else if (this.realtime) expires = tm.now() + (valueNs - this.tg.kernel.realtimeNs());
    else expires = valueNs;
    tm.arm(expires, intervalNs);
  }
}

/** Reads a struct sigevent at addr (checked; throws EFAULT). */
function readSigevent(t: Task, addr: number): SigEvent {
  const mem = t.mm.mem;
  mem.checkRead(addr, SIGEVENT_SIZE);
  return {
    value: mem.readBig64(addr), signo: mem.readI32(addr + 8), notify: mem.readI32(addr + 12),
    tid: mem.readI32(addr + 16),
  };
}

/** The CPU-time base of a CPU clock id, or null if it names no visible thread or process. */
function cpuBase(t: Task, clockid: number): CpuBase | null {
  if (clockid === CLOCK_PROCESS_CPUTIME_ID) return { now: () => groupCpuNs(t.tg), tg: t.tg, task: null };
  if (clockid === CLOCK_THREAD_CPUTIME_ID) return { now: () => taskCpuNs(t), tg: t.tg, task: t };
  if (!resolveClock(t, clockid)) return null;
  const target = findTask(t, ~(clockid >> 3));
  if (!target) return null;
  if (clockid & 4) return { now: () => taskCpuNs(target), tg: target.tg, task: target };
  const tg = target.tg;
  return { now: () => groupCpuNs(tg), tg, task: null };
}

/** Finds the next free timer id of the process, counting up from the last one and wrapping. */
function allocId(tg: ThreadGroup): number {
  const s = tg.timers;
  for (;;) {
    const id = s.nextPosixId;
    s.nextPosixId = id >= MAX_TIMER_ID ? 0 : id + 1;
    if (!s.posix.has(id)) return id;
  }
}

/** timer_create(clockid, sevp*, timerid*): sevp NULL means SIGEV_SIGNAL, SIGALRM, si_value = id. */
function sysTimerCreate(t: Task, a: SysArgs): number {
  const sevAddr = a.addr(1);
  const ev = sevAddr !== 0 ? readSigevent(t, sevAddr) : null;
  const clockid = a.int(0);
  let cpu: CpuBase | undefined;
  let alarm = false;
  switch (clockid) {
    case CLOCK_REALTIME: case CLOCK_MONOTONIC: case CLOCK_BOOTTIME: case CLOCK_TAI:
      break;
    case CLOCK_PROCESS_CPUTIME_ID: case CLOCK_THREAD_CPUTIME_ID:
      cpu = cpuBase(t, clockid)!;
      break;
    case CLOCK_MONOTONIC_RAW: case CLOCK_REALTIME_COARSE: case CLOCK_MONOTONIC_COARSE:
      return -EOPNOTSUPP; // these clocks have no timers
    case CLOCK_REALTIME_ALARM: case CLOCK_BOOTTIME_ALARM:
      alarm = true; // no wake-alarm RTC: fails after the id is taken, as Linux without an RTC
      break;
    default: {
      if (clockid >= 0) return -EINVAL;
      const b = cpuBase(t, clockid);
      if (!b) return -EINVAL;
      cpu = b;
    }
  }
  const s = t.tg.timers;
  if (s.posix.size >= MAX_POSIX_TIMERS) return -EAGAIN;
  const id = allocId(t.tg); // Linux takes the id before checking the event: failures below use it up
  let notify = SIGEV_SIGNAL, signo = SIGALRM, value = BigInt(id), target: Task | null = null;
  if (ev) {
    ({ notify, signo, value } = ev);
    switch (notify) {
      case SIGEV_THREAD_ID: {
        const x = ev.tid > 0 ? t.kernel.tasks.get(ev.tid) : undefined;
        if (!x || x.tg !== t.tg || x.state === TaskState.Exited) return -EINVAL;
        target = x;
      }
      // falls through: a thread-directed timer needs a valid signal too
      case SIGEV_SIGNAL:
      case SIGEV_THREAD: // glibc builds SIGEV_THREAD on SIGEV_THREAD_ID; the kernel takes it as SIGEV_SIGNAL
        if (signo <= 0 || signo > NSIG) return -EINVAL;
        break;
      case SIGEV_NONE:
        break;
      default:
        return -EINVAL;
    }
  }
  t.mm.mem.writeI32(a.addr(2), id);
  if (alarm) return -EOPNOTSUPP;
  const realtime = clockid === CLOCK_REALTIME || clockid === CLOCK_TAI;
  s.posix.set(id, new PosixTimer(t.tg, id, realtime, notify, signo, value, target, cpu));
  return 0;
}

/** The caller's process's timer `id`, or null (EINVAL). */
function timerAt(t: Task, id: number): PosixTimer | null {
  return (t.tg.timers.posix.get(id) as PosixTimer | undefined) ?? null;
}

/** timer_settime(id, flags, new*, old*): TIMER_ABSTIME; old (may be NULL) gets the previous setting. */
function sysTimerSettime(t: Task, a: SysArgs): number {
  const newAddr = a.addr(2);
  if (newAddr === 0) return -EINVAL;
  const nv = readItimerspec(t.mm.mem, newAddr);
  if (!nv.valid) return -EINVAL;
  const tm = timerAt(t, a.int(0));
  if (!tm) return -EINVAL;
  const [oldInterval, oldValue] = tm.get();
  tm.set((a.int(1) & TIMER_ABSTIME) !== 0, nv.valueNs, nv.intervalNs);
  const oldAddr = a.addr(3);
  if (oldAddr !== 0) writeItimerspec(t.mm.mem, oldAddr, oldInterval, oldValue);
  return 0;
}

/** timer_gettime(id, curr*). */
function sysTimerGettime(t: Task, a: SysArgs): number {
  const tm = timerAt(t, a.int(0));
  if (!tm) return -EINVAL;
  const [interval, value] = tm.get();
  writeItimerspec(t.mm.mem, a.addr(1), interval, value);
  return 0;
}

/** timer_getoverrun(id): the overrun count of the timer's last delivered signal. */
function sysTimerGetoverrun(t: Task, a: SysArgs): number {
  const tm = timerAt(t, a.int(0));
  if (!tm) return -EINVAL;
  tm.settle();
  return tm.overrunLast;
}

/** timer_delete(id): a signal already queued stays queued. */
function sysTimerDelete(t: Task, a: SysArgs): number {
  const id = a.int(0);
  const tm = timerAt(t, id);
  if (!tm) return -EINVAL;
  tm.timer.disarm();
  t.tg.timers.posix.delete(id);
  return 0;
}

const CPU_NOTE = 'CPU-time clocks count retired instructions at 1 ns each and need the scheduler\'s CPU-timer hook';

export const defs: SyscallDef[] = [
  {
    nr: 107, name: 'timer_create', handler: sysTimerCreate, status: 'full',
    note: `ALARM clocks give EOPNOTSUPP (no wake-alarm RTC); ${CPU_NOTE}`,
    args: ['clockid', 'ptr', 'ptr'],
  },
  { nr: 108, name: 'timer_gettime', handler: sysTimerGettime, status: 'full', args: ['int', 'ptr'] },
  { nr: 109, name: 'timer_getoverrun', handler: sysTimerGetoverrun, status: 'full', args: ['int'] },
  {
    nr: 110, name: 'timer_settime', handler: sysTimerSettime, status: 'full',
    args: ['int', 'hex', 'ptr', 'ptr'],
  },
  { nr: 111, name: 'timer_delete', handler: sysTimerDelete, status: 'full', args: ['int'] },
];
