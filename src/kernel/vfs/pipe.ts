// In-process pipes with pipe(7) semantics: a byte ring shared by a read end and a write end.
//
// Blocking writes follow pipe(7): a write of n <= PIPE_BUF bytes is atomic (all of it when it
// fits, else it sleeps); a larger blocking write writes what fits, sleeps, and goes on until all
// n bytes are written. The bytes already written are the request's progress (r.progress), kept
// across its sleeps (the handler is re-run with r.resumed); a signal that interrupts it returns
// that partial count, or ERESTARTSYS if nothing was written yet. Nothing is lost or repeated.
import { EAGAIN, EBADF, EBUSY, EINVAL, ENOTTY, EPERM, EPIPE, ERESTARTSYS } from '../../abi/errno.js';
import type { Blocked, Request } from '../request.js';
import { WaitQueue } from '../wait.js';
import { O_ACCMODE, O_NONBLOCK, O_RDONLY, O_RDWR, O_WRONLY, S_IFIFO } from './constants.js';
import { type OpenFile, POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, type StatInfo } from './file.js';
import { FIONREAD } from './termios.js';

/** Default pipe capacity (Linux: 16 pages; F_GETPIPE_SZ reports 65536). */
export const PIPE_DEF_SIZE = 65536;

/** Writes of at most this many bytes are atomic (PIPE_BUF, include/uapi/linux/limits.h). */
export const PIPE_BUF = 4096;
/** Smallest capacity F_SETPIPE_SZ gives (one page). */
export const PIPE_MIN_SIZE = 4096;
/** Largest capacity an unprivileged F_SETPIPE_SZ may ask for (/proc/sys/fs/pipe-max-size default). */
export const PIPE_MAX_SIZE = 1048576;
/** Device number pipes report in st_dev (pipefs is an anonymous 0:N superblock; N is arbitrary). */
export const PIPEFS_DEV = 12;
/** First pipe inode number; Linux's pipefs numbers are arbitrary, this keeps them realistic. */
const FIRST_PIPE_INO = 100000;
/** SIGPIPE (asm-generic/signal.h). */
const SIGPIPE = 13;

let nextIno = FIRST_PIPE_INO;

/** Owner and creation time recorded in the pipe's inode. */
export interface PipeOptions {
  uid?: number;
  gid?: number;
  nowNs?: bigint;
}

/** The pipe object (Linux's pipe_inode_info): the ring, the end counts and the wait queues. */
export class Pipe {
  readonly ino = nextIno++;
  /** The byte ring, allocated on first write so idle pipes cost no memory. */
  private ring: Uint8Array | null = null;
  private cap = PIPE_DEF_SIZE;
  private head = 0; // index of the oldest byte
  private used = 0;
  readers = 0;
  writers = 0;
  /** Ends ever opened for reading and for writing: a FIFO open waits for the other one to change
   *  (Linux's r_counter and w_counter), so a partner that opened and closed meanwhile still counts. */
  readersOpened = 0;
  writersOpened = 0;
  /** Called when the last end closes (a FIFO's pipe is then dropped, and with it unread data). */
  onIdle: (() => void) | null = null;
  /** Readers sleeping for data or EOF. */
  readonly readWait = new WaitQueue();
  /** Writers sleeping for space or for the readers to go. */
  readonly writeWait = new WaitQueue();
  /** FIFO opens sleeping until the other side opens (fifo.ts). */
  readonly openWait = new WaitQueue();
  readonly uid: number;
  readonly gid: number;
  readonly ctimeNs: bigint;

  constructor(opts: PipeOptions = {}) {
    this.uid = opts.uid ?? 0;
    this.gid = opts.gid ?? 0;
    this.ctimeNs = opts.nowNs ?? 0n;
  }

  /** Returns the capacity in bytes (F_GETPIPE_SZ). */
  get capacity(): number {
    return this.cap;
  }

  /** Returns the bytes waiting to be read (FIONREAD). */
  get length(): number {
    return this.used;
  }

  /** Returns a new open file description for one end of an anonymous pipe (O_RDONLY or O_WRONLY). */
  open(flags: number): OpenFile {
    this.addEnd(flags);
    return new PipeFile(this, flags);
  }

  /** Counts a new end opened with access mode flags (readers, writers, and the open counters FIFO opens wait on). */
  addEnd(flags: number): void {
    const acc = flags & O_ACCMODE;
    if (acc === O_RDONLY || acc === O_RDWR) { this.readers++; this.readersOpened++; }
    if (acc === O_WRONLY || acc === O_RDWR) { this.writers++; this.writersOpened++; }
  }

  /** Drops an end opened with flags: the last reader makes writers see EPIPE, the last writer gives EOF. */
  dropEnd(flags: number): void {
    const acc = flags & O_ACCMODE;
    if ((acc === O_RDONLY || acc === O_RDWR) && --this.readers === 0) this.writeWait.wake();
    if ((acc === O_WRONLY || acc === O_RDWR) && --this.writers === 0) this.readWait.wake();
    if (this.readers === 0 && this.writers === 0) this.onIdle?.();
  }

  /** read(2) on an end opened with flags. */
  read(r: Request, buf: Uint8Array, flags: number): number | Blocked {
    if ((flags & O_ACCMODE) === O_WRONLY) return -EBADF;
    if (buf.length === 0) return 0;
    if (this.used > 0) {
      const n = this.take(buf);
      this.writeWait.wake(Infinity, POLLOUT | POLLWRNORM);
      return n;
    }
    if (this.writers === 0) return 0; // EOF
    if (flags & O_NONBLOCK) return -EAGAIN;
    return r.block([this.readWait]);
  }

  /** write(2) on an end opened with flags (the atomicity and progress rules at the top of this file). */
  write(r: Request, data: Uint8Array, flags: number): number | Blocked {
    if ((flags & O_ACCMODE) === O_RDONLY) return -EBADF;
    if (data.length === 0) return 0;
    // A woken write continues where it stopped: what it wrote so far is the request's progress.
    let done = r.resumed ? r.progress : 0;
    if (this.readers === 0) {
      r.caller.raise(SIGPIPE);
      return done > 0 ? done : -EPIPE;
    }
    const rest = data.length - done;
    const free = this.cap - this.used;
    // An atomic write needs room for all of it; a larger one takes what fits now.
    const n = done === 0 && data.length <= PIPE_BUF ? (free >= data.length ? data.length : 0) : Math.min(free, rest);
    if (n > 0) {
      this.put(data.subarray(done, done + n));
      this.readWait.wake(Infinity, POLLIN | POLLRDNORM);
      done += n;
    }
    if (done === data.length) return done;
    if (flags & O_NONBLOCK) return done > 0 ? done : -EAGAIN;
    r.progress = done;
    return r.block([this.writeWait], ERESTARTSYS, (x) => (x.progress > 0 ? x.progress : -ERESTARTSYS));
  }

  /** poll(2) readiness of an end opened with flags; hangUp: whether a reader may see POLLHUP. */
  pollMask(flags: number, hangUp = true): number {
    const acc = flags & O_ACCMODE;
    let mask = 0;
    if (acc !== O_WRONLY) {
      if (this.used > 0) mask |= POLLIN | POLLRDNORM;
      if (this.writers === 0 && hangUp) mask |= POLLHUP;
    }
    if (acc !== O_RDONLY) {
      if (this.cap - this.used >= PIPE_BUF) mask |= POLLOUT | POLLWRNORM;
      if (this.readers === 0) mask |= POLLERR;
    }
    return mask;
  }

  /** Copies up to buf.length bytes out of the ring; returns the count. */
  take(buf: Uint8Array): number {
    const n = Math.min(buf.length, this.used);
    if (n === 0 || this.ring === null) return 0;
    const cap = this.cap;
    const first = Math.min(n, cap - this.head);
    buf.set(this.ring.subarray(this.head, this.head + first), 0);
    if (n > first) buf.set(this.ring.subarray(0, n - first), first);
    this.head = (this.head + n) % cap;
    this.used -= n;
    if (this.used === 0) this.head = 0;
    return n;
  }

  /** Copies up to buf.length bytes from the front of the ring without taking them (tee); returns the count. */
  peek(buf: Uint8Array): number {
    const { head, used } = this;
    const n = this.take(buf);
    this.head = head;
    this.used = used;
    return n;
  }

  /** Appends data to the ring; assumes data.length <= free space. */
  put(data: Uint8Array): void {
    const cap = this.cap;
    const ring = this.ring ??= new Uint8Array(cap);
    const tail = (this.head + this.used) % cap;
    const first = Math.min(data.length, cap - tail);
    ring.set(data.subarray(0, first), tail);
    if (data.length > first) ring.set(data.subarray(first), 0);
    this.used += data.length;
  }

  /** The pipe's ioctls: FIONREAD. */
  ioctl(r: Request, request: number, argAddr: number): number {
    if (request === FIONREAD) {
      r.caller.mm.mem.writeI32(argAddr, this.used);
      return 0;
    }
    return -ENOTTY;
  }

  /** F_SETPIPE_SZ: replaces the ring, keeping the bytes in order; returns the capacity or -errno. */
  setCapacity(size: number, privileged: boolean, maxSize = PIPE_MAX_SIZE): number {
    if (!Number.isInteger(size) || size < 0 || size > 0x80000000) return -EINVAL;
    if (size > maxSize && !privileged) return -EPERM;
    let cap = PIPE_MIN_SIZE;
    while (cap < size) cap *= 2; // Linux rounds up to a power-of-two number of pages
    if (cap < this.used) return -EBUSY;
    const next = new Uint8Array(cap);
    const n = this.take(next.subarray(0, this.used));
    this.ring = next;
    this.cap = cap;
    this.head = 0;
    this.used = n;
    this.writeWait.wake();
    return cap;
  }
}

/** One end of an anonymous pipe as an open file description (splice and tee reach its pipe). */
export class PipeFile implements OpenFile {
  flags: number;
  readonly path: string;
  private released = false;

  constructor(readonly pipe: Pipe, flags: number) {
    this.flags = flags;
    this.path = `pipe:[${pipe.ino}]`;
  }

  read(r: Request, buf: Uint8Array): number | Blocked {
    return this.pipe.read(r, buf, this.flags);
  }

  write(r: Request, data: Uint8Array): number | Blocked {
    return this.pipe.write(r, data, this.flags);
  }

  stat(): StatInfo {
    const p = this.pipe;
    return {
      dev: PIPEFS_DEV, ino: p.ino, mode: S_IFIFO | 0o600, nlink: 1, uid: p.uid, gid: p.gid, rdev: 0,
      size: 0, blksize: PIPE_BUF, blocks: 0, atimeNs: p.ctimeNs, mtimeNs: p.ctimeNs, ctimeNs: p.ctimeNs,
    };
  }

  ioctl(r: Request, request: number, argAddr: number): number {
    return this.pipe.ioctl(r, request, argAddr);
  }

  poll(): number {
    return this.pipe.pollMask(this.flags);
  }

  /** Queues a poll/epoll sleeper should wait on to see this end's readiness change. */
  pollQueues(): WaitQueue[] {
    return [this.pipe.readWait, this.pipe.writeWait];
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.pipe.dropEnd(this.flags);
  }
}

/** Returns the two ends of a new pipe: reader (O_RDONLY) and writer (O_WRONLY), no other flags. */
export function createPipe(opts: PipeOptions = {}): { reader: OpenFile; writer: OpenFile } {
  const pipe = new Pipe(opts);
  return { reader: pipe.open(O_RDONLY), writer: pipe.open(O_WRONLY) };
}

/** Returns the Pipe behind file if it is a pipe or FIFO end (its `pipe`), else null (fcntl F_GETPIPE_SZ → EBADF). */
export function pipeOf(file: OpenFile): Pipe | null {
  const p = (file as { pipe?: unknown }).pipe;
  return p instanceof Pipe ? p : null;
}
