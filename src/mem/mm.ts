// Mm: one guest address space (Linux's mm_struct): the VMA list, brk, mmap placement.
// Invariant: every page outside a VMA holds zeros (unmapping zeroes the non-zero pages), so a
// new anonymous mapping needs no work and untouched pages are never written (see zero_pages.ts).
import { EEXIST, EFAULT, EINVAL, ENOMEM, EOPNOTSUPP, EPERM, EACCES, EOVERFLOW } from '../abi/errno.js';
import { GuestMemory, PAGE_SHIFT, PAGE_SIZE, PAGE_WATCH, TASK_SIZE } from './guest_memory.js';
import {
  MMAP_MIN_ADDR, MAX_MAP_COUNT, STACK_SIZE_DEFAULT, STACK_TOP, TASK_UNMAPPED_BASE, mmapBaseFor,
} from './layout.js';
import { mapsText } from './maps_text.js';
import {
  MADV_COLD, MADV_COLLAPSE, MADV_DODUMP, MADV_DOFORK, MADV_DONTDUMP, MADV_DONTFORK, MADV_DONTNEED,
  MADV_DONTNEED_LOCKED, MADV_FREE, MADV_HUGEPAGE, MADV_HWPOISON, MADV_KEEPONFORK, MADV_MERGEABLE,
  MADV_NOHUGEPAGE, MADV_NORMAL, MADV_PAGEOUT, MADV_POPULATE_READ, MADV_POPULATE_WRITE, MADV_RANDOM,
  MADV_REMOVE, MADV_SEQUENTIAL, MADV_SOFT_OFFLINE, MADV_UNMERGEABLE, MADV_WILLNEED, MADV_WIPEONFORK,
  MAP_ANONYMOUS, MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_GROWSDOWN, MAP_HUGETLB, MAP_PRIVATE, MAP_SHARED,
  MAP_SHARED_VALIDATE, MAP_STACK, MAP_TYPE, MAP_VALIDATE_KNOWN, MREMAP_DONTUNMAP, MREMAP_FIXED,
  MREMAP_MAYMOVE, PROT_GROWSDOWN, PROT_GROWSUP, PROT_SEM, PROT_VALID_MMAP, VMA_FLAG_BITS,
} from './mman.js';
import { bottomUp, rangeFree, topDown } from './unmapped_area.js';
import { sliceVma, VmaList } from './vma_list.js';
import { copyNonZeroPages, zeroPages } from './zero_pages.js';

/** Source of bytes for a file-backed mapping (MAP_PRIVATE copies them in at map time). */
export interface MmapFile {
  /** Reads up to buf.length bytes at offset into buf; returns bytes read (0 at EOF). */
  read(offset: number, buf: Uint8Array): number;
  /** Guest path for /proc/self/maps, and identity for the maps line. */
  readonly path: string;
  /** st_dev as stat(2) reports it (user-space encoding); maps shows its major:minor. */
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

/** Advice values that only inform the kernel: accepted and ignored. */
const ADVISORY = new Set([
  MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED, MADV_DONTFORK, MADV_DOFORK, MADV_MERGEABLE,
  MADV_UNMERGEABLE, MADV_HUGEPAGE, MADV_NOHUGEPAGE, MADV_DONTDUMP, MADV_DODUMP, MADV_KEEPONFORK,
  MADV_COLD, MADV_PAGEOUT, MADV_POPULATE_READ, MADV_POPULATE_WRITE, MADV_COLLAPSE,
]);

/** Returns len rounded up to a whole number of pages (may exceed TASK_SIZE; callers check). */
function pageAlign(len: number): number {
  return Math.ceil(len / PAGE_SIZE) * PAGE_SIZE;
}

/** True if addr is a page-aligned non-negative integer. */
function aligned(addr: number): boolean {
  return addr >= 0 && addr % PAGE_SIZE === 0;
}

/**
 * Largest initial stack mapping. Linux grows the stack on demand up to RLIMIT_STACK; here the
 * whole stack is mapped up front (untouched pages are free), so an unlimited rlimit must not
 * take the address space.
 */
const STACK_MAP_MAX = 256 * 1024 * 1024;

/** Bytes read per file read call while filling a file mapping (bounds one temporary view). */
const FILE_FILL_CHUNK = 1 << 20;

export class Mm {
  readonly mem = new GuestMemory();
  /** Start of the heap (set by the loader) and the current break. */
  brkStart = 0;
  brk = 0;
  /** Top of the top-down mmap area (below the stack gap). */
  mmapBase = mmapBaseFor(STACK_SIZE_DEFAULT);
  private readonly vmaList = new VmaList();

  /** Linux mmap(2): returns the mapped address or -errno. `name` labels the VMA in maps. */
  mmap(addr: number, len: number, prot: number, flags: number, file: MmapFile | null, offset: number, name = ''): number {
    if (offset % PAGE_SIZE !== 0) return -EINVAL; // checked on the unsigned value: -4096 is aligned
    // Linux ignores unknown prot bits here; qemu-riscv64 (our reference) refuses all but R|W|X|SEM.
    if (!Number.isInteger(prot) || prot < 0 || prot > (PROT_VALID_MMAP | PROT_SEM)) return -EINVAL;
    prot &= PROT_VALID_MMAP;
    if (flags & MAP_ANONYMOUS) file = null;
    const type = flags & MAP_TYPE;
    if (type !== MAP_SHARED && type !== MAP_PRIVATE && type !== MAP_SHARED_VALIDATE) return -EINVAL;
    if (type === MAP_SHARED_VALIDATE) {
      if (!file) return -EINVAL; // Linux validates extension flags only for files
      if (flags & ~MAP_VALIDATE_KNOWN) return -EOPNOTSUPP;
    }
    if (!(len > 0)) return len === 0 ? -EINVAL : -ENOMEM;
    const fixed = (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) !== 0;
    if (!fixed && addr > 0 && addr < MMAP_MIN_ADDR) addr = MMAP_MIN_ADDR;
    len = pageAlign(len);
    if (len > TASK_SIZE) return -ENOMEM;
    if (file && offset < 0) return -EOVERFLOW;
    if (this.vmaList.list.length >= MAX_MAP_COUNT) return -ENOMEM;
    if (flags & MAP_HUGETLB) return file ? -EINVAL : -ENOMEM; // no huge pages reserved
    if (fixed) {
      if (!aligned(addr)) return -EINVAL;
      if (addr > TASK_SIZE - len) return -ENOMEM;
      if (addr < MMAP_MIN_ADDR) return -EPERM;
      if (flags & MAP_FIXED_NOREPLACE && this.vmaList.overlaps(addr, addr + len)) return -EEXIST;
    } else {
      addr = this.unmappedArea(addr, len);
      if (addr < 0) return -ENOMEM;
    }
    if (!file && type !== MAP_PRIVATE && flags & MAP_GROWSDOWN) return -EINVAL;
    if (fixed) this.unmapRange(addr, addr + len);
    const vflags = (flags & VMA_FLAG_BITS & ~MAP_TYPE) | (type === MAP_PRIVATE ? MAP_PRIVATE : MAP_SHARED) |
      (file ? 0 : MAP_ANONYMOUS);
    this.mapRange({ start: addr, end: addr + len, prot, flags: vflags, file, offset: file ? offset : 0, name });
    return addr;
  }

  /** munmap(2): 0 or -errno. */
  munmap(addr: number, len: number): number {
    if (!aligned(addr) || addr > TASK_SIZE || !(len >= 0) || len > TASK_SIZE - addr) return -EINVAL;
    len = pageAlign(len);
    if (len === 0) return -EINVAL;
    if (this.vmaList.list.length + this.vmaList.splitsNeeded(addr, addr + len) > MAX_MAP_COUNT) return -ENOMEM;
    this.unmapRange(addr, addr + len);
    return 0;
  }

  /** mprotect(2): 0 or -errno (splits VMAs). */
  mprotect(addr: number, len: number, prot: number): number {
    if (!aligned(addr)) return -EINVAL;
    const grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);
    if (grows === (PROT_GROWSDOWN | PROT_GROWSUP)) return -EINVAL;
    if (!(prot >= 0 && prot <= 0xffffffff) || prot & ~(PROT_VALID_MMAP | PROT_SEM | PROT_GROWSDOWN | PROT_GROWSUP)) return -EINVAL;
    if (!(len >= 0)) return -ENOMEM;
    if (len === 0) return 0;
    len = pageAlign(len);
    let end = addr + len;
    if (end > TASK_SIZE) return -ENOMEM;
    const first = this.vmaList.findNext(addr);
    if (!first) return -ENOMEM;
    if (grows & PROT_GROWSDOWN) {
      if (first.start >= end) return -ENOMEM;
      if (!(first.flags & MAP_GROWSDOWN)) return -EINVAL;
      addr = first.start;
    } else if (grows & PROT_GROWSUP) {
      return -EINVAL; // riscv has no VM_GROWSUP mappings
    } else if (first.start > addr) {
      return -ENOMEM;
    }
    const newProt = prot & PROT_VALID_MMAP;
    // Linux changes the VMAs up to the first hole, then reports ENOMEM for the hole.
    let at = addr;
    let err = 0;
    for (const v of this.vmaList.intersecting(addr, end)) {
      if (v.start > at) { err = -ENOMEM; end = at; break; }
      at = v.end;
    }
    if (!err && at < end) { err = -ENOMEM; end = at; }
    if (end > addr) {
      for (const piece of this.vmaList.carve(addr, end)) {
        piece.prot = newProt;
        this.vmaList.insert(piece);
        this.setPages(piece.start, piece.end, newProt, true);
      }
    }
    return err;
  }

  /** mremap(2): new address or -errno. */
  mremap(oldAddr: number, oldLen: number, newLen: number, flags: number, newAddr: number): number {
    if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP) || flags < 0) return -EINVAL;
    if (flags & MREMAP_FIXED && !(flags & MREMAP_MAYMOVE)) return -EINVAL;
    if (flags & MREMAP_DONTUNMAP) return -EINVAL; // not supported yet
    if (!aligned(oldAddr)) return -EINVAL;
    if (!(oldLen >= 0) || !(newLen >= 0)) return -EINVAL;
    oldLen = pageAlign(oldLen);
    newLen = pageAlign(newLen);
    if (newLen === 0 || newLen > TASK_SIZE || oldLen > TASK_SIZE) return -EINVAL;
    const vma = this.vmaList.find(oldAddr);
    if (!vma) return -EFAULT;
    if (oldLen === 0) return -EINVAL; // duplicating a shared mapping is not supported (private: EINVAL as Linux)
    if (flags & MREMAP_FIXED) {
      if (!aligned(newAddr) || newAddr > TASK_SIZE - newLen) return -EINVAL;
      if (newAddr < oldAddr + oldLen && oldAddr < newAddr + newLen) return -EINVAL;
      if (newAddr < MMAP_MIN_ADDR) return -EPERM;
      if (oldLen > vma.end - oldAddr) return -EFAULT;
      this.unmapRange(newAddr, newAddr + newLen);
      if (oldLen > newLen) { this.unmapRange(oldAddr + newLen, oldAddr + oldLen); oldLen = newLen; }
      return this.moveRange(vma, oldAddr, oldLen, newAddr, newLen);
    }
    if (oldLen >= newLen) {
      if (oldLen > newLen) this.unmapRange(oldAddr + newLen, oldAddr + oldLen);
      return oldAddr;
    }
    if (oldLen > vma.end - oldAddr) return -EFAULT;
    // Grow in place when the range ends at the VMA's end and the space after it is free.
    if (oldAddr + oldLen === vma.end && oldAddr + newLen <= TASK_SIZE &&
        !this.vmaList.overlaps(vma.end, oldAddr + newLen)) {
      const grown = sliceVma(vma, vma.end, vma.end); // same attributes, continues the file offset
      grown.end = oldAddr + newLen;
      this.mapRange(grown);
      return oldAddr;
    }
    if (!(flags & MREMAP_MAYMOVE)) return -ENOMEM;
    const dest = this.unmappedArea(0, newLen);
    if (dest < 0) return -ENOMEM;
    return this.moveRange(vma, oldAddr, oldLen, dest, newLen);
  }

  /** madvise(2): 0 or -errno; MADV_DONTNEED zeroes private anonymous pages. */
  madvise(addr: number, len: number, advice: number): number {
    const known = ADVISORY.has(advice) || advice === MADV_DONTNEED || advice === MADV_FREE ||
      advice === MADV_DONTNEED_LOCKED || advice === MADV_REMOVE || advice === MADV_WIPEONFORK ||
      advice === MADV_HWPOISON || advice === MADV_SOFT_OFFLINE;
    if (!known) return -EINVAL;
    if (!aligned(addr)) return -EINVAL;
    if (!(len >= 0)) return -EINVAL;
    len = pageAlign(len);
    const end = addr + len;
    if (end > TASK_SIZE && len > 0) return -ENOMEM;
    if (len === 0) return 0;
    if (advice === MADV_HWPOISON || advice === MADV_SOFT_OFFLINE) return -EPERM; // needs CAP_SYS_ADMIN
    const vmas = this.vmaList.intersecting(addr, end);
    let covered = 0;
    for (const v of vmas) covered += Math.min(v.end, end) - Math.max(v.start, addr);
    const unmappedErr = covered < len ? -ENOMEM : 0;
    for (const v of vmas) {
      const s = Math.max(v.start, addr), e = Math.min(v.end, end);
      const r = this.adviseVma(v, s, e, advice);
      if (r < 0) return r;
    }
    return unmappedErr;
  }

  /** Sets the initial break (page-aligned end of the loaded image). */
  initBrk(addr: number): void { this.brkStart = this.brk = addr; }

  /** brk(2): returns the new break, or the old one on failure (never -errno). */
  setBrk(addr: number): number {
    if (this.brkStart === 0 || !(addr >= this.brkStart) || addr > TASK_SIZE) return this.brk;
    const newEnd = pageAlign(addr);
    const oldEnd = pageAlign(this.brk);
    if (newEnd === oldEnd) { this.brk = addr; return addr; }
    if (addr < this.brk) {
      this.unmapRange(newEnd, oldEnd);
      this.brk = addr;
      return addr;
    }
    // Growing: leave at least one page between the heap and the next mapping (or its stack guard gap).
    if (newEnd + PAGE_SIZE > TASK_SIZE || !rangeFree(this.vmaList, oldEnd, newEnd - oldEnd + PAGE_SIZE)) return this.brk;
    if (this.vmaList.list.length >= MAX_MAP_COUNT) return this.brk;
    this.mapRange({
      start: oldEnd, end: newEnd, prot: 3, flags: MAP_PRIVATE | MAP_ANONYMOUS, file: null, offset: 0, name: '[heap]',
    });
    this.brk = addr;
    return addr;
  }

  /** Maps the initial stack [STACK_TOP - size, STACK_TOP) read-write; returns STACK_TOP. */
  mapStack(size = STACK_SIZE_DEFAULT): number {
    size = pageAlign(Math.min(size, STACK_MAP_MAX));
    this.mmapBase = mmapBaseFor(size);
    const r = this.mmap(STACK_TOP - size, size, 3,
      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_GROWSDOWN | MAP_STACK, null, 0, '[stack]');
    if (r < 0) throw new Error(`mapStack: ${r}`);
    return STACK_TOP;
  }

  /** The VMA containing addr, if any. */
  findVma(addr: number): Vma | undefined { return this.vmaList.find(addr); }

  /** All VMAs in address order. */
  vmas(): readonly Vma[] { return this.vmaList.list; }

  /** The text of /proc/self/maps. */
  mapsText(): string { return mapsText(this.vmaList.list); }

  /** Returns a copy of this address space (fork without CLONE_VM): same VMAs, same bytes. */
  fork(): Mm {
    const child = new Mm();
    child.brkStart = this.brkStart;
    child.brk = this.brk;
    child.mmapBase = this.mmapBase;
    for (const v of this.vmaList.list) {
      child.vmaList.list.push({ ...v });
      const first = v.start >>> PAGE_SHIFT, count = (v.end - v.start) >>> PAGE_SHIFT;
      copyNonZeroPages(this.mem.u8, first, child.mem.u8, first, count);
      child.mem.setPages(first, count, v.prot, true);
      child.mem.markTouched(first, count);
    }
    return child;
  }

  // --- internals ---

  /** Returns a free address for len bytes: the hint if free, else top-down below mmapBase, else bottom-up; -1 if none. */
  private unmappedArea(hint: number, len: number): number {
    if (hint > 0) {
      const a = pageAlign(hint);
      if (a <= TASK_SIZE - len && a >= MMAP_MIN_ADDR && rangeFree(this.vmaList, a, len)) return a;
    }
    const a = topDown(this.vmaList, len, MMAP_MIN_ADDR, this.mmapBase);
    if (a >= 0) return a;
    return bottomUp(this.vmaList, len, TASK_UNMAPPED_BASE, TASK_SIZE);
  }

  /** Sets mem.prot for the pages of [start, end). */
  private setPages(start: number, end: number, prot: number, mapped: boolean): void {
    this.mem.setPages(start >>> PAGE_SHIFT, (end - start) >>> PAGE_SHIFT, prot, mapped);
  }

  /** Adds a VMA over a free (hence zero) range, sets its page protections and fills file bytes. */
  private mapRange(v: Vma): void {
    this.vmaList.insert(v);
    this.setPages(v.start, v.end, v.prot, true);
    if (v.file) this.fillFromFile(v.file, v.offset, v.start, v.end);
  }

  /** Copies file bytes from offset into [start, end); bytes past EOF stay zero. */
  private fillFromFile(file: MmapFile, offset: number, start: number, end: number): void {
    this.mem.markTouched(start >>> PAGE_SHIFT, (end - start + PAGE_SIZE - 1) >>> PAGE_SHIFT);
    let at = start;
    while (at < end) {
      const n = Math.min(end - at, FILE_FILL_CHUNK);
      let got: number;
      try {
        got = file.read(offset + (at - start), this.mem.u8.subarray(at, at + n));
      } catch {
        got = 0; // an unreadable file reads as EOF (Linux would SIGBUS on access)
      }
      if (!(got > 0)) break;
      at += Math.min(got, n);
    }
  }

  /** Removes every mapping in [start, end) and zeroes its non-zero pages (keeps the invariant). */
  private unmapRange(start: number, end: number): void {
    for (const piece of this.vmaList.carve(start, end)) {
      this.setPages(piece.start, piece.end, 0, false);
      zeroPages(this.mem.u8, piece.start >>> PAGE_SHIFT, (piece.end - piece.start) >>> PAGE_SHIFT, this.mem.touched, true);
    }
  }

  /** Zeroes the non-zero pages of mapped [start, end), dropping cached code on the pages written. */
  private zeroMapped(start: number, end: number): void {
    for (const p of zeroPages(this.mem.u8, start >>> PAGE_SHIFT, (end - start) >>> PAGE_SHIFT, this.mem.touched, false)) {
      if (this.mem.prot[p]! & PAGE_WATCH) this.mem.invalidate(p, 1);
    }
  }

  /** Moves [oldAddr, oldAddr+oldLen) of vma to a free range at newAddr of newLen bytes; returns newAddr. */
  private moveRange(vma: Vma, oldAddr: number, oldLen: number, newAddr: number, newLen: number): number {
    const copyLen = Math.min(oldLen, newLen);
    const moved = sliceVma(vma, oldAddr, oldAddr + copyLen);
    this.vmaList.insert({ ...moved, start: newAddr, end: newAddr + copyLen });
    this.setPages(newAddr, newAddr + copyLen, moved.prot, true);
    copyNonZeroPages(this.mem.u8, oldAddr >>> PAGE_SHIFT, this.mem.u8, newAddr >>> PAGE_SHIFT, copyLen >>> PAGE_SHIFT);
    this.mem.markTouched(newAddr >>> PAGE_SHIFT, copyLen >>> PAGE_SHIFT);
    this.unmapRange(oldAddr, oldAddr + oldLen);
    if (newLen > copyLen) {
      const tail = { ...moved, start: newAddr + copyLen, end: newAddr + newLen,
        offset: moved.file ? moved.offset + copyLen : 0 };
      this.mapRange(tail);
    }
    return newAddr;
  }

  /** Applies one madvise advice to [s, e) within v; 0 or -errno. */
  private adviseVma(v: Vma, s: number, e: number, advice: number): number {
    const privateAnon = !v.file && !(v.flags & MAP_SHARED);
    switch (advice) {
      case MADV_DONTNEED:
      case MADV_DONTNEED_LOCKED:
        if (v.flags & MAP_SHARED) return 0; // shared pages keep their contents (page cache / shmem)
        this.zeroMapped(s, e);
        if (v.file) this.fillFromFile(v.file, v.offset + (s - v.start), s, e);
        return 0;
      case MADV_FREE:
        if (!privateAnon) return -EINVAL;
        this.zeroMapped(s, e);
        return 0;
      case MADV_REMOVE:
        if (!v.file) return -EINVAL;
        if (!(v.flags & MAP_SHARED) || !(v.prot & 2)) return -EACCES;
        return -EOPNOTSUPP; // punching holes in files is not supported
      case MADV_WIPEONFORK:
        return privateAnon ? 0 : -EINVAL;
      default:
        return 0;
    }
  }
}
