// The fixed parts of a fresh process's address space as the loader lays it out. The stack and
// mmap geometry come from src/mem/layout.ts; this file adds what only the loader decides.
// Placement is fixed except for the random page offset the kernel adds to ET_DYN images (its
// ASLR: host randomness in real-time mode, the seeded PRNG in deterministic mode).
import { PAGE_SIZE } from '../mem/guest_memory.js';
import { MMAP_MIN_ADDR, STACK_GUARD_GAP, STACK_SIZE_DEFAULT, STACK_TOP } from '../mem/layout.js';

export { STACK_EXPAND } from '../mem/layout.js';

export { MAP_ANONYMOUS, MAP_FIXED, MAP_GROWSDOWN, MAP_PRIVATE, MAP_STACK } from '../mem/mman.js';
export { STACK_TOP } from '../mem/layout.js';

/** The default stack limit (RLIMIT_STACK): how far the stack may grow below STACK_TOP. */
export const STACK_SIZE = STACK_SIZE_DEFAULT;
/** Lowest address the stack reaches at the default limit. */
export const STACK_BOTTOM = STACK_TOP - STACK_SIZE;
/** Largest initial stack VMA (the arguments are bounded far below it). */
export const STACK_SIZE_MAX = STACK_SIZE_DEFAULT;
/** ELF segments must end at or below this address so they cannot collide with the stack. */
export const LOAD_LIMIT = STACK_BOTTOM - STACK_GUARD_GAP;
/** Load address of a static-PIE (ET_DYN without PT_INTERP) image's lowest page. 1 GiB leaves
 *  room for brk above it and keeps it far from top-down mmap placement below mmap_base. */
export const STATIC_PIE_BASE = 0x4000_0000;
/** Linux's ELF_ET_DYN_BASE on riscv64 (two thirds of the Sv39 user space, page-aligned): where a
 *  PIE program that has a PT_INTERP is loaded before the random offset. */
export const ELF_ET_DYN_BASE = Math.floor(Math.floor(2 ** 38 / 3) * 2 / PAGE_SIZE) * PAGE_SIZE;
/** Linux's default vm.mmap_rnd_bits on riscv64 (ARCH_MMAP_RND_BITS_MIN for 64-bit): an ET_DYN
 *  image's random offset is below 2^18 pages (1 GiB). */
export const MMAP_RND_BITS = 18;
/** Lowest address a segment may occupy (vm.mmap_min_addr): NULL dereferences must fault. */
export const MIN_LOAD_ADDR = MMAP_MIN_ADDR;

/** Linux caps each argv/envp string at 32 pages (MAX_ARG_STRLEN, include/uapi/linux/binfmts.h). */
export const MAX_ARG_STRLEN = 32 * PAGE_SIZE;
/** Linux caps argv+envp (strings and pointers) at a quarter of the stack limit (fs/exec.c). */
export const MAX_ARG_TOTAL = STACK_SIZE / 4;

/** Returns addr rounded down to a page boundary (addr < 2^53). */
export function pageFloor(addr: number): number {
  return addr - (addr % PAGE_SIZE);
}

/** Returns addr rounded up to a page boundary (addr < 2^53). */
export function pageCeil(addr: number): number {
  return pageFloor(addr + PAGE_SIZE - 1);
}
