// mmap/mprotect/madvise/mremap flag values (include/uapi/asm-generic/mman-common.h, mman.h,
// include/uapi/linux/mman.h; riscv64 uses the generic values).

/** The protection bits a page can have (PROT_READ | PROT_WRITE | PROT_EXEC). */
export const PROT_VALID_MMAP = 0x7;
/** mprotect also accepts PROT_SEM (0x8, arch_validate_prot) and PROT_GROWSDOWN/GROWSUP. */
export const PROT_SEM = 0x8;
export const PROT_GROWSDOWN = 0x0100_0000;
export const PROT_GROWSUP = 0x0200_0000;

export const MAP_SHARED = 0x01;
export const MAP_PRIVATE = 0x02;
export const MAP_SHARED_VALIDATE = 0x03;
/** The mapping-type field of the flags word. */
export const MAP_TYPE = 0x0f;
export const MAP_FIXED = 0x10;
export const MAP_ANONYMOUS = 0x20;
export const MAP_GROWSDOWN = 0x0100;
export const MAP_DENYWRITE = 0x0800;
export const MAP_EXECUTABLE = 0x1000;
export const MAP_LOCKED = 0x2000;
export const MAP_NORESERVE = 0x4000;
export const MAP_POPULATE = 0x8000;
export const MAP_NONBLOCK = 0x1_0000;
export const MAP_STACK = 0x2_0000;
export const MAP_HUGETLB = 0x4_0000;
export const MAP_SYNC = 0x8_0000;
export const MAP_FIXED_NOREPLACE = 0x10_0000;
export const MAP_UNINITIALIZED = 0x400_0000;
/** Bits of the huge-page-size field (MAP_HUGE_SHIFT 26) used by MAP_HUGE_2MB (21) and MAP_HUGE_1GB (30). */
export const MAP_HUGE_KNOWN_BITS = 0x1f << 26;

/**
 * Flags that MAP_SHARED_VALIDATE of a file knows (Linux's LEGACY_MAP_MASK | MAP_SYNC); any other
 * bit, MAP_FIXED_NOREPLACE included, gives EOPNOTSUPP (checked against Linux 6.18).
 */
export const MAP_VALIDATE_KNOWN =
  MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_DENYWRITE | MAP_EXECUTABLE | MAP_LOCKED |
  MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB | MAP_UNINITIALIZED | MAP_SYNC | MAP_HUGE_KNOWN_BITS;

/** The MAP_* bits a VMA remembers (they decide merging and the p/s column of maps). */
export const VMA_FLAG_BITS = MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_STACK | MAP_NORESERVE;

export const MADV_NORMAL = 0, MADV_RANDOM = 1, MADV_SEQUENTIAL = 2, MADV_WILLNEED = 3, MADV_DONTNEED = 4,
  MADV_FREE = 8, MADV_REMOVE = 9, MADV_DONTFORK = 10, MADV_DOFORK = 11, MADV_MERGEABLE = 12,
  MADV_UNMERGEABLE = 13, MADV_HUGEPAGE = 14, MADV_NOHUGEPAGE = 15, MADV_DONTDUMP = 16, MADV_DODUMP = 17,
  MADV_WIPEONFORK = 18, MADV_KEEPONFORK = 19, MADV_COLD = 20, MADV_PAGEOUT = 21, MADV_POPULATE_READ = 22,
  MADV_POPULATE_WRITE = 23, MADV_DONTNEED_LOCKED = 24, MADV_COLLAPSE = 25, MADV_HWPOISON = 100,
  MADV_SOFT_OFFLINE = 101;

export const MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2, MREMAP_DONTUNMAP = 4;

/** msync flags (MS_ASYNC 1, MS_INVALIDATE 2, MS_SYNC 4). */
export const MS_ASYNC = 1, MS_INVALIDATE = 2, MS_SYNC = 4;
/** mlockall flags. */
export const MCL_CURRENT = 1, MCL_FUTURE = 2, MCL_ONFAULT = 4;
/** mlock2 flag. */
export const MLOCK_ONFAULT = 1;
/** riscv_flush_icache flag (arch/riscv/include/uapi/asm/unistd.h). */
export const SYS_RISCV_FLUSH_ICACHE_LOCAL = 1;
