// membarrier(2) (283): memory barriers on other threads' CPUs, and the RSEQ command that aborts
// their restartable sequences. ecall's virtual CPUs take turns on one host thread and memory is
// sequentially consistent between turns, so a barrier has nothing left to order: the commands
// validate, keep Linux's registrations (EPERM before them) and return. SYNC_CORE needs no core
// serialisation either: the CPU drops decoded code whenever code is written. PRIVATE_EXPEDITED_RSEQ
// does what Linux's IPI does: every other CPU whose current task belongs to the caller's process
// records a preemption, so a critical section it is in aborts before it next runs.
import { EINVAL, EPERM } from '../../abi/errno.js';
import {
  MEMBARRIER_STATE_GLOBAL_EXPEDITED, MEMBARRIER_STATE_GLOBAL_EXPEDITED_READY, MEMBARRIER_STATE_PRIVATE_EXPEDITED,
  MEMBARRIER_STATE_PRIVATE_EXPEDITED_READY, MEMBARRIER_STATE_PRIVATE_EXPEDITED_RSEQ,
  MEMBARRIER_STATE_PRIVATE_EXPEDITED_RSEQ_READY, MEMBARRIER_STATE_PRIVATE_EXPEDITED_SYNC_CORE,
  MEMBARRIER_STATE_PRIVATE_EXPEDITED_SYNC_CORE_READY,
} from '../rseq/mm_state.js';
import { RSEQ_EVENT_PREEMPT } from '../../abi/rseq.js';
import { type Task, TaskState } from '../task.js';
import type { SyscallDef, SysArgs } from './types.js';

/** Commands (include/uapi/linux/membarrier.h). */
export const MEMBARRIER_CMD_QUERY = 0, MEMBARRIER_CMD_GLOBAL = 1, MEMBARRIER_CMD_GLOBAL_EXPEDITED = 2,
  MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED = 4, MEMBARRIER_CMD_PRIVATE_EXPEDITED = 8,
  MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED = 16, MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE = 32,
  MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE = 64, MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ = 128,
  MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ = 256, MEMBARRIER_CMD_GET_REGISTRATIONS = 512;
/** The only flag: cpu_id names the one CPU to interrupt (PRIVATE_EXPEDITED_RSEQ only). */
export const MEMBARRIER_CMD_FLAG_CPU = 1;
/** What QUERY returns: every command (Linux 6.5+ with SYNC_CORE, RSEQ and no nohz_full CPUs). */
const MEMBARRIER_CMD_BITMASK = MEMBARRIER_CMD_GLOBAL | MEMBARRIER_CMD_GLOBAL_EXPEDITED |
  MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED | MEMBARRIER_CMD_PRIVATE_EXPEDITED | MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED |
  MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE | MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE |
  MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ | MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ | MEMBARRIER_CMD_GET_REGISTRATIONS;

/** The three private flavours: the READY bit a command needs and the bit its registration also sets. */
const FLAVOURS = {
  plain: { ready: MEMBARRIER_STATE_PRIVATE_EXPEDITED_READY, state: 0 },
  syncCore: { ready: MEMBARRIER_STATE_PRIVATE_EXPEDITED_SYNC_CORE_READY, state: MEMBARRIER_STATE_PRIVATE_EXPEDITED_SYNC_CORE },
  rseq: { ready: MEMBARRIER_STATE_PRIVATE_EXPEDITED_RSEQ_READY, state: MEMBARRIER_STATE_PRIVATE_EXPEDITED_RSEQ },
} as const;
type Flavour = keyof typeof FLAVOURS;

/** Registers the process for a private flavour (idempotent): its READY bit, the flavour's state
 *  bit and, as Linux does, the plain PRIVATE_EXPEDITED state bit. */
function registerPrivate(t: Task, f: Flavour): number {
  const mm = t.tg.rseqMm, { ready, state } = FLAVOURS[f];
  if ((mm.membarrierState & ready) === ready) return 0;
  mm.membarrierState |= MEMBARRIER_STATE_PRIVATE_EXPEDITED | state;
  mm.membarrierState |= ready;
  return 0;
}

/**
 * A private expedited barrier (EPERM before registration). For RSEQ, the current task of every
 * other CPU (or of cpuId alone, even the caller's own) that belongs to the process gets a
 * preemption event; a cpuId beyond the CPUs is ignored, as Linux ignores an offline CPU.
 */
function privateExpedited(t: Task, f: Flavour, cpuId: number): number {
  if ((t.tg.rseqMm.membarrierState & FLAVOURS[f].ready) === 0) return -EPERM;
  if (f !== 'rseq') return 0;
  const sched = t.kernel.sched;
  for (let c = 0; c < sched.cpuCount; c++) {
    if (cpuId >= 0 ? c !== cpuId : c === t.cpu) continue;
    const cur = sched.currentOn(c);
    if (cur !== null && cur.tg === t.tg && cur.state === TaskState.Runnable) cur.rseq.event(RSEQ_EVENT_PREEMPT);
  }
  return 0;
}

/** GET_REGISTRATIONS: the REGISTER commands whose state bits are set (Linux 6.5). */
function registrations(t: Task): number {
  const s = t.tg.rseqMm.membarrierState;
  let mask = 0;
  if (s & (MEMBARRIER_STATE_GLOBAL_EXPEDITED | MEMBARRIER_STATE_GLOBAL_EXPEDITED_READY)) mask |= MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED;
  if (s & (MEMBARRIER_STATE_PRIVATE_EXPEDITED | MEMBARRIER_STATE_PRIVATE_EXPEDITED_READY)) mask |= MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED;
  if (s & (MEMBARRIER_STATE_PRIVATE_EXPEDITED_SYNC_CORE | MEMBARRIER_STATE_PRIVATE_EXPEDITED_SYNC_CORE_READY)) {
    mask |= MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE;
  }
  if (s & (MEMBARRIER_STATE_PRIVATE_EXPEDITED_RSEQ | MEMBARRIER_STATE_PRIVATE_EXPEDITED_RSEQ_READY)) {
    mask |= MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ;
  }
  return mask;
}

/** membarrier(cmd, flags, cpu_id). */
function sysMembarrier(t: Task, a: SysArgs): number {
  const cmd = a.int(0), flags = a.u32(1);
  if (cmd === MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ ? flags !== 0 && flags !== MEMBARRIER_CMD_FLAG_CPU : flags !== 0) return -EINVAL;
  const cpuId = flags & MEMBARRIER_CMD_FLAG_CPU ? a.int(2) : -1;
  switch (cmd) {
    case MEMBARRIER_CMD_QUERY: return MEMBARRIER_CMD_BITMASK;
    case MEMBARRIER_CMD_GLOBAL: return 0;
    case MEMBARRIER_CMD_GLOBAL_EXPEDITED: return 0;
    case MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED:
      t.tg.rseqMm.membarrierState |= MEMBARRIER_STATE_GLOBAL_EXPEDITED | MEMBARRIER_STATE_GLOBAL_EXPEDITED_READY;
      return 0;
    case MEMBARRIER_CMD_PRIVATE_EXPEDITED: return privateExpedited(t, 'plain', cpuId);
    case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED: return registerPrivate(t, 'plain');
    case MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE: return privateExpedited(t, 'syncCore', cpuId);
    case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE: return registerPrivate(t, 'syncCore');
    case MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ: return privateExpedited(t, 'rseq', cpuId);
    case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ: return registerPrivate(t, 'rseq');
    case MEMBARRIER_CMD_GET_REGISTRATIONS: return registrations(t);
    default: return -EINVAL;
  }
}

export const defs: SyscallDef[] = [
  {
    nr: 283, name: 'membarrier', handler: sysMembarrier, status: 'full',
    note: 'every command of Linux 6.5; barriers are no-ops between turns of the virtual CPUs; RSEQ aborts the sections of the process\'s threads current on other CPUs',
    args: ['membarriercmd', 'uint', 'int'],
  },
];
