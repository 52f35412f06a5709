// The extensible-struct successors of openat and fchmodat: openat2(2), whose struct open_how
// carries RESOLVE_* restrictions on the path walk (path_walk.ts applies them), and fchmodat2(2),
// which takes the AT_* flags fchmodat never had. io_uring's OPENAT2 runs openat2 through here.
import { E2BIG, EAGAIN, EBADF, EINVAL, EOPNOTSUPP } from '../../abi/errno.js';
import { PAGE_SIZE } from '../../mem/guest_memory.js';
import type { Request } from '../request.js';
import type { Task } from '../task.js';
import {
  AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_PATH, O_TRUNC, S_IFLNK, S_IFMT,
  VALID_OPEN_FLAGS, __O_TMPFILE,
} from '../vfs/constants.js';
import { FsContext } from '../vfs/fs_context.js';
import { Loc } from '../vfs/inode.js';
import {
  RESOLVE_BENEATH, RESOLVE_CACHED, RESOLVE_IN_ROOT, RESOLVE_NO_MAGICLINKS, RESOLVE_NO_SYMLINKS, RESOLVE_NO_XDEV,
} from '../vfs/path_walk.js';
import type { PathCtx } from '../vfs/vfs.js';
import { readPath, resolveAt, startDir } from './fs_common.js';
import { openInstall } from './fs_path.js';
import type { SysArgs, SysResult, SyscallDef } from './types.js';

/** sizeof(struct open_how) in its first version (OPEN_HOW_SIZE_VER0): flags, mode, resolve as u64. */
const OPEN_HOW_SIZE_VER0 = 24;
/** Every RESOLVE_* bit Linux knows. */
const VALID_RESOLVE_FLAGS = RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH |
  RESOLVE_IN_ROOT | RESOLVE_CACHED;
/** The flags O_PATH may come with in openat2 (any other is EINVAL, where openat drops them). */
const O_PATH_FLAGS = O_DIRECTORY | 0x20000 /* O_NOFOLLOW */ | O_PATH | O_CLOEXEC;
/** The mode bits a creating open may give (S_IALLUGO). */
const S_IALLUGO = 0o7777;

/** A decoded struct open_how. */
interface OpenHow {
  flags: bigint;
  mode: bigint;
  resolve: bigint;
}

/**
 * Copies in an extensible struct open_how of usize bytes (copy_struct_from_user): EINVAL below
 * the first version, E2BIG above a page or when bytes past the known fields are not zero.
 */
function readOpenHow(t: Task, addr: number, usize: number): OpenHow | number {
  if (usize < OPEN_HOW_SIZE_VER0) return -EINVAL;
  if (usize > PAGE_SIZE) return -E2BIG;
  const raw = t.mm.mem.read(addr, usize);
  for (let i = OPEN_HOW_SIZE_VER0; i < usize; i++) if (raw[i] !== 0) return -E2BIG;
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  return { flags: dv.getBigUint64(0, true), mode: dv.getBigUint64(8, true), resolve: dv.getBigUint64(16, true) };
}

/** Checks open_how as Linux's build_open_flags does: the open flags, or -EINVAL / -EAGAIN. */
function openHowFlags(how: OpenHow): number {
  if (how.flags & ~BigInt(VALID_OPEN_FLAGS)) return -EINVAL;
  if (how.resolve & ~BigInt(VALID_RESOLVE_FLAGS)) return -EINVAL;
  const flags = Number(how.flags), resolve = Number(how.resolve);
  if ((resolve & RESOLVE_BENEATH) && (resolve & RESOLVE_IN_ROOT)) return -EINVAL;
  if (flags & (O_CREAT | __O_TMPFILE)) {
    if (how.mode & ~BigInt(S_IALLUGO)) return -EINVAL;
  } else if (how.mode !== 0n) {
    return -EINVAL;
  }
  if ((flags & __O_TMPFILE) && !(flags & O_DIRECTORY)) return -EINVAL;
  if ((flags & O_PATH) && (flags & ~O_PATH_FLAGS)) return -EINVAL;
  if ((resolve & RESOLVE_CACHED) && (flags & (O_TRUNC | O_CREAT | __O_TMPFILE))) return -EAGAIN;
  return flags;
}

/**
 * Returns ctx for path restricted by resolve. Under BENEATH and IN_ROOT dirfd's directory is the
 * walk's root; Linux looks dirfd up only for a relative path or under IN_ROOT (an absolute path
 * under BENEATH fails with EXDEV in the walk, whatever dirfd is).
 */
function scoped(t: Task, dirfd: number, resolve: number): (ctx: PathCtx, path: string) => PathCtx | number {
  return (ctx, path) => {
    if (!(resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT))) return { ...ctx, resolve };
    const absolute = path.startsWith('/');
    const root = absolute && !(resolve & RESOLVE_IN_ROOT) ? ctx.start : startDir(t, dirfd, '.');
    if (typeof root === 'number') return root;
    return { ...ctx, fs: new FsContext(root, ctx.fs.cwd, ctx.fs.umask), resolve };
  };
}

/** openat2(dirfd, path, how, size): openat with struct open_how; unknown flags are EINVAL here. */
function sysOpenat2(t: Task, a: SysArgs, r: Request): SysResult {
  const how = readOpenHow(t, a.addr(2), a.num(3));
  if (typeof how === 'number') return how;
  const flags = openHowFlags(how);
  if (flags < 0) return flags;
  return openInstall(t, r, a.int(0), a.addr(1), flags, Number(how.mode), scoped(t, a.int(0), Number(how.resolve)));
}

/**
 * fchmodat2(dirfd, path, mode, flags): fchmodat with AT_SYMLINK_NOFOLLOW (a symlink's own mode
 * cannot change: EOPNOTSUPP, as Linux 6.6 has it) and AT_EMPTY_PATH; other flags are EINVAL.
 */
function sysFchmodat2(t: Task, a: SysArgs): SysResult {
  const flags = a.u32(3);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const p = readPath(t, a.addr(1));
  if (typeof p === 'number') return p;
  const target = resolveAt(t, a.int(0), p, !(flags & AT_SYMLINK_NOFOLLOW), (flags & AT_EMPTY_PATH) !== 0);
  if (typeof target === 'number') return target;
  if (!(target instanceof Loc)) return p === '' ? 0 : -EBADF; // a pipe or stdio: nothing persistent to change
  const st = target.inode.getattr();
  if (typeof st === 'number') return st;
  if ((st.mode & S_IFMT) === S_IFLNK) return -EOPNOTSUPP;
  return t.kernel.vfs.setattr(target, { mode: a.u32(2) & 0o7777 }, t.tg.cred);
}

export const at2Defs: SyscallDef[] = [
  { nr: 437, name: 'openat2', handler: sysOpenat2, status: 'full', note: 'RESOLVE_CACHED never fails a lookup (everything counts as cached)', args: ['dirfd', 'path', 'ptr', 'size'] },
  { nr: 452, name: 'fchmodat2', handler: sysFchmodat2, status: 'full', args: ['dirfd', 'path', 'oct', 'atflags'] },
];
