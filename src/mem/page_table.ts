// Per-mm page table: guest virtual page number -> page table entry, as a three-level radix tree
// whose nodes are frames of the pool (like Sv39's, with 1024 four-byte entries per node instead
// of 512 eight-byte ones). A 2^38-byte address space has 2^26 pages: 6 + 10 + 10 index bits.
// Intermediate entries hold the frame number of the next node (0 = absent: frame 0 is the zero
// page and never a node). Leaf entries are PTEs:
//
//   bits 31..12  frame number        bit 4  COW: a write must copy (or take) the frame first
//   bit 3  X     bit 2  W            bit 1  R     bit 0  V: present
//
// W is only ever set on a PTE whose frame this mm may write in place; R, W and X mirror the VMA's
// protection (W minus copy-on-write), so the TLB can be filled from the PTE alone.
import { type PhysMem, PAGE_SHIFT } from './phys.js';

export const PTE_V = 1, PTE_R = 2, PTE_W = 4, PTE_X = 8, PTE_COW = 16;
/** The low bits of a PTE that are flags; the rest is the frame's byte address. */
export const PTE_FLAGS = 0xfff;

/** Index bits per level below the root, and the root's. */
const LEVEL_BITS = 10;
const ROOT_BITS = 6;
const LEVEL_MASK = (1 << LEVEL_BITS) - 1;
/** Pages one leaf node covers. */
export const LEAF_PAGES = 1 << LEVEL_BITS;
/** Pages one middle node covers. */
const MID_PAGES = 1 << (2 * LEVEL_BITS);
/** Number of virtual pages the table can map (2^26: a 2^38-byte address space). */
export const PT_PAGES = 1 << (ROOT_BITS + 2 * LEVEL_BITS);

/** Returns the frame number in pte. */
export function pteFrame(pte: number): number {
  return pte >>> PAGE_SHIFT;
}

export class PageTable {
  /** Frame of the root node, 0 until the first entry is set. */
  private root = 0;
  /** Frames used by nodes (counted against the mm, as Linux counts page tables). */
  nodes = 0;

  constructor(private readonly phys: PhysMem) {}

  /** Returns the PTE for vpn (0 if none). Assumes 0 <= vpn < PT_PAGES. */
  get(vpn: number): number {
    const i32 = this.phys.i32;
    const root = this.root;
    if (root === 0) return 0;
    const mid = i32[(root << LEVEL_BITS) | (vpn >>> (2 * LEVEL_BITS))]!;
    if (mid === 0) return 0;
    const leaf = i32[(mid << LEVEL_BITS) | ((vpn >>> LEVEL_BITS) & LEVEL_MASK)]!;
    if (leaf === 0) return 0;
    return i32[(leaf << LEVEL_BITS) | (vpn & LEVEL_MASK)]!;
  }

  /** Returns the int32 index of vpn's PTE in phys.i32, creating nodes; -1 if no frame was free. */
  slot(vpn: number): number {
    const i32 = this.phys.i32;
    if (this.root === 0) {
      const r = this.newNode();
      if (r < 0) return -1;
      this.root = r;
    }
    const ri = (this.root << LEVEL_BITS) | (vpn >>> (2 * LEVEL_BITS));
    let mid = i32[ri]!;
    if (mid === 0) {
      mid = this.newNode();
      if (mid < 0) return -1;
      i32[ri] = mid;
    }
    const mi = (mid << LEVEL_BITS) | ((vpn >>> LEVEL_BITS) & LEVEL_MASK);
    let leaf = i32[mi]!;
    if (leaf === 0) {
      leaf = this.newNode();
      if (leaf < 0) return -1;
      i32[mi] = leaf;
    }
    return (leaf << LEVEL_BITS) | (vpn & LEVEL_MASK);
  }

  /** Sets vpn's PTE; returns false if a node could not be allocated. */
  set(vpn: number, pte: number): boolean {
    const s = this.slot(vpn);
    if (s < 0) return false;
    this.phys.i32[s] = pte;
    return true;
  }

  /**
   * Calls fn(vpn, slot) for every present PTE with first <= vpn < end, in order, where slot
   * indexes phys.i32; absent subtrees are skipped whole, so sparse ranges cost little.
   */
  forEach(first: number, end: number, fn: (vpn: number, slot: number) => void): void {
    const i32 = this.phys.i32;
    if (this.root === 0 || first >= end) return;
    let vpn = first;
    while (vpn < end) {
      const mid = i32[(this.root << LEVEL_BITS) | (vpn >>> (2 * LEVEL_BITS))]!;
      if (mid === 0) { vpn = (Math.floor(vpn / MID_PAGES) + 1) * MID_PAGES; continue; }
      const leaf = i32[(mid << LEVEL_BITS) | ((vpn >>> LEVEL_BITS) & LEVEL_MASK)]!;
      if (leaf === 0) { vpn = (Math.floor(vpn / LEAF_PAGES) + 1) * LEAF_PAGES; continue; }
      const stop = Math.min(end, (Math.floor(vpn / LEAF_PAGES) + 1) * LEAF_PAGES);
      for (; vpn < stop; vpn++) {
        const s = (leaf << LEVEL_BITS) | (vpn & LEVEL_MASK);
        if (i32[s] !== 0) fn(vpn, s);
      }
    }
  }

  /** Frees the leaf nodes lying wholly inside [first, end) (their entries must all be clear). */
  freeLeaves(first: number, end: number): void {
    const i32 = this.phys.i32;
    if (this.root === 0) return;
    for (let v = Math.ceil(first / LEAF_PAGES) * LEAF_PAGES; v + LEAF_PAGES <= end; v += LEAF_PAGES) {
      const ri = (this.root << LEVEL_BITS) | (v >>> (2 * LEVEL_BITS));
      const mid = i32[ri]!;
      if (mid === 0) { v = (Math.floor(v / MID_PAGES) + 1) * MID_PAGES - LEAF_PAGES; continue; }
      const mi = (mid << LEVEL_BITS) | ((v >>> LEVEL_BITS) & LEVEL_MASK);
      const leaf = i32[mi]!;
      if (leaf === 0) continue;
      i32[mi] = 0;
      this.phys.unref(leaf);
      this.nodes--;
    }
  }

  /** Frees every node (the entries must already have dropped their frame references). */
  destroy(): void {
    const i32 = this.phys.i32;
    if (this.root === 0) return;
    for (let r = 0; r < 1 << ROOT_BITS; r++) {
      const mid = i32[(this.root << LEVEL_BITS) | r]!;
      if (mid === 0) continue;
      for (let m = 0; m < LEAF_PAGES; m++) {
        const leaf = i32[(mid << LEVEL_BITS) | m]!;
        if (leaf !== 0) this.phys.unref(leaf);
      }
      this.phys.unref(mid);
    }
    this.phys.unref(this.root);
    this.root = 0;
    this.nodes = 0;
  }

  /** Allocates a zeroed node frame; -1 if none is free. */
  private newNode(): number {
    const f = this.phys.alloc();
    if (f >= 0) this.nodes++;
    return f;
  }
}
