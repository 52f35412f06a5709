// Placement of new mappings (Linux's get_unmapped_area with the top-down allocator).
import type { Vma } from './vma.js';
import { MAP_GROWSDOWN } from './mman.js';
import { STACK_GUARD_GAP } from './layout.js';
import type { VmaList } from './vma_list.js';

/** Returns where v's free gap below it ends: its start, less the guard gap below a stack (vm_start_gap). */
function startGap(v: Vma): number {
  return v.flags & MAP_GROWSDOWN ? Math.max(0, v.start - STACK_GUARD_GAP) : v.start;
}

/** True if [addr, addr+len) is free and clear of stack guard gaps. */
export function rangeFree(vmas: VmaList, addr: number, len: number): boolean {
  const next = vmas.findNext(addr);
  return next === undefined || startGap(next) >= addr + len;
}

/**
 * Returns the highest page-aligned address a with low <= a and a+len <= high whose range is free,
 * or -1 (the top-down search of vm_unmapped_area). Assumes len is page-aligned.
 */
export function topDown(vmas: VmaList, len: number, low: number, high: number): number {
  const list = vmas.list;
  for (let i = vmas.indexAfter(high); i >= 0; i--) {
    const gapEnd = Math.min(i < list.length ? startGap(list[i]!) : high, high);
    const gapStart = Math.max(i > 0 ? list[i - 1]!.end : 0, low);
    if (gapEnd - gapStart >= len) return gapEnd - len;
    if (gapStart <= low) break;
  }
  return -1;
}

/** Returns the lowest free address a >= low with a+len <= high, or -1 (bottom-up search). */
export function bottomUp(vmas: VmaList, len: number, low: number, high: number): number {
  const list = vmas.list;
  for (let i = vmas.indexAfter(low); i <= list.length; i++) {
    const gapStart = Math.max(i > 0 ? list[i - 1]!.end : 0, low);
    const gapEnd = Math.min(i < list.length ? startGap(list[i]!) : high, high);
    if (gapEnd - gapStart >= len) return gapStart;
    if (gapEnd >= high) break;
  }
  return -1;
}
