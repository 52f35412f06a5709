// Moving bytes between open files inside the kernel, without a user buffer: the one mechanism
// behind splice, tee, vmsplice, sendfile and copy_file_range (syscalls/splice.ts) and io_uring's
// SPLICE and TEE (uring/ops_misc.ts). Each call moves what it can now and returns the count, or
// sleeps (r.block on the pipe it waits for) having moved nothing, so re-running it on wake-up is
// exact. A pipe read here takes bytes only once they have been written out, so a short write
// (RLIMIT_FSIZE, a full socket) leaves the rest in the pipe.
import { EAGAIN, EBADF, EINVAL, EISDIR, EPIPE, ESPIPE } from '../../abi/errno.js';
import type { Blocked, Request } from '../request.js';
import { O_ACCMODE, O_APPEND, O_NONBLOCK, O_RDONLY, O_WRONLY } from './constants.js';
import { type OpenFile, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM } from './file.js';
import { type Pipe, pipeOf } from './pipe.js';

/** SPLICE_F_NONBLOCK (include/uapi/linux/splice.h): do not sleep on a pipe. */
export const SPLICE_F_NONBLOCK = 2;
/** Every SPLICE_F_* flag (MOVE 1, NONBLOCK 2, MORE 4, GIFT 8); other bits are EINVAL. */
export const SPLICE_F_ALL = 0xf;
/** SIGPIPE (asm-generic numbering): a write to a pipe nobody reads. */
const SIGPIPE = 13;
/** Bytes a file-to-file transfer moves per step (bounds the kernel buffer; Linux's internal pipe is 64 KiB). */
export const TRANSFER_CHUNK = 65536;

/** The result of a transfer: bytes moved, -errno, or a sleep. */
export type TransferResult = number | Blocked;

/** True if f may be read (its access mode is not O_WRONLY). */
export function readableFile(f: OpenFile): boolean {
  return (f.flags & O_ACCMODE) !== O_WRONLY;
}

/** True if f may be written (its access mode is not O_RDONLY). */
export function writableFile(f: OpenFile): boolean {
  return (f.flags & O_ACCMODE) !== O_RDONLY;
}

/** -EPIPE, raising SIGPIPE in the caller unless the call is an io_uring request (no signal there). */
function brokenPipe(r: Request): number {
  if (!r.asyncIo) r.caller.raise(SIGPIPE);
  return -EPIPE;
}

/** Reads from f into buf at off (-1: at its position, which moves); returns the count or -errno. */
function readFile(r: Request, f: OpenFile, buf: Uint8Array, off: number): TransferResult {
  if (off >= 0) return f.pread ? f.pread(r, buf, off) : -ESPIPE;
  return f.read ? f.read(r, buf) : -EINVAL;
}

/** Writes data to f at off (-1: at its position); returns the count or -errno. */
export function writeFile(r: Request, f: OpenFile, data: Uint8Array, off: number): TransferResult {
  if (off >= 0) return f.pwrite ? f.pwrite(r, data, off) : -ESPIPE;
  return f.write ? f.write(r, data) : -EINVAL;
}

/** Wakes the readers (and pollers) of p after bytes went in. */
function filled(p: Pipe): void {
  p.readWait.wake(Infinity, POLLIN | POLLRDNORM);
}

/** Wakes the writers (and pollers) of p after bytes came out. */
function drained(p: Pipe): void {
  p.writeWait.wake(Infinity, POLLOUT | POLLWRNORM);
}

/**
 * Waits until pipe p (read end file f) has bytes: 0 to go on, or the result to return now (0 at
 * EOF with no writer, -EAGAIN when nonblocking, or a sleep on its readers' queue).
 */
function waitForData(r: Request, p: Pipe, f: OpenFile, nonblock: boolean): TransferResult {
  if (p.length > 0) return 0;
  if (p.writers === 0) return 0;
  return nonblock || (f.flags & O_NONBLOCK) !== 0 ? -EAGAIN : r.block([p.readWait]);
}

/** Free bytes in pipe p (write end f), or what to return now: -EPIPE (SIGPIPE), -EAGAIN, a sleep. */
function waitForRoom(r: Request, p: Pipe, f: OpenFile, nonblock: boolean): TransferResult {
  if (p.readers === 0) return brokenPipe(r);
  const free = p.capacity - p.length;
  if (free > 0) return free;
  return nonblock || (f.flags & O_NONBLOCK) !== 0 ? -EAGAIN : r.block([p.writeWait]);
}

/**
 * splice(2) and io_uring's SPLICE: up to len bytes from fin (at offIn, -1: its position) to fout
 * (at offOut), one of which must be a pipe; returns the count, 0 at EOF, -errno, or a sleep.
 * Checks in Linux's order: access modes (EBADF), a pipe spliced into itself or no pipe at all
 * (EINVAL), an offset on a pipe (ESPIPE), O_APPEND on the output file (EINVAL).
 */
export function spliceFiles(r: Request, fin: OpenFile, offIn: number, fout: OpenFile, offOut: number, len: number, nonblock: boolean): TransferResult {
  if (!readableFile(fin) || !writableFile(fout)) return -EBADF;
  const pin = pipeOf(fin), pout = pipeOf(fout);
  if ((pin && offIn !== -1) || (pout && offOut !== -1)) return -ESPIPE;
  if (pin && pout) return pin === pout ? -EINVAL : pipeToPipe(r, pin, fin, pout, fout, len, nonblock, false);
  if (pin) {
    if (fout.flags & O_APPEND) return -EINVAL;
    return pipeToFile(r, pin, fin, fout, offOut, len, nonblock);
  }
  if (pout) return fileToPipe(r, fin, offIn, pout, fout, len, nonblock);
  return -EINVAL;
}

/** tee(2) and io_uring's TEE: copies up to len bytes from pipe fin to pipe fout, leaving them in fin. */
export function teePipes(r: Request, fin: OpenFile, fout: OpenFile, len: number, nonblock: boolean): TransferResult {
  if (!readableFile(fin) || !writableFile(fout)) return -EBADF;
  const pin = pipeOf(fin), pout = pipeOf(fout);
  if (!pin || !pout || pin === pout) return -EINVAL;
  return pipeToPipe(r, pin, fin, pout, fout, len, nonblock, true);
}

/** Moves (or with copy, duplicates) up to len bytes between two pipes; waits for data, then for room. */
function pipeToPipe(r: Request, pin: Pipe, fin: OpenFile, pout: Pipe, fout: OpenFile, len: number, nonblock: boolean, copy: boolean): TransferResult {
  if (len === 0) return 0;
  nonblock ||= ((fin.flags | fout.flags) & O_NONBLOCK) !== 0; // either end's O_NONBLOCK, as Linux
  const data = waitForData(r, pin, fin, nonblock);
  if (data !== 0 || pin.length === 0) return data;
  const room = waitForRoom(r, pout, fout, nonblock);
  if (typeof room !== 'number' || room < 0) return room;
  const buf = new Uint8Array(Math.min(len, room, pin.length));
  const n = copy ? pin.peek(buf) : pin.take(buf);
  pout.put(buf.subarray(0, n));
  if (!copy) drained(pin);
  filled(pout);
  return n;
}

/** Moves up to len bytes from pipe p into file f (at off): the bytes leave p only once written. */
function pipeToFile(r: Request, p: Pipe, fin: OpenFile, f: OpenFile, off: number, len: number, nonblock: boolean): TransferResult {
  if (len === 0) return 0;
  const data = waitForData(r, p, fin, nonblock);
  if (data !== 0 || p.length === 0) return data;
  const buf = new Uint8Array(Math.min(len, p.length));
  const n = p.peek(buf);
  const w = writeAll(r, f, buf.subarray(0, n), off);
  if (typeof w === 'number' && w > 0) {
    p.take(buf.subarray(0, w));
    drained(p);
  }
  return w;
}

/** Reads up to len bytes of file f (at off) into pipe p, no more than fits; waits for room first. */
function fileToPipe(r: Request, f: OpenFile, off: number, p: Pipe, fout: OpenFile, len: number, nonblock: boolean): TransferResult {
  if (len === 0) return 0;
  const room = waitForRoom(r, p, fout, nonblock);
  if (typeof room !== 'number' || room < 0) return room;
  const buf = new Uint8Array(Math.min(len, room));
  const n = readFile(r, f, buf, off);
  if (typeof n !== 'number' || n <= 0) return n;
  p.put(buf.subarray(0, n));
  filled(p);
  return n;
}

/**
 * vmsplice(2) into pipe p (write end f): as many bytes of the segments' data as fit now, after
 * waiting for room; `gather` copies n bytes of the caller's segments into a buffer.
 */
export function userToPipe(r: Request, p: Pipe, f: OpenFile, total: number, nonblock: boolean, gather: (n: number) => Uint8Array): TransferResult {
  if (total === 0) return 0;
  const room = waitForRoom(r, p, f, nonblock);
  if (typeof room !== 'number' || room < 0) return room;
  const data = gather(Math.min(total, room));
  p.put(data);
  filled(p);
  return data.length;
}

/**
 * vmsplice(2) out of pipe p (read end f): up to total bytes, after waiting for data; `scatter`
 * writes the bytes into the caller's segments and returns how many it could place.
 */
export function pipeToUser(r: Request, p: Pipe, f: OpenFile, total: number, nonblock: boolean, scatter: (data: Uint8Array) => number): TransferResult {
  if (total === 0) return 0;
  const data = waitForData(r, p, f, nonblock);
  if (data !== 0 || p.length === 0) return data;
  const buf = new Uint8Array(Math.min(total, p.length));
  p.peek(buf);
  const n = scatter(buf);
  if (n > 0) {
    p.take(buf.subarray(0, n));
    drained(p);
  }
  return n;
}

/**
 * File-to-file copy for sendfile and copy_file_range: up to len bytes from fin at offIn to fout at
 * offOut (-1: its position), in TRANSFER_CHUNK steps, stopping at EOF. Returns the count, or the
 * first error when nothing moved.
 */
export function copyFileRange(r: Request, fin: OpenFile, offIn: number, fout: OpenFile, offOut: number, len: number): TransferResult {
  if (!fin.pread) return fin.getdents ? -EISDIR : -EINVAL;
  let done = 0;
  while (done < len) {
    const buf = new Uint8Array(Math.min(len - done, TRANSFER_CHUNK));
    const n = fin.pread(r, buf, offIn + done);
    if (n < 0) return done > 0 ? done : n;
    if (n === 0) break;
    const w = writeAll(r, fout, buf.subarray(0, n), offOut >= 0 ? offOut + done : -1);
    if (typeof w !== 'number' || w <= 0) return done > 0 ? done : w;
    done += w;
    if (w < n) break;
  }
  return done;
}

/**
 * Writes data to f at off (-1: its position) until all of it is written or a write moves nothing,
 * as Linux's splice write side does: after a write cut at RLIMIT_FSIZE the next one starts at the
 * limit and fails with EFBIG and SIGXFSZ. Returns the count, or the first result when nothing moved.
 */
function writeAll(r: Request, f: OpenFile, data: Uint8Array, off: number): TransferResult {
  let put = 0;
  while (put < data.length) {
    const w = writeFile(r, f, data.subarray(put), off >= 0 ? off + put : -1);
    if (typeof w !== 'number' || w <= 0) return put > 0 ? put : w;
    put += w;
  }
  return put;
}
