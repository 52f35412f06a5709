// The system calls added after the first families, gathered into one list for table.ts: chroot,
// the writeback calls, capabilities, UTS names, sched_rr_get_interval, preadv2/pwritev2,
// openat2 and fchmodat2, futex_waitv, process_vm_readv/writev, kcmp, inotify and xattrs.
import { capabilityDefs } from './capability.js';
import { chrootDefs } from './chroot.js';
import { at2Defs } from './fs_at2.js';
import { futexWaitvDefs } from './futex_waitv.js';
import { inotifyDefs } from './inotify.js';
import { processVmDefs } from './process_vm.js';
import { rw2Defs } from './rw2.js';
import { schedRrDefs } from './sched_rr.js';
import { syncDefs } from './sync.js';
import type { SyscallDef } from './types.js';
import { utsDefs } from './uts.js';
import { xattrDefs } from './xattr.js';

export const laterDefs: SyscallDef[] = [
  ...chrootDefs, ...syncDefs, ...capabilityDefs, ...utsDefs, ...schedRrDefs, ...rw2Defs, ...at2Defs,
  ...futexWaitvDefs, ...processVmDefs, ...inotifyDefs, ...xattrDefs,
];
