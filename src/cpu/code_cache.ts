// Decoded-instruction cache: per 4 KiB frame of physical memory, an Int32Array of (info, imm) per
// halfword slot. Keyed by frame, not by virtual page, so every mapping of a code page (in any
// address space) shares one decode, and a write through any of them drops it: frames with
// decoded code are FRAME_WATCHED, the TLB gives them no write tag, and the store slow path, the
// kernel's copies and frame reuse all call drop() first.
import { FRAME_WATCHED, type FrameWatcher, type PhysMem } from '../mem/phys.js';

/** Int32 entries of the decode part of a page: 2048 halfword slots x (info, imm). Index = (pc & 0xffe), +1 for imm. */
export const DECODE_ENTRIES = 4096;
/**
 * Then one translator slot per halfword, at DECODE_ENTRIES + (pc & 0xfff) / 2: a positive value
 * names a translated entry point (function id * 256 + block), zero or less counts (down) how
 * often control arrived there. They live with the decode, so dropping the decode drops them.
 */
export const PAGE_ENTRIES = DECODE_ENTRIES + 2048;
/** The decode array of a frame with no decoded code. */
export const NO_CODE = new Int32Array(0);
/** Frames the decode table first covers; it doubles as higher frames hold code (low frames fill first). */
const INITIAL_FRAMES = 16384;
/**
 * Decode arrays are cut from blocks of this many, allocated together: one 24 KiB typed array
 * per code frame made the host allocate, zero and account a buffer each time (a Go program
 * decodes a few thousand frames). A cut is never handed out twice, so a dropped frame's array
 * is never seen again by anyone (the translator compares arrays by identity); a block's memory
 * goes when none of its arrays is reachable, at most this many times the decode in use.
 */
const BLOCK_PAGES = 16;

/** What the translator needs to hear from the code cache. */
export interface CodeListener {
  /** Frame f's decode (and so its translations) was dropped. */
  dropped(f: number): void;
}

export class CodeCache implements FrameWatcher {
  /** The translator over these frames, or null when only the interpreter runs. */
  jit: CodeListener | null = null;

  /**
   * Frame -> its decode array (NO_CODE when none): a dense array, so a lookup is one load; frames
   * at or past its length have none. It grows by replacement: read it again after page().
   */
  pages: Int32Array[];

  /** The block decode arrays are cut from, and how many of its arrays are handed out. */
  private block: Int32Array = NO_CODE;
  private cut = BLOCK_PAGES;

  constructor(private readonly phys: PhysMem) {
    this.pages = new Array<Int32Array>(Math.min(phys.frames, INITIAL_FRAMES)).fill(NO_CODE);
    phys.code = this;
  }

  /** Returns the decode array for frame f, creating an empty one and watching the frame. */
  page(f: number): Int32Array {
    if (f >= this.pages.length) {
      let n = this.pages.length;
      while (n <= f) n *= 2;
      const grown = new Array<Int32Array>(Math.min(n, this.phys.frames)).fill(NO_CODE);
      for (let i = 0; i < this.pages.length; i++) grown[i] = this.pages[i]!;
      this.pages = grown;
    }
    let p = this.pages[f]!;
    if (p === NO_CODE) {
      p = this.fresh();
      this.pages[f] = p;
      this.phys.watch(f);
    }
    return p;
  }

  /** Returns a zeroed decode array no one has seen (the next cut of the block). */
  private fresh(): Int32Array {
    if (this.cut === BLOCK_PAGES) {
      this.block = new Int32Array(BLOCK_PAGES * PAGE_ENTRIES);
      this.cut = 0;
    }
    const at = this.cut++ * PAGE_ENTRIES;
    return this.block.subarray(at, at + PAGE_ENTRIES);
  }

  /** Forgets decoded code for frame f. */
  drop(f: number): void {
    if (f < this.pages.length) this.pages[f] = NO_CODE;
    this.phys.flags[f]! &= ~FRAME_WATCHED;
    this.jit?.dropped(f);
  }
}

/** The code cache over phys (created on first use; shared by every hart and address space). */
export function codeCacheOf(phys: PhysMem): CodeCache {
  return phys.code instanceof CodeCache ? phys.code : new CodeCache(phys);
}
