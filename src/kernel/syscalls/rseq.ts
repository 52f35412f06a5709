// rseq(2) (293): registering a thread's struct rseq (abi-riscv64.md §4.2). What the kernel then
// does on each return to user mode is in ../rseq/fixup.ts.
import { EBUSY, EFAULT, EINVAL, EPERM } from '../../abi/errno.js';
import {
  ORIG_RSEQ_SIZE, RSEQ_ALIGN, RSEQ_CPU_ID, RSEQ_CPU_ID_START, RSEQ_CPU_ID_UNINITIALIZED, RSEQ_FEATURE_SIZE,
  RSEQ_FLAG_UNREGISTER, RSEQ_MM_CID, RSEQ_NODE_ID,
} from '../../abi/rseq.js';
import { TASK_SIZE } from '../../mem/guest_memory.js';
import type { Task } from '../task.js';
import type { SyscallDef, SysArgs } from './types.js';

/** rseq(rseq*, rseq_len, flags, sig): registers or (RSEQ_FLAG_UNREGISTER) unregisters t's area. */
function sysRseq(t: Task, a: SysArgs): number {
  const addr = a.addr(0), len = a.u32(1), flags = a.int(2), sig = a.u32(3);
  const r = t.rseq;
  if (flags & RSEQ_FLAG_UNREGISTER) {
    if (flags & ~RSEQ_FLAG_UNREGISTER) return -EINVAL;
    if (r.area === null || r.area.addr !== addr || r.area.len !== len) return -EINVAL;
    if (r.area.sig !== sig) return -EPERM;
    // Linux's rseq_reset_rseq_cpu_node_id; a fault fails the call and keeps the registration.
    const mem = t.mm.mem;
    mem.writeU32(addr + RSEQ_CPU_ID_START, 0);
    mem.writeI32(addr + RSEQ_CPU_ID, RSEQ_CPU_ID_UNINITIALIZED);
    mem.writeU32(addr + RSEQ_NODE_ID, 0);
    mem.writeU32(addr + RSEQ_MM_CID, 0);
    r.area = null;
    return 0;
  }
  if (flags !== 0) return -EINVAL;
  if (r.area !== null) {
    if (r.area.addr !== addr || r.area.len !== len) return -EINVAL;
    if (r.area.sig !== sig) return -EPERM;
    return -EBUSY;
  }
  // The original 32-byte area must be 32-aligned; a longer one (the extensible ABI) must be
  // AT_RSEQ_ALIGN-aligned and hold every field up to AT_RSEQ_FEATURE_SIZE.
  if (len < ORIG_RSEQ_SIZE || addr % (len === ORIG_RSEQ_SIZE ? ORIG_RSEQ_SIZE : RSEQ_ALIGN) !== 0 || len < RSEQ_FEATURE_SIZE) {
    return -EINVAL;
  }
  // Linux checks only that the range is user space (access_ok); an unmapped area faults, and
  // kills the thread with SIGSEGV, when the ids are written on the way back to user mode.
  if (addr + len > TASK_SIZE) return -EFAULT;
  r.area = { addr, len, sig };
  r.notify = true; // the ids are written before the return to user mode
  return 0;
}

export const defs: SyscallDef[] = [
  {
    nr: 293, name: 'rseq', handler: sysRseq, status: 'full',
    note: 'aborts on preemption, migration, signal and membarrier; node_id 0; mm_cid dense per process',
    args: ['ptr', 'uint', 'rseqflags', 'hex'],
  },
];
