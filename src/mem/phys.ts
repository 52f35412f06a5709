// The machine's physical memory: 4 KiB frames in one shared WebAssembly.Memory, with a reference
// count and flags per frame, a free list, and frame 0 as the shared zero page. Every address
// space maps its pages to these frames, and the CPU reads and writes them through its TLB.
// The bookkeeping (counts, flags, free list) lives in the pool's own first frames, so that later
// worker-thread harts and translated code see all of it through the one shared memory.

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 4096;
/** Bytes per WebAssembly page (the unit WebAssembly.Memory is sized in). */
const WASM_PAGE = 65536;
/** Default machine memory (`--memory`): 2 GiB. */
export const DEFAULT_MEMORY_BYTES = 2 * 1024 ** 3;
/** Largest machine memory: a wasm32 memory addresses at most 4 GiB. */
export const MAX_MEMORY_BYTES = 4 * 1024 ** 3;
/** Smallest machine memory: room for the bookkeeping, page tables and a small program. */
export const MIN_MEMORY_BYTES = 16 * 1024 ** 2;
/** Frame 0 holds zeros forever: untouched private pages map it read-only (Linux's zero page). */
export const ZERO_FRAME = 0;
/** Frame 1 is scratch for the CPU: a load that straddles two pages is assembled at its start;
 *  the translator's exchange area (registers in and out of translated code) is its second half. */
export const SCRATCH_FRAME = 1;
/** Bytes of bookkeeping per frame: refcount (4), free-list slot (4), flags (1). */
const META_BYTES_PER_FRAME = 9;

/** Frame flag: the CPU holds decoded code for this frame, so writes must drop it first. */
export const FRAME_WATCHED = 1;
/** Frame flag: a page-cache frame written through a shared mapping since its last write-back. */
export const FRAME_DIRTY = 2;
/** Frame flag: some TLB may hold a write tag for this frame (so watching it must look for one). */
export const FRAME_WTAGGED = 4;

/** The CPU's decoded-code cache, told when a watched frame is written or freed. */
export interface FrameWatcher {
  /** Forgets decoded code for frame f (and clears its FRAME_WATCHED flag). */
  drop(f: number): void;
}

/** Returns the byte size a `--memory` argument names ("64m", "2G", "1048576"), or null if malformed. */
export function parseMemorySize(s: string): number | null {
  const m = /^(\d+)([kmgKMG]?)(i?[bB])?$/.exec(s.trim());
  if (!m) return null;
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase()]!;
  return Number(m[1]) * unit;
}

/** A TLB as the frame pool sees it: what a frame-wide write-protect shootdown calls (Tlb). */
export interface WriteShootdown {
  /** Drops every writable translation to physical address pa. */
  dropWrite(pa: number): void;
}

/** The physical frame pool. */
export class PhysMem {
  readonly memory: WebAssembly.Memory;
  readonly bytes: number;
  readonly u8: Uint8Array;
  readonly dv: DataView;
  /** The whole pool as int32 words (page-table nodes and TLBs are read through this). */
  readonly i32: Int32Array;
  /** Number of frames, bookkeeping frames included. */
  readonly frames: number;
  /** Frames the bookkeeping and the zero page take (never allocated). */
  readonly reserved: number;
  /** One byte of FRAME_* flags per frame (a view into the pool). */
  readonly flags: Uint8Array;
  /** Every TLB that may hold translations to these frames (for frame-wide shootdowns). */
  readonly tlbs = new Set<WriteShootdown>();
  /** The decoded-code cache over these frames, once a hart has run. */
  code: FrameWatcher | null = null;
  /** Set when an allocation failed; the kernel's OOM killer clears it. */
  oomPending = false;
  private readonly refs: Int32Array;
  private readonly freeStack: Int32Array;
  private freeTop = 0;
  private next: number;
  private used = 0;

  /** Creates a pool of `bytes` (a multiple of 64 KiB between MIN_ and MAX_MEMORY_BYTES). */
  constructor(bytes = DEFAULT_MEMORY_BYTES) {
    if (!(bytes >= MIN_MEMORY_BYTES && bytes <= MAX_MEMORY_BYTES) || bytes % WASM_PAGE !== 0) {
      throw new RangeError(`memory size must be a multiple of 64 KiB between 16 MiB and 4 GiB, not ${bytes}`);
    }
    const pages = bytes / WASM_PAGE;
    // Reserved, not committed: the host backs pages lazily, so untouched frames cost nothing.
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
    this.bytes = bytes;
    const buf = this.memory.buffer;
    this.u8 = new Uint8Array(buf);
    this.dv = new DataView(buf);
    this.i32 = new Int32Array(buf);
    const n = bytes / PAGE_SIZE;
    this.frames = n;
    // Frame 0 is the zero page, frame 1 the CPU's scratch; the bookkeeping follows them.
    const metaFrames = Math.ceil((n * META_BYTES_PER_FRAME) / PAGE_SIZE);
    const base = 2 * PAGE_SIZE;
    this.refs = new Int32Array(buf, base, n);
    this.freeStack = new Int32Array(buf, base + 4 * n, n);
    this.flags = new Uint8Array(buf, base + 8 * n, n);
    this.reserved = 2 + metaFrames;
    this.next = this.reserved;
  }

  /** Frames neither allocated nor reserved. */
  get freeFrames(): number {
    return this.frames - this.reserved - this.used;
  }

  /** Frames allocated (page contents, page tables, TLBs). */
  get usedFrames(): number {
    return this.used;
  }

  /**
   * Returns a zeroed frame with reference count 1, or -1 when none is free (and sets oomPending).
   * Deterministic: the most recently freed frame first, then never-used frames in order.
   */
  alloc(): number {
    let f: number;
    if (this.freeTop > 0) {
      f = this.freeStack[--this.freeTop]!;
      this.u8.fill(0, f * PAGE_SIZE, (f + 1) * PAGE_SIZE);
    } else if (this.next < this.frames) {
      f = this.next++; // never used: still zero, and not yet backed by host memory
    } else {
      this.oomPending = true;
      return -1;
    }
    this.refs[f] = 1;
    this.flags[f] = 0;
    this.used++;
    return f;
  }

  /** Takes another reference on frame f (not the zero frame). */
  ref(f: number): void {
    this.refs[f]!++;
  }

  /** Drops a reference on frame f; frees it when the last one goes. The zero frame is ignored. */
  unref(f: number): void {
    if (f === ZERO_FRAME) return;
    if (--this.refs[f]! > 0) return;
    if (this.flags[f]! & FRAME_WATCHED) this.code?.drop(f);
    this.flags[f] = 0;
    this.freeStack[this.freeTop++] = f;
    this.used--;
  }

  /** The reference count of frame f. */
  refCount(f: number): number {
    return this.refs[f]!;
  }

  /** Drops decoded code for frame f if any (call before the kernel writes into it). */
  noteWrite(f: number): void {
    if (this.flags[f]! & FRAME_WATCHED) this.code?.drop(f);
  }

  /**
   * Marks frame f as holding decoded code: no TLB may keep a write tag to it from now on. Only
   * frames that were given a write tag since they were last watched need the TLBs searched.
   */
  watch(f: number): void {
    const fl = this.flags[f]!;
    this.flags[f] = (fl | FRAME_WATCHED) & ~FRAME_WTAGGED;
    if ((fl & FRAME_WTAGGED) === 0) return;
    const pa = f * PAGE_SIZE;
    for (const t of this.tlbs) t.dropWrite(pa | 0);
  }

  /** Copies frame `from` into frame `to`. */
  copyFrame(from: number, to: number): void {
    this.u8.copyWithin(to * PAGE_SIZE, from * PAGE_SIZE, (from + 1) * PAGE_SIZE);
  }
}
