// Namespace syscalls: openat, mkdirat, unlinkat, renameat2, linkat, symlinkat, readlinkat,
// faccessat(2), fchmodat, fchownat, utimensat, truncate, getcwd, chdir, fchdir.
import { EBADF, EINVAL, ENOENT, ENOTDIR, EPERM, ERANGE } from '../../abi/errno.js';
import type { Task } from '../task.js';
import { fileGet, filePut } from '../vfs/fdtable.js';
import type { Loc } from '../vfs/inode.js';
import { VfsFile } from '../vfs/open_files.js';
import { isDir } from '../vfs/path_walk.js';
import { permission } from '../vfs/perm.js';
import {
  AT_EACCESS, AT_EMPTY_PATH, AT_REMOVEDIR, AT_SYMLINK_FOLLOW, AT_SYMLINK_NOFOLLOW, O_CLOEXEC, O_CREAT,
  O_EXCL, O_LARGEFILE, O_NOCTTY, O_PATH, O_TRUNC, UTIME_NOW, UTIME_OMIT, VALID_OPEN_FLAGS, X_OK, __O_TMPFILE,
  O_DIRECTORY, O_WRONLY, S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFMT, S_IFREG, S_IFSOCK,
} from '../vfs/constants.js';
import { strToBytes } from '../../util/bytestr.js';
import { ctxAt, nofileLimit, readPath, resolveAt } from './fs_common.js';
import { Blocked, type Request } from '../request.js';
import type { OpenFile } from '../vfs/file.js';
import type { PathCtx } from '../vfs/vfs.js';
import { pathSeenFrom } from '../vfs/fs_context.js';
import { FifoOpenWait, resumeFifoOpen } from '../vfs/fifo.js';
import type { SysArgs, SysResult, SyscallDef } from './types.js';

/** O_NOFOLLOW: mknod never follows a final symlink (an existing one is EEXIST). */
const O_NOFOLLOW_BIT = 0x20000;
/** Flags consumed by open that are not kept as file status flags. */
const OPEN_ONLY_FLAGS = O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC;
/** Largest nanosecond value a timespec may hold. */
const NSEC_MAX = 999_999_999;
/** fchownat's "leave unchanged" id ((uid_t)-1). */
const ID_UNCHANGED = 0xffffffff;

/** Copies the path argument i, returning it or -errno. */
function path(t: Task, a: SysArgs, i: number): string | number {
  return readPath(t, a.addr(i));
}

/**
 * openat: resolves and opens the path, or (woken while opening a FIFO whose other side was not
 * open, fifo.ts) goes on with the end it already holds in r.state, without walking the path again.
 */
function sysOpenat(t: Task, a: SysArgs, r: Request): SysResult {
  let flags = a.u32(2) & VALID_OPEN_FLAGS; // openat ignores unknown bits, as Linux does
  if ((flags & __O_TMPFILE) && !(flags & O_DIRECTORY)) return -EINVAL;
  if (flags & O_PATH) flags &= O_PATH | O_DIRECTORY | 0x20000 /* O_NOFOLLOW */ | O_CLOEXEC;
  return openInstall(t, r, a.int(0), a.addr(1), flags, (flags & O_CREAT) ? a.u32(3) & 0o7777 : 0);
}

/**
 * Opens the path at pathAddr relative to dirfd with flags (already validated) and mode, and
 * installs it as a new fd (openat, openat2); scope, if given, turns the PathCtx for the path into
 * the one the walk uses, or an error (openat2's RESOLVE_* restrictions). Resumes a FIFO open woken in r.state.
 */
export function openInstall(t: Task, r: Request, dirfd: number, pathAddr: number, flags: number, mode: number,
  scope?: (ctx: PathCtx, path: string) => PathCtx | number): SysResult {
  let f: OpenFile | number | Blocked;
  if (r.state instanceof FifoOpenWait) {
    f = resumeFifoOpen(r, r.state);
  } else {
    const p = readPath(t, pathAddr);
    if (typeof p === 'number') return p;
    const ctx = ctxAt(t, dirfd, p);
    if (typeof ctx === 'number') return ctx;
    const walkCtx = scope ? scope(ctx, p) : ctx;
    if (typeof walkCtx === 'number') return walkCtx;
    f = t.kernel.vfs.open(walkCtx, p, flags, mode, r);
  }
  if (typeof f === 'number' || f instanceof Blocked) return f;
  if (f instanceof VfsFile) f.flags = (flags & ~OPEN_ONLY_FLAGS) | ((flags & O_PATH) ? 0 : O_LARGEFILE);
  fileGet(f);
  const fd = t.files.install(f, (flags & O_CLOEXEC) !== 0, 0, nofileLimit(t));
  filePut(f);
  return fd;
}

/** mknodat: regular files (type 0 or S_IFREG) are created as by open; FIFOs, sockets and device nodes by the VFS. */
function sysMknodat(t: Task, a: SysArgs): SysResult {
  const mode = a.u32(2);
  const type = mode & S_IFMT;
  if (type === S_IFDIR) return -EPERM;
  if (type !== 0 && type !== S_IFREG && type !== S_IFIFO && type !== S_IFSOCK && type !== S_IFCHR && type !== S_IFBLK) return -EINVAL;
  const p = path(t, a, 1);
  if (typeof p === 'number') return p;
  const ctx = ctxAt(t, a.int(0), p);
  if (typeof ctx === 'number') return ctx;
  const vfs = t.kernel.vfs;
  if (type === 0 || type === S_IFREG) {
    const f = vfs.open(ctx, p, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW_BIT, mode & 0o7777);
    if (typeof f === 'number') return f;
    if (!(f instanceof Blocked)) filePut(fileGet(f)); // nothing keeps it open
    return 0;
  }
  return vfs.mknod(ctx, p, mode, type === S_IFCHR || type === S_IFBLK ? a.u32(3) : 0);
}

function sysMkdirat(t: Task, a: SysArgs): SysResult {
  const p = path(t, a, 1);
  if (typeof p === 'number') return p;
  const ctx = ctxAt(t, a.int(0), p);
  if (typeof ctx === 'number') return ctx;
  return t.kernel.vfs.mkdir(ctx, p, a.u32(2));
}

function sysUnlinkat(t: Task, a: SysArgs): SysResult {
  const flags = a.u32(2);
  if (flags & ~AT_REMOVEDIR) return -EINVAL;
  const p = path(t, a, 1);
  if (typeof p === 'number') return p;
  const ctx = ctxAt(t, a.int(0), p);
  if (typeof ctx === 'number') return ctx;
  return flags & AT_REMOVEDIR ? t.kernel.vfs.rmdir(ctx, p) : t.kernel.vfs.unlink(ctx, p);
}

function sysRenameat2(t: Task, a: SysArgs): SysResult {
  const oldPath = path(t, a, 1);
  if (typeof oldPath === 'number') return oldPath;
  const newPath = path(t, a, 3);
  if (typeof newPath === 'number') return newPath;
  const oldCtx = ctxAt(t, a.int(0), oldPath);
  if (typeof oldCtx === 'number') return oldCtx;
  const newCtx = ctxAt(t, a.int(2), newPath);
  if (typeof newCtx === 'number') return newCtx;
  return t.kernel.vfs.rename(oldCtx, oldPath, newCtx, newPath, a.u32(4));
}

function sysLinkat(t: Task, a: SysArgs): SysResult {
  const flags = a.u32(4);
  if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const oldPath = path(t, a, 1);
  if (typeof oldPath === 'number') return oldPath;
  const newPath = path(t, a, 3);
  if (typeof newPath === 'number') return newPath;
  const old = resolveAt(t, a.int(0), oldPath, (flags & AT_SYMLINK_FOLLOW) !== 0, (flags & AT_EMPTY_PATH) !== 0);
  if (typeof old === 'number') return old;
  if (!isLoc(old)) return -ENOENT;
  const ctx = ctxAt(t, a.int(2), newPath);
  if (typeof ctx === 'number') return ctx;
  return t.kernel.vfs.link(old, ctx, newPath);
}

function sysSymlinkat(t: Task, a: SysArgs): SysResult {
  const target = path(t, a, 0);
  if (typeof target === 'number') return target;
  const p = path(t, a, 2);
  if (typeof p === 'number') return p;
  const ctx = ctxAt(t, a.int(1), p);
  if (typeof ctx === 'number') return ctx;
  return t.kernel.vfs.symlink(ctx, target, p);
}

function sysReadlinkat(t: Task, a: SysArgs): SysResult {
  const size = a.int(3);
  if (size <= 0) return -EINVAL;
  const p = path(t, a, 1);
  if (typeof p === 'number') return p;
  const loc = resolveAt(t, a.int(0), p, false, true);
  if (typeof loc === 'number') return loc;
  if (!isLoc(loc)) return -EINVAL;
  const target = t.kernel.vfs.readlinkLoc(loc, t);
  if (typeof target === 'number') return p === '' && target === -EINVAL ? -ENOENT : target;
  const bytes = strToBytes(target).subarray(0, size);
  t.mm.mem.write(a.addr(2), bytes);
  return bytes.length;
}

/** True if x is a Loc (not an open file without a location). */
function isLoc(x: object): x is Loc {
  return 'comps' in x && 'inodes' in x;
}

function access(t: Task, a: SysArgs, flags: number): SysResult {
  const mode = a.u32(2);
  if (mode & ~7) return -EINVAL;
  if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const p = path(t, a, 1);
  if (typeof p === 'number') return p;
  // access asks with the real ids, the lookup included; AT_EACCESS asks with the effective (fs) ids.
  const cred = flags & AT_EACCESS ? t.tg.cred : t.tg.cred.forAccess();
  const loc = resolveAt(t, a.int(0), p, !(flags & AT_SYMLINK_NOFOLLOW), (flags & AT_EMPTY_PATH) !== 0, cred);
  if (typeof loc === 'number') return loc;
  if (!isLoc(loc)) return mode === 0 ? 0 : permission(loc.stat(), mode, cred);
  return t.kernel.vfs.access(loc, mode, cred);
}

function sysFchmodat(t: Task, a: SysArgs): SysResult {
  const p = path(t, a, 1);
  if (typeof p === 'number') return p;
  const loc = resolveAt(t, a.int(0), p, true, false);
  if (typeof loc === 'number') return loc;
  if (!isLoc(loc)) return -EBADF;
  return t.kernel.vfs.setattr(loc, { mode: a.u32(2) & 0o7777 }, t.tg.cred);
}

function sysFchownat(t: Task, a: SysArgs): SysResult {
  const flags = a.u32(4);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const p = path(t, a, 1);
  if (typeof p === 'number') return p;
  const loc = resolveAt(t, a.int(0), p, !(flags & AT_SYMLINK_NOFOLLOW), (flags & AT_EMPTY_PATH) !== 0);
  if (typeof loc === 'number') return loc;
  if (!isLoc(loc)) return 0;
  return chownLoc(t, loc, a.u32(2), a.u32(3));
}

/** chown on a resolved location; (uid_t)-1 leaves an id unchanged. */
export function chownLoc(t: Task, loc: Loc, uid: number, gid: number): number {
  return t.kernel.vfs.chown(loc, uid === ID_UNCHANGED ? undefined : uid, gid === ID_UNCHANGED ? undefined : gid, t.tg.cred);
}

/** Reads one utimensat timespec: undefined for UTIME_OMIT, "now" for UTIME_NOW, ns, or -EINVAL. */
function readUtime(t: Task, addr: number): bigint | 'now' | 'omit' | number {
  const sec = t.mm.mem.readI64(addr);
  const nsec = t.mm.mem.readI64(addr + 8);
  if (nsec === UTIME_NOW) return 'now';
  if (nsec === UTIME_OMIT) return 'omit';
  if (nsec < 0 || nsec > NSEC_MAX) return -EINVAL;
  return BigInt(sec) * 1_000_000_000n + BigInt(nsec);
}

function sysUtimensat(t: Task, a: SysArgs): SysResult {
  const flags = a.u32(3);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const timesAddr = a.addr(2);
  let at: bigint | 'now' | 'omit' = 'now', mt: bigint | 'now' | 'omit' = 'now';
  if (timesAddr !== 0) {
    const x = readUtime(t, timesAddr);
    const y = readUtime(t, timesAddr + 16);
    if (typeof x === 'number') return x;
    if (typeof y === 'number') return y;
    at = x; mt = y;
  }
  let loc: Loc | object | number;
  if (a.addr(1) === 0) {
    // utimensat(fd, NULL, ...) operates on fd itself (the futimens form).
    if (flags & AT_SYMLINK_NOFOLLOW) return -EINVAL;
    loc = resolveAt(t, a.int(0), '', true, true);
  } else {
    const p = path(t, a, 1);
    if (typeof p === 'number') return p;
    loc = resolveAt(t, a.int(0), p, !(flags & AT_SYMLINK_NOFOLLOW), (flags & AT_EMPTY_PATH) !== 0);
  }
  if (typeof loc === 'number') return loc;
  if (!isLoc(loc)) return 0;
  if (at === 'omit' && mt === 'omit') return 0;
  const now = t.kernel.realtimeNs();
  const explicit = typeof at === 'bigint' || typeof mt === 'bigint';
  const pick = (v: bigint | 'now' | 'omit'): bigint | undefined => (v === 'omit' ? undefined : v === 'now' ? now : v);
  return t.kernel.vfs.utimes(loc, pick(at), pick(mt), explicit, t.tg.cred);
}

function sysTruncate(t: Task, a: SysArgs, r: Request): SysResult {
  const p = path(t, a, 0);
  if (typeof p === 'number') return p;
  const length = a.num(1);
  if (length < 0) return -EINVAL;
  const loc = resolveAt(t, -100, p, true, false);
  if (typeof loc === 'number') return loc;
  if (!isLoc(loc)) return -EINVAL;
  return t.kernel.vfs.truncate(loc, length, t.tg.cred, r);
}

function sysGetcwd(t: Task, a: SysArgs): SysResult {
  const bytes = strToBytes(pathSeenFrom(t.fs.cwd.path, t.fs.root) + '\0');
  if (a.num(1) < bytes.length) return -ERANGE;
  t.mm.mem.write(a.addr(0), bytes);
  return bytes.length;
}

/** Makes loc the cwd if it is a searchable directory. */
function changeDir(t: Task, loc: Loc): number {
  const st = loc.inode.getattr();
  if (typeof st === 'number') return st;
  if (!isDir(st)) return -ENOTDIR;
  const p = permission(st, X_OK, t.tg.cred);
  if (p < 0) return p;
  t.fs.cwd = loc;
  return 0;
}

function sysChdir(t: Task, a: SysArgs): SysResult {
  const p = path(t, a, 0);
  if (typeof p === 'number') return p;
  const loc = resolveAt(t, -100, p, true, false);
  if (typeof loc === 'number') return loc;
  if (!isLoc(loc)) return -ENOTDIR;
  return changeDir(t, loc);
}

function sysFchdir(t: Task, a: SysArgs): SysResult {
  const f = t.files.get(a.int(0));
  if (!f) return -EBADF;
  if (!(f instanceof VfsFile)) return -ENOTDIR;
  return changeDir(t, f.loc);
}

export const defs: SyscallDef[] = [
  { nr: 56, name: 'openat', handler: sysOpenat, status: 'full', note: 'O_TMPFILE gives EOPNOTSUPP', args: ['dirfd', 'path', 'openflags', 'oct'] },
  { nr: 33, name: 'mknodat', handler: sysMknodat, status: 'full', note: 'device nodes need uid 0 and open with ENXIO; on host mounts only FIFOs', args: ['dirfd', 'path', 'oct', 'hex'] },
  { nr: 34, name: 'mkdirat', handler: sysMkdirat, status: 'full', args: ['dirfd', 'path', 'oct'] },
  { nr: 35, name: 'unlinkat', handler: sysUnlinkat, status: 'full', args: ['dirfd', 'path', 'atflags'] },
  { nr: 276, name: 'renameat2', handler: sysRenameat2, status: 'full', note: 'RENAME_EXCHANGE only on tmpfs; RENAME_WHITEOUT is EINVAL', args: ['dirfd', 'path', 'dirfd', 'path', 'hex'] },
  { nr: 37, name: 'linkat', handler: sysLinkat, status: 'full', args: ['dirfd', 'path', 'dirfd', 'path', 'atflags'] },
  { nr: 36, name: 'symlinkat', handler: sysSymlinkat, status: 'full', args: ['path', 'dirfd', 'path'] },
  { nr: 78, name: 'readlinkat', handler: sysReadlinkat, status: 'full', args: ['dirfd', 'path', 'ptr', 'size'] },
  { nr: 48, name: 'faccessat', handler: (t, a) => access(t, a, 0), status: 'full', args: ['dirfd', 'path', 'oct'] },
  { nr: 439, name: 'faccessat2', handler: (t, a) => access(t, a, a.u32(3)), status: 'full', args: ['dirfd', 'path', 'oct', 'atflags'] },
  { nr: 53, name: 'fchmodat', handler: sysFchmodat, status: 'full', args: ['dirfd', 'path', 'oct'] },
  { nr: 54, name: 'fchownat', handler: sysFchownat, status: 'partial', note: 'recorded on tmpfs; accepted without effect on host mounts', args: ['dirfd', 'path', 'int', 'int', 'atflags'] },
  { nr: 88, name: 'utimensat', handler: sysUtimensat, status: 'full', args: ['dirfd', 'path', 'ptr', 'atflags'] },
  { nr: 45, name: 'truncate', handler: sysTruncate, status: 'full', args: ['path', 'off'] },
  { nr: 17, name: 'getcwd', handler: sysGetcwd, status: 'full', args: ['ptr', 'size'] },
  { nr: 49, name: 'chdir', handler: sysChdir, status: 'full', args: ['path'] },
  { nr: 50, name: 'fchdir', handler: sysFchdir, status: 'full', args: ['fd'] },
];
