// The system calls of ecall's extensions (ext/extensions.ts): ecall_features, which says which
// extensions are on, and ecall_syscall_counter, which registers the per-thread syscall counter
// (ext/syscall_counter.ts). Both give ENOSYS unless their extension is enabled, exactly as Linux
// answers an unknown number, so that is how a program detects the extension's absence.
import { EBUSY, EFAULT, EINVAL, ENOSYS } from '../../abi/errno.js';
import { PROT_READ, PROT_WRITE } from '../../mem/guest_memory.js';
import { featureBits, NR_ECALL_FEATURES, NR_ECALL_SYSCALL_COUNTER } from '../ext/extensions.js';
import type { Task } from '../task.js';
import type { SyscallDef, SysArgs } from './types.js';

/** ecall_syscall_counter's flag: stop counting (the pointer must be the registered one). */
export const ECALL_SYSCALL_COUNTER_UNREGISTER = 1;

/** ecall_features(flags): the ECALL_FEATURE_* bits of the enabled extensions; flags must be 0. */
function sysEcallFeatures(t: Task, a: SysArgs): number {
  const bits = featureBits(t.kernel.extensions);
  if (bits === 0) return -ENOSYS;
  return a.u32(0) !== 0 ? -EINVAL : bits;
}

/**
 * ecall_syscall_counter(counter*, flags): registers an 8-byte-aligned, writable 64-bit counter for
 * the calling thread (EBUSY if one is registered; this call is the first one counted), or with
 * ECALL_SYSCALL_COUNTER_UNREGISTER stops counting into the registered one (EINVAL for another).
 */
function sysEcallSyscallCounter(t: Task, a: SysArgs): number {
  if (!t.kernel.extensions.syscallCounter) return -ENOSYS;
  const addr = a.addr(0), flags = a.u32(1);
  if (flags & ~ECALL_SYSCALL_COUNTER_UNREGISTER) return -EINVAL;
  if (flags & ECALL_SYSCALL_COUNTER_UNREGISTER) {
    if (t.syscallCounter === 0 || t.syscallCounter !== addr) return -EINVAL;
    t.syscallCounter = 0;
    return 0;
  }
  if (addr === 0 || addr % 8 !== 0) return -EINVAL;
  if (t.syscallCounter !== 0) return -EBUSY;
  if (!t.mm.mem.accessible(addr, 8, PROT_READ | PROT_WRITE)) return -EFAULT;
  t.syscallCounter = addr;
  return 0;
}

export const defs: SyscallDef[] = [
  {
    nr: NR_ECALL_FEATURES, name: 'ecall_features', handler: sysEcallFeatures, status: 'full',
    note: 'ecall extension: the enabled extensions as bits; ENOSYS when none is', args: ['uint'], ret: 'hex',
  },
  {
    nr: NR_ECALL_SYSCALL_COUNTER, name: 'ecall_syscall_counter', handler: sysEcallSyscallCounter, status: 'full',
    note: 'ecall extension (--ext syscall-counter): a per-thread count of completed syscalls; ENOSYS unless enabled',
    args: ['ptr', 'uint'],
  },
];
