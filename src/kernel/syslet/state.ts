// A process's syslet state, kept here by ThreadGroup (sysletState(tg)): the completion rings it uses,
// by async_head_user address, and its chains waiting for the event point. It belongs to one
// address space: after an exec the process starts with none.
import type { Mm } from '../../mem/mm.js';
import type { ThreadGroup } from '../task.js';
import type { SysletRun } from './chain.js';
import type { AsyncHead } from './ring.js';

export class SysletState {
  /** The kernel's side of each async_head_user, by its address. */
  readonly heads = new Map<number, AsyncHead>();
  /** Chains to run at the next event point, and whether its timer is armed. */
  readonly ready: SysletRun[] = [];
  armed = false;

  constructor(readonly mm: Mm) {}
}

/** Each process's syslet state; kept here, not on ThreadGroup, so task.ts need not import this file. */
const states = new WeakMap<ThreadGroup, SysletState>();

/** tg's syslet state for its current address space (made on first use, and again after an exec). */
export function sysletState(tg: ThreadGroup): SysletState {
  let st = states.get(tg);
  if (st === undefined || st.mm !== tg.mm) states.set(tg, st = new SysletState(tg.mm));
  return st;
}
