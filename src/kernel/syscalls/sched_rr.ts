// sched_rr_get_interval(2): the time slice a task's scheduling policy gives it.
import { EINVAL, ESRCH } from '../../abi/errno.js';
import { writeTimespec } from '../structs.js';
import type { Task } from '../task.js';
import { SCHED_FIFO, SCHED_RR } from './info.js';
import { findTask } from './proc_state.js';
import type { SysArgs, SyscallDef } from './types.js';

/** SCHED_RR's slice: Linux's RR_TIMESLICE, 100 ms. */
const RR_TIMESLICE_NS = 100_000_000n;
/**
 * A fair-class task's slice: Linux reports sched_slice() rounded down to jiffies, which for a task
 * alone on its CPU (ecall has one) is one jiffy at CONFIG_HZ=250, Debian's default: 4 ms.
 */
const FAIR_SLICE_NS = 4_000_000n;

/** sched_rr_get_interval(pid, tp): EINVAL for a negative pid, ESRCH for an unknown one; 0 for SCHED_FIFO. */
function sysSchedRrGetInterval(t: Task, a: SysArgs): number {
  const pid = a.int(0);
  if (pid < 0) return -EINVAL;
  const target = findTask(t, pid);
  if (!target) return -ESRCH;
  const ns = target.policy === SCHED_FIFO ? 0n : target.policy === SCHED_RR ? RR_TIMESLICE_NS : FAIR_SLICE_NS;
  writeTimespec(t.mm.mem, a.addr(1), ns);
  return 0;
}

export const schedRrDefs: SyscallDef[] = [
  { nr: 127, name: 'sched_rr_get_interval', handler: sysSchedRrGetInterval, status: 'full', note: 'fair-class tasks report one 4 ms jiffy (one CPU, HZ=250)', args: ['int', 'ptr'] },
];
