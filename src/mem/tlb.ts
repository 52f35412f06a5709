// A hart's software TLB: a direct-mapped cache from virtual page number to frame, checked on every
// load, store, fetch and AMO. One entry per (vpn & TLB_MASK), in five int32 arrays that are frames
// of the pool, so translated WebAssembly code can do the same check inline:
//
//   data:  tagR[e] === vpn (readable), tagW[e] === vpn (writable in place), paD[e] = frame address
//   code:  tagX[e] === vpn (executable), paX[e] = frame address
//
// A tag of -1 never matches (a vpn is below 2^26). Entries are filled from the PTE on a miss and
// dropped by the mm on munmap, mprotect, fork, exec and COW; a write tag is never given for a
// frame with decoded code (FRAME_WATCHED), so stores to code pages take the slow path.
import { FRAME_WATCHED, FRAME_WTAGGED, type PhysMem, PAGE_SHIFT, PAGE_SIZE } from './phys.js';
import { PTE_FLAGS, PTE_R, PTE_W, PTE_X } from './page_table.js';

/** log2 of the number of entries: 1024 entries cover a 4 MiB working set. */
export const TLB_BITS = 10;
export const TLB_ENTRIES = 1 << TLB_BITS;
export const TLB_MASK = TLB_ENTRIES - 1;
/** The five arrays, one pool frame each (1024 int32 entries = 4 KiB). */
const TLB_ARRAYS = 5;

/** An address space as a TLB sees it: the set of TLBs that hold its translations (GuestMemory). */
export interface TlbHolder {
  readonly tlbs: Set<Tlb>;
}

export class Tlb {
  readonly tagR: Int32Array;
  readonly tagW: Int32Array;
  readonly paD: Int32Array;
  readonly tagX: Int32Array;
  readonly paX: Int32Array;
  /** The address space whose translations this TLB holds, if any. */
  mem: TlbHolder | null = null;
  private readonly frames: number[] = [];

  constructor(readonly phys: PhysMem) {
    const arrays: Int32Array[] = [];
    for (let i = 0; i < TLB_ARRAYS; i++) {
      const f = phys.alloc();
      // With no frame free the TLB lives on the JS heap: still correct, just not wasm-visible.
      if (f < 0) { phys.oomPending = false; arrays.push(new Int32Array(TLB_ENTRIES)); continue; }
      this.frames.push(f);
      arrays.push(new Int32Array(phys.memory.buffer, f * PAGE_SIZE, TLB_ENTRIES));
    }
    [this.tagR, this.tagW, this.paD, this.tagX, this.paX] = arrays as [Int32Array, Int32Array, Int32Array, Int32Array, Int32Array];
    this.flushAll();
    phys.tlbs.add(this);
  }

  /** Makes this TLB hold translations of mem (flushing what it held); mem may be null. */
  attach(mem: TlbHolder | null): void {
    if (this.mem === mem) return;
    this.mem?.tlbs.delete(this);
    this.flushAll();
    this.mem = mem;
    mem?.tlbs.add(this);
  }

  /** Fills the data entry for vpn from pte (which must be present). */
  fillData(vpn: number, pte: number): void {
    const e = vpn & TLB_MASK;
    const pa = pte & ~PTE_FLAGS;
    const flags = this.phys.flags, f = pa >>> PAGE_SHIFT;
    this.tagR[e] = pte & PTE_R ? vpn : -1;
    if (pte & PTE_W && (flags[f]! & FRAME_WATCHED) === 0) {
      this.tagW[e] = vpn;
      flags[f]! |= FRAME_WTAGGED;
    } else {
      this.tagW[e] = -1;
    }
    this.paD[e] = pa;
  }

  /** Fills the code entry for vpn from pte (which must be present and executable). */
  fillCode(vpn: number, pte: number): void {
    const e = vpn & TLB_MASK;
    this.tagX[e] = pte & PTE_X ? vpn : -1;
    this.paX[e] = pte & ~PTE_FLAGS;
  }

  /** Drops every entry. */
  flushAll(): void {
    this.tagR.fill(-1);
    this.tagW.fill(-1);
    this.tagX.fill(-1);
  }

  /** Drops the entries of pages [first, end). */
  flushRange(first: number, end: number): void {
    if (end - first >= TLB_ENTRIES) {
      for (let e = 0; e < TLB_ENTRIES; e++) {
        const r = this.tagR[e]!, w = this.tagW[e]!, x = this.tagX[e]!;
        if (r >= first && r < end) this.tagR[e] = -1;
        if (w >= first && w < end) this.tagW[e] = -1;
        if (x >= first && x < end) this.tagX[e] = -1;
      }
      return;
    }
    for (let v = first; v < end; v++) {
      const e = v & TLB_MASK;
      if (this.tagR[e] === v) this.tagR[e] = -1;
      if (this.tagW[e] === v) this.tagW[e] = -1;
      if (this.tagX[e] === v) this.tagX[e] = -1;
    }
  }

  /** Drops every write tag that points at the frame with byte address pa. */
  dropWrite(pa: number): void {
    const tagW = this.tagW, paD = this.paD;
    for (let e = 0; e < TLB_ENTRIES; e++) if (paD[e] === pa && tagW[e] !== -1) tagW[e] = -1;
  }

  /** Detaches from its address space and returns its frames to the pool. */
  release(): void {
    this.attach(null);
    this.phys.tlbs.delete(this);
    for (const f of this.frames) this.phys.unref(f);
    this.frames.length = 0;
  }
}
