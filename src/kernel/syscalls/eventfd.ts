// eventfd2(2): create an eventfd counter and install it as an fd.
import { EINVAL } from '../../abi/errno.js';
import type { Task } from '../task.js';
import { O_CLOEXEC, O_NONBLOCK } from '../vfs/constants.js';
import { EFD_SEMAPHORE, EventFd } from '../vfs/eventfd.js';
import { nofileLimit } from './fs_common.js';
import type { SysArgs, SyscallDef } from './types.js';

/** EFD_CLOEXEC and EFD_NONBLOCK are O_CLOEXEC and O_NONBLOCK (include/uapi/linux/eventfd.h). */
export const EFD_CLOEXEC = O_CLOEXEC, EFD_NONBLOCK = O_NONBLOCK;
/** Every flag eventfd2 accepts; other bits give EINVAL. */
const EFD_FLAGS = EFD_CLOEXEC | EFD_NONBLOCK | EFD_SEMAPHORE;

/** eventfd2(initval, flags): returns the new fd, -EINVAL for unknown flags, or -EMFILE. */
export function sysEventfd2(t: Task, a: SysArgs): number {
  const initval = a.u32(0);
  const flags = a.int(1);
  if (flags & ~EFD_FLAGS) return -EINVAL;
  const cred = t.tg.cred;
  const efd = new EventFd(BigInt(initval), (flags & EFD_SEMAPHORE) !== 0, (flags & EFD_NONBLOCK) !== 0,
    { uid: cred.fsuid, gid: cred.fsgid, nowNs: t.kernel.realtimeNs() });
  return t.files.install(efd, (flags & EFD_CLOEXEC) !== 0, 0, nofileLimit(t));
}

export const defs: SyscallDef[] = [
  {
    nr: 19, name: 'eventfd2', handler: sysEventfd2, status: 'full',
    note: 'EFD_CLOEXEC, EFD_NONBLOCK, EFD_SEMAPHORE',
    args: ['uint', 'hex'],
  },
];
