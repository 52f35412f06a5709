// ecall's own ABIs, which no Linux kernel has (README "ecall extensions"): each is off unless the
// embedder enables it (KernelOptions.extensions, `ecall run --ext`), and absent when off: its
// system calls give ENOSYS, its vDSO symbols are not in the image, its CSR traps.

/** Which extensions are on. */
export interface EcallExtensions {
  /** The per-thread syscall counter (seed 000): ecall_syscall_counter. */
  syscallCounter: boolean;
  /** The vDSO cancellation helpers (seed 003): __vdso_cancellable_syscall and __vdso_cancel_pending_syscall. */
  cancel: boolean;
  /** The vDSO per-CPU operation (seed 002): __vdso_percpu_cmpxchg, __vdso_percpu_cpu and the CPU CSR. */
  percpu: boolean;
}

export const NO_EXTENSIONS: EcallExtensions = { syscallCounter: false, cancel: false, percpu: false };

/** The names `--ext` takes, in ecall_features' bit order. */
export const EXTENSION_NAMES = ['syscall-counter', 'cancel', 'percpu'] as const;

/** ecall_features bits (one per extension, in EXTENSION_NAMES order). */
export const ECALL_FEATURE_SYSCALL_COUNTER = 1, ECALL_FEATURE_CANCEL = 2, ECALL_FEATURE_PERCPU = 4;

/**
 * ecall's system call numbers: "ECL" in ASCII followed by an index. Linux numbers its calls
 * densely from 0 (about 470 in 2025, one table for every new architecture) and gives ENOSYS for
 * anything above its table, so a number near 2^30 cannot collide with a future Linux call, and a
 * program that calls it on Linux learns that the extension is absent.
 */
export const NR_ECALL_BASE = 0x45434c00;
export const NR_ECALL_FEATURES = NR_ECALL_BASE, NR_ECALL_SYSCALL_COUNTER = NR_ECALL_BASE + 1;

/** Returns ecall_features' answer for e: the bits of the enabled extensions. */
export function featureBits(e: EcallExtensions): number {
  return (e.syscallCounter ? ECALL_FEATURE_SYSCALL_COUNTER : 0) | (e.cancel ? ECALL_FEATURE_CANCEL : 0) |
    (e.percpu ? ECALL_FEATURE_PERCPU : 0);
}

/** Parses `--ext` values (comma-separated names, or "all"); returns the set or the unknown name. */
export function parseExtensions(values: readonly string[]): EcallExtensions | { unknown: string } {
  const e = { ...NO_EXTENSIONS };
  for (const v of values.flatMap((x) => x.split(','))) {
    if (v === 'all') { e.syscallCounter = e.cancel = e.percpu = true; continue; }
    if (v === 'syscall-counter') e.syscallCounter = true;
    else if (v === 'cancel') e.cancel = true;
    else if (v === 'percpu') e.percpu = true;
    else return { unknown: v };
  }
  return e;
}
