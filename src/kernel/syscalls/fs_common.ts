// Helpers shared by the file syscalls: path copy-in, dirfd resolution, fd lookup, and the
// struct stat / statx / statfs layouts (asm-generic, riscv64).
import { EBADF, ENAMETOOLONG, ENOENT, ENOTDIR } from '../../abi/errno.js';
import { ACCESS_WRITE, GuestFaultError, PAGE_SIZE, PROT_READ, PROT_WRITE, type GuestMemory } from '../../mem/guest_memory.js';
import type { Cred } from '../cred.js';
import type { Task } from '../task.js';
import type { OpenFile, StatInfo } from '../vfs/file.js';
import type { Loc } from '../vfs/inode.js';
import { VfsFile, PathFile } from '../vfs/open_files.js';
import type { PathCtx, StatfsInfo } from '../vfs/vfs.js';
import { bytesToStr } from '../../util/bytestr.js';
import { AT_FDCWD, NR_OPEN_DEFAULT, O_PATH, PATH_MAX, S_IFDIR, S_IFMT } from '../vfs/constants.js';

/** RLIMIT_NOFILE resource number. */
const RLIMIT_NOFILE = 7;
/** Hard ceiling on fds per process (Linux's NR_OPEN / fs.nr_open default). */
export const NR_OPEN = 1 << 20;
/** sizeof(struct stat) on riscv64. */
export const STAT_SIZE = 128;
/** sizeof(struct statx). */
export const STATX_SIZE = 256;
/** sizeof(struct statfs) on riscv64 (asm-generic, 64-bit fields). */
export const STATFS_SIZE = 120;

/** Copies in a NUL-terminated path as a byte string (util/bytestr.ts): -ENAMETOOLONG, or throws EFAULT. */
export function readPath(t: Task, addr: number): string | number {
  const bytes = t.mm.mem.readCStringBytes(addr, PATH_MAX - 1);
  if (bytes === null) return -ENAMETOOLONG;
  return bytesToStr(bytes);
}

/** The process's fd limit (RLIMIT_NOFILE soft limit). */
export function nofileLimit(t: Task): number {
  const lim = t.tg.rlimits.get(RLIMIT_NOFILE);
  if (!lim) return NR_OPEN_DEFAULT;
  return lim[0] > BigInt(NR_OPEN) ? NR_OPEN : Number(lim[0]);
}

/** The open file at fd, or -EBADF. */
export function fileAt(t: Task, fd: number): OpenFile | number {
  return t.files.get(fd) ?? -EBADF;
}

/** The open file at fd for I/O (O_PATH descriptors give -EBADF). */
export function ioFileAt(t: Task, fd: number): OpenFile | number {
  const f = t.files.get(fd);
  if (!f || f instanceof PathFile || (f.flags & O_PATH)) return -EBADF;
  return f;
}

/** The directory a relative path starts from: cwd for AT_FDCWD, else dirfd's directory. */
export function startDir(t: Task, dirfd: number, path: string): Loc | number {
  if (path.startsWith('/') || dirfd === AT_FDCWD) return t.fs.cwd;
  const f = t.files.get(dirfd);
  if (!f) return -EBADF;
  if (!(f instanceof VfsFile)) return -ENOTDIR;
  const st = f.loc.inode.getattr();
  if (typeof st === 'number') return st;
  if ((st.mode & S_IFMT) !== S_IFDIR) return -ENOTDIR;
  return f.loc;
}

/** A PathCtx for dirfd and path checking access as cred (t's own by default), or -errno. */
export function ctxAt(t: Task, dirfd: number, path: string, cred: Cred = t.tg.cred): PathCtx | number {
  const start = startDir(t, dirfd, path);
  return typeof start === 'number' ? start : { ...pathCtx(t, start), cred };
}

/**
 * What a stat-like call operates on: a Loc, or an open file without one (pipes, stdio) when
 * AT_EMPTY_PATH names dirfd itself.
 */
export function resolveAt(t: Task, dirfd: number, path: string, follow: boolean, emptyPath: boolean,
  cred: Cred = t.tg.cred): Loc | OpenFile | number {
  if (path === '') {
    if (!emptyPath) return -ENOENT;
    if (dirfd === AT_FDCWD) return t.fs.cwd;
    const f = t.files.get(dirfd);
    if (!f) return -EBADF;
    return f instanceof VfsFile ? f.loc : f;
  }
  const ctx = ctxAt(t, dirfd, path, cred);
  if (typeof ctx === 'number') return ctx;
  return t.kernel.vfs.resolve(ctx, path, follow);
}

/** Returns the largest n' <= n such that [addr, addr+n') is accessible with need; throws EFAULT if none is and n > 0. */
export function accessiblePrefix(mem: GuestMemory, addr: number, n: number, need: number): number {
  if (n === 0 || mem.accessible(addr, n, need)) return n;
  let ok = 0;
  let p = addr;
  while (ok < n) {
    const pageEnd = (Math.floor(p / PAGE_SIZE) + 1) * PAGE_SIZE;
    const chunk = Math.min(pageEnd - p, n - ok);
    if (!mem.accessible(p, chunk, need)) break;
    ok += chunk;
    p += chunk;
  }
  if (ok === 0) throw new GuestFaultError(addr);
  return ok;
}

/**
 * A buffer for up to n bytes bound for guest memory at addr, sized to the writable prefix of the
 * range (throws EFAULT if it is empty): a view of guest memory when it lies on one page, else a
 * bounce buffer. After the transfer, commitOut() puts the bytes produced into guest memory, so
 * pages the transfer did not reach are never touched.
 */
export function outBuffer(t: Task, addr: number, n: number): Uint8Array {
  const mem = t.mm.mem;
  const m = accessiblePrefix(mem, addr, n, PROT_WRITE);
  if ((addr % PAGE_SIZE) + m <= PAGE_SIZE) {
    const p = mem.pa(addr, ACCESS_WRITE);
    return mem.phys.u8.subarray(p, p + m);
  }
  return new Uint8Array(m);
}

/** Completes an outBuffer() transfer that produced r (bytes, -errno or a Blocked marker). */
export function commitOut(t: Task, addr: number, buf: Uint8Array, r: unknown): void {
  if (typeof r !== 'number' || r <= 0 || buf.buffer === t.mm.mem.phys.u8.buffer) return;
  t.mm.mem.write(addr, buf.subarray(0, Math.min(r, buf.length)));
}

/** The accessible prefix of [addr, addr+n) as bytes to read (throws EFAULT if empty); do not write into it. */
export function inBuffer(t: Task, addr: number, n: number): Uint8Array {
  const m = accessiblePrefix(t.mm.mem, addr, n, PROT_READ);
  return t.mm.mem.view(addr, m);
}

function putTime(dv: DataView, off: number, ns: bigint, nsecWidth: 4 | 8): void {
  const sec = ns >= 0n ? ns / 1_000_000_000n : -((-ns + 999_999_999n) / 1_000_000_000n);
  const nsec = ns - sec * 1_000_000_000n;
  dv.setBigInt64(off, sec, true);
  if (nsecWidth === 8) dv.setBigInt64(off + 8, nsec, true);
  else dv.setUint32(off + 8, Number(nsec), true);
}

/** Encodes struct stat (128 bytes, asm-generic: 32-bit st_nlink). */
export function encodeStat(st: StatInfo): Uint8Array {
  const b = new Uint8Array(STAT_SIZE);
  const dv = new DataView(b.buffer);
  dv.setBigUint64(0, BigInt(st.dev), true);
  dv.setBigUint64(8, BigInt(st.ino), true);
  dv.setUint32(16, st.mode >>> 0, true);
  dv.setUint32(20, Math.min(st.nlink, 0xffffffff) >>> 0, true);
  dv.setUint32(24, st.uid >>> 0, true);
  dv.setUint32(28, st.gid >>> 0, true);
  dv.setBigUint64(32, BigInt(st.rdev), true);
  dv.setBigInt64(48, BigInt(st.size), true);
  dv.setInt32(56, st.blksize, true);
  dv.setBigInt64(64, BigInt(st.blocks), true);
  putTime(dv, 72, st.atimeNs, 8);
  putTime(dv, 88, st.mtimeNs, 8);
  putTime(dv, 104, st.ctimeNs, 8);
  return b;
}

/** statx mask bits (include/uapi/linux/stat.h). */
export const STATX_BASIC_STATS = 0x7ff, STATX_BTIME = 0x800, STATX__RESERVED = 0x80000000;

/** Encodes struct statx (256 bytes); reports the basic stats (no birth time). */
export function encodeStatx(st: StatInfo): Uint8Array {
  const b = new Uint8Array(STATX_SIZE);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, STATX_BASIC_STATS, true);
  dv.setUint32(4, st.blksize, true);
  dv.setUint32(16, Math.min(st.nlink, 0xffffffff) >>> 0, true);
  dv.setUint32(20, st.uid >>> 0, true);
  dv.setUint32(24, st.gid >>> 0, true);
  dv.setUint16(28, st.mode & 0xffff, true);
  dv.setBigUint64(32, BigInt(st.ino), true);
  dv.setBigUint64(40, BigInt(st.size), true);
  dv.setBigUint64(48, BigInt(st.blocks), true);
  putTime(dv, 64, st.atimeNs, 4);
  putTime(dv, 96, st.ctimeNs, 4);
  putTime(dv, 112, st.mtimeNs, 4);
  const major = (d: number): number => (d >>> 8) & 0xfff;
  const minor = (d: number): number => (d & 0xff) | ((d >>> 12) & 0xfff00);
  dv.setUint32(128, major(st.rdev), true);
  dv.setUint32(132, minor(st.rdev), true);
  dv.setUint32(136, major(st.dev), true);
  dv.setUint32(140, minor(st.dev), true);
  return b;
}

/** Encodes struct statfs (120 bytes, riscv64 generic). */
export function encodeStatfs(s: StatfsInfo): Uint8Array {
  const b = new Uint8Array(STATFS_SIZE);
  const dv = new DataView(b.buffer);
  dv.setBigInt64(0, BigInt(s.type), true);
  dv.setBigInt64(8, BigInt(s.bsize), true);
  dv.setBigUint64(16, BigInt(s.blocks), true);
  dv.setBigUint64(24, BigInt(s.bfree), true);
  dv.setBigUint64(32, BigInt(s.bavail), true);
  dv.setBigUint64(40, BigInt(s.files), true);
  dv.setBigUint64(48, BigInt(s.ffree), true);
  dv.setInt32(56, s.fsid | 0, true);
  dv.setInt32(60, 0, true);
  dv.setBigInt64(64, BigInt(s.namelen), true);
  dv.setBigInt64(72, BigInt(s.bsize), true);
  dv.setBigInt64(80, BigInt(s.flags), true);
  return b;
}

/** Returns a PathCtx for task t starting at dir (cwd by default), checking access with t's credentials. */
export function pathCtx(t: Task, start?: Loc): PathCtx {
  return { fs: t.fs, caller: t, start: start ?? t.fs.cwd, cred: t.tg.cred };
}
