// CONTRACT SKELETON (the memory-manager helper replaces the bodies; keep the signatures).
// Mm: one guest address space (Linux's mm_struct): the VMA list, brk, mmap placement.
import { GuestMemory } from './guest_memory.js';

/** Source of bytes for a file-backed mapping (MAP_PRIVATE copies them in at map time). */
export interface MmapFile {
  /** Reads up to buf.length bytes at offset into buf; returns bytes read (0 at EOF). */
  read(offset: number, buf: Uint8Array): number;
  /** Guest path for /proc/self/maps, and identity for the maps line. */
  readonly path: string;
  readonly dev: number;
  readonly ino: number;
}

/** A virtual memory area: [start, end), page-aligned. */
export interface Vma {
  start: number;
  end: number;
  prot: number;
  /** MAP_* flags it was created with (MAP_PRIVATE/SHARED/ANONYMOUS/GROWSDOWN/STACK...). */
  flags: number;
  file: MmapFile | null;
  /** File offset of `start` (for file mappings). */
  offset: number;
  /** "[heap]", "[stack]", "[vdso]" or "" (file mappings show file.path). */
  name: string;
}

export class Mm {
  readonly mem = new GuestMemory();
  /** Start of the heap (set by the loader) and the current break. */
  brkStart = 0;
  brk = 0;

  /** Linux mmap(2): returns the mapped address or -errno. `name` labels the VMA in maps. */
  mmap(addr: number, len: number, prot: number, flags: number, file: MmapFile | null, offset: number, name = ''): number {
    void addr; void len; void prot; void flags; void file; void offset; void name;
    throw new Error('not implemented');
  }
  /** munmap(2): 0 or -errno. */
  munmap(addr: number, len: number): number { void addr; void len; throw new Error('not implemented'); }
  /** mprotect(2): 0 or -errno (splits VMAs). */
  mprotect(addr: number, len: number, prot: number): number { void addr; void len; void prot; throw new Error('not implemented'); }
  /** mremap(2): new address or -errno. */
  mremap(oldAddr: number, oldLen: number, newLen: number, flags: number, newAddr: number): number {
    void oldAddr; void oldLen; void newLen; void flags; void newAddr; throw new Error('not implemented');
  }
  /** madvise(2): 0 or -errno; MADV_DONTNEED zeroes private anonymous pages. */
  madvise(addr: number, len: number, advice: number): number { void addr; void len; void advice; throw new Error('not implemented'); }
  /** Sets the initial break (page-aligned end of the loaded image). */
  initBrk(addr: number): void { this.brkStart = this.brk = addr; }
  /** brk(2): returns the new break, or the old one on failure (never -errno). */
  setBrk(addr: number): number { void addr; throw new Error('not implemented'); }
  /** The VMA containing addr, if any. */
  findVma(addr: number): Vma | undefined { void addr; throw new Error('not implemented'); }
  /** All VMAs in address order. */
  vmas(): readonly Vma[] { throw new Error('not implemented'); }
  /** The text of /proc/self/maps. */
  mapsText(): string { throw new Error('not implemented'); }
}
