// Address spaces shared between processes: a vfork child (CLONE_VM without CLONE_THREAD) uses its
// parent's Mm until it execs or exits, so an Mm is freed only when no other live process uses it
// (Linux counts mm_users; here the process table is asked).
import type { Mm } from '../../mem/mm.js';
import type { ThreadGroup } from '../task.js';

/** True if a live process other than `except` runs in mm. */
function usedByOthers(mm: Mm, except: ThreadGroup): boolean {
  for (const g of except.kernel.procs.all()) {
    if (g !== except && g.mm === mm && g.exitCode === null) return true;
  }
  return false;
}

/** Process tg no longer uses mm (it exited, or exec replaced it): frees mm unless another process still runs in it. */
export function mmPut(tg: ThreadGroup, mm: Mm): void {
  if (!usedByOthers(mm, tg)) mm.release();
}
