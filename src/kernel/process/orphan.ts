// Whether a process group is orphaned (POSIX: no member has a parent in another group of the same
// session, so no job-control shell can continue it). A leaf: signal delivery and job control use it.
import type { ThreadGroup } from '../task.js';
import { ExitState } from './node.js';

/**
 * True if group pgid is (or, once `ignored` is gone, will be) orphaned: no member that is alive has
 * a parent in another group of the same session (Linux's will_become_orphaned_pgrp). ecall's pid
 * 1 is the init of a pid namespace, not the global init, so its children count as Linux counts
 * them in a container.
 */
export function willBecomeOrphanedPgrp(tg: ThreadGroup, pgid: number, ignored: ThreadGroup | null): boolean {
  for (const p of tg.kernel.procs.inGroup(pgid)) {
    if (p === ignored || p.node.exitState !== ExitState.Live) continue;
    const parent = p.node.parent;
    if (parent !== null && parent.pgid !== pgid && parent.sid === p.sid) return false;
  }
  return true;
}
