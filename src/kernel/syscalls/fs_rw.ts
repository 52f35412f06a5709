// Data transfer on file descriptors: read, write, their vector and positional forms, lseek,
// getdents64, fsync, ftruncate and fadvise64.
import { EBADF, EINVAL, EISDIR, ENOTDIR, ESPIPE } from '../../abi/errno.js';
import { Blocked, type Request } from '../request.js';
import type { Task } from '../task.js';
import type { OpenFile } from '../vfs/file.js';
import { DirFile, VfsFile } from '../vfs/open_files.js';
import { killSuidOnWrite } from '../vfs/perm.js';
import { continuedWrite, fsizeNewSize } from '../vfs/fsize.js';
import { MAX_RW_COUNT, O_ACCMODE, O_RDONLY, O_WRONLY, UIO_MAXIOV, SEEK_HOLE } from '../vfs/constants.js';
import { commitOut, inBuffer, ioFileAt, outBuffer } from './fs_common.js';
import type { SysArgs, SysResult, SyscallDef } from './types.js';

/** sizeof(struct iovec). */
const IOVEC_SIZE = 16;
/** Largest posix_fadvise advice value (POSIX_FADV_NOREUSE). */
const POSIX_FADV_MAX = 5;

/** The file at fd if it may be read, else -errno. */
export function readable(t: Task, fd: number): OpenFile | number {
  const f = ioFileAt(t, fd);
  if (typeof f === 'number') return f;
  if ((f.flags & O_ACCMODE) === O_WRONLY) return -EBADF;
  return f;
}

/** The file at fd if it may be written, else -errno. */
export function writable(t: Task, fd: number): OpenFile | number {
  const f = ioFileAt(t, fd);
  if (typeof f === 'number') return f;
  if ((f.flags & O_ACCMODE) === O_RDONLY) return -EBADF;
  return f;
}

/** One transfer on f: positional if offset >= 0 (io_uring's READ runs it too). */
export function readOnce(r: Request, f: OpenFile, buf: Uint8Array, offset: number): number | Blocked {
  if (offset >= 0) {
    if (f instanceof DirFile) return -EISDIR;
    return f.pread ? f.pread(r, buf, offset) : -ESPIPE;
  }
  if (!f.read) return f instanceof DirFile ? -EISDIR : -EINVAL;
  return f.read(r, buf);
}

/** One write on f: positional if offset >= 0. */
export function writeOnce(r: Request, f: OpenFile, data: Uint8Array, offset: number): number | Blocked {
  if (offset >= 0) return f.pwrite ? f.pwrite(r, data, offset) : -ESPIPE;
  return f.write ? f.write(r, data) : -EINVAL;
}

function sysRead(t: Task, a: SysArgs, r: Request, positional: boolean): SysResult {
  const f = readable(t, a.int(0));
  if (typeof f === 'number') return f;
  const count = a.num(2) < 0 ? MAX_RW_COUNT : Math.min(a.num(2), MAX_RW_COUNT);
  const offset = positional ? a.num(3) : -1;
  if (positional && offset < 0) return -EINVAL;
  if (positional && !f.pread) return f instanceof DirFile ? -EISDIR : -ESPIPE;
  const buf = outBuffer(t, a.addr(1), count);
  const n = readOnce(r, f, buf, offset);
  commitOut(t, a.addr(1), buf, n);
  return n;
}

function sysWrite(t: Task, a: SysArgs, r: Request, positional: boolean): SysResult {
  const f = writable(t, a.int(0));
  if (typeof f === 'number') return f;
  const count = a.num(2) < 0 ? MAX_RW_COUNT : Math.min(a.num(2), MAX_RW_COUNT);
  const offset = positional ? a.num(3) : -1;
  if (positional && offset < 0) return -EINVAL;
  if (positional && !f.pwrite) return -ESPIPE;
  return writeOnce(r, f, inBuffer(t, a.addr(1), count), offset);
}

/** Reads the iovec array: [addr, len] pairs clamped to MAX_RW_COUNT in total, or -EINVAL. */
export function readIovecs(t: Task, addr: number, cnt: number): [number, number][] | number {
  if (cnt < 0 || cnt > UIO_MAXIOV) return -EINVAL;
  const raw = t.mm.mem.read(addr, cnt * IOVEC_SIZE);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out: [number, number][] = [];
  let total = 0;
  for (let i = 0; i < cnt; i++) {
    const base = Number(dv.getBigUint64(i * IOVEC_SIZE, true));
    const len = dv.getBigInt64(i * IOVEC_SIZE + 8, true);
    if (len < 0n) return -EINVAL;
    const n = Math.min(Number(len), MAX_RW_COUNT - total);
    total += n;
    out.push([base, n]);
  }
  return out;
}

/** Runs one transfer per iovec; stops at a short transfer; returns the total or the first error. */
function vectorIo(t: Task, a: SysArgs, r: Request, write: boolean, positional: boolean): SysResult {
  const f = write ? writable(t, a.int(0)) : readable(t, a.int(0));
  if (typeof f === 'number') return f;
  const iovs = readIovecs(t, a.addr(1), a.int(2));
  if (typeof iovs === 'number') return iovs;
  const offset = positional ? a.num(3) : -1;
  if (positional && offset < 0) return -EINVAL;
  if (positional && !(write ? f.pwrite : f.pread)) return !write && f instanceof DirFile ? -EISDIR : -ESPIPE;
  return vectorOnFile(t, r, f, iovs, write, offset);
}

/**
 * Runs one transfer per iovec on f (offset -1: at the file position); stops at a short transfer;
 * returns the total or the first error (readv/writev, and io_uring's READV/WRITEV).
 */
export function vectorOnFile(t: Task, r: Request, f: OpenFile, iovs: [number, number][], write: boolean, offset: number): SysResult {
  const positional = offset >= 0;
  const vec = write ? f.writeVec : f.readVec;
  if (!positional && vec) return vec.call(f, r, iovs);
  let done = 0;
  for (const [base, len] of iovs) {
    if (len === 0) continue;
    let buf: Uint8Array;
    try {
      buf = write ? inBuffer(t, base, len) : outBuffer(t, base, len);
    } catch (e) {
      if (done > 0) return done;
      throw e;
    }
    const n = write ? continuedWrite(r, done > 0, () => writeOnce(r, f, buf, offset)) : readOnce(r, f, buf, offset);
    if (!write) commitOut(t, base, buf, n);
    if (n instanceof Blocked) return done > 0 ? done : n;
    if (n < 0) return done > 0 ? done : n;
    done += n;
    if (positional) offset += n;
    if (n < len || buf.length < len) break;
  }
  return done;
}

function sysLseek(t: Task, a: SysArgs): SysResult {
  const f = ioFileAt(t, a.int(0));
  if (typeof f === 'number') return f;
  const whence = a.u32(2);
  if (whence > SEEK_HOLE) return -EINVAL;
  if (!f.lseek) return -ESPIPE;
  return f.lseek(a.num(1), whence);
}

function sysGetdents64(t: Task, a: SysArgs, r: Request): SysResult {
  const f = ioFileAt(t, a.int(0));
  if (typeof f === 'number') return f;
  if (!f.getdents) return -ENOTDIR;
  const count = Math.min(a.u32(2), MAX_RW_COUNT);
  const buf = outBuffer(t, a.addr(1), count);
  const n = f.getdents(r, buf);
  commitOut(t, a.addr(1), buf, n);
  return n;
}

function sysFsync(t: Task, a: SysArgs): SysResult {
  const f = ioFileAt(t, a.int(0));
  if (typeof f === 'number') return f;
  if (f.fsync) return f.fsync();
  return f instanceof DirFile ? 0 : -EINVAL;
}

function sysFtruncate(t: Task, a: SysArgs, r: Request): SysResult {
  const f = ioFileAt(t, a.int(0));
  if (typeof f === 'number') return f;
  const length = a.num(1);
  if (length < 0) return -EINVAL;
  if ((f.flags & O_ACCMODE) === O_RDONLY || !f.truncate) return -EINVAL;
  if (length > f.stat().size) {
    const big = fsizeNewSize(r, length);
    if (big < 0) return big;
  }
  const res = f.truncate(length);
  if (res >= 0 && f instanceof VfsFile) killSuidOnWrite(f.loc.inode, t.tg.cred);
  return res;
}

function sysFadvise64(t: Task, a: SysArgs): SysResult {
  const f = ioFileAt(t, a.int(0));
  if (typeof f === 'number') return f;
  if (a.num(2) < 0) return -EINVAL;
  const advice = a.int(3);
  if (advice < 0 || advice > POSIX_FADV_MAX) return -EINVAL;
  if (!f.lseek) return -ESPIPE;
  return 0;
}

export const defs: SyscallDef[] = [
  { nr: 63, name: 'read', handler: (t, a, r) => sysRead(t, a, r, false), status: 'full', args: ['fd', 'bufout', 'size'] },
  { nr: 64, name: 'write', handler: (t, a, r) => sysWrite(t, a, r, false), status: 'full', args: ['fd', 'bufin', 'size'] },
  { nr: 65, name: 'readv', handler: (t, a, r) => vectorIo(t, a, r, false, false), status: 'full', args: ['fd', 'ptr', 'int'] },
  { nr: 66, name: 'writev', handler: (t, a, r) => vectorIo(t, a, r, true, false), status: 'full', args: ['fd', 'ptr', 'int'] },
  { nr: 67, name: 'pread64', handler: (t, a, r) => sysRead(t, a, r, true), status: 'full', args: ['fd', 'bufout', 'size', 'off'] },
  { nr: 68, name: 'pwrite64', handler: (t, a, r) => sysWrite(t, a, r, true), status: 'full', args: ['fd', 'bufin', 'size', 'off'] },
  { nr: 69, name: 'preadv', handler: (t, a, r) => vectorIo(t, a, r, false, true), status: 'full', args: ['fd', 'ptr', 'int', 'off'] },
  { nr: 70, name: 'pwritev', handler: (t, a, r) => vectorIo(t, a, r, true, true), status: 'full', args: ['fd', 'ptr', 'int', 'off'] },
  { nr: 62, name: 'lseek', handler: sysLseek, status: 'full', args: ['fd', 'off', 'whence'] },
  { nr: 61, name: 'getdents64', handler: sysGetdents64, status: 'full', args: ['fd', 'ptr', 'size'] },
  { nr: 82, name: 'fsync', handler: sysFsync, status: 'full', args: ['fd'] },
  { nr: 83, name: 'fdatasync', handler: sysFsync, status: 'full', args: ['fd'] },
  { nr: 46, name: 'ftruncate', handler: sysFtruncate, status: 'full', args: ['fd', 'off'] },
  { nr: 223, name: 'fadvise64', handler: sysFadvise64, status: 'stub', note: 'validates and ignores the advice', args: ['fd', 'off', 'size', 'int'] },
];
