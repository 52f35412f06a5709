// Metadata syscalls: newfstatat, fstat, statx, statfs, fstatfs.
import { EBADF, EINVAL } from '../../abi/errno.js';
import type { Task } from '../task.js';
import type { OpenFile, StatInfo } from '../vfs/file.js';
import type { Loc } from '../vfs/inode.js';
import { RegularFile, VfsFile } from '../vfs/open_files.js';
import { AT_EMPTY_PATH, AT_FDCWD, AT_NO_AUTOMOUNT, AT_STATX_SYNC_TYPE, AT_SYMLINK_NOFOLLOW } from '../vfs/constants.js';
import { encodeStat, encodeStatfs, encodeStatx, readPath, resolveAt, STATX__RESERVED } from './fs_common.js';
import type { SysArgs, SysResult, SyscallDef } from './types.js';

/** statfs f_type for descriptors outside the namespace (pipes, stdio): PIPEFS_MAGIC. */
const PIPEFS_MAGIC = 0x50495045;
/** statx sync-type values: AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC together is invalid. */
const AT_STATX_BOTH = AT_STATX_SYNC_TYPE;

/** Metadata of a resolved target (Loc or open file), or -errno. */
function statOf(x: Loc | OpenFile): StatInfo | number {
  return 'comps' in x && 'inodes' in x ? (x as Loc).inode.getattr() : (x as OpenFile).stat();
}

function statTarget(t: Task, dirfd: number, pathAddr: number, flags: number): StatInfo | number {
  const p = readPath(t, pathAddr);
  if (typeof p === 'number') return p;
  // An open regular file by its descriptor: its name may be gone (unlinked) while it stays open.
  const open = p === '' && (flags & AT_EMPTY_PATH) && dirfd !== AT_FDCWD ? t.files.get(dirfd) : undefined;
  if (open instanceof RegularFile) return open.stat();
  const x = resolveAt(t, dirfd, p, !(flags & AT_SYMLINK_NOFOLLOW), (flags & AT_EMPTY_PATH) !== 0);
  if (typeof x === 'number') return x;
  return statOf(x);
}

function sysNewfstatat(t: Task, a: SysArgs): SysResult {
  const flags = a.u32(3);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT)) return -EINVAL;
  const st = statTarget(t, a.int(0), a.addr(1), flags);
  if (typeof st === 'number') return st;
  t.mm.mem.write(a.addr(2), encodeStat(st));
  return 0;
}

function sysFstat(t: Task, a: SysArgs): SysResult {
  const f = t.files.get(a.int(0));
  if (!f) return -EBADF;
  t.mm.mem.write(a.addr(1), encodeStat(f.stat()));
  return 0;
}

function sysStatx(t: Task, a: SysArgs): SysResult {
  const flags = a.u32(2);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE)) return -EINVAL;
  if ((flags & AT_STATX_SYNC_TYPE) === AT_STATX_BOTH) return -EINVAL;
  if (a.u32(3) & STATX__RESERVED) return -EINVAL;
  const st = statTarget(t, a.int(0), a.addr(1), flags);
  if (typeof st === 'number') return st;
  t.mm.mem.write(a.addr(4), encodeStatx(st));
  return 0;
}

function sysStatfs(t: Task, a: SysArgs): SysResult {
  const p = readPath(t, a.addr(0));
  if (typeof p === 'number') return p;
  const x = resolveAt(t, -100, p, true, false);
  if (typeof x === 'number') return x;
  if (!('inodes' in x)) return -EINVAL;
  t.mm.mem.write(a.addr(1), encodeStatfs(t.kernel.vfs.statfs((x as Loc).inode.sb)));
  return 0;
}

function sysFstatfs(t: Task, a: SysArgs): SysResult {
  const f = t.files.get(a.int(0));
  if (!f) return -EBADF;
  const vfs = t.kernel.vfs;
  const info = f instanceof VfsFile
    ? vfs.statfs(f.loc.inode.sb)
    : vfs.statfs({ dev: f.stat().dev, magic: PIPEFS_MAGIC, readonly: false, type: 'pipefs' });
  t.mm.mem.write(a.addr(1), encodeStatfs(info));
  return 0;
}

export const defs: SyscallDef[] = [
  { nr: 79, name: 'newfstatat', handler: sysNewfstatat, status: 'full', args: ['dirfd', 'path', 'ptr', 'atflags'] },
  { nr: 80, name: 'fstat', handler: sysFstat, status: 'full', args: ['fd', 'ptr'] },
  { nr: 291, name: 'statx', handler: sysStatx, status: 'full', note: 'basic stats only (no btime, mount id)', args: ['dirfd', 'path', 'atflags', 'hex', 'ptr'] },
  { nr: 43, name: 'statfs', handler: sysStatfs, status: 'partial', note: 'nominal block and inode counts', args: ['path', 'ptr'] },
  { nr: 44, name: 'fstatfs', handler: sysFstatfs, status: 'partial', note: 'nominal block and inode counts', args: ['fd', 'ptr'] },
];
