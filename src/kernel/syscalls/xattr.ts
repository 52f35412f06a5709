// The extended attribute calls: set/get/list/remove, each by path (following symlinks), by path
// without following (l*) and by fd (f*). tmpfs holds "user.", "trusted." (CAP_SYS_ADMIN) and
// "security." attributes (vfs/xattr_store.ts); elsewhere there are none to list and setting one
// is EOPNOTSUPP, as on a Linux filesystem without xattr support.
import { E2BIG, EEXIST, EINVAL, ENODATA, EOPNOTSUPP, EPERM, ERANGE, EROFS } from '../../abi/errno.js';
import { CAP_SYS_ADMIN, capable } from '../caps.js';
import type { Task } from '../task.js';
import { AT_FDCWD, R_OK, S_IFDIR, S_IFMT, S_IFREG, S_ISVTX, W_OK } from '../vfs/constants.js';
import { Loc } from '../vfs/inode.js';
import { VfsFile } from '../vfs/open_files.js';
import { permission } from '../vfs/perm.js';
import { IN_ATTRIB } from '../vfs/fsnotify.js';
import { existingXattrs, holdsXattrs, xattrsOf } from '../vfs/xattr_store.js';
import { bytesToStr, strToBytes } from '../../util/bytestr.js';
import { ioFileAt, readPath, resolveAt } from './fs_common.js';
import type { SysArgs, SyscallDef } from './types.js';

/** Longest name (XATTR_NAME_MAX), largest value (XATTR_SIZE_MAX) and list (XATTR_LIST_MAX). */
const XATTR_NAME_MAX = 255, XATTR_SIZE_MAX = 65536, XATTR_LIST_MAX = 65536;
/** setxattr flags. */
const XATTR_CREATE = 1, XATTR_REPLACE = 2;
/** The namespaces tmpfs accepts. */
const USER = 'user.', TRUSTED = 'trusted.', SECURITY = 'security.';

/** How a call names its file: a path (following the final symlink or not) or an fd. */
type Target = 'path' | 'lpath' | 'fd';

/** An open file with no location (a pipe, socket or stdio): it has an inode, but not one that holds attributes. */
const NO_LOC = 'no-loc';

/** The location a call acts on (argument 0), NO_LOC for an fd without one, or -errno. */
function targetLoc(t: Task, a: SysArgs, how: Target): Loc | typeof NO_LOC | number {
  if (how === 'fd') {
    const f = ioFileAt(t, a.int(0));
    if (typeof f === 'number') return f;
    return f instanceof VfsFile ? f.loc : NO_LOC;
  }
  const p = readPath(t, a.addr(0));
  if (typeof p === 'number') return p;
  const loc = resolveAt(t, AT_FDCWD, p, how === 'path', false);
  if (typeof loc === 'number') return loc;
  return loc instanceof Loc ? loc : NO_LOC;
}

/** What an access (R_OK/W_OK) to name on a file without a location gives: user.* is refused as on any special file. */
function noLocResult(name: string, mask: number): number {
  if (name.startsWith(USER)) return mask === W_OK ? -EPERM : -ENODATA;
  return -EOPNOTSUPP;
}

/** Copies in an attribute name: ERANGE if empty or longer than XATTR_NAME_MAX (EFAULT throws). */
function readName(t: Task, addr: number): string | number {
  const bytes = t.mm.mem.readCStringBytes(addr, XATTR_NAME_MAX + 1);
  if (bytes === null || bytes.length === 0 || bytes.length > XATTR_NAME_MAX) return -ERANGE;
  return bytesToStr(bytes);
}

/**
 * Linux's xattr_permission for access mask (R_OK or W_OK) to name on loc: "trusted." needs
 * CAP_SYS_ADMIN, "user." a regular file or directory (and its owner in a sticky directory) and
 * the file's own permission; EPERM for writes and ENODATA for reads where they are refused.
 */
function xattrPermission(t: Task, loc: Loc, name: string, mask: number): number {
  const st = loc.inode.getattr();
  if (typeof st === 'number') return st;
  const cred = t.tg.cred;
  if (name.startsWith(TRUSTED)) return capable(cred, CAP_SYS_ADMIN) ? 0 : mask === W_OK ? -EPERM : -ENODATA;
  if (name.startsWith(USER)) {
    const type = st.mode & S_IFMT;
    if (type !== S_IFREG && type !== S_IFDIR) return mask === W_OK ? -EPERM : -ENODATA;
    if (type === S_IFDIR && (st.mode & S_ISVTX) && mask === W_OK && cred.fsuid !== 0 && cred.fsuid !== st.uid) return -EPERM;
  }
  return permission(st, mask, cred);
}

/** True if tmpfs keeps attributes of this name's namespace. */
function knownNamespace(name: string): boolean {
  return name.startsWith(USER) || name.startsWith(TRUSTED) || name.startsWith(SECURITY);
}

/** The target whose attribute `name` setxattr or removexattr may change; or the errno: the
 *  lookup's, EROFS, permission errors, EOPNOTSUPP where the inode holds none or the namespace is unknown. */
function writableTarget(t: Task, a: SysArgs, how: Target, name: string): Loc | number {
  const loc = targetLoc(t, a, how);
  if (typeof loc === 'number') return loc;
  if (loc === NO_LOC) return noLocResult(name, W_OK);
  if (t.kernel.vfs.readonlyAt(loc)) return -EROFS;
  const perm = xattrPermission(t, loc, name, W_OK);
  if (perm < 0) return perm;
  if (!holdsXattrs(loc.inode) || !knownNamespace(name)) return -EOPNOTSUPP;
  return loc;
}

/**
 * setxattr(target, name, value, size, flags): EINVAL for unknown flags, ERANGE for a bad name,
 * E2BIG over XATTR_SIZE_MAX, the lookup's errors, EROFS, the permission errors, EOPNOTSUPP off
 * tmpfs or outside its namespaces, EEXIST under XATTR_CREATE, ENODATA under XATTR_REPLACE.
 */
function setxattr(how: Target) {
  return (t: Task, a: SysArgs): number => {
    const flags = a.int(4);
    if (flags & ~(XATTR_CREATE | XATTR_REPLACE)) return -EINVAL;
    const name = readName(t, a.addr(1));
    if (typeof name === 'number') return name;
    const size = a.num(3);
    if (size < 0 || size > XATTR_SIZE_MAX) return -E2BIG;
    const value = size === 0 ? new Uint8Array(0) : t.mm.mem.read(a.addr(2), size).slice();
    const loc = writableTarget(t, a, how, name);
    if (typeof loc === 'number') return loc;
    const attrs = xattrsOf(loc.inode);
    if ((flags & XATTR_CREATE) && attrs.has(name)) return -EEXIST;
    if ((flags & XATTR_REPLACE) && !attrs.has(name)) return -ENODATA;
    attrs.set(name, value);
    t.kernel.vfs.notify.fileEvent(loc, IN_ATTRIB);
    return 0;
  };
}

/** getxattr(target, name, value, size): the value's length (size 0 asks only that); ERANGE if it does not fit, ENODATA if unset. */
function getxattr(how: Target) {
  return (t: Task, a: SysArgs): number => {
    const name = readName(t, a.addr(1));
    if (typeof name === 'number') return name;
    const loc = targetLoc(t, a, how);
    if (typeof loc === 'number') return loc;
    if (loc === NO_LOC) return noLocResult(name, R_OK);
    const perm = xattrPermission(t, loc, name, R_OK);
    if (perm < 0) return perm;
    if (!holdsXattrs(loc.inode) || !knownNamespace(name)) return -EOPNOTSUPP;
    const v = existingXattrs(loc.inode)?.get(name);
    if (v === undefined) return -ENODATA;
    return copyOutSized(t, a.addr(2), Math.min(a.num(3), XATTR_SIZE_MAX), v);
  };
}

/** The get/list convention: size 0 asks the length (nothing written), a shorter buffer is ERANGE,
 *  else bytes are written at addr; returns their length or -ERANGE. */
function copyOutSized(t: Task, addr: number, size: number, bytes: Uint8Array): number {
  if (size === 0) return bytes.length;
  if (size < bytes.length) return -ERANGE;
  t.mm.mem.write(addr, bytes);
  return bytes.length;
}

/** listxattr(target, list, size): the NUL-terminated names (trusted.* only for CAP_SYS_ADMIN); size 0 asks the length; ERANGE if short. */
function listxattr(how: Target) {
  return (t: Task, a: SysArgs): number => {
    const loc = targetLoc(t, a, how);
    if (typeof loc === 'number') return loc;
    if (loc === NO_LOC) return 0;
    const admin = capable(t.tg.cred, CAP_SYS_ADMIN);
    const names = [...(existingXattrs(loc.inode)?.keys() ?? [])].filter((n) => admin || !n.startsWith(TRUSTED));
    const list = strToBytes(names.map((n) => n + '\0').join(''));
    return copyOutSized(t, a.addr(1), Math.min(a.num(2), XATTR_LIST_MAX), list);
  };
}

/** removexattr(target, name): 0, or ERANGE, the lookup's errors, EROFS, permission errors, EOPNOTSUPP, ENODATA if unset. */
function removexattr(how: Target) {
  return (t: Task, a: SysArgs): number => {
    const name = readName(t, a.addr(1));
    if (typeof name === 'number') return name;
    const loc = writableTarget(t, a, how, name);
    if (typeof loc === 'number') return loc;
    if (!existingXattrs(loc.inode)?.delete(name)) return -ENODATA;
    t.kernel.vfs.notify.fileEvent(loc, IN_ATTRIB);
    return 0;
  };
}

const NOTE = 'tmpfs keeps user., trusted. and security. attributes; other filesystems have none (EOPNOTSUPP)';

export const xattrDefs: SyscallDef[] = [
  { nr: 5, name: 'setxattr', handler: setxattr('path'), status: 'partial', note: NOTE, args: ['path', 'path', 'ptr', 'size', 'hex'] },
  { nr: 6, name: 'lsetxattr', handler: setxattr('lpath'), status: 'partial', note: NOTE, args: ['path', 'path', 'ptr', 'size', 'hex'] },
  { nr: 7, name: 'fsetxattr', handler: setxattr('fd'), status: 'partial', note: NOTE, args: ['fd', 'path', 'ptr', 'size', 'hex'] },
  { nr: 8, name: 'getxattr', handler: getxattr('path'), status: 'partial', note: NOTE, args: ['path', 'path', 'ptr', 'size'] },
  { nr: 9, name: 'lgetxattr', handler: getxattr('lpath'), status: 'partial', note: NOTE, args: ['path', 'path', 'ptr', 'size'] },
  { nr: 10, name: 'fgetxattr', handler: getxattr('fd'), status: 'partial', note: NOTE, args: ['fd', 'path', 'ptr', 'size'] },
  { nr: 11, name: 'listxattr', handler: listxattr('path'), status: 'partial', note: NOTE, args: ['path', 'ptr', 'size'] },
  { nr: 12, name: 'llistxattr', handler: listxattr('lpath'), status: 'partial', note: NOTE, args: ['path', 'ptr', 'size'] },
  { nr: 13, name: 'flistxattr', handler: listxattr('fd'), status: 'partial', note: NOTE, args: ['fd', 'ptr', 'size'] },
  { nr: 14, name: 'removexattr', handler: removexattr('path'), status: 'partial', note: NOTE, args: ['path', 'path'] },
  { nr: 15, name: 'lremovexattr', handler: removexattr('lpath'), status: 'partial', note: NOTE, args: ['path', 'path'] },
  { nr: 16, name: 'fremovexattr', handler: removexattr('fd'), status: 'partial', note: NOTE, args: ['fd', 'path'] },
];
