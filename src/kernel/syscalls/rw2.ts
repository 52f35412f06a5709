// preadv2/pwritev2: readv/writev at an offset (-1: at the file position) with per-call RWF_*
// flags. The transfer itself is fs_rw.ts's vectorOnFile, the one readv, preadv and io_uring use.
import { EAGAIN, EINVAL, EISDIR, EOPNOTSUPP, ESPIPE } from '../../abi/errno.js';
import type { Request } from '../request.js';
import type { Task } from '../task.js';
import { POLLERR, POLLHUP, POLLIN, POLLOUT } from '../vfs/file.js';
import { O_APPEND } from '../vfs/constants.js';
import { DirFile } from '../vfs/open_files.js';
import { readIovecs, readable, vectorOnFile, writable } from './fs_rw.js';
import type { SysArgs, SysResult, SyscallDef } from './types.js';

/** RWF_* flags (include/uapi/linux/fs.h) a 6.1 kernel accepts; others are EOPNOTSUPP. */
const RWF_HIPRI = 0x1, RWF_DSYNC = 0x2, RWF_SYNC = 0x4, RWF_NOWAIT = 0x8, RWF_APPEND = 0x10;
const RWF_SUPPORTED = RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_NOWAIT | RWF_APPEND;
/** The offset that means "at the file position, and move it". */
const AT_FILE_POSITION = -1;

/**
 * preadv2/pwritev2(fd, iov, iovcnt, pos, pos_h, flags) (riscv64 passes the whole offset in pos):
 * EINVAL for an offset below -1, EBADF, ESPIPE for an offset on an unseekable file, the iovec
 * errors, then (unless the vector is empty, which transfers nothing) EOPNOTSUPP for unknown flags.
 * RWF_NOWAIT gives EAGAIN where the transfer would sleep; RWF_APPEND writes at the end of the file;
 * RWF_DSYNC/RWF_SYNC fsync after a write; RWF_HIPRI is a polling hint with nothing to poll.
 */
function rwv2(t: Task, a: SysArgs, r: Request, write: boolean): SysResult {
  let offset = a.num(3);
  const flags = a.u32(5);
  if (offset < AT_FILE_POSITION) return -EINVAL;
  const f = write ? writable(t, a.int(0)) : readable(t, a.int(0));
  if (typeof f === 'number') return f;
  if (offset !== AT_FILE_POSITION && !(write ? f.pwrite : f.pread)) return !write && f instanceof DirFile ? -EISDIR : -ESPIPE;
  const iovs = readIovecs(t, a.addr(1), a.int(2));
  if (typeof iovs === 'number') return iovs;
  if (iovs.every(([, len]) => len === 0)) return 0;
  if (flags & ~RWF_SUPPORTED) return -EOPNOTSUPP;
  if ((flags & RWF_NOWAIT) && f.poll) {
    const ready = write ? POLLOUT | POLLERR : POLLIN | POLLHUP | POLLERR;
    if ((f.poll() & ready) === 0) return -EAGAIN;
  }
  const append = write && (flags & RWF_APPEND) !== 0;
  if (append && offset !== AT_FILE_POSITION) offset = f.stat().size;
  const saved = f.flags;
  if (append) f.flags |= O_APPEND;
  let n: SysResult;
  try {
    n = vectorOnFile(t, r, f, iovs, write, offset);
  } finally {
    f.flags = saved;
  }
  if (write && typeof n === 'number' && n > 0 && (flags & (RWF_DSYNC | RWF_SYNC)) && f.fsync) {
    const s = f.fsync();
    if (s < 0) return s;
  }
  return n;
}

export const rw2Defs: SyscallDef[] = [
  { nr: 286, name: 'preadv2', handler: (t, a, r) => rwv2(t, a, r, false), status: 'full', note: 'RWF_HIPRI is accepted and has no effect', args: ['fd', 'ptr', 'int', 'off', 'ignore', 'hex'] },
  { nr: 287, name: 'pwritev2', handler: (t, a, r) => rwv2(t, a, r, true), status: 'full', note: 'RWF_HIPRI is accepted and has no effect', args: ['fd', 'ptr', 'int', 'off', 'ignore', 'hex'] },
];
