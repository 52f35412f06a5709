// inotify_init1, inotify_add_watch and inotify_rm_watch: instances (vfs/inotify.ts) whose watches
// receive the events the VFS reports (vfs/fsnotify.ts).
import { EBADF, EINVAL, ENOTDIR } from '../../abi/errno.js';
import type { Task } from '../task.js';
import { AT_FDCWD, O_CLOEXEC, O_NONBLOCK, R_OK, S_IFDIR, S_IFMT } from '../vfs/constants.js';
import { fileGet, filePut } from '../vfs/fdtable.js';
import { inodeKey } from '../vfs/fsnotify.js';
import { Loc } from '../vfs/inode.js';
import { InotifyFile } from '../vfs/inotify.js';
import { permission } from '../vfs/perm.js';
import { nofileLimit, readPath, resolveAt } from './fs_common.js';
import type { SysArgs, SyscallDef } from './types.js';

/** Every event bit, and the flags inotify_add_watch accepts besides (include/uapi/linux/inotify.h). */
const IN_ALL_EVENTS = 0xfff;
const IN_ONLYDIR = 0x01000000, IN_DONT_FOLLOW = 0x02000000, IN_EXCL_UNLINK = 0x04000000, IN_MASK_CREATE = 0x10000000,
  IN_MASK_ADD = 0x20000000, IN_ISDIR = 0x40000000, IN_ONESHOT = 0x80000000;
/** The bits a watch mask may hold (Linux's ALL_INOTIFY_BITS, with the event-only bits a mask may carry). */
const ALL_INOTIFY_BITS = IN_ALL_EVENTS | 0x2000 | 0x4000 | 0x8000 | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK |
  IN_MASK_CREATE | IN_MASK_ADD | IN_ISDIR | IN_ONESHOT;

/** inotify_init1(flags): a new instance's fd; EINVAL for flags other than IN_NONBLOCK and IN_CLOEXEC. */
function sysInotifyInit1(t: Task, a: SysArgs): number {
  const flags = a.u32(0);
  if (flags & ~(O_NONBLOCK | O_CLOEXEC)) return -EINVAL;
  const cred = t.tg.cred;
  const f = new InotifyFile(t.kernel.vfs.notify, (flags & O_NONBLOCK) !== 0, cred.fsuid, cred.fsgid, t.kernel.realtimeNs());
  fileGet(f);
  const fd = t.files.install(f, (flags & O_CLOEXEC) !== 0, 0, nofileLimit(t));
  filePut(f);
  return fd;
}

/** The inotify instance at fd: EBADF if none is open there, EINVAL if it is another kind of file. */
function instanceAt(t: Task, fd: number): InotifyFile | number {
  const f = t.files.get(fd);
  if (!f) return -EBADF;
  return f instanceof InotifyFile ? f : -EINVAL;
}

/**
 * inotify_add_watch(fd, path, mask): the watch descriptor (the same one again for an inode
 * already watched). EINVAL for unknown bits, an empty mask or MASK_ADD with MASK_CREATE (before
 * the fd is looked at), then EBADF/EINVAL for the fd, the lookup's errors, ENOTDIR under
 * IN_ONLYDIR, EACCES without read permission, EEXIST under IN_MASK_CREATE for a watched inode.
 */
function sysInotifyAddWatch(t: Task, a: SysArgs): number {
  const mask = a.u32(2);
  if ((mask & IN_MASK_ADD) && (mask & IN_MASK_CREATE)) return -EINVAL;
  if ((mask & ~ALL_INOTIFY_BITS) || (mask & ALL_INOTIFY_BITS) === 0) return -EINVAL;
  const inst = instanceAt(t, a.int(0));
  if (typeof inst === 'number') return inst;
  const p = readPath(t, a.addr(1));
  if (typeof p === 'number') return p;
  const loc = resolveAt(t, AT_FDCWD, p, !(mask & IN_DONT_FOLLOW), false);
  if (typeof loc === 'number') return loc;
  if (!(loc instanceof Loc)) return -ENOTDIR;
  const st = loc.inode.getattr();
  if (typeof st === 'number') return st;
  if ((mask & IN_ONLYDIR) && (st.mode & S_IFMT) !== S_IFDIR) return -ENOTDIR;
  const perm = permission(st, R_OK, t.tg.cred);
  if (perm < 0) return perm;
  const key = inodeKey(loc.inode);
  if (key === null) return -ENOTDIR;
  const events = mask & (IN_ALL_EVENTS | IN_ONESHOT | IN_EXCL_UNLINK);
  return inst.addWatch(key, events, (mask & IN_MASK_ADD) !== 0, (mask & IN_MASK_CREATE) !== 0);
}

/** inotify_rm_watch(fd, wd): 0 (IN_IGNORED is queued), EINVAL for an unknown wd or a non-inotify fd. */
function sysInotifyRmWatch(t: Task, a: SysArgs): number {
  const inst = instanceAt(t, a.int(0));
  if (typeof inst === 'number') return inst;
  return inst.removeWatch(a.int(1));
}

export const inotifyDefs: SyscallDef[] = [
  { nr: 26, name: 'inotify_init1', handler: sysInotifyInit1, status: 'full', note: 'no per-user instance or watch limits', args: ['hex'] },
  { nr: 27, name: 'inotify_add_watch', handler: sysInotifyAddWatch, status: 'partial', note: 'events come from what the guest does (host-side changes are not seen); IN_UNMOUNT never comes', args: ['fd', 'path', 'hex'] },
  { nr: 28, name: 'inotify_rm_watch', handler: sysInotifyRmWatch, status: 'full', args: ['fd', 'int'] },
];
