// sendfile, splice, tee, vmsplice and copy_file_range: moving bytes between fds (and, for
// vmsplice, between a pipe and user memory) through vfs/transfer.ts, the mechanism io_uring's
// SPLICE and TEE use too. Here are the system calls' own rules: argument checks in Linux's order,
// and the offset pointers (read before the transfer, advanced by the count after it; NULL means
// the file position, which moves instead).
import { EBADF, EINVAL, EISDIR, EOVERFLOW, ESPIPE, EXDEV } from '../../abi/errno.js';
import type { Request } from '../request.js';
import type { Task } from '../task.js';
import { MAX_RW_COUNT, O_APPEND, O_NONBLOCK, S_IFDIR, S_IFMT, S_IFREG, SEEK_CUR, SEEK_SET } from '../vfs/constants.js';
import type { OpenFile } from '../vfs/file.js';
import { fsizeWriteCount } from '../vfs/fsize.js';
import { pipeOf } from '../vfs/pipe.js';
import {
  copyFileRange, pipeToUser, readableFile, SPLICE_F_ALL, SPLICE_F_NONBLOCK, spliceFiles, teePipes, type TransferResult,
  userToPipe, writableFile,
} from '../vfs/transfer.js';
import { ioFileAt } from './fs_common.js';
import { readIovecs } from './fs_rw.js';
import type { SysArgs, SysResult, SyscallDef } from './types.js';

/** A size_t count argument as a number, clamped to MAX_RW_COUNT (rw_verify_area's limit). */
function countArg(a: SysArgs, i: number): number {
  const v = a.big(i);
  return v > BigInt(MAX_RW_COUNT) ? MAX_RW_COUNT : Number(v);
}

/** Reads the loff_t at addr (an offset pointer). */
function readOffset(t: Task, addr: number): number {
  return Number(BigInt.asIntN(64, t.mm.mem.readBig64(addr)));
}

/** Writes the loff_t value v to addr. */
function writeOffset(t: Task, addr: number, v: number): void {
  t.mm.mem.writeBig64(addr, BigInt.asUintN(64, BigInt(v)));
}

/** The file position of f (0 for files without one). */
function positionOf(f: OpenFile): number {
  return f.lseek ? Math.max(0, f.lseek(0, SEEK_CUR)) : 0;
}

/** After a transfer of n bytes from offset off: advances *addr, or the file position when addr is NULL. */
function advance(t: Task, f: OpenFile, addr: number, off: number, n: TransferResult): void {
  if (typeof n !== 'number' || n <= 0) return;
  if (addr !== 0) writeOffset(t, addr, off + n);
  else f.lseek?.(off + n, SEEK_SET);
}

/** sendfile(out_fd, in_fd, offset, count): a file into a pipe, a file or a socket. */
function sysSendfile(t: Task, a: SysArgs, r: Request): SysResult {
  const fin = ioFileAt(t, a.int(1));
  if (typeof fin === 'number') return fin;
  if (!readableFile(fin)) return -EBADF;
  const offAddr = a.addr(2);
  if (offAddr !== 0 && !fin.pread) return -ESPIPE;
  const off = offAddr !== 0 ? readOffset(t, offAddr) : -1;
  if (offAddr !== 0 && off < 0) return -EINVAL;
  const fout = ioFileAt(t, a.int(0));
  if (typeof fout === 'number') return fout;
  if (!writableFile(fout)) return -EBADF;
  const count = countArg(a, 3);
  if (pipeOf(fin)) return -EINVAL; // a pipe has no splice_read
  if (count === 0) return 0;
  if (pipeOf(fout)) {
    // Into a pipe: what fits now, read at the offset or at (and moving) the position.
    const n = spliceFiles(r, fin, off, fout, -1, count, false);
    if (offAddr !== 0) advance(t, fin, offAddr, off, n);
    return n;
  }
  if (fout.flags & O_APPEND) return -EINVAL;
  const start = offAddr !== 0 ? off : positionOf(fin);
  const n = copyFileRange(r, fin, start, fout, -1, count);
  advance(t, fin, offAddr, start, n);
  return n;
}

/** splice(fd_in, off_in, fd_out, off_out, len, flags): one end must be a pipe. */
function sysSplice(t: Task, a: SysArgs, r: Request): SysResult {
  const len = countArg(a, 4);
  if (len === 0) return 0;
  const flags = a.u32(5);
  if (flags & ~SPLICE_F_ALL) return -EINVAL;
  const fin = ioFileAt(t, a.int(0));
  if (typeof fin === 'number') return fin;
  const fout = ioFileAt(t, a.int(2));
  if (typeof fout === 'number') return fout;
  const inAddr = a.addr(1), outAddr = a.addr(3);
  if ((inAddr !== 0 && pipeOf(fin)) || (outAddr !== 0 && pipeOf(fout))) return -ESPIPE;
  if (!readableFile(fin) || !writableFile(fout)) return -EBADF;
  const offIn = inAddr !== 0 ? readOffset(t, inAddr) : -1;
  const offOut = outAddr !== 0 ? readOffset(t, outAddr) : -1;
  if ((inAddr !== 0 && (offIn < 0 || !fin.pread)) || (outAddr !== 0 && (offOut < 0 || !fout.pwrite))) return -EINVAL;
  const n = spliceFiles(r, fin, offIn, fout, offOut, len, (flags & SPLICE_F_NONBLOCK) !== 0);
  if (inAddr !== 0) advance(t, fin, inAddr, offIn, n);
  if (outAddr !== 0) advance(t, fout, outAddr, offOut, n);
  return n;
}

/** tee(fd_in, fd_out, len, flags): copies bytes from one pipe to another, leaving them in the first. */
function sysTee(t: Task, a: SysArgs, r: Request): SysResult {
  const flags = a.u32(3);
  if (flags & ~SPLICE_F_ALL) return -EINVAL;
  const len = countArg(a, 2);
  if (len === 0) return 0;
  const fin = ioFileAt(t, a.int(0));
  if (typeof fin === 'number') return fin;
  const fout = ioFileAt(t, a.int(1));
  if (typeof fout === 'number') return fout;
  return teePipes(r, fin, fout, len, (flags & SPLICE_F_NONBLOCK) !== 0);
}

/** vmsplice(fd, iov, nr_segs, flags): user memory into a pipe's write end, or out of its read end. */
function sysVmsplice(t: Task, a: SysArgs, r: Request): SysResult {
  const flags = a.u32(3);
  if (flags & ~SPLICE_F_ALL) return -EINVAL;
  const f = ioFileAt(t, a.int(0));
  if (typeof f === 'number') return f;
  const p = pipeOf(f);
  if (p === null) return -EBADF;
  const iovs = readIovecs(t, a.addr(1), a.int(2));
  if (typeof iovs === 'number') return iovs;
  const total = iovs.reduce((s, [, len]) => s + len, 0);
  const nonblock = (flags & SPLICE_F_NONBLOCK) !== 0 || (f.flags & O_NONBLOCK) !== 0;
  const mem = t.mm.mem;
  if (writableFile(f)) {
    return userToPipe(r, p, f, total, nonblock, (n) => {
      const out = new Uint8Array(n);
      let at = 0;
      for (const [base, len] of iovs) {
        if (at === n) break;
        const k = Math.min(len, n - at);
        out.set(mem.read(base, k), at);
        at += k;
      }
      return out;
    });
  }
  if (!readableFile(f)) return -EBADF;
  return pipeToUser(r, p, f, total, nonblock, (data) => {
    let at = 0;
    for (const [base, len] of iovs) {
      if (at === data.length) break;
      const k = Math.min(len, data.length - at);
      mem.write(base, data.subarray(at, at + k));
      at += k;
    }
    return at;
  });
}

/** The file-type bits of f's mode. */
function typeOf(f: OpenFile): number {
  return f.stat().mode & S_IFMT;
}

/** copy_file_range(fd_in, off_in, fd_out, off_out, len, flags): between regular files of one file system. */
function sysCopyFileRange(t: Task, a: SysArgs, r: Request): SysResult {
  const fin = ioFileAt(t, a.int(0));
  if (typeof fin === 'number') return fin;
  const fout = ioFileAt(t, a.int(2));
  if (typeof fout === 'number') return fout;
  const inAddr = a.addr(1), outAddr = a.addr(3);
  const offIn = inAddr !== 0 ? readOffset(t, inAddr) : positionOf(fin);
  const offOut = outAddr !== 0 ? readOffset(t, outAddr) : positionOf(fout);
  if (a.u32(5) !== 0) return -EINVAL;
  // generic_file_rw_checks, then the cross-file-system rule of Linux 5.19+ (no fs here copies across).
  if (typeOf(fin) === S_IFDIR || typeOf(fout) === S_IFDIR) return -EISDIR;
  if (typeOf(fin) !== S_IFREG || typeOf(fout) !== S_IFREG) return -EINVAL;
  if (!readableFile(fin) || !writableFile(fout) || (fout.flags & O_APPEND)) return -EBADF;
  const sin = fin.stat(), sout = fout.stat();
  if (sin.dev !== sout.dev) return -EXDEV;
  // Offsets must not wrap as unsigned 64-bit sums with len (a negative offset is huge).
  const len = a.big(4);
  if ((offIn < 0 && len >= BigInt(-offIn)) || (offOut < 0 && len >= BigInt(-offOut))) return -EOVERFLOW;
  // Shortened to the input's end (an offset past it copies nothing).
  let count = offIn >= sin.size ? 0 : Math.min(Number(len > BigInt(MAX_RW_COUNT) ? MAX_RW_COUNT : len), sin.size - offIn);
  count = Math.min(count, MAX_RW_COUNT);
  // RLIMIT_FSIZE shortens the copy before it starts (EFBIG and SIGXFSZ at or past the limit).
  count = fsizeWriteCount(r, offOut, count);
  if (count < 0) return count;
  if (sin.ino === sout.ino && offOut + count > offIn && offOut < offIn + count) return -EINVAL;
  if (offIn < 0 || offOut < 0) return -EINVAL;
  if (count === 0) return 0;
  const n = copyFileRange(r, fin, offIn, fout, offOut, count);
  advance(t, fin, inAddr, offIn, n);
  advance(t, fout, outAddr, offOut, n);
  return n;
}

export const defs: SyscallDef[] = [
  {
    nr: 71, name: 'sendfile', handler: sysSendfile, status: 'full',
    note: 'from a file (or anything with pread) into a pipe, a file or a socket',
    args: ['fd', 'fd', 'ptr', 'size'],
  },
  { nr: 75, name: 'vmsplice', handler: sysVmsplice, status: 'full', note: 'copies (SPLICE_F_GIFT gifts nothing)', args: ['fd', 'ptr', 'int', 'hex'] },
  { nr: 76, name: 'splice', handler: sysSplice, status: 'full', args: ['fd', 'ptr', 'fd', 'ptr', 'size', 'hex'] },
  { nr: 77, name: 'tee', handler: sysTee, status: 'full', args: ['fd', 'fd', 'size', 'hex'] },
  {
    nr: 285, name: 'copy_file_range', handler: sysCopyFileRange, status: 'full',
    note: 'regular files of one file system (EXDEV across, as Linux 5.19+)', args: ['fd', 'ptr', 'fd', 'ptr', 'size', 'hex'],
  },
];
