// The page-fault handler (Linux's handle_mm_fault): given a page the CPU or the kernel could not
// access through the page table, finds its VMA (growing the stack if the page is just below it),
// checks the protection, and makes the PTE present: the zero frame for a read of untouched
// private memory, a fresh frame for a write, the object's frame for a shared or file mapping,
// and a copy for a write to a copy-on-write page.
import { type MemObject, OBJ_BUS, OBJ_OOM } from './mem_object.js';
import { MAP_GROWSDOWN, MAP_SHARED } from './mman.js';
import type { Vma } from './vma.js';
import { type PageTable, PTE_COW, PTE_R, PTE_V, PTE_W, PTE_X, pteFrame } from './page_table.js';
import { PAGE_SHIFT, PAGE_SIZE, type PhysMem, ZERO_FRAME } from './phys.js';
import type { VmaList } from './vma_list.js';
import { STACK_GUARD_GAP } from './layout.js';

/** An address space as the fault handler sees it (GuestMemory, which calls handleFault). */
export interface FaultSpace {
  readonly phys: PhysMem;
  readonly pt: PageTable;
  readonly vmas: VmaList;
  /** RLIMIT_STACK and RLIMIT_AS in bytes. */
  readonly limits: { readonly stack: number; readonly as: number };
  /** Resident pages, and their high-water mark. */
  rss: number;
  rssPeak: number;
  /** Bytes of address space mapped. */
  totalVm(): number;
  /** Drops the translations of pages [first, end) from every TLB holding this space. */
  flushTlbs(first: number, end: number): void;
}

/** Pages one fault maps at most (Linux's fault_around_bytes, 64 KiB): the faulting page's
 *  aligned window, of which those already in the page cache are mapped with it. */
export const FAULT_AROUND_PAGES = 16;

/** Access kinds (the CPU's Access values). */
export const ACCESS_READ = 1, ACCESS_WRITE = 2, ACCESS_EXEC = 4;
/** Fault results: handled, SIGSEGV (no mapping / not permitted), SIGBUS (past EOF), out of frames. */
export const FAULT_OK = 0, FAULT_MAPERR = 1, FAULT_ACCERR = 2, FAULT_BUS = 3, FAULT_OOM = 4;

const PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4, PROT_NONE = 0;

/** The R and X bits of a PTE for VMA protection prot (W is given by the write fault). */
export function pteProtBits(prot: number): number {
  return (prot & PROT_READ ? PTE_R : 0) | (prot & PROT_EXEC ? PTE_X : 0);
}

/** The PTE bits an access needs to go through without a fault. */
export function pteNeed(access: number): number {
  return access === ACCESS_WRITE ? PTE_V | PTE_W : access === ACCESS_EXEC ? PTE_V | PTE_X : PTE_V | PTE_R;
}

/**
 * Returns the stack VMA below which addr lies if the stack may grow down to cover it (Linux's
 * expand_downwards checks: RLIMIT_STACK, RLIMIT_AS and the guard gap above the previous mapping).
 */
export function stackGrowthTarget(mem: FaultSpace, addr: number): Vma | null {
  const vmas = mem.vmas;
  const i = vmas.indexAfter(addr);
  const v = vmas.list[i];
  if (v === undefined || v.start <= addr || (v.flags & MAP_GROWSDOWN) === 0) return null;
  const start = addr - (addr % PAGE_SIZE);
  if (v.end - start > mem.limits.stack) return null;
  if (mem.totalVm() + (v.start - start) > mem.limits.as) return null;
  const prev = vmas.list[i - 1];
  if (prev !== undefined && (prev.flags & MAP_GROWSDOWN) === 0 && prev.prot !== PROT_NONE &&
      start - prev.end < STACK_GUARD_GAP) return null;
  return v;
}

/** Counts one more resident page in mem (and its high-water mark). */
function countPage(mem: FaultSpace): void {
  if (++mem.rss > mem.rssPeak) mem.rssPeak = mem.rss;
}

/** Handles a fault on page vpn for access; `force` ignores the VMA's protection (ptrace-style pokes). */
export function handleFault(mem: FaultSpace, vpn: number, access: number, force: boolean): number {
  const addr = vpn * PAGE_SIZE;
  let v = mem.vmas.find(addr);
  if (v === undefined) {
    const grow = stackGrowthTarget(mem, addr);
    if (grow === null) return FAULT_MAPERR;
    grow.start = addr;
    v = grow;
  }
  const need = access === ACCESS_WRITE ? PROT_WRITE : access === ACCESS_EXEC ? PROT_EXEC : PROT_READ;
  const shared = (v.flags & MAP_SHARED) !== 0;
  if (!force && (v.prot & need) === 0) return FAULT_ACCERR;
  if (force && shared && access === ACCESS_WRITE && (v.prot & PROT_WRITE) === 0) return FAULT_ACCERR;
  const slot = mem.pt.slot(vpn);
  if (slot < 0) return FAULT_OOM;
  const phys = mem.phys, i32 = phys.i32;
  const pte = i32[slot]!;
  const bits = pteProtBits(v.prot);
  const w = v.prot & PROT_WRITE ? PTE_W : 0;
  if (pte & PTE_V) {
    if (access !== ACCESS_WRITE) { // R/X follow the VMA: refresh them
      i32[slot] = (pte & ~(PTE_R | PTE_X)) | bits;
      return FAULT_OK;
    }
    return writeFault(mem, v, vpn, slot, pte, bits, w);
  }
  const obj = v.obj ?? null;
  if (obj === null) {
    if (access !== ACCESS_WRITE) {
      i32[slot] = (ZERO_FRAME << PAGE_SHIFT) | PTE_V | PTE_COW | bits;
      return FAULT_OK;
    }
    const f = phys.alloc();
    if (f < 0) return FAULT_OOM;
    i32[slot] = (f << PAGE_SHIFT) | PTE_V | bits | w;
    countPage(mem);
    return FAULT_OK;
  }
  const index = v.offset / PAGE_SIZE + (vpn - v.start / PAGE_SIZE);
  const f = obj.frame(index);
  if (f === OBJ_BUS) return FAULT_BUS;
  if (f === OBJ_OOM) return FAULT_OOM;
  if (shared) {
    phys.ref(f);
    if (access === ACCESS_WRITE) obj.markDirty(index);
    i32[slot] = (f << PAGE_SHIFT) | PTE_V | bits | (access === ACCESS_WRITE ? w : 0);
    countPage(mem);
    if (access !== ACCESS_WRITE) faultAround(mem, v, obj, vpn, slot, PTE_V | bits);
    return FAULT_OK;
  }
  if (access === ACCESS_WRITE) {
    const g = phys.alloc();
    if (g < 0) return FAULT_OOM;
    phys.copyFrame(f, g);
    i32[slot] = (g << PAGE_SHIFT) | PTE_V | bits | w;
  } else {
    phys.ref(f);
    i32[slot] = (f << PAGE_SHIFT) | PTE_V | PTE_COW | bits;
  }
  countPage(mem);
  if (access !== ACCESS_WRITE) faultAround(mem, v, obj, vpn, slot, PTE_V | PTE_COW | bits);
  return FAULT_OK;
}

/**
 * After a read or exec fault on page vpn of object-backed VMA v (its PTE at slot): maps the
 * pages of the FAULT_AROUND_PAGES-aligned window around it that are absent from the page table
 * but already in obj's page cache, with PTE flags `flags` (read-only; copy-on-write for a
 * private mapping), as Linux's fault-around does: no I/O, and no later fault for them.
 */
function faultAround(mem: FaultSpace, v: Vma, obj: MemObject, vpn: number, slot: number, flags: number): void {
  if ((flags & (PTE_R | PTE_X)) === 0) return;
  const vStart = v.start / PAGE_SIZE;
  const first = Math.max(vStart, vpn - (vpn % FAULT_AROUND_PAGES));
  const end = Math.min(v.end / PAGE_SIZE, vpn - (vpn % FAULT_AROUND_PAGES) + FAULT_AROUND_PAGES);
  const phys = mem.phys, i32 = phys.i32, frames = obj.frames;
  const base = v.offset / PAGE_SIZE - vStart;
  for (let p = first; p < end; p++) {
    const s = slot + (p - vpn); // the window lies within one leaf node (FAULT_AROUND_PAGES divides LEAF_PAGES)
    if (p === vpn || i32[s] !== 0) continue;
    const f = frames.get(base + p);
    if (f === undefined) continue;
    phys.ref(f);
    i32[s] = (f << PAGE_SHIFT) | flags;
    countPage(mem);
  }
}

/** A write to a present page that may not be written in place: dirty a shared page, or copy. */
function writeFault(mem: FaultSpace, v: Vma, vpn: number, slot: number, pte: number, bits: number, w: number): number {
  const phys = mem.phys, i32 = phys.i32;
  const f = pteFrame(pte);
  if (v.flags & MAP_SHARED) {
    v.obj?.markDirty(v.offset / PAGE_SIZE + (vpn - v.start / PAGE_SIZE));
    i32[slot] = (pte & ~(PTE_R | PTE_X)) | bits | w;
    return FAULT_OK;
  }
  if (f !== ZERO_FRAME && phys.refCount(f) === 1) { // the only user: take it over
    i32[slot] = (pte & ~(PTE_R | PTE_X | PTE_COW)) | bits | w;
    return FAULT_OK;
  }
  const g = phys.alloc();
  if (g < 0) return FAULT_OOM;
  if (f !== ZERO_FRAME) phys.copyFrame(f, g);
  i32[slot] = (g << PAGE_SHIFT) | PTE_V | bits | w;
  if (f === ZERO_FRAME) countPage(mem);
  else phys.unref(f);
  mem.flushTlbs(vpn, vpn + 1); // other harts may still read the old frame
  return FAULT_OK;
}
