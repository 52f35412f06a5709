// chroot(2): changes the calling process's root directory (its fs context's root, which path
// resolution uses for absolute paths, ".." and absolute symlink targets). fork and exec keep it.
import { ENOTDIR, EPERM } from '../../abi/errno.js';
import { CAP_SYS_CHROOT, capable } from '../caps.js';
import type { Task } from '../task.js';
import { AT_FDCWD, X_OK } from '../vfs/constants.js';
import { Loc } from '../vfs/inode.js';
import { isDir } from '../vfs/path_walk.js';
import { permission } from '../vfs/perm.js';
import { readPath, resolveAt } from './fs_common.js';
import type { SysArgs, SyscallDef } from './types.js';

/**
 * chroot(path): 0, or ENOENT/ENOTDIR/ELOOP/ENAMETOOLONG from the lookup, ENOTDIR for a
 * non-directory, EACCES without search permission on it, EPERM without CAP_SYS_CHROOT (checked
 * in that order, as Linux does). The cwd stays where it is, even outside the new root.
 */
function sysChroot(t: Task, a: SysArgs): number {
  const p = readPath(t, a.addr(0));
  if (typeof p === 'number') return p;
  const loc = resolveAt(t, AT_FDCWD, p, true, false);
  if (typeof loc === 'number') return loc;
  if (!(loc instanceof Loc)) return -ENOTDIR;
  const st = loc.inode.getattr();
  if (typeof st === 'number') return st;
  if (!isDir(st)) return -ENOTDIR;
  const r = permission(st, X_OK, t.tg.cred);
  if (r < 0) return r;
  if (!capable(t.tg.cred, CAP_SYS_CHROOT)) return -EPERM;
  t.fs.root = loc;
  return 0;
}

export const chrootDefs: SyscallDef[] = [
  { nr: 51, name: 'chroot', handler: sysChroot, status: 'full', note: '/proc/<pid>/mounts still lists every mount', args: ['path'] },
];
