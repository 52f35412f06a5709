// The sorted list of VMAs of one address space, with splitting and merging (Linux's VMA tree,
// as a sorted array: address spaces here hold at most a few thousand VMAs).
import type { Vma } from './vma.js';

/** True if b can be merged onto the end of a (same attributes, contiguous, object offsets continue). */
export function canMerge(a: Vma, b: Vma): boolean {
  return a.end === b.start && a.prot === b.prot && a.flags === b.flags && a.name === b.name &&
    a.file === b.file && (a.obj ?? null) === (b.obj ?? null) &&
    (!hasOffset(a) || a.offset + (a.end - a.start) === b.offset);
}

/** True if v's offset field means something (it maps a file or a memory object). */
function hasOffset(v: Vma): boolean {
  return v.file !== null || (v.obj ?? null) !== null;
}

/** Returns the part [start, end) of v (which must lie within v) as a new VMA. */
export function sliceVma(v: Vma, start: number, end: number): Vma {
  return { ...v, start, end, offset: hasOffset(v) ? v.offset + (start - v.start) : v.offset };
}

/** Told when a VMA enters or leaves the list (memory objects count the VMAs that map them). */
export interface VmaHooks {
  link(v: Vma): void;
  unlink(v: Vma): void;
}

export class VmaList {
  /** Non-overlapping VMAs sorted by start. */
  readonly list: Vma[] = [];

  constructor(private readonly hooks: VmaHooks | null = null) {}

  /** Returns the index of the first VMA whose end is above addr (list.length if none). */
  indexAfter(addr: number): number {
    let lo = 0, hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.list[mid]!.end <= addr) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  /** The VMA containing addr, if any. */
  find(addr: number): Vma | undefined {
    const v = this.list[this.indexAfter(addr)];
    return v && v.start <= addr ? v : undefined;
  }

  /** The first VMA ending above addr (Linux find_vma), if any. */
  findNext(addr: number): Vma | undefined {
    return this.list[this.indexAfter(addr)];
  }

  /** True if any VMA intersects [start, end). */
  overlaps(start: number, end: number): boolean {
    const v = this.list[this.indexAfter(start)];
    return v !== undefined && v.start < end;
  }

  /** The VMAs intersecting [start, end), in order (the list's own objects). */
  intersecting(start: number, end: number): Vma[] {
    const out: Vma[] = [];
    for (let i = this.indexAfter(start); i < this.list.length && this.list[i]!.start < end; i++) out.push(this.list[i]!);
    return out;
  }

  /** How many VMAs removing [start, end) would add (1 if it splits one VMA in two, else 0). */
  splitsNeeded(start: number, end: number): number {
    const v = this.find(start);
    return v && v.start < start && v.end > end ? 1 : 0;
  }

  /**
   * Removes [start, end) from the list, splitting VMAs that straddle its ends; returns the removed
   * pieces. They stay counted by the hooks: the caller either re-inserts them with
   * insert(piece, true) or discards them with drop(piece).
   */
  carve(start: number, end: number): Vma[] {
    const i = this.indexAfter(start);
    let j = i;
    while (j < this.list.length && this.list[j]!.start < end) j++;
    if (i === j) return [];
    const removed: Vma[] = [];
    const keep: Vma[] = [];
    for (let k = i; k < j; k++) {
      const v = this.list[k]!;
      if (v.start < start) keep.push(sliceVma(v, v.start, start));
      removed.push(sliceVma(v, Math.max(v.start, start), Math.min(v.end, end)));
      if (v.end > end) keep.push(sliceVma(v, end, v.end));
    }
    const gone = this.list.splice(i, j - i, ...keep);
    if (this.hooks) {
      for (const v of keep) this.hooks.link(v);
      for (const v of removed) this.hooks.link(v);
      for (const v of gone) this.hooks.unlink(v);
    }
    return removed;
  }

  /** Discards a piece returned by carve(). */
  drop(v: Vma): void {
    this.hooks?.unlink(v);
  }

  /**
   * Inserts v (which must not overlap any VMA) and merges it with compatible neighbours;
   * `counted` says v came from carve() and is already counted by the hooks.
   */
  insert(v: Vma, counted = false): void {
    let i = this.indexAfter(v.start);
    this.list.splice(i, 0, v);
    if (!counted) this.hooks?.link(v);
    const next = this.list[i + 1];
    if (next && canMerge(v, next)) {
      v.end = next.end;
      this.list.splice(i + 1, 1);
      this.hooks?.unlink(next);
    }
    const prev = this.list[i - 1];
    if (prev && canMerge(prev, v)) {
      prev.end = v.end;
      this.list.splice(i, 1);
      this.hooks?.unlink(v);
      i--;
    }
  }

  /** Removes every VMA (exit and exec). */
  clear(): void {
    const gone = this.list.splice(0, this.list.length);
    if (this.hooks) for (const v of gone) this.hooks.unlink(v);
  }

  /** Appends v, which must lie above every VMA in the list (fork copies lists in order). */
  push(v: Vma): void {
    this.list.push(v);
    this.hooks?.link(v);
  }
}
