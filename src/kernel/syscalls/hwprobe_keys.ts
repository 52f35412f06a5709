// What ecall's CPU answers to each riscv_hwprobe key (arch/riscv/include/uapi/asm/hwprobe.h,
// Linux 6.14): the riscv_hwprobe syscall (syscalls/hwprobe.ts) and the vDSO's vvar page
// (vdso/process_vdso.ts) both read it. Every virtual CPU is the same hart.
import { TIMEBASE_HZ } from '../../cpu/hart.js';
import { TASK_SIZE } from '../../mem/guest_memory.js';

export const RISCV_HWPROBE_KEY_MVENDORID = 0, RISCV_HWPROBE_KEY_MARCHID = 1, RISCV_HWPROBE_KEY_MIMPID = 2,
  RISCV_HWPROBE_KEY_BASE_BEHAVIOR = 3, RISCV_HWPROBE_KEY_IMA_EXT_0 = 4, RISCV_HWPROBE_KEY_CPUPERF_0 = 5,
  RISCV_HWPROBE_KEY_ZICBOZ_BLOCK_SIZE = 6, RISCV_HWPROBE_KEY_HIGHEST_VIRT_ADDRESS = 7,
  RISCV_HWPROBE_KEY_TIME_CSR_FREQ = 8, RISCV_HWPROBE_KEY_MISALIGNED_SCALAR_PERF = 9,
  RISCV_HWPROBE_KEY_MISALIGNED_VECTOR_PERF = 10, RISCV_HWPROBE_KEY_VENDOR_EXT_THEAD_0 = 11,
  RISCV_HWPROBE_KEY_ZICBOM_BLOCK_SIZE = 12, RISCV_HWPROBE_KEY_VENDOR_EXT_SIFIVE_0 = 13;
/** Keys 0..MAX are known; others come back as key -1, value 0. */
export const RISCV_HWPROBE_MAX_KEY = 13;

/** IMA_EXT_0 bits for what the CPU implements: F and D, C (so Zca and Zcd), the counters, and A
 *  (so Zaamo and Zalrsc). */
const IMA_FD = 1n << 0n, IMA_C = 1n << 1n, EXT_ZCA = 1n << 43n, EXT_ZCD = 1n << 45n, EXT_ZICNTR = 1n << 50n,
  EXT_ZAAMO = 1n << 56n, EXT_ZALRSC = 1n << 57n;
const IMA_EXT_0 = IMA_FD | IMA_C | EXT_ZCA | EXT_ZCD | EXT_ZICNTR | EXT_ZAAMO | EXT_ZALRSC;
const BASE_BEHAVIOR_IMA = 1n;
/** Misaligned loads and stores are done by the CPU itself, at full speed. */
const MISALIGNED_FAST = 3n;
/** There is no vector unit. */
const MISALIGNED_VECTOR_UNSUPPORTED = 4n;

/** The keys whose values are bit sets (WHICH_CPUS matches them as subsets). */
export const BITMASK_KEYS = new Set([RISCV_HWPROBE_KEY_BASE_BEHAVIOR, RISCV_HWPROBE_KEY_IMA_EXT_0, RISCV_HWPROBE_KEY_CPUPERF_0,
  RISCV_HWPROBE_KEY_VENDOR_EXT_THEAD_0, RISCV_HWPROBE_KEY_VENDOR_EXT_SIFIVE_0]);

/** Returns the value of a known key for any set of ecall's (identical) CPUs. */
export function hwprobeValue(key: number): bigint {
  switch (key) {
    // No vendor, architecture or implementation id is assigned: 0, as the spec allows.
    case RISCV_HWPROBE_KEY_MVENDORID: case RISCV_HWPROBE_KEY_MARCHID: case RISCV_HWPROBE_KEY_MIMPID: return 0n;
    case RISCV_HWPROBE_KEY_BASE_BEHAVIOR: return BASE_BEHAVIOR_IMA;
    case RISCV_HWPROBE_KEY_IMA_EXT_0: return IMA_EXT_0;
    case RISCV_HWPROBE_KEY_CPUPERF_0: case RISCV_HWPROBE_KEY_MISALIGNED_SCALAR_PERF: return MISALIGNED_FAST;
    case RISCV_HWPROBE_KEY_MISALIGNED_VECTOR_PERF: return MISALIGNED_VECTOR_UNSUPPORTED;
    case RISCV_HWPROBE_KEY_HIGHEST_VIRT_ADDRESS: return BigInt(TASK_SIZE - 1);
    case RISCV_HWPROBE_KEY_TIME_CSR_FREQ: return BigInt(TIMEBASE_HZ);
    default: return 0n; // no Zicboz or Zicbom block, no vendor extensions
  }
}
