// The shape of a guest address space below TASK_SIZE (2^38 bytes, riscv64 Sv39): where the
// stack, the mmap area and the heap go, with Linux's values.
import { PAGE_SIZE } from './phys.js';

/** User address space size: riscv64 Sv39's 256 GiB user half (2^38 bytes, 2^26 pages). */
export const TASK_SIZE = 2 ** 38;

/** One unmapped guard page at the very top, so a stack overrun past the top faults. */
export const TOP_GUARD = PAGE_SIZE;
/** The initial stack ends here (exclusive); the loader builds argv/envp/auxv just below it. */
export const STACK_TOP = TASK_SIZE - TOP_GUARD;
/** Default RLIMIT_STACK soft limit (8 MiB, as on a stock Linux system). */
export const STACK_SIZE_DEFAULT = 8 * 1024 * 1024;
/** Room the initial stack VMA has below the arguments (Linux's stack_expand in setup_arg_pages: 128 KiB); it grows on demand beyond. */
export const STACK_EXPAND = 128 * 1024;
/** Linux's stack_guard_gap default (256 pages): mmap keeps this far below a MAP_GROWSDOWN VMA. */
export const STACK_GUARD_GAP = 256 * PAGE_SIZE;
/** Linux's MIN_GAP in mmap_base(): at least 128 MiB between the stack top and mmap_base. */
export const MIN_GAP = 128 * 1024 * 1024;
/** Linux's MAX_GAP (TASK_SIZE/6*5): the stack gap never takes more than this. */
export const MAX_GAP = Math.floor(TASK_SIZE / 6) * 5;
/** Linux's default vm.mmap_min_addr (64 KiB): nothing maps below it (EPERM for MAP_FIXED). */
export const MMAP_MIN_ADDR = 0x1_0000;
/** Bottom-up fallback start when top-down placement fails (TASK_UNMAPPED_BASE = TASK_SIZE/3). */
export const TASK_UNMAPPED_BASE = Math.ceil(TASK_SIZE / 3 / PAGE_SIZE) * PAGE_SIZE;
/** Linux's default vm.max_map_count: more VMAs than this gives ENOMEM. */
export const MAX_MAP_COUNT = 65530;

/** Returns mmap_base for a stack rlimit (bytes): STACK_TOP minus the clamped stack gap. */
export function mmapBaseFor(stackRlimit: number): number {
  let gap = stackRlimit + STACK_GUARD_GAP;
  if (!(gap >= MIN_GAP)) gap = MIN_GAP;
  if (gap > MAX_GAP) gap = MAX_GAP;
  return Math.floor((STACK_TOP - gap) / PAGE_SIZE) * PAGE_SIZE;
}
