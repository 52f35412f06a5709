// How many processes use each address space: a vfork child (CLONE_VM without CLONE_THREAD) shares
// its parent's Mm until it execs or exits, and the Mm is freed only when its last user lets go
// (Linux's mm_users with mmget/mmput).
import type { Mm } from '../../mem/mm.js';

/** Users beyond the first, per Mm (an Mm with no entry has exactly one user). */
const extra = new WeakMap<Mm, number>();

/** Records one more process using mm. */
export function mmGet(mm: Mm): void {
  extra.set(mm, (extra.get(mm) ?? 0) + 1);
}

/** Drops one user of mm; the last one frees it (writing back shared file pages). */
export function mmPut(mm: Mm): void {
  const n = extra.get(mm) ?? 0;
  if (n > 0) { extra.set(mm, n - 1); return; }
  extra.delete(mm);
  mm.release();
}
