// memfd_create(2): an anonymous file on an internal tmpfs, for sharing memory by mapping it
// (librseq, Wayland clients, JITs that map code twice). Its pages are one memory object, so two
// mappings of it, at any addresses, show the same frames.
import { EINVAL } from '../../abi/errno.js';
import type { Task } from '../task.js';
import { nofileLimit } from './fs_common.js';
import type { SysArgs, SyscallDef } from './types.js';

/** memfd_create flags (include/uapi/linux/memfd.h). */
export const MFD_CLOEXEC = 0x1, MFD_ALLOW_SEALING = 0x2, MFD_HUGETLB = 0x4, MFD_NOEXEC_SEAL = 0x8, MFD_EXEC = 0x10;
/** Longest name: NAME_MAX less the "memfd:" prefix (MFD_NAME_MAX_LEN). */
export const MFD_NAME_MAX_LEN = 249;
/** The flags memfd_create knows (MFD_HUGETLB with its size bits is refused: there are no huge pages). */
const MFD_KNOWN = MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_NOEXEC_SEAL | MFD_EXEC;

/** memfd_create(name*, flags): returns the new fd, or -EINVAL (flags, name too long), -EFAULT, -EMFILE. */
function sysMemfdCreate(t: Task, a: SysArgs): number {
  const flags = a.u32(1);
  if (flags & ~MFD_KNOWN || a.big(1) >> 32n !== 0n) return -EINVAL;
  if ((flags & (MFD_EXEC | MFD_NOEXEC_SEAL)) === (MFD_EXEC | MFD_NOEXEC_SEAL)) return -EINVAL;
  const name = t.mm.mem.readCString(a.addr(0), MFD_NAME_MAX_LEN);
  if (name === null) return -EINVAL;
  const f = t.kernel.vfs.createMemfd(name, t.tg.cred);
  return t.files.install(f, (flags & MFD_CLOEXEC) !== 0, 0, nofileLimit(t));
}

export const defs: SyscallDef[] = [
  {
    nr: 279, name: 'memfd_create', handler: sysMemfdCreate, status: 'partial',
    note: 'MFD_HUGETLB is EINVAL; seals (F_ADD_SEALS, F_GET_SEALS) are not supported',
    args: ['path', 'hex'],
  },
];

