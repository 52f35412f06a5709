// Mm: one guest address space (Linux's mm_struct): the mmap family's semantics over the VMA list
// and page table of a GuestMemory. A mapping costs no frames until a page is touched (see
// fault.ts); unmapping returns the frames of the pages that were touched, and nothing else.
import { EACCES, EAGAIN, EEXIST, EFAULT, EINVAL, ENOMEM, EOPNOTSUPP, EOVERFLOW, EPERM } from '../abi/errno.js';
import { ACCESS_READ, ACCESS_WRITE, FAULT_OK, FAULT_OOM } from './fault.js';
import { GuestMemory, NUM_PAGES, PAGE_SIZE, PROT_WRITE, TASK_SIZE } from './guest_memory.js';
import {
  MMAP_MIN_ADDR, MAX_MAP_COUNT, STACK_EXPAND, STACK_SIZE_DEFAULT, STACK_TOP, TASK_UNMAPPED_BASE, mmapBaseFor,
} from './layout.js';
import { mapsText } from './maps_text.js';
import { MemObject, pageCache } from './mem_object.js';
import {
  MADV_COLD, MADV_COLLAPSE, MADV_DODUMP, MADV_DOFORK, MADV_DONTDUMP, MADV_DONTFORK, MADV_DONTNEED,
  MADV_DONTNEED_LOCKED, MADV_FREE, MADV_HUGEPAGE, MADV_HWPOISON, MADV_KEEPONFORK, MADV_MERGEABLE,
  MADV_NOHUGEPAGE, MADV_NORMAL, MADV_PAGEOUT, MADV_POPULATE_READ, MADV_POPULATE_WRITE, MADV_RANDOM,
  MADV_REMOVE, MADV_SEQUENTIAL, MADV_SOFT_OFFLINE, MADV_UNMERGEABLE, MADV_WILLNEED, MADV_WIPEONFORK,
  MAP_ANONYMOUS, MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_GROWSDOWN, MAP_HUGETLB, MAP_LOCKED, MAP_NORESERVE,
  MAP_POPULATE, MAP_PRIVATE, MAP_SHARED, MAP_SHARED_VALIDATE, MAP_STACK, MAP_TYPE, MAP_VALIDATE_KNOWN,
  MREMAP_DONTUNMAP, MREMAP_FIXED, MREMAP_MAYMOVE, PROT_GROWSDOWN, PROT_GROWSUP, PROT_SEM, PROT_VALID_MMAP,
  VMA_FLAG_BITS,
} from './mman.js';
import { PTE_COW, PTE_W } from './page_table.js';
import type { PhysMem } from './phys.js';
import { bottomUp, rangeFree, topDown } from './unmapped_area.js';
import { sliceVma } from './vma_list.js';
import type { MmapFile, Vma } from './vma.js';

export type { MmapFile, Vma } from './vma.js';

/** Advice values that only inform the kernel: accepted and ignored. */
const ADVISORY = new Set([
  MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED, MADV_DONTFORK, MADV_DOFORK, MADV_MERGEABLE,
  MADV_UNMERGEABLE, MADV_HUGEPAGE, MADV_NOHUGEPAGE, MADV_DONTDUMP, MADV_DODUMP, MADV_KEEPONFORK,
  MADV_COLD, MADV_PAGEOUT, MADV_COLLAPSE,
]);

/** Returns len rounded up to a whole number of pages (may exceed TASK_SIZE; callers check). */
function pageAlign(len: number): number {
  return Math.ceil(len / PAGE_SIZE) * PAGE_SIZE;
}

/** True if addr is a page-aligned non-negative integer. */
function aligned(addr: number): boolean {
  return addr >= 0 && addr % PAGE_SIZE === 0;
}

/** True if a mapping with these prot and flags counts against RLIMIT_DATA (Linux's is_data_mapping). */
function isData(prot: number, flags: number): boolean {
  return (prot & PROT_WRITE) !== 0 && (flags & (MAP_SHARED | MAP_GROWSDOWN)) === 0;
}

/** True if a mapping is charged to the overcommit heuristic (private writable, not MAP_NORESERVE). */
function accountable(prot: number, flags: number): boolean {
  return (prot & PROT_WRITE) !== 0 && (flags & (MAP_SHARED | MAP_NORESERVE)) === 0;
}

export class Mm {
  readonly mem: GuestMemory;
  /** Start of the heap (set by the loader) and the current break. */
  brkStart = 0;
  brk = 0;
  /** The loaded image's data segment [startData, endData), for RLIMIT_DATA's brk check. */
  startData = 0;
  endData = 0;
  /** Top of the top-down mmap area (below the stack gap). */
  mmapBase = mmapBaseFor(STACK_SIZE_DEFAULT);
  /** mlockall(MCL_FUTURE) is in effect: new mappings are locked (Linux's VM_LOCKED in def_flags). */
  lockFuture = false;

  /** A fresh, empty address space over phys (a pool of its own by default). */
  constructor(phys?: PhysMem) {
    this.mem = new GuestMemory(phys);
  }

  /** The pool this address space's frames come from. */
  get phys(): PhysMem {
    return this.mem.phys;
  }

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
    if (this.mem.vmas.list.length >= MAX_MAP_COUNT) return -ENOMEM;
    if (flags & MAP_HUGETLB) return file ? -EINVAL : -ENOMEM; // no huge pages reserved
    if (fixed) {
      if (!aligned(addr)) return -EINVAL;
      if (addr > TASK_SIZE - len) return -ENOMEM;
      if (addr < MMAP_MIN_ADDR) return -EPERM;
      if (flags & MAP_FIXED_NOREPLACE && this.mem.vmas.overlaps(addr, addr + len)) return -EEXIST;
    } else {
      addr = this.unmappedArea(addr, len);
      if (addr < 0) return -ENOMEM;
    }
    if (!file && type !== MAP_PRIVATE && flags & MAP_GROWSDOWN) return -EINVAL;
    const shared = type !== MAP_PRIVATE;
    // /dev/zero: private, plain anonymous memory; shared, a shmem object (maps still names it).
    const zeroDev = file?.anonymous === true;
    if (zeroDev && !shared) file = null;
    const vflags = (flags & VMA_FLAG_BITS & ~MAP_TYPE) | (shared ? MAP_SHARED : MAP_PRIVATE) |
      (file ? 0 : MAP_ANONYMOUS) | (flags & MAP_LOCKED || this.lockFuture ? MAP_LOCKED : 0);
    const replaced = fixed ? this.bytesIn(addr, addr + len, () => true) : 0;
    const err = this.checkGrowth(len - replaced, prot, vflags,
      fixed ? this.bytesIn(addr, addr + len, (v) => isData(v.prot, v.flags)) : 0);
    if (err) return err;
    const populate = (flags & (MAP_POPULATE | MAP_LOCKED)) !== 0;
    if (populate && len / PAGE_SIZE > this.phys.freeFrames) return -ENOMEM;
    let obj: MemObject | null = null;
    if (shared && (zeroDev || !file)) {
      obj = new MemObject(this.phys, null, len / PAGE_SIZE);
      offset = 0;
    } else if (file) {
      obj = this.objectFor(file);
    }
    if (fixed) this.unmapRange(addr, addr + len);
    this.mem.vmas.insert({ start: addr, end: addr + len, prot, flags: vflags, file, offset: obj ? offset : 0, name, obj });
    if (populate && this.populate(addr, addr + len) === -ENOMEM) {
      this.unmapRange(addr, addr + len);
      return -ENOMEM;
    }
    return addr;
  }

  /** munmap(2): 0 or -errno. */
  munmap(addr: number, len: number): number {
    if (!aligned(addr) || addr > TASK_SIZE || !(len >= 0) || len > TASK_SIZE - addr) return -EINVAL;
    len = pageAlign(len);
    if (len === 0) return -EINVAL;
    if (this.mem.vmas.list.length + this.mem.vmas.splitsNeeded(addr, addr + len) > MAX_MAP_COUNT) return -ENOMEM;
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
    const vmas = this.mem.vmas;
    const first = vmas.findNext(addr);
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
    let newData = 0;
    for (const v of vmas.intersecting(addr, end)) {
      if (v.start > at) { err = -ENOMEM; end = at; break; }
      // A shared mapping of a file opened read-only can never be made writable (no VM_MAYWRITE).
      if (newProt & PROT_WRITE && v.flags & MAP_SHARED && v.file?.writable === false) return -EACCES;
      if (!isData(v.prot, v.flags) && isData(newProt, v.flags)) newData += Math.min(v.end, end) - Math.max(v.start, addr);
      at = v.end;
    }
    if (!err && at < end) { err = -ENOMEM; end = at; }
    // Turning memory into data counts against RLIMIT_DATA (Linux's may_expand_vm in mprotect_fixup).
    if (newData > 0 && this.dataVm() + newData > this.mem.limits.data) return -ENOMEM;
    if (end > addr) {
      for (const piece of vmas.carve(addr, end)) {
        piece.prot = newProt;
        vmas.insert(piece, true);
      }
      this.mem.protect(addr / PAGE_SIZE, end / PAGE_SIZE, newProt);
    }
    return err;
  }

  /** mremap(2): new address or -errno. */
  mremap(oldAddr: number, oldLen: number, newLen: number, flags: number, newAddr: number): number {
    if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP) || flags < 0) return -EINVAL;
    if (flags & MREMAP_FIXED && !(flags & MREMAP_MAYMOVE)) return -EINVAL;
    const dontUnmap = (flags & MREMAP_DONTUNMAP) !== 0;
    if (dontUnmap && (!(flags & MREMAP_MAYMOVE) || oldLen !== newLen)) return -EINVAL;
    if (!aligned(oldAddr)) return -EINVAL;
    if (!(oldLen >= 0) || !(newLen >= 0)) return -EINVAL;
    oldLen = pageAlign(oldLen);
    newLen = pageAlign(newLen);
    if (newLen === 0 || newLen > TASK_SIZE || oldLen > TASK_SIZE) return -EINVAL;
    const vma = this.mem.vmas.find(oldAddr);
    if (!vma) return -EFAULT;
    // old_size 0 maps a second view of a shared mapping; a private one cannot be duplicated.
    if (oldLen === 0 && (!(vma.flags & MAP_SHARED) || !(flags & MREMAP_MAYMOVE))) return -EINVAL;
    const added = oldLen === 0 || dontUnmap ? newLen : newLen - oldLen;
    if (flags & MREMAP_FIXED) {
      if (!aligned(newAddr) || newAddr > TASK_SIZE - newLen) return -EINVAL;
      if (newAddr < oldAddr + oldLen && oldAddr < newAddr + newLen) return -EINVAL;
      if (newAddr < MMAP_MIN_ADDR) return -EPERM;
      if (oldLen > vma.end - oldAddr) return -EFAULT;
      const err = this.checkGrowth(added, vma.prot, vma.flags, 0);
      if (err) return err;
      this.unmapRange(newAddr, newAddr + newLen);
      if (oldLen > newLen) { this.unmapRange(oldAddr + newLen, oldAddr + oldLen); oldLen = newLen; }
      return this.moveRange(vma, oldAddr, oldLen, newAddr, newLen, dontUnmap);
    }
    if (oldLen >= newLen && oldLen > 0 && !dontUnmap) {
      if (oldLen > newLen) this.unmapRange(oldAddr + newLen, oldAddr + oldLen);
      return oldAddr;
    }
    if (oldLen > vma.end - oldAddr) return -EFAULT;
    const err = this.checkGrowth(added, vma.prot, vma.flags, 0);
    if (err) return err;
    // Grow in place when the range ends at the VMA's end and the space after it is free.
    if (oldLen > 0 && !dontUnmap && oldAddr + oldLen === vma.end && oldAddr + newLen <= TASK_SIZE &&
        !this.mem.vmas.overlaps(vma.end, oldAddr + newLen)) {
      const grown = sliceVma(vma, vma.end, vma.end); // same attributes, continues the offset
      grown.end = oldAddr + newLen;
      this.mem.vmas.insert(grown);
      return oldAddr;
    }
    if (!(flags & MREMAP_MAYMOVE)) return -ENOMEM;
    const dest = this.unmappedArea(0, newLen);
    if (dest < 0) return -ENOMEM;
    return this.moveRange(vma, oldAddr, oldLen, dest, newLen, dontUnmap);
  }

  /** madvise(2): 0 or -errno; MADV_DONTNEED drops pages (they refault as zero or from the file). */
  madvise(addr: number, len: number, advice: number): number {
    const known = ADVISORY.has(advice) || advice === MADV_DONTNEED || advice === MADV_FREE ||
      advice === MADV_DONTNEED_LOCKED || advice === MADV_REMOVE || advice === MADV_WIPEONFORK ||
      advice === MADV_HWPOISON || advice === MADV_SOFT_OFFLINE || advice === MADV_POPULATE_READ ||
      advice === MADV_POPULATE_WRITE;
    if (!known) return -EINVAL;
    if (!aligned(addr)) return -EINVAL;
    if (!(len >= 0)) return -EINVAL;
    len = pageAlign(len);
    const end = addr + len;
    if (end > TASK_SIZE && len > 0) return -ENOMEM;
    if (len === 0) return 0;
    if (advice === MADV_HWPOISON || advice === MADV_SOFT_OFFLINE) return -EPERM; // needs CAP_SYS_ADMIN
    const vmas = this.mem.vmas.intersecting(addr, end);
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

  /** msync(2) on [addr, addr+len): writes back the shared file pages written; 0 or -ENOMEM for holes. */
  msync(addr: number, len: number): number {
    const end = addr + pageAlign(len);
    let at = addr;
    for (const v of this.mem.vmas.intersecting(addr, end)) {
      if (v.start > at) return -ENOMEM;
      at = v.end;
      if (!v.obj || !(v.flags & MAP_SHARED)) continue;
      const s = Math.max(v.start, addr), e = Math.min(v.end, end);
      const first = (v.offset + (s - v.start)) / PAGE_SIZE;
      v.obj.writeback(first, first + (e - s) / PAGE_SIZE);
    }
    return at < end ? -ENOMEM : 0;
  }

  /**
   * Faults in every page of [start, end) as an access would (writable pages for writing), for
   * MAP_POPULATE, mlock and MADV_POPULATE_*; 0, -ENOMEM when frames run out, -EFAULT otherwise.
   * Checks up front that enough frames are free, so a failure allocates nothing for the guest.
   */
  populate(start: number, end: number, access = 0): number {
    let needed = 0;
    const vmas = this.mem.vmas.intersecting(start, end);
    for (const v of vmas) {
      const s = Math.max(v.start, start), e = Math.min(v.end, end);
      this.mem.pt.forEach(s / PAGE_SIZE, e / PAGE_SIZE, () => { needed--; });
      needed += (e - s) / PAGE_SIZE;
    }
    if (needed > this.phys.freeFrames) return -ENOMEM;
    for (const v of vmas) {
      const a = access || (v.prot & PROT_WRITE ? ACCESS_WRITE : ACCESS_READ);
      if (v.prot === 0) continue;
      for (let p = Math.max(v.start, start); p < Math.min(v.end, end); p += PAGE_SIZE) {
        const pte = this.mem.pt.get(p / PAGE_SIZE);
        if (pte !== 0 && (a !== ACCESS_WRITE || (pte & PTE_W) !== 0)) continue;
        const r = this.mem.fault(p / PAGE_SIZE, a);
        if (r === FAULT_OOM) { this.phys.oomPending = false; return -ENOMEM; }
        if (r !== FAULT_OK) return -EFAULT;
      }
    }
    return 0;
  }

  /** mlock(2) over [start, end) (RLIMIT_MEMLOCK checked by the caller): faults the range in; 0, -ENOMEM (unmapped) or -EAGAIN. */
  lock(start: number, end: number): number {
    let at = start;
    for (const v of this.mem.vmas.intersecting(start, end)) {
      if (v.start > at) return -ENOMEM;
      at = v.end;
    }
    if (at < end) return -ENOMEM;
    // Linux turns a populate failure for lack of memory into EAGAIN ("could not be locked").
    return this.populate(start, end) === 0 ? 0 : -EAGAIN;
  }

  /**
   * Marks [start, end) locked or unlocked (VM_LOCKED, kept as MAP_LOCKED in the VMA flags);
   * the range must be mapped (callers check). Locked memory is what VmLck counts.
   */
  setLocked(start: number, end: number, locked: boolean): void {
    const vmas = this.mem.vmas;
    for (const piece of vmas.carve(start, end)) {
      piece.flags = locked ? piece.flags | MAP_LOCKED : piece.flags & ~MAP_LOCKED;
      vmas.insert(piece, true);
    }
  }

  /** Bytes of [start, end) (or of the whole space) in locked VMAs (Linux's locked_vm, in bytes). */
  lockedBytes(start = 0, end = TASK_SIZE): number {
    return this.bytesIn(start, end, (v) => (v.flags & MAP_LOCKED) !== 0);
  }

  /** Sets the initial break (page-aligned end of the loaded image). */
  initBrk(addr: number): void { this.brkStart = this.brk = addr; }

  /** brk(2): returns the new break, or the old one on failure (never -errno). */
  setBrk(addr: number): number {
    if (this.brkStart === 0 || !(addr >= this.brkStart) || addr > TASK_SIZE) return this.brk;
    // RLIMIT_DATA covers the heap and the data segment (Linux's check_data_rlimit).
    if (addr - this.brkStart + (this.endData - this.startData) > this.mem.limits.data) return this.brk;
    const newEnd = pageAlign(addr);
    const oldEnd = pageAlign(this.brk);
    if (newEnd === oldEnd) { this.brk = addr; return addr; }
    if (addr < this.brk) {
      this.unmapRange(newEnd, oldEnd);
      this.brk = addr;
      return addr;
    }
    // Growing: leave at least one page between the heap and the next mapping (or its stack guard gap).
    if (newEnd + PAGE_SIZE > TASK_SIZE || !rangeFree(this.mem.vmas, oldEnd, newEnd - oldEnd + PAGE_SIZE)) return this.brk;
    if (this.mem.vmas.list.length >= MAX_MAP_COUNT) return this.brk;
    if (this.mem.totalVm() + (newEnd - oldEnd) > this.mem.limits.as) return this.brk;
    if (newEnd - oldEnd > this.phys.bytes) return this.brk; // the overcommit heuristic
    this.mem.vmas.insert({
      start: oldEnd, end: newEnd, prot: 3, flags: MAP_PRIVATE | MAP_ANONYMOUS, file: null, offset: 0, name: '[heap]', obj: null,
    });
    this.brk = addr;
    return addr;
  }

  /**
   * Maps the initial stack [STACK_TOP - size, STACK_TOP) read-write, grows-down; returns STACK_TOP.
   * The stack then grows on demand (fault.ts) up to the stack limit.
   */
  mapStack(size = STACK_EXPAND): number {
    size = pageAlign(Math.min(size, this.mem.limits.stack));
    this.mmapBase = mmapBaseFor(this.mem.limits.stack);
    const r = this.mmap(STACK_TOP - size, size, 3,
      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_GROWSDOWN | MAP_STACK, null, 0, '[stack]');
    return r < 0 ? r : STACK_TOP;
  }

  /** The VMA containing addr, if any. */
  findVma(addr: number): Vma | undefined { return this.mem.vmas.find(addr); }

  /** All VMAs in address order. */
  vmas(): readonly Vma[] { return this.mem.vmas.list; }

  /** The text of /proc/self/maps. */
  mapsText(): string { return mapsText(this.mem.vmas.list); }

  /**
   * Returns a copy of this address space (fork without CLONE_VM) over the same pool: the same
   * VMAs; shared mappings share their frames, private pages become copy-on-write in both.
   */
  fork(): Mm | null {
    const child = new Mm(this.phys);
    child.brkStart = this.brkStart;
    child.brk = this.brk;
    child.startData = this.startData;
    child.endData = this.endData;
    child.mmapBase = this.mmapBase;
    Object.assign(child.mem.limits, this.mem.limits);
    const phys = this.phys, i32 = phys.i32;
    let ok = true;
    for (const v of this.mem.vmas.list) {
      child.mem.vmas.push({ ...v, flags: v.flags & ~MAP_LOCKED }); // a child does not inherit mlock
      const shared = (v.flags & MAP_SHARED) !== 0;
      this.mem.pt.forEach(v.start / PAGE_SIZE, v.end / PAGE_SIZE, (vpn, s) => {
        if (!ok) return;
        let pte = i32[s]!;
        if (!shared) pte = (pte & ~PTE_W) | PTE_COW;
        const cs = child.mem.pt.slot(vpn);
        if (cs < 0) { ok = false; return; }
        i32[s] = pte;
        i32[cs] = pte;
        const f = pte >>> 12;
        if (f !== 0) { phys.ref(f); child.mem.rss++; }
        child.mem.rssPeak = child.mem.rss;
      });
    }
    this.mem.flushTlbs(0, NUM_PAGES); // the parent's write tags are stale now
    if (!ok) { child.release(); return null; }
    return child;
  }

  /** Frees the address space: writes back shared file pages and returns every frame (exit, exec). */
  release(): void {
    this.mem.release();
  }

  // --- internals ---

  /** Bytes of VMAs within [start, end) that satisfy pred. */
  private bytesIn(start: number, end: number, pred: (v: Vma) => boolean): number {
    let n = 0;
    for (const v of this.mem.vmas.intersecting(start, end)) if (pred(v)) n += Math.min(v.end, end) - Math.max(v.start, start);
    return n;
  }

  /** Bytes of data mappings (Linux's data_vm). */
  private dataVm(): number {
    return this.bytesIn(0, TASK_SIZE, (v) => isData(v.prot, v.flags));
  }

  /**
   * Checks that growing the space by `bytes` of a mapping with prot/flags stays within
   * RLIMIT_AS, RLIMIT_DATA (freeing dataFreed bytes of data first) and the overcommit heuristic
   * (one private writable mapping may not exceed the machine's memory); 0 or -ENOMEM.
   */
  private checkGrowth(bytes: number, prot: number, flags: number, dataFreed: number): number {
    if (bytes <= 0) return 0;
    const lim = this.mem.limits;
    if (this.mem.totalVm() + bytes > lim.as) return -ENOMEM;
    if (isData(prot, flags) && this.dataVm() - dataFreed + bytes > lim.data) return -ENOMEM;
    if (accountable(prot, flags) && bytes > this.phys.bytes) return -ENOMEM;
    return 0;
  }

  /** The memory object for a file mapping: the one already serving that file, or a new one. */
  private objectFor(file: MmapFile): MemObject {
    const objs = pageCache(this.phys);
    if (file.key !== undefined) {
      const have = objs.get(file.key);
      if (have) {
        file.release?.(); // the existing object keeps its own backing
        return have;
      }
      return new MemObject(this.phys, file, 0, file.key);
    }
    return new MemObject(this.phys, file, 0);
  }

  /** Returns a free address for len bytes: the hint if free, else top-down below mmapBase, else bottom-up; -1 if none. */
  private unmappedArea(hint: number, len: number): number {
    if (hint > 0) {
      const a = pageAlign(hint);
      if (a <= TASK_SIZE - len && a >= MMAP_MIN_ADDR && rangeFree(this.mem.vmas, a, len)) return a;
    }
    const a = topDown(this.mem.vmas, len, MMAP_MIN_ADDR, this.mmapBase);
    if (a >= 0) return a;
    return bottomUp(this.mem.vmas, len, TASK_UNMAPPED_BASE, TASK_SIZE);
  }

  /** Removes every mapping in [start, end) and returns the frames of its pages. */
  private unmapRange(start: number, end: number): void {
    const vmas = this.mem.vmas;
    const pieces = vmas.carve(start, end);
    this.mem.zap(start / PAGE_SIZE, end / PAGE_SIZE);
    for (const piece of pieces) {
      // munmap writes back a shared file mapping's pages (Linux leaves that to the flusher;
      // here the page cache lives only while mapped).
      if (piece.obj && piece.flags & MAP_SHARED) {
        const first = piece.offset / PAGE_SIZE;
        piece.obj.writeback(first, first + (piece.end - piece.start) / PAGE_SIZE);
      }
      vmas.drop(piece);
    }
  }

  /**
   * Moves [oldAddr, oldAddr+oldLen) of vma to a free range at newAddr of newLen bytes (or maps a
   * second view of a shared mapping when oldLen is 0); returns newAddr or -ENOMEM.
   */
  private moveRange(vma: Vma, oldAddr: number, oldLen: number, newAddr: number, newLen: number, dontUnmap: boolean): number {
    const vmas = this.mem.vmas;
    if (oldLen === 0) {
      const dup = sliceVma(vma, oldAddr, oldAddr);
      vmas.insert({ ...dup, start: newAddr, end: newAddr + newLen });
      return newAddr;
    }
    const copyLen = Math.min(oldLen, newLen);
    const moved = sliceVma(vma, oldAddr, oldAddr + copyLen);
    vmas.insert({ ...moved, start: newAddr, end: newAddr + copyLen });
    if (!this.mem.movePtes(oldAddr / PAGE_SIZE, newAddr / PAGE_SIZE, copyLen / PAGE_SIZE)) {
      this.phys.oomPending = false; // reported as ENOMEM, no process is killed
      this.unmapRange(newAddr, newAddr + copyLen);
      return -ENOMEM;
    }
    if (!dontUnmap) this.unmapRange(oldAddr, oldAddr + oldLen);
    if (newLen > copyLen) {
      vmas.insert({ ...moved, start: newAddr + copyLen, end: newAddr + newLen,
        offset: moved.file || moved.obj ? moved.offset + copyLen : 0 });
    }
    return newAddr;
  }

  /** Applies one madvise advice to [s, e) within v; 0 or -errno. */
  private adviseVma(v: Vma, s: number, e: number, advice: number): number {
    const privateAnon = !v.file && !(v.flags & MAP_SHARED);
    switch (advice) {
      case MADV_DONTNEED:
      case MADV_DONTNEED_LOCKED:
        // Private pages refault as zero (anonymous) or from the file; shared ones keep their contents.
        this.mem.zap(s / PAGE_SIZE, e / PAGE_SIZE);
        return 0;
      case MADV_FREE:
        if (!privateAnon) return -EINVAL;
        this.mem.zap(s / PAGE_SIZE, e / PAGE_SIZE);
        return 0;
      case MADV_REMOVE:
        if (!v.file) return -EINVAL;
        if (!(v.flags & MAP_SHARED) || !(v.prot & 2)) return -EACCES;
        return -EOPNOTSUPP; // punching holes in files is not supported
      case MADV_WIPEONFORK:
        return privateAnon ? 0 : -EINVAL;
      case MADV_POPULATE_READ:
      case MADV_POPULATE_WRITE: {
        const r = this.populate(s, e, advice === MADV_POPULATE_WRITE ? ACCESS_WRITE : ACCESS_READ);
        return r === -ENOMEM ? -ENOMEM : r < 0 ? -EFAULT : 0;
      }
      default:
        return 0;
    }
  }
}
