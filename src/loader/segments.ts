// PT_LOAD validation and mapping (abi-riscv64.md §1.5): file bytes MAP_PRIVATE at their page,
// the rest of the last file page zeroed, anonymous zero pages for the remainder of p_memsz.
import { errnoName } from '../abi/errno.js';
import { PAGE_SIZE, PROT_EXEC, PROT_READ, PROT_WRITE } from '../mem/guest_memory.js';
import type { Mm, MmapFile } from '../mem/mm.js';
import { type ElfInfo, type LoadError, noexec, ET_DYN, PF_R, PF_W, PF_X, PT_LOAD, PT_PHDR } from './elf.js';
import { LOAD_LIMIT, MAP_ANONYMOUS, MAP_FIXED, MAP_PRIVATE, MIN_LOAD_ADDR, STATIC_PIE_BASE, pageCeil, pageFloor } from './layout.js';

/** The subset of Mm the loader uses (the real Mm satisfies it; tests may pass a fake). */
export type LoaderMm = Pick<Mm, 'mem' | 'mmap' | 'munmap' | 'mprotect' | 'initBrk'>;

/** A PT_LOAD segment after validation, with the load bias already added. */
export interface Segment {
  vaddr: number;
  memsz: number;
  filesz: number;
  offset: number;
  prot: number;
}

/** Where the validated image goes. */
export interface Layout {
  bias: number;
  segments: Segment[];
  entry: number;
  /** Guest address of the program headers (AT_PHDR), or 0 if no segment maps them. */
  phdr: number;
  /** Page-aligned end of the highest segment: the initial break. */
  brk: number;
}

const LIMIT = BigInt(LOAD_LIMIT);

/** Returns the PROT_* bits for ELF p_flags. */
export function protFromFlags(flags: number): number {
  return (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) | (flags & PF_X ? PROT_EXEC : 0);
}

const hex = (v: bigint | number): string => `0x${v.toString(16)}`;

/** Returns the page-aligned span [lowest page, end of the highest segment) of elf's PT_LOAD
 *  segments, or 0 if there are none or they lie outside the address space. */
export function loadSpan(elf: ElfInfo): number {
  const loads = elf.phdrs.filter((p) => p.type === PT_LOAD && p.memsz > 0n);
  if (loads.length === 0) return 0;
  let lo = loads[0]!.vaddr, hi = 0n;
  for (const p of loads) {
    if (p.vaddr < lo) lo = p.vaddr;
    if (p.vaddr + p.memsz > hi) hi = p.vaddr + p.memsz;
  }
  if (hi > LIMIT) return 0;
  return pageCeil(Number(hi)) - pageFloor(Number(lo));
}

/**
 * Returns the validated segments and addresses for elf (file size fileLen), or a LoadError.
 * dynBase: where an ET_DYN image's lowest page goes (default STATIC_PIE_BASE); ET_EXEC images
 * stay at their link addresses.
 */
export function planLayout(elf: ElfInfo, fileLen: number, dynBase: number = STATIC_PIE_BASE): Layout | LoadError {
  const loads = elf.phdrs.filter((p) => p.type === PT_LOAD && p.memsz > 0n);
  if (loads.length === 0) return noexec('no loadable segments (no PT_LOAD)');
  const fl = BigInt(fileLen);
  for (const p of loads) {
    const at = `PT_LOAD at ${hex(p.vaddr)}`;
    if (p.filesz > p.memsz) return noexec(`${at}: p_filesz ${hex(p.filesz)} > p_memsz ${hex(p.memsz)}`);
    if (p.offset > fl || p.filesz > fl - p.offset) return noexec(`${at}: file bytes extend past the end of the file`);
    if (p.vaddr % BigInt(PAGE_SIZE) !== p.offset % BigInt(PAGE_SIZE)) {
      return noexec(`${at}: p_vaddr and p_offset differ modulo the page size`);
    }
    if (p.vaddr >= LIMIT || p.memsz > LIMIT - p.vaddr) {
      return noexec(`${at}: segment (p_memsz ${hex(p.memsz)}) lies outside the ${hex(LOAD_LIMIT)}-byte address space`);
    }
  }
  // Values are now below the address-space limit (2^38), so numbers are exact.
  const sorted = loads
    .map((p) => ({ vaddr: Number(p.vaddr), memsz: Number(p.memsz), filesz: Number(p.filesz), offset: Number(p.offset), prot: protFromFlags(p.flags) }))
    .sort((a, b) => a.vaddr - b.vaddr);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!, cur = sorted[i]!;
    if (prev.vaddr + prev.memsz > cur.vaddr) {
      return noexec(`overlapping PT_LOAD segments at ${hex(prev.vaddr)} and ${hex(cur.vaddr)}`);
    }
  }
  const lo = pageFloor(sorted[0]!.vaddr);
  const last = sorted[sorted.length - 1]!;
  const hi = pageCeil(last.vaddr + last.memsz);
  let bias = 0;
  if (elf.type === ET_DYN) {
    bias = dynBase - lo;
    if (dynBase + (hi - lo) > LOAD_LIMIT) return noexec(`position-independent image too large (${hex(hi - lo)} bytes)`);
  } else if (lo < MIN_LOAD_ADDR) {
    return noexec(`PT_LOAD at ${hex(sorted[0]!.vaddr)} is below vm.mmap_min_addr (${hex(MIN_LOAD_ADDR)})`);
  }
  if (elf.entry >= LIMIT) return noexec(`entry point ${hex(elf.entry)} outside the address space`);
  const segments = sorted.map((s) => ({ ...s, vaddr: s.vaddr + bias }));
  return { bias, segments, entry: Number(elf.entry) + bias, phdr: findPhdr(elf, bias), brk: hi + bias };
}

/** Returns the guest address of the program-header table: PT_PHDR's vaddr, else the PT_LOAD whose
 *  file bytes contain e_phoff (as Linux computes AT_PHDR), else 0. */
function findPhdr(elf: ElfInfo, bias: number): number {
  const ph = elf.phdrs.find((p) => p.type === PT_PHDR);
  if (ph && ph.vaddr < LIMIT) return Number(ph.vaddr) + bias;
  for (const p of elf.phdrs) {
    if (p.type !== PT_LOAD) continue;
    if (p.offset <= elf.phoff && elf.phoff - p.offset < p.filesz && p.vaddr < LIMIT) {
      return Number(p.vaddr + (elf.phoff - p.offset)) + bias;
    }
  }
  return 0;
}

/** Returns an MmapFile that reads from the in-memory image (for MAP_PRIVATE segment maps). */
export function imageFile(image: Uint8Array, path: string, dev = 0, ino = 0): MmapFile {
  return {
    path, dev, ino,
    read(offset: number, buf: Uint8Array): number {
      if (!(offset >= 0) || offset >= image.length) return 0;
      const n = Math.min(buf.length, image.length - offset);
      buf.set(image.subarray(offset, offset + n));
      return n;
    },
  };
}

/** Maps every segment of layout into mm, each file part from a new source() (MAP_PRIVATE: pages
 *  read on first touch); returns null or a LoadError (mm is then half-built and must be
 *  discarded). Assumes nothing is mapped where the segments go. setBrk: the image is the
 *  program (not its interpreter), so the break starts after it. */
export function mapSegments(mm: LoaderMm, layout: Layout, source: () => MmapFile, setBrk = true): LoadError | null {
  for (const s of layout.segments) {
    const start = pageFloor(s.vaddr);
    const fileEnd = s.vaddr + s.filesz;
    const fileMapEnd = pageCeil(fileEnd);
    const memEnd = pageCeil(s.vaddr + s.memsz);
    const flags = MAP_PRIVATE | MAP_FIXED;
    if (s.filesz > 0) {
      const off = s.offset - (s.vaddr - start);
      const file = source();
      const r = mm.mmap(start, fileMapEnd - start, s.prot, flags, file, off);
      if (r < 0) {
        file.release?.(); // a refused mapping never took the source
        return mapFailed(start, r);
      }
      // The file page holding the segment's end also holds unrelated file bytes: zero them (bss
      // start). A forced write, because the page may be read-only: it takes a private copy of
      // the page, as a write to a private file mapping does.
      if (fileEnd < fileMapEnd) mm.mem.writeForce(fileEnd, new Uint8Array(fileMapEnd - fileEnd));
    }
    const anonStart = s.filesz > 0 ? fileMapEnd : start;
    if (memEnd > anonStart) {
      const r = mm.mmap(anonStart, memEnd - anonStart, s.prot, flags | MAP_ANONYMOUS, null, 0);
      if (r < 0) return mapFailed(anonStart, r);
    }
  }
  if (setBrk) mm.initBrk(layout.brk);
  return null;
}

function mapFailed(addr: number, r: number): LoadError {
  return noexec(`cannot map segment at ${hex(addr)}: ${errnoName(-r)}`, -r);
}
