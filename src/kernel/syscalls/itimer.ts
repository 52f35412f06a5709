// getitimer(2), setitimer(2): the three per-process interval timers. (riscv64 has no alarm
// syscall; glibc's alarm() is setitimer(ITIMER_REAL).)
//
// ITIMER_REAL runs on CLOCK_MONOTONIC and sends SIGALRM. ITIMER_VIRTUAL (SIGVTALRM) and
// ITIMER_PROF (SIGPROF) run on the process's CPU time, which is retired instructions at 1 ns
// each (cputime.ts); system time is 0, so both count the same time. All three signals are
// process-directed with si_code SI_KERNEL.
import { EINVAL } from '../../abi/errno.js';
import { SI_KERNEL, SIGALRM, SIGPROF, SIGVTALRM, type SigInfo } from '../signal.js';
import type { Task, ThreadGroup } from '../task.js';
import { TICK_NSEC } from '../time/tick.js';
import { groupCpuNs } from '../time/cputime.js';
import type { SysArgs, SyscallDef } from './types.js';
import { IntervalTimer, Reload } from '../time/interval_timer.js';
import type { ItimerSlot } from '../time/proc_timers.js';
import { readItimerval, writeItimerval } from '../time/timer_values.js';
import { sigInfoPending } from '../signal_deliver.js';

/** `which` values (include/uapi/linux/time.h). */
export const ITIMER_REAL = 0, ITIMER_VIRTUAL = 1, ITIMER_PROF = 2;
/** What getitimer(ITIMER_REAL) shows for a timer that is due but not yet handled (itimer_get_remtime). */
const REAL_DUE_NS = 1000n;

const SIGNALS = [SIGALRM, SIGVTALRM, SIGPROF];

/** Returns tg's itimer `which` (0..2), creating it disarmed. */
export function itimerSlot(tg: ThreadGroup, which: number): ItimerSlot {
  const s = tg.timers;
  let slot = s.itimers[which];
  if (slot) return slot;
  const k = tg.kernel;
  const signo = SIGNALS[which]!;
  const created: ItimerSlot = {
    lastInfo: null,
    timer: new IntervalTimer(k, {
      reload: which === ITIMER_REAL ? Reload.Forward : Reload.Step,
      cpu: which === ITIMER_REAL ? undefined : { now: () => groupCpuNs(tg), tg, task: null },
      alive: () => tg.exitCode === null,
      onExpire: () => {
        // A signal still pending from the last expiry absorbs this one (Linux rearms only at dequeue).
        if (created.lastInfo && sigInfoPending(tg, null, created.lastInfo)) return;
        const info: SigInfo = { signo, code: SI_KERNEL };
        created.lastInfo = info;
        k.signalGroup(tg, info);
      },
    }),
  };
  s.itimers[which] = created;
  slot = created;
  return slot;
}

/** The current setting of itimer `which` as [interval, value] in ns (do_getitimer). */
export function itimerGet(tg: ThreadGroup, which: number): [bigint, bigint] {
  const slot = itimerSlot(tg, which);
  const tm = slot.timer;
  const left = tm.remaining();
  if (which === ITIMER_REAL) {
    if (left === null) return [0n, 0n];
    // Linux restarts a periodic ITIMER_REAL when its SIGALRM is dequeued: until then it shows 0.
    if (tm.interval !== 0n && slot.lastInfo && sigInfoPending(tg, null, slot.lastInfo)) return [tm.interval, 0n];
    return [tm.interval, left > 0n ? left : REAL_DUE_NS];
  }
  // CPU itimers keep their interval when disarmed; one that is due shows a tick (get_cpu_itimer).
  if (left === null) return [tm.interval, 0n];
  return [tm.interval, left > 0n ? left : TICK_NSEC];
}

/** Sets itimer `which`: value 0 disarms (and clears ITIMER_REAL's interval). */
export function itimerSet(tg: ThreadGroup, which: number, intervalNs: bigint, valueNs: bigint): void {
  const slot = itimerSlot(tg, which);
  const tm = slot.timer;
  tm.disarm();
  slot.lastInfo = null;
  if (which === ITIMER_REAL) {
    tm.interval = 0n;
    if (valueNs !== 0n) tm.arm(tg.kernel.monotonicNs() + valueNs, intervalNs);
    return;
  }
  tm.interval = intervalNs;
  if (valueNs !== 0n) tm.arm(tm.now() + valueNs, intervalNs);
}

function validWhich(which: number): boolean {
  return which === ITIMER_REAL || which === ITIMER_VIRTUAL || which === ITIMER_PROF;
}

/** getitimer(which, curr*). */
function sysGetitimer(t: Task, a: SysArgs): number {
  const which = a.int(0);
  if (!validWhich(which)) return -EINVAL;
  const [interval, value] = itimerGet(t.tg, which);
  writeItimerval(t.mm.mem, a.addr(1), interval, value);
  return 0;
}

/** setitimer(which, new*, old*): new NULL disarms (as Linux still allows); old may be NULL. */
function sysSetitimer(t: Task, a: SysArgs): number {
  const which = a.int(0);
  const newAddr = a.addr(1);
  let intervalNs = 0n, valueNs = 0n;
  if (newAddr !== 0) {
    const nv = readItimerval(t.mm.mem, newAddr);
    if (!nv.valid) return -EINVAL;
    intervalNs = nv.intervalNs;
    valueNs = nv.valueNs;
  }
  if (!validWhich(which)) return -EINVAL;
  const [oldInterval, oldValue] = itimerGet(t.tg, which);
  itimerSet(t.tg, which, intervalNs, valueNs);
  const oldAddr = a.addr(2);
  if (oldAddr !== 0) writeItimerval(t.mm.mem, oldAddr, oldInterval, oldValue);
  return 0;
}

export const defs: SyscallDef[] = [
  {
    nr: 102, name: 'getitimer', handler: sysGetitimer, status: 'full',
    note: 'VIRTUAL and PROF count retired instructions at 1 ns each',
    args: ['int', 'ptr'],
  },
  {
    nr: 103, name: 'setitimer', handler: sysSetitimer, status: 'full',
    note: 'VIRTUAL and PROF count retired instructions at 1 ns each; they need the scheduler\'s CPU-timer hook',
    args: ['int', 'ptr', 'ptr'],
  },
];
