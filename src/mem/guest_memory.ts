// One guest address space as the CPU and the kernel see it: the VMA list, the page table that
// maps its pages to frames of the machine's PhysMem, the TLBs that cache those translations,
// and the checked copies every syscall uses. Every access (a guest load or store, a kernel copy,
// the loader, futexes, signal frames, strace) translates through the same page table and takes
// the same page fault when the page is not present, so all of them see one memory.
import { EFAULT, SyscallError } from '../abi/errno.js';
import {
  ACCESS_READ, ACCESS_WRITE, FAULT_OK, FAULT_OOM, handleFault, pteNeed, pteProtBits,
  stackGrowthTarget,
} from './fault.js';
import type { MemObject } from './mem_object.js';
import type { Vma } from './vma.js';
import { STACK_SIZE_DEFAULT, TASK_SIZE } from './layout.js';
import { PageTable, PTE_FLAGS, PTE_R, PTE_W, PTE_X, pteFrame } from './page_table.js';
import { PAGE_SHIFT, PAGE_SIZE, PhysMem, ZERO_FRAME } from './phys.js';
import type { Tlb } from './tlb.js';
import { VmaList } from './vma_list.js';

export { PAGE_SHIFT, PAGE_SIZE } from './phys.js';
export { ACCESS_EXEC, ACCESS_READ, ACCESS_WRITE, FAULT_ACCERR, FAULT_BUS, FAULT_MAPERR, FAULT_OK, FAULT_OOM } from './fault.js';

export { TASK_SIZE };
export const NUM_PAGES = TASK_SIZE / PAGE_SIZE;

/** Page protection bits, as in mmap's PROT_* (include/uapi/asm-generic/mman-common.h). */
export const PROT_NONE = 0, PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
/** protAt(): the page belongs to a mapping (distinguishes SEGV_MAPERR from SEGV_ACCERR). */
export const PAGE_MAPPED = 16;
/** Default RLIMIT_MEMLOCK (MLOCK_LIMIT: 8 MiB). */
const MEMLOCK_LIMIT_DEFAULT = 8 * 1024 * 1024;

/** Thrown inside the kernel when a checked copy touches a page it may not; becomes EFAULT. */
export class GuestFaultError extends SyscallError {
  constructor(readonly addr: number) {
    super(EFAULT);
  }
}

/** The resource limits the memory layer enforces, in bytes (Infinity for RLIM_INFINITY). */
export interface MemLimits {
  stack: number;
  as: number;
  data: number;
  memlock: number;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

export class GuestMemory {
  private static nextId = 1;
  /** A number naming this address space for its life (futex keys of private memory use it). */
  readonly id = GuestMemory.nextId++;
  readonly pt: PageTable;
  readonly vmas: VmaList;
  /** TLBs currently holding translations of this address space (for shootdowns). */
  readonly tlbs = new Set<Tlb>();
  readonly limits: MemLimits = { stack: STACK_SIZE_DEFAULT, as: Infinity, data: Infinity, memlock: MEMLOCK_LIMIT_DEFAULT };
  /** Pages mapped to frames other than the zero frame (the resident set), and its high-water mark. */
  rss = 0;
  rssPeak = 0;
  /** Scratch for scalar accesses that straddle a page boundary. */
  private readonly scratch = new Uint8Array(8);
  private readonly scratchDv = new DataView(this.scratch.buffer);

  constructor(readonly phys: PhysMem = new PhysMem()) {
    this.pt = new PageTable(phys);
    this.vmas = new VmaList({ link: (v) => v.obj?.link(this), unlink: (v) => v.obj?.unlink(this) });
  }

  /** Bytes covered by VMAs (Linux's total_vm, in bytes). */
  totalVm(): number {
    let n = 0;
    for (const v of this.vmas.list) n += v.end - v.start;
    return n;
  }

  /** Handles a page fault on vpn (see fault.ts); returns a FAULT_* code. */
  fault(vpn: number, access: number, force = false): number {
    return handleFault(this, vpn, access, force);
  }

  // --- page-table maintenance for the mm ---

  /** Drops the TLB entries of pages [first, end) in every TLB holding this address space. */
  flushTlbs(first: number, end: number): void {
    for (const t of this.tlbs) t.flushRange(first, end);
  }

  /** Unmaps pages [first, end): clears their PTEs, drops their frame references and TLB entries. */
  zap(first: number, end: number): void {
    const phys = this.phys, i32 = phys.i32;
    this.pt.forEach(first, end, (_vpn, s) => {
      const f = pteFrame(i32[s]!);
      i32[s] = 0;
      if (f !== ZERO_FRAME) {
        this.rss--;
        phys.unref(f);
      }
    });
    this.pt.freeLeaves(first, end);
    this.flushTlbs(first, end);
  }

  /** Applies protection prot to the present pages of [first, end) (write access re-faults). */
  protect(first: number, end: number, prot: number): void {
    const i32 = this.phys.i32, bits = pteProtBits(prot);
    this.pt.forEach(first, end, (_vpn, s) => { i32[s] = (i32[s]! & ~(PTE_R | PTE_W | PTE_X)) | bits; });
    this.flushTlbs(first, end);
  }

  /** Moves the PTEs of pages [from, from+count) to [to, to+count) (mremap); false if out of frames. */
  movePtes(from: number, to: number, count: number): boolean {
    const moves: number[] = [];
    this.pt.forEach(from, from + count, (vpn, s) => moves.push(vpn, s));
    // Create every destination node first, so that a failure leaves nothing half moved.
    for (let k = 0; k < moves.length; k += 2) if (this.pt.slot(to + (moves[k]! - from)) < 0) return false;
    const i32 = this.phys.i32;
    for (let k = 0; k < moves.length; k += 2) {
      const s = moves[k + 1]!;
      i32[this.pt.slot(to + (moves[k]! - from))] = i32[s]!;
      i32[s] = 0;
    }
    this.flushTlbs(from, from + count);
    this.flushTlbs(to, to + count);
    return true;
  }

  /** Write-protects page `index` of obj wherever this space maps it (after a write-back). */
  writeProtectObjectPage(obj: MemObject, index: number): void {
    const i32 = this.phys.i32;
    for (const v of this.vmas.list) {
      if (v.obj !== obj) continue;
      const first = v.offset / PAGE_SIZE;
      if (index < first || index >= first + (v.end - v.start) / PAGE_SIZE) continue;
      const vpn = v.start / PAGE_SIZE + (index - first);
      const pte = this.pt.get(vpn);
      if (pte !== 0 && pteFrame(pte) === obj.frames.get(index)) {
        i32[this.pt.slot(vpn)] = pte & ~PTE_W;
        this.flushTlbs(vpn, vpn + 1);
      }
    }
  }

  /** Unmaps every page of obj with index >= from from this space (after a truncate). */
  zapObjectPages(obj: MemObject, from: number): void {
    for (const v of this.vmas.list) {
      if (v.obj !== obj) continue;
      const first = v.offset / PAGE_SIZE, pages = (v.end - v.start) / PAGE_SIZE;
      if (from >= first + pages) continue;
      this.zap(v.start / PAGE_SIZE + Math.max(0, from - first), v.end / PAGE_SIZE);
    }
  }

  /** Frees everything: PTEs, VMAs (and the objects they hold), page-table nodes; detaches TLBs. */
  release(): void {
    this.zap(0, NUM_PAGES);
    this.vmas.clear();
    this.pt.destroy();
    for (const t of [...this.tlbs]) t.attach(null);
  }

  // --- what the kernel uses: checked access that faults pages in like the CPU ---

  /**
   * Returns the pool byte offset of guest address addr for an access, faulting the page in as a
   * guest access would (force: ignore the VMA's protection, as ptrace pokes do). Throws
   * GuestFaultError (EFAULT) if the page cannot be accessed.
   */
  pa(addr: number, access: number, force = false): number {
    if (!(addr >= 0 && addr < TASK_SIZE)) throw new GuestFaultError(addr);
    const vpn = Math.floor(addr / PAGE_SIZE);
    let pte = this.pt.get(vpn);
    const need = pteNeed(access);
    if ((pte & need) !== need) {
      const r = this.fault(vpn, access, force);
      if (r !== FAULT_OK) {
        if (r === FAULT_OOM) this.phys.oomPending = true;
        throw new GuestFaultError(addr);
      }
      pte = this.pt.get(vpn);
    }
    const base = (pte & ~PTE_FLAGS) >>> 0;
    if (access === ACCESS_WRITE) this.phys.noteWrite(base >>> PAGE_SHIFT);
    return base + (addr % PAGE_SIZE);
  }

  /**
   * True if every byte of [addr, addr+len) lies in VMAs whose protection has all the bits in
   * `need` (PROT_*), counting the room the stack may grow into; it faults nothing in.
   */
  accessible(addr: number, len: number, need: number): boolean {
    if (len === 0) return addr >= 0 && addr <= TASK_SIZE;
    if (!(addr >= 0) || !(len > 0) || addr + len > TASK_SIZE) return false;
    const end = addr + len;
    let at = addr;
    while (at < end) {
      const v = this.vmas.findNext(at);
      if (v === undefined) return false;
      if (v.start > at && stackGrowthTarget(this, at) !== v) return false;
      if ((v.prot & need) !== need) return false;
      at = v.end;
    }
    return true;
  }

  /** Throws GuestFaultError unless [addr, addr+len) is readable. */
  checkRead(addr: number, len: number): void {
    if (!this.accessible(addr, len, PROT_READ)) throw new GuestFaultError(addr);
  }

  /** Throws GuestFaultError unless [addr, addr+len) is writable. */
  checkWrite(addr: number, len: number): void {
    if (!this.accessible(addr, len, PROT_WRITE)) throw new GuestFaultError(addr);
  }

  /** Copies len guest bytes at addr into a new array (checked). */
  read(addr: number, len: number): Uint8Array {
    this.checkRead(addr, len);
    const out = new Uint8Array(len);
    this.copyIn(addr, out);
    return out;
  }

  /**
   * Returns len readable guest bytes at addr (checked): a view into the pool when they lie on
   * one frame or on consecutive frames, else a copy. Callers must not write into it.
   */
  view(addr: number, len: number): Uint8Array {
    this.checkRead(addr, len);
    if (len === 0) return new Uint8Array(0);
    const p = this.pa(addr, ACCESS_READ);
    let contiguous = true;
    for (let a = addr - (addr % PAGE_SIZE) + PAGE_SIZE; a < addr + len; a += PAGE_SIZE) {
      if (this.pa(a, ACCESS_READ) !== p + (a - addr)) { contiguous = false; break; }
    }
    if (contiguous) return this.phys.u8.subarray(p, p + len);
    const out = new Uint8Array(len);
    this.copyIn(addr, out);
    return out;
  }

  /** Copies bytes into guest memory at addr (checked). */
  write(addr: number, data: Uint8Array): void {
    this.checkWrite(addr, data.length);
    this.copyOut(addr, data, false);
  }

  /** Writes bytes whatever the pages' protection (the loader, ptrace-style pokes); addr must be mapped. */
  writeForce(addr: number, data: Uint8Array): void {
    this.copyOut(addr, data, true);
  }

  /** Writes len zero bytes at addr (checked). */
  zero(addr: number, len: number): void {
    this.checkWrite(addr, len);
    let done = 0;
    while (done < len) {
      const a = addr + done, n = Math.min(PAGE_SIZE - (a % PAGE_SIZE), len - done);
      const p = this.pa(a, ACCESS_WRITE);
      this.phys.u8.fill(0, p, p + n);
      done += n;
    }
  }

  readU8(addr: number): number { return this.phys.u8[this.pa(addr, ACCESS_READ)]!; }
  readU16(addr: number): number { return this.loadDv(addr, 2).getUint16(this.at, true); }
  readI32(addr: number): number { return this.loadDv(addr, 4).getInt32(this.at, true); }
  readU32(addr: number): number { return this.loadDv(addr, 4).getUint32(this.at, true); }
  /** Reads a 64-bit value as a JS number (exact below 2^53; for pointers and sizes). */
  readU64(addr: number): number {
    const dv = this.loadDv(addr, 8), o = this.at;
    return dv.getUint32(o + 4, true) * 4294967296 + dv.getUint32(o, true);
  }
  /** Reads a signed 64-bit value as a JS number (exact within +-2^53). */
  readI64(addr: number): number {
    const dv = this.loadDv(addr, 8), o = this.at;
    return dv.getInt32(o + 4, true) * 4294967296 + dv.getUint32(o, true);
  }
  readBig64(addr: number): bigint { return this.loadDv(addr, 8).getBigUint64(this.at, true); }

  writeU8(addr: number, v: number): void { this.phys.u8[this.pa(addr, ACCESS_WRITE)] = v; }
  writeU16(addr: number, v: number): void { this.storeDv(addr, 2).setUint16(this.at, v, true); this.storeDone(addr, 2); }
  writeU32(addr: number, v: number): void { this.storeDv(addr, 4).setUint32(this.at, v >>> 0, true); this.storeDone(addr, 4); }
  writeI32(addr: number, v: number): void { this.storeDv(addr, 4).setInt32(this.at, v | 0, true); this.storeDone(addr, 4); }
  /** Writes a JS integer (two's complement if negative) as 64 bits. */
  writeU64(addr: number, v: number): void {
    const dv = this.storeDv(addr, 8), o = this.at;
    dv.setUint32(o, v >>> 0, true);
    dv.setInt32(o + 4, Math.floor(v / 4294967296) | 0, true);
    this.storeDone(addr, 8);
  }
  writeBig64(addr: number, v: bigint): void {
    this.storeDv(addr, 8).setBigUint64(this.at, BigInt.asUintN(64, v), true);
    this.storeDone(addr, 8);
  }

  /** Reads a NUL-terminated string of at most max bytes (excluding NUL); null if unterminated. */
  readCString(addr: number, max: number): string | null {
    const bytes = this.readCStringBytes(addr, max);
    return bytes === null ? null : decoder.decode(bytes);
  }

  /** Like readCString but returns raw bytes (paths are bytes in Linux). */
  readCStringBytes(addr: number, max: number): Uint8Array | null {
    const u8 = this.phys.u8;
    const parts: Uint8Array[] = [];
    let total = 0;
    let a = addr;
    const end = addr + max;
    while (a <= end) {
      if (!this.accessible(a, 1, PROT_READ)) throw new GuestFaultError(a);
      const n = Math.min(PAGE_SIZE - (a % PAGE_SIZE), end + 1 - a);
      const p = this.pa(a, ACCESS_READ);
      const chunk = u8.subarray(p, p + n);
      const i = chunk.indexOf(0);
      if (i >= 0) {
        parts.push(chunk.subarray(0, i));
        total += i;
        const out = new Uint8Array(total);
        let o = 0;
        for (const c of parts) { out.set(c, o); o += c.length; }
        return out;
      }
      parts.push(chunk);
      total += n;
      a += n;
    }
    return null;
  }

  // --- helpers for tests and diagnostics ---

  /** Returns PROT_* | PAGE_MAPPED for the page holding addr, or 0 if it is not mapped. */
  protAt(addr: number): number {
    const v = this.vmas.find(addr);
    return v ? v.prot | PAGE_MAPPED : 0;
  }

  /** True if the page holding addr has a frame (possibly the zero frame) in the page table. */
  present(addr: number): boolean {
    return addr >= 0 && addr < TASK_SIZE && this.pt.get(Math.floor(addr / PAGE_SIZE)) !== 0;
  }

  /** The frame behind the page holding addr, or -1 if the page is not present. */
  frameAt(addr: number): number {
    const pte = this.present(addr) ? this.pt.get(Math.floor(addr / PAGE_SIZE)) : 0;
    return pte === 0 ? -1 : pteFrame(pte);
  }

  /**
   * Maps pages [first, first+count) as private anonymous memory with protection prot, keeping
   * the contents of pages already mapped there; with mapped false, unmaps them. (For tests and
   * tools that build an address space by hand; the mm uses its own mmap.)
   */
  setPages(first: number, count: number, prot: number, mapped: boolean): void {
    const start = first * PAGE_SIZE, end = (first + count) * PAGE_SIZE;
    for (const piece of this.vmas.carve(start, end)) this.vmas.drop(piece);
    if (!mapped) {
      this.zap(first, first + count);
      return;
    }
    const v: Vma = { start, end, prot: prot & 7, flags: 0x22 /* MAP_PRIVATE | MAP_ANONYMOUS */, file: null, offset: 0, name: '', obj: null };
    this.vmas.insert(v);
    this.protect(first, first + count, prot);
  }

  // --- internals ---

  /** Offset in the DataView last returned by loadDv/storeDv. */
  private at = 0;

  /** Returns a DataView and sets this.at so that [at, at+size) holds the bytes of [addr, addr+size). */
  private loadDv(addr: number, size: number): DataView {
    if (addr % PAGE_SIZE <= PAGE_SIZE - size) {
      this.at = this.pa(addr, ACCESS_READ);
      return this.phys.dv;
    }
    this.checkRead(addr, size);
    this.copyIn(addr, this.scratch.subarray(0, size));
    this.at = 0;
    return this.scratchDv;
  }

  /** Like loadDv for a store: storeDone(addr, size) must follow the write. */
  private storeDv(addr: number, size: number): DataView {
    if (addr % PAGE_SIZE <= PAGE_SIZE - size) {
      this.at = this.pa(addr, ACCESS_WRITE);
      return this.phys.dv;
    }
    this.checkWrite(addr, size);
    this.at = 0;
    return this.scratchDv;
  }

  /** Completes a storeDv: copies the scratch bytes out when the store straddled two pages. */
  private storeDone(addr: number, size: number): void {
    if (addr % PAGE_SIZE > PAGE_SIZE - size) this.copyOut(addr, this.scratch.subarray(0, size), false);
  }

  /** Copies guest bytes at addr into out, page by page (range already checked). */
  private copyIn(addr: number, out: Uint8Array): void {
    const u8 = this.phys.u8;
    let done = 0;
    while (done < out.length) {
      const a = addr + done, n = Math.min(PAGE_SIZE - (a % PAGE_SIZE), out.length - done);
      const p = this.pa(a, ACCESS_READ);
      out.set(u8.subarray(p, p + n), done);
      done += n;
    }
  }

  /** Copies data into guest memory at addr, page by page (range already checked unless force). */
  private copyOut(addr: number, data: Uint8Array, force: boolean): void {
    const u8 = this.phys.u8;
    let done = 0;
    while (done < data.length) {
      const a = addr + done, n = Math.min(PAGE_SIZE - (a % PAGE_SIZE), data.length - done);
      const p = this.pa(a, ACCESS_WRITE, force);
      u8.set(data.subarray(done, done + n), p);
      done += n;
    }
  }
}
