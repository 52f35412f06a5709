// riscv_hwprobe(2) (258): what ecall's CPU implements, per key (the values are in hwprobe_keys.ts),
// and the RISCV_HWPROBE_WHICH_CPUS form. Every virtual CPU is the same hart. The vDSO answers the
// common query from the vvar page (kernel/vdso/process_vdso.ts).
import { EFAULT, EINVAL } from '../../abi/errno.js';
import { GuestFaultError } from '../../mem/guest_memory.js';
import { MAX_CPUS } from '../sched.js';
import type { Task } from '../task.js';
import type { SyscallDef, SysArgs } from './types.js';
import { BITMASK_KEYS, hwprobeValue, RISCV_HWPROBE_MAX_KEY } from './hwprobe_keys.js';

/** The only flag: the pairs are a question and the CPU set is the answer. */
export const RISCV_HWPROBE_WHICH_CPUS = 1;

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
