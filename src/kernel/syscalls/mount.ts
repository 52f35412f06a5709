// mount(2) and umount2(2) inside the guest's mount tree, for uid 0 (CAP_SYS_ADMIN): new tmpfs
// instances, bind mounts of a directory or file, remounts that change the per-mount flags (ro,
// nosuid, nodev, noexec), and the propagation flags (accepted: there is one mount namespace).
import { EBUSY, EINVAL, ENODEV, ENOTDIR, EPERM } from '../../abi/errno.js';
import type { Task } from '../task.js';
import { readPath, pathCtx } from './fs_common.js';
import type { SyscallDef, SysArgs } from './types.js';
import { TMPFS_DEFAULT_INODES, TMPFS_DEFAULT_SIZE, TmpfsSuper } from '../vfs/tmpfs.js';
import { MNT_NODEV, MNT_NOEXEC, MNT_NOSUID, MNT_RDONLY } from '../vfs/mount_table.js';
import { S_IFDIR, S_IFMT } from '../vfs/constants.js';
import { privileged } from './proc_state.js';

/** mount(2) flags (include/uapi/linux/mount.h). */
const MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_REMOUNT = 32, MS_BIND = 4096,
  MS_MOVE = 8192, MS_UNBINDABLE = 1 << 17, MS_PRIVATE = 1 << 18, MS_SLAVE = 1 << 19,
  MS_SHARED = 1 << 20;
/** Propagation-type flags: one mount namespace here, so they change nothing. */
const MS_PROPAGATION = MS_UNBINDABLE | MS_PRIVATE | MS_SLAVE | MS_SHARED;
/** umount2 flags. */
const MNT_FORCE = 1, MNT_DETACH = 2, MNT_EXPIRE = 4, UMOUNT_NOFOLLOW = 8;
/** Longest mount data string read (a page, as Linux copies). */
const MOUNT_DATA_MAX = 4096;
/** Longest filesystem type name read. */
const FSTYPE_MAX = 256;

/** Returns the MNT_* per-mount flags that mount flags ask for. */
function mntFlags(flags: number): number {
  return (flags & MS_RDONLY ? MNT_RDONLY : 0) | (flags & MS_NOSUID ? MNT_NOSUID : 0) |
    (flags & MS_NODEV ? MNT_NODEV : 0) | (flags & MS_NOEXEC ? MNT_NOEXEC : 0);
}

/** Parses a size option (bytes with a k/m/g suffix, or a percentage of memory), or null. */
function parseSize(v: string, memory: number): number | null {
  const m = /^(\d+)([kKmMgG%]?)$/.exec(v);
  if (m === null) return null;
  const n = Number(m[1]);
  const unit = m[2]!.toLowerCase();
  if (unit === '%') return Math.floor(memory * n / 100);
  return n * (unit === 'k' ? 1024 : unit === 'm' ? 1 << 20 : unit === 'g' ? 1 << 30 : 1);
}

/** Builds a tmpfs from its mount data (size=, nr_inodes=, mode=, uid=, gid=); -EINVAL on a bad option. */
function newTmpfs(t: Task, data: string): TmpfsSuper | number {
  let maxBytes = TMPFS_DEFAULT_SIZE, maxInodes = TMPFS_DEFAULT_INODES, mode = 0o1777, uid = 0, gid = 0;
  for (const opt of data.split(',').filter((o) => o !== '')) {
    const [k, v = ''] = opt.split('=', 2) as [string, string?];
    if (k === 'size') {
      const n = parseSize(v, t.mm.phys.bytes);
      if (n === null) return -EINVAL;
      maxBytes = n;
    } else if (k === 'nr_inodes') {
      const n = parseSize(v, Number.MAX_SAFE_INTEGER);
      if (n === null) return -EINVAL;
      maxInodes = n;
    } else if (k === 'mode' && /^[0-7]+$/.test(v)) {
      mode = parseInt(v, 8) & 0o7777;
    } else if ((k === 'uid' || k === 'gid') && /^\d+$/.test(v)) {
      if (k === 'uid') uid = Number(v); else gid = Number(v);
    } else if (!['rw', 'ro', 'nosuid', 'nodev', 'noexec', 'relatime', 'noatime', 'strictatime', 'huge=never'].includes(opt)) {
      return -EINVAL;
    }
  }
  return new TmpfsSuper(() => t.kernel.host.realtimeNs(), false, mode, uid, gid,
    { maxBytes: maxBytes === 0 ? TMPFS_DEFAULT_SIZE : maxBytes, maxInodes: maxInodes === 0 ? TMPFS_DEFAULT_INODES : maxInodes });
}

/** Reads an optional C string argument (NULL gives ""), or -errno. */
function optString(t: Task, addr: number, max: number): string | number {
  if (addr === 0) return '';
  const s = t.mm.mem.readCString(addr, max);
  return s === null ? -EINVAL : s;
}

/** mount(source, target, fstype, flags, data). */
function sysMount(t: Task, a: SysArgs): number {
  if (!privileged(t)) return -EPERM;
  const flags = a.u32(3);
  const target = readPath(t, a.addr(1));
  if (typeof target === 'number') return target;
  const vfs = t.kernel.vfs;
  const ctx = pathCtx(t);
  const loc = vfs.resolve(ctx, target, true);
  if (typeof loc === 'number') return loc;
  const path = loc.path;
  const isMountPoint = path === '/' || vfs.mounts.has(path);
  if (flags & MS_REMOUNT) {
    if (!isMountPoint) return -EINVAL;
    const info = vfs.mounts.info(path)!;
    info.flags = mntFlags(flags);
    return 0;
  }
  if (flags & MS_PROPAGATION) return isMountPoint ? 0 : -EINVAL;
  if (flags & MS_MOVE) return -EINVAL; // moving mounts is not supported
  if (flags & MS_BIND) {
    const source = readPath(t, a.addr(0));
    if (typeof source === 'number') return source;
    const src = vfs.resolve(ctx, source, true);
    if (typeof src === 'number') return src;
    const ss = src.inode.getattr(), ts = loc.inode.getattr();
    if (typeof ss === 'number') return ss;
    if (typeof ts === 'number') return ts;
    // A directory binds onto a directory, anything else onto a non-directory.
    if (((ss.mode & S_IFMT) === S_IFDIR) !== ((ts.mode & S_IFMT) === S_IFDIR)) return -ENOTDIR;
    if (path === '/') return -EBUSY;
    // MS_REC: mounts below the source are not bound along (deviation: the bind shows the source's own filesystem).
    vfs.mount(path, src.inode, 0);
    return 0;
  }
  const fstype = optString(t, a.addr(2), FSTYPE_MAX);
  if (typeof fstype === 'number') return fstype;
  if (fstype === '') return -EINVAL;
  const data = optString(t, a.addr(4), MOUNT_DATA_MAX);
  if (typeof data === 'number') return data;
  const st = loc.inode.getattr();
  if (typeof st === 'number') return st;
  if ((st.mode & S_IFMT) !== S_IFDIR) return -ENOTDIR;
  if (fstype !== 'tmpfs') return -ENODEV; // the only filesystem type a guest can make
  if (path === '/') return -EBUSY;
  const sb = newTmpfs(t, data);
  if (typeof sb === 'number') return sb;
  vfs.mount(path, sb.root, mntFlags(flags));
  return 0;
}

/** umount2(target, flags): removes the mount at target (EINVAL if none; EBUSY with mounts below). */
function sysUmount2(t: Task, a: SysArgs): number {
  const flags = a.int(1);
  if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW)) return -EINVAL;
  if ((flags & MNT_EXPIRE) && (flags & (MNT_FORCE | MNT_DETACH))) return -EINVAL;
  if (!privileged(t)) return -EPERM;
  const target = readPath(t, a.addr(0));
  if (typeof target === 'number') return target;
  const vfs = t.kernel.vfs;
  const loc = vfs.resolve(pathCtx(t), target, !(flags & UMOUNT_NOFOLLOW));
  if (typeof loc === 'number') return loc;
  const path = loc.path;
  if (path === '/') return -EBUSY;
  if (!vfs.mounts.has(path)) return -EINVAL;
  if (flags & MNT_EXPIRE) return -EAGAIN_EXPIRE; // the first MNT_EXPIRE only marks the mount
  if (vfs.mounts.leadsToMount(path) && !(flags & MNT_DETACH)) return -EBUSY;
  vfs.mounts.delete(path);
  if (flags & MNT_DETACH) for (const p of vfs.mounts.paths()) if (p.startsWith(path + '/')) vfs.mounts.delete(p);
  return 0;
}

/** MNT_EXPIRE's answer on a mount not yet marked (Linux: EAGAIN). */
const EAGAIN_EXPIRE = 11;

export const defs: SyscallDef[] = [
  {
    nr: 40, name: 'mount', handler: sysMount, status: 'partial', args: ['path', 'path', 'path', 'hex', 'path'],
    note: 'uid 0 only: tmpfs, bind mounts (not recursive), remounts of the ro/nosuid/nodev/noexec flags; MS_MOVE is EINVAL, other filesystem types ENODEV',
  },
  {
    nr: 39, name: 'umount2', handler: sysUmount2, status: 'partial', args: ['path', 'hex'],
    note: 'a busy mount (open files, cwd) is unmounted as if MNT_DETACH',
  },
];
