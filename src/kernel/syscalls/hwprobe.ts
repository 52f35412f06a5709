// riscv_hwprobe(2) (258): what ecall's CPU implements, per key (arch/riscv/include/uapi/asm/
// hwprobe.h, Linux 6.14), and the RISCV_HWPROBE_WHICH_CPUS form. Every virtual CPU is the same
// hart. The vDSO answers the common query from the vvar page (kernel/vdso/process_vdso.ts).
import { EFAULT, EINVAL } from '../../abi/errno.js';
import { TIMEBASE_HZ } from '../../cpu/hart.js';
import { GuestFaultError, TASK_SIZE } from '../../mem/guest_memory.js';
import { MAX_CPUS } from '../sched.js';
import type { Task } from '../task.js';
import type { SyscallDef, SysArgs } from './types.js';

export const RISCV_HWPROBE_KEY_MVENDORID = 0, RISCV_HWPROBE_KEY_MARCHID = 1, RISCV_HWPROBE_KEY_MIMPID = 2,
  RISCV_HWPROBE_KEY_BASE_BEHAVIOR = 3, RISCV_HWPROBE_KEY_IMA_EXT_0 = 4, RISCV_HWPROBE_KEY_CPUPERF_0 = 5,
  RISCV_HWPROBE_KEY_ZICBOZ_BLOCK_SIZE = 6, RISCV_HWPROBE_KEY_HIGHEST_VIRT_ADDRESS = 7,
  RISCV_HWPROBE_KEY_TIME_CSR_FREQ = 8, RISCV_HWPROBE_KEY_MISALIGNED_SCALAR_PERF = 9,
  RISCV_HWPROBE_KEY_MISALIGNED_VECTOR_PERF = 10, RISCV_HWPROBE_KEY_VENDOR_EXT_THEAD_0 = 11,
  RISCV_HWPROBE_KEY_ZICBOM_BLOCK_SIZE = 12, RISCV_HWPROBE_KEY_VENDOR_EXT_SIFIVE_0 = 13;
/** Keys 0..MAX are known; others come back as key -1, value 0. */
export const RISCV_HWPROBE_MAX_KEY = 13;
/** The only flag: the pairs are a question and the CPU set is the answer. */
export const RISCV_HWPROBE_WHICH_CPUS = 1;

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
const BITMASK_KEYS = new Set([RISCV_HWPROBE_KEY_BASE_BEHAVIOR, RISCV_HWPROBE_KEY_IMA_EXT_0, RISCV_HWPROBE_KEY_CPUPERF_0,
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

/** True if the CPUs' value for key matches the asked-for value (WHICH_CPUS). */
function matches(key: number, have: bigint, want: bigint): boolean {
  return BITMASK_KEYS.has(key) ? (have & want) === want : have === want;
}

/** The kernel's cpumask_t size in bytes (MAX_CPUS bits): longer CPU sets are cut to it. */
const CPUMASK_BYTES = MAX_CPUS / 8;
/** Counts and sizes beyond this are taken as this: a loop that long faults before it ends. */
const SIZE_CAP = 2 ** 40;

/** The online CPUs as a mask. */
const onlineMask = (t: Task): bigint => t.kernel.sched.allCpus;

/** Reads a size_t argument, capped at SIZE_CAP. */
const sizeArg = (a: SysArgs, i: number): number => (a.big(i) > BigInt(SIZE_CAP) ? SIZE_CAP : Number(a.big(i)));

/** Reads the caller's CPU set (cpusetsize bytes, capped at the kernel's mask size). */
function readCpus(t: Task, addr: number, size: number): bigint {
  const n = Math.min(size, CPUMASK_BYTES);
  const bytes = t.mm.mem.read(addr, n);
  let m = 0n;
  for (let i = 0; i < n; i++) m |= BigInt(bytes[i]!) << BigInt(8 * i);
  return m;
}

/** riscv_hwprobe(pairs, pair_count, cpusetsize, cpus, flags). */
function sysRiscvHwprobe(t: Task, a: SysArgs): number {
  const pairs = a.addr(0), count = sizeArg(a, 1), size = sizeArg(a, 2), cpus = a.addr(3), flags = a.u32(4);
  const mem = t.mm.mem;
  if (flags & RISCV_HWPROBE_WHICH_CPUS) {
    if (flags !== RISCV_HWPROBE_WHICH_CPUS || size === 0 || cpus === 0) return -EINVAL;
    let set = readCpus(t, cpus, size);
    if (set === 0n) set = onlineMask(t);
    set &= onlineMask(t);
    let clearAll = false;
    for (let i = 0; i < count; i++) {
      const key = mem.readBig64(pairs + 16 * i), want = mem.readBig64(pairs + 16 * i + 8);
      const k = Number(BigInt.asIntN(64, key));
      if (k < 0 || k > RISCV_HWPROBE_MAX_KEY) {
        clearAll = true;
        mem.writeBig64(pairs + 16 * i, -1n);
        mem.writeBig64(pairs + 16 * i + 8, 0n);
      }
      if (clearAll) continue;
      if (!matches(k, hwprobeValue(k), want)) set = 0n; // every CPU has the same value
    }
    if (clearAll) set = 0n;
    const out = new Uint8Array(Math.min(size, CPUMASK_BYTES));
    for (let i = 0; i < out.length; i++) out[i] = Number((set >> BigInt(8 * i)) & 0xffn);
    mem.write(cpus, out);
    return 0;
  }
  if (flags !== 0) return -EINVAL;
  if (size !== 0 || cpus !== 0) {
    let set: bigint;
    try { set = readCpus(t, cpus, size); } catch (e) { if (e instanceof GuestFaultError) return -EFAULT; throw e; }
    if ((set & onlineMask(t)) === 0n) return -EINVAL;
  }
  for (let i = 0; i < count; i++) {
    const k = Number(BigInt.asIntN(64, mem.readBig64(pairs + 16 * i)));
    const known = k >= 0 && k <= RISCV_HWPROBE_MAX_KEY;
    mem.writeBig64(pairs + 16 * i, known ? BigInt(k) : -1n);
    mem.writeBig64(pairs + 16 * i + 8, known ? hwprobeValue(k) : 0n);
  }
  return 0;
}

export const defs: SyscallDef[] = [
  {
    nr: 258, name: 'riscv_hwprobe', handler: sysRiscvHwprobe, status: 'full',
    note: 'keys 0-13 of Linux 6.14 and WHICH_CPUS; rv64gc with fast misaligned access; also in the vDSO',
    args: ['ptr', 'size', 'size', 'ptr', 'uint'],
  },
];
