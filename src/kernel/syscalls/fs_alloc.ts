// fallocate(2): space allocation and hole punching on a regular file, with vfs_fallocate's checks
// in Linux's order (argument checks, then the descriptor's access, then the file type).
import { EBADF, EFBIG, EINVAL, EISDIR, ENODEV, EOPNOTSUPP, EROFS, ESPIPE } from '../../abi/errno.js';
import type { Request } from '../request.js';
import type { Task } from '../task.js';
import { RegularFile } from '../vfs/open_files.js';
import { pipeOf } from '../vfs/pipe.js';
import { fsizeNewSize } from '../vfs/fsize.js';
import { MAX_FILE_OFFSET, O_ACCMODE, O_RDONLY, S_IFDIR, S_IFIFO, S_IFMT, S_IFREG } from '../vfs/constants.js';
import { ioFileAt } from './fs_common.js';
import type { SysArgs, SysResult, SyscallDef } from './types.js';

/** fallocate mode bits (include/uapi/linux/falloc.h). */
const FALLOC_FL_KEEP_SIZE = 0x01, FALLOC_FL_PUNCH_HOLE = 0x02, FALLOC_FL_COLLAPSE_RANGE = 0x08,
  FALLOC_FL_ZERO_RANGE = 0x10, FALLOC_FL_INSERT_RANGE = 0x20, FALLOC_FL_UNSHARE_RANGE = 0x40;
/** The modes Linux knows (FALLOC_FL_SUPPORTED_MASK); other bits are EOPNOTSUPP. */
const SUPPORTED = FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE | FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_ZERO_RANGE |
  FALLOC_FL_INSERT_RANGE | FALLOC_FL_UNSHARE_RANGE;

/** Linux's mode checks, before anything about the file: 0, -EOPNOTSUPP or -EINVAL. */
function checkMode(mode: number): number {
  if (mode & ~SUPPORTED) return -EOPNOTSUPP;
  if ((mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) === (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) return -EOPNOTSUPP;
  if ((mode & FALLOC_FL_PUNCH_HOLE) && !(mode & FALLOC_FL_KEEP_SIZE)) return -EOPNOTSUPP;
  if ((mode & FALLOC_FL_COLLAPSE_RANGE) && (mode & ~FALLOC_FL_COLLAPSE_RANGE)) return -EINVAL;
  if ((mode & FALLOC_FL_INSERT_RANGE) && (mode & ~FALLOC_FL_INSERT_RANGE)) return -EINVAL;
  if ((mode & FALLOC_FL_UNSHARE_RANGE) && (mode & ~(FALLOC_FL_UNSHARE_RANGE | FALLOC_FL_KEEP_SIZE))) return -EINVAL;
  return 0;
}

/** fallocate(fd, mode, offset, len). tmpfs supports allocation and hole punching; host mounts allocation only. */
function sysFallocate(t: Task, a: SysArgs, r: Request): SysResult {
  const mode = a.int(1), offset = a.num(2), len = a.num(3);
  if (offset < 0 || len <= 0) return -EINVAL;
  const m = checkMode(mode);
  if (m < 0) return m;
  const f = ioFileAt(t, a.int(0));
  if (typeof f === 'number') return f;
  if ((f.flags & O_ACCMODE) === O_RDONLY) return -EBADF;
  const type = f.stat().mode & S_IFMT;
  if (type === S_IFIFO || pipeOf(f) !== null) return -ESPIPE;
  if (type === S_IFDIR) return -EISDIR;
  if (type !== S_IFREG || !(f instanceof RegularFile)) return -ENODEV;
  if (f.loc.inode.sb.readonly) return -EROFS;
  if (offset + len > MAX_FILE_OFFSET) return -EFBIG;
  if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE)) return -EOPNOTSUPP; // neither tmpfs nor host mounts
  const op = f.io.fallocate;
  if (!op) return -EOPNOTSUPP;
  // Growing the file is inode_newsize_ok's business: past RLIMIT_FSIZE it is EFBIG and SIGXFSZ.
  if (!(mode & FALLOC_FL_KEEP_SIZE) && offset + len > f.stat().size) {
    const big = fsizeNewSize(r, offset + len);
    if (big < 0) return big;
  }
  return op(mode & FALLOC_FL_PUNCH_HOLE ? 'punch' : 'allocate', offset, len, (mode & FALLOC_FL_KEEP_SIZE) !== 0);
}

export const defs: SyscallDef[] = [
  { nr: 47, name: 'fallocate', handler: sysFallocate, status: 'partial', note: 'tmpfs: allocation and PUNCH_HOLE; host mounts: allocation sets the size without reserving blocks', args: ['fd', 'hex', 'off', 'off'] },
];
