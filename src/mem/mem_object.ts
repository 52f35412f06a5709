// A memory object: the frames behind shared and file mappings (Linux's address_space of a file,
// or the shmem object of a MAP_SHARED|MAP_ANONYMOUS mapping). Every mapping of the same file, in
// any address space, maps the same frames, so writes through one are seen by all and by read().
// Frames are filled from the file on first touch, written back on msync, munmap, exit and before
// a read() of the file, and freed when the last VMA that maps the object goes away.
import { FRAME_DIRTY, type PhysMem, PAGE_SIZE } from './phys.js';

/** Fault results an object can give instead of a frame (as negative numbers). */
export const OBJ_BUS = -3, OBJ_OOM = -4;

/** Where a file mapping's bytes come from and go back to. */
export interface FileBacking {
  /** Reads up to buf.length bytes at offset into buf; returns bytes read (0 at EOF) or -errno. */
  read(offset: number, buf: Uint8Array): number;
  /** Writes data at offset (write-back); absent for sources that cannot be written. */
  write?(offset: number, data: Uint8Array): number;
  /** The file's current size in bytes, or -errno; absent: the source never ends. */
  size?(): number;
  /** Called once when the object dies (closes what the backing holds open). */
  release?(): void;
}

/** An address space as a memory object sees it: what the object asks of the spaces that map it (GuestMemory). */
export interface ObjectMapper {
  /** Makes page `index` of obj read-only in every mapping of it (so the next write is seen). */
  writeProtectObjectPage(obj: MemObject, index: number): void;
  /** Unmaps the pages of obj at index `from` and beyond (a file truncated or an object shrunk). */
  zapObjectPages(obj: MemObject, from: number): void;
}

/** Each machine's page cache (by its PhysMem): file memory objects by file key, so every mapping of one file shares its frames. */
const pageCaches = new WeakMap<PhysMem, Map<string, MemObject>>();

/** Returns phys's page cache: the live memory objects of files by key (made on first use). */
export function pageCache(phys: PhysMem): Map<string, MemObject> {
  let cache = pageCaches.get(phys);
  if (cache === undefined) pageCaches.set(phys, cache = new Map());
  return cache;
}

export class MemObject {
  /** Page index -> frame, for the pages touched so far (the object holds one reference each). */
  readonly frames = new Map<number, number>();
  /** Indexes of the pages written through a mapping since their last write-back. */
  private readonly dirty = new Set<number>();
  /** Address spaces mapping this object, with how many of their VMAs do. */
  readonly mappers = new Map<ObjectMapper, number>();
  private vmaRefs = 0;
  private dead = false;
  /** The backing's size as last asked (-1: not yet): a page below it needs no size() call (a
   *  host fstat); one at or past it asks again, and a page that reads as empty re-checks it. */
  private knownSize = -1;

  /**
   * A file's pages (backing non-null, registered under key in phys's pageCache if given), or an
   * anonymous shared object of `pages` pages (backing null): beyond its size an access is SIGBUS.
   */
  constructor(readonly phys: PhysMem, readonly backing: FileBacking | null, readonly pages: number, readonly key: string | null = null) {
    if (key !== null) pageCache(phys).set(key, this);
  }

  /** Counts a VMA of mem that maps this object. */
  link(mem: ObjectMapper): void {
    this.vmaRefs++;
    this.mappers.set(mem, (this.mappers.get(mem) ?? 0) + 1);
  }

  /** Uncounts a VMA of mem; the object dies with its last VMA. */
  unlink(mem: ObjectMapper): void {
    const n = (this.mappers.get(mem) ?? 1) - 1;
    if (n > 0) this.mappers.set(mem, n); else this.mappers.delete(mem);
    if (--this.vmaRefs === 0) this.release();
  }

  /** Holds the object alive for the kernel (an io_uring's rings) with or without a mapping. */
  pin(): void {
    this.vmaRefs++;
  }

  /** Drops a pin(); the object dies if no VMA maps it either. */
  unpin(): void {
    if (--this.vmaRefs === 0) this.release();
  }

  /** Pages of the object that have a frame (resident; what shm's rss counts). */
  get residentPages(): number {
    return this.frames.size;
  }

  /** Returns the frame of page index i, reading it from the file on first touch; OBJ_BUS past EOF, OBJ_OOM. */
  frame(i: number): number {
    const have = this.frames.get(i);
    if (have !== undefined) return have;
    const b = this.backing;
    if (b === null) {
      if (i >= this.pages) return OBJ_BUS;
    } else if (b.size && i * PAGE_SIZE >= this.knownSize) {
      const size = this.knownSize = b.size();
      if (size < 0 || i * PAGE_SIZE >= size) return OBJ_BUS;
    }
    const f = this.phys.alloc();
    if (f < 0) return OBJ_OOM;
    if (b !== null) {
      const off = f * PAGE_SIZE;
      let got = 0;
      while (got < PAGE_SIZE) {
        let n: number;
        try {
          n = b.read(i * PAGE_SIZE + got, this.phys.u8.subarray(off + got, off + PAGE_SIZE));
        } catch {
          n = -1;
        }
        if (n < 0 && got === 0) { this.phys.unref(f); return OBJ_BUS; } // an unreadable page is SIGBUS, as in Linux
        if (n === 0 && got === 0 && b.size) { // the file may have shrunk since its size was last asked
          const size = this.knownSize = b.size();
          if (size < 0 || i * PAGE_SIZE >= size) { this.phys.unref(f); return OBJ_BUS; }
        }
        if (!(n > 0)) break;
        got += n;
      }
    }
    this.frames.set(i, f);
    return f;
  }

  /** Records that page i (which must have a frame) was written through a mapping. */
  markDirty(i: number): void {
    const f = this.frames.get(i);
    if (f === undefined || this.backing === null) return; // anonymous memory has nowhere to go
    this.phys.flags[f]! |= FRAME_DIRTY;
    this.dirty.add(i);
  }

  /** Writes the dirty pages with index in [first, end) back to the file and write-protects them. */
  writeback(first = 0, end = Infinity): void {
    const b = this.backing;
    if (this.dirty.size === 0 || b === null || !b.write) return;
    const size = b.size ? b.size() : Infinity;
    for (const i of [...this.dirty].sort((x, y) => x - y)) {
      const f = this.frames.get(i);
      if (i < first || i >= end || f === undefined) continue;
      this.dirty.delete(i);
      this.phys.flags[f]! &= ~FRAME_DIRTY;
      for (const mem of this.mappers.keys()) mem.writeProtectObjectPage(this, i);
      const start = i * PAGE_SIZE;
      if (start >= size) continue; // bytes past EOF are not part of the file
      const n = Math.min(PAGE_SIZE, size - start);
      b.write(start, this.phys.u8.subarray(f * PAGE_SIZE, f * PAGE_SIZE + n));
    }
  }

  /** True if some page of the object was written through a mapping and not written back yet. */
  hasDirty(): boolean {
    return this.dirty.size > 0;
  }

  /** A write() put data at offset into the file: copies it into the cached pages it covers. */
  fileWritten(offset: number, data: Uint8Array): void {
    if (this.frames.size === 0 || data.length === 0) return;
    const end = offset + data.length;
    for (let i = Math.floor(offset / PAGE_SIZE); i * PAGE_SIZE < end; i++) {
      const f = this.frames.get(i);
      if (f === undefined) continue;
      const s = Math.max(offset, i * PAGE_SIZE), e = Math.min(end, (i + 1) * PAGE_SIZE);
      this.phys.noteWrite(f);
      this.phys.u8.set(data.subarray(s - offset, e - offset), f * PAGE_SIZE + (s - i * PAGE_SIZE));
    }
  }

  /** The file was truncated to size bytes: pages past the new EOF leave every mapping (SIGBUS after). */
  truncated(size: number): void {
    this.knownSize = size;
    const keep = Math.ceil(size / PAGE_SIZE);
    const last = this.frames.get(keep - 1);
    if (size % PAGE_SIZE !== 0 && last !== undefined) {
      this.phys.noteWrite(last);
      this.phys.u8.fill(0, last * PAGE_SIZE + (size % PAGE_SIZE), (last + 1) * PAGE_SIZE);
    }
    for (const mem of this.mappers.keys()) mem.zapObjectPages(this, keep);
    for (const [i, f] of this.frames) {
      if (i < keep) continue;
      this.frames.delete(i);
      this.dirty.delete(i);
      this.phys.unref(f);
    }
  }

  /** Frees what the object holds: writes back, then returns its frames and closes its backing. */
  private release(): void {
    if (this.dead) return;
    this.dead = true;
    this.writeback();
    for (const f of this.frames.values()) this.phys.unref(f);
    this.frames.clear();
    const cache = pageCache(this.phys);
    if (this.key !== null && cache.get(this.key) === this) cache.delete(this.key);
    this.backing?.release?.();
  }
}
