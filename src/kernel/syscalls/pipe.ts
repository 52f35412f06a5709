// pipe2(2): create a pipe and install its two ends as fds.
import { EFAULT, EINVAL } from '../../abi/errno.js';
import { PROT_WRITE } from '../../mem/guest_memory.js';
import type { Task } from '../task.js';
import { O_CLOEXEC, O_DIRECT, O_NONBLOCK } from '../vfs/constants.js';
import type { OpenFile } from '../vfs/file.js';
import { createPipe } from '../vfs/pipe.js';
import type { SysArgs, SyscallDef } from './types.js';
import { nofileLimit } from './fs_common.js';

/** The pipe2 flags Linux accepts (O_DIRECT is packet mode, recorded in the flags but not honoured). */
const PIPE2_FLAGS = O_CLOEXEC | O_NONBLOCK | O_DIRECT;

/** The part of the fd table pipe2 needs (the VFS FdTable provides it). */
interface FdInstaller {
  /** Installs file at the lowest free fd below limit; returns the fd or -EMFILE. */
  install(file: OpenFile, cloexec: boolean, minFd: number, limit: number): number;
  /** Closes fd; returns 0 or -EBADF. */
  close(fd: number): number;
}

/** pipe2(fds, flags): returns 0 and writes int[2] {read fd, write fd}, or -errno with no fd left open. */
export function sysPipe2(t: Task, a: SysArgs): number {
  const addr = a.addr(0);
  const flags = a.u32(1);
  if (flags & ~PIPE2_FLAGS) return -EINVAL;
  const mem = t.mm.mem;
  if (!mem.accessible(addr, 8, PROT_WRITE)) return -EFAULT;
  const cred = t.tg.cred;
  const { reader, writer } = createPipe({ uid: cred.fsuid, gid: cred.fsgid, nowNs: t.kernel.realtimeNs() });
  const status = flags & (O_NONBLOCK | O_DIRECT);
  reader.flags |= status;
  writer.flags |= status;
  const files = t.files as unknown as FdInstaller;
  const cloexec = (flags & O_CLOEXEC) !== 0;
  const limit = nofileLimit(t);
  const rfd = files.install(reader, cloexec, 0, limit);
  if (rfd < 0) {
    reader.release?.();
    writer.release?.();
    return rfd;
  }
  const wfd = files.install(writer, cloexec, 0, limit);
  if (wfd < 0) {
    files.close(rfd);
    writer.release?.();
    return wfd;
  }
  try {
    mem.writeI32(addr, rfd);
    mem.writeI32(addr + 4, wfd);
  } catch {
    // Checked above, so unreachable unless the mapping changed; never leave the fds behind.
    files.close(rfd);
    files.close(wfd);
    return -EFAULT;
  }
  return 0;
}

export const defs: SyscallDef[] = [
  {
    nr: 59, name: 'pipe2', handler: sysPipe2, status: 'full',
    note: 'O_CLOEXEC, O_NONBLOCK; O_DIRECT accepted without packet mode; writes > PIPE_BUF may be short',
    args: ['ptr', 'openflags'],
  },
];
