// Decoded-instruction cache: per 4 KiB code page, an Int32Array of (info, imm) per halfword slot.
// Pages with cached code carry PAGE_WATCH, so a store to them (or any remap) drops the cache.
import { GuestMemory, NUM_PAGES, PAGE_WATCH } from '../mem/guest_memory.js';

/** Int32 entries per page: 2048 halfword slots x (info, imm). Index = (pc & 0xffe), +1 for imm. */
export const PAGE_ENTRIES = 4096;

export class CodeCache {
  private readonly pages = new Map<number, Int32Array>();

  constructor(private readonly mem: GuestMemory) {
    mem.onInvalidate((first, count) => this.drop(first, count));
  }

  /** Returns the decode array for page pg, creating an empty one and watching the page. */
  page(pg: number): Int32Array {
    let p = this.pages.get(pg);
    if (p === undefined) {
      p = new Int32Array(PAGE_ENTRIES);
      this.pages.set(pg, p);
      this.mem.prot[pg]! |= PAGE_WATCH;
    }
    return p;
  }

  /** Forgets decoded code for pages [first, first+count). */
  drop(first: number, count: number): void {
    if (this.pages.size === 0) return;
    const end = Math.min(first + count, NUM_PAGES);
    const prot = this.mem.prot;
    if (count > this.pages.size) {
      for (const pg of this.pages.keys()) {
        if (pg >= first && pg < end) { this.pages.delete(pg); prot[pg]! &= ~PAGE_WATCH; }
      }
    } else {
      for (let pg = first; pg < end; pg++) {
        if (this.pages.delete(pg)) prot[pg]! &= ~PAGE_WATCH;
      }
    }
  }
}

const caches = new WeakMap<GuestMemory, CodeCache>();

/** The code cache of an address space (shared by all harts running in it). */
export function codeCacheFor(mem: GuestMemory): CodeCache {
  let c = caches.get(mem);
  if (c === undefined) {
    c = new CodeCache(mem);
    caches.set(mem, c);
  }
  return c;
}
