// The open-file interface (Linux's struct file + file_operations): what an fd refers to.
// Regular files, directories, pipes, host stdio, devices and procfs files all implement it.
import type { MmapFile } from '../../mem/mm.js';
import type { Blocked, Caller, Request } from '../request.js';
import type { WaitQueue } from '../wait.js';

/** An epoll registration watching a file (Linux's epitem), as the file sees it: epoll.ts's EpItem. */
export interface EpollWatch {
  /** Removes the registration from its instance (the watched file went away). */
  unregister(): void;
  /** How deep the watching instance sits in a chain of epoll instances (for the nesting limit). */
  depth(): number;
}

/** Metadata for stat/statx (times in nanoseconds since the epoch). */
export interface StatInfo {
  dev: number;
  ino: number;
  mode: number; // S_IFMT type bits | permission bits
  nlink: number;
  uid: number;
  gid: number;
  rdev: number;
  size: number;
  blksize: number;
  blocks: number; // 512-byte units
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

/** poll(2) event bits (include/uapi/asm-generic/poll.h). */
export const POLLIN = 0x1, POLLPRI = 0x2, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20,
  POLLRDNORM = 0x40, POLLWRNORM = 0x100, POLLWRBAND = 0x200, POLLRDHUP = 0x2000;

/**
 * An open file description. Methods that may sleep return a Blocked marker (from r.block),
 * and must have consumed or produced nothing when they do (a partial transfer is kept in
 * r.progress). Byte counts are returned as
 * non-negative numbers; failures as -errno. Missing optional methods mean the operation is
 * not supported by this kind of file (the syscall layer picks Linux's errno: EINVAL, ESPIPE...).
 */
export interface OpenFile {
  /** File status flags and access mode (O_RDONLY/O_WRONLY/O_RDWR | O_APPEND | O_NONBLOCK ...). */
  flags: number;
  /** Path for /proc/self/fd and strace ("pipe:[123]" for pipes, as Linux shows). */
  readonly path: string;
  /** Reads into buf at the file position; returns bytes read, 0 at EOF. */
  read?(r: Request, buf: Uint8Array): number | Blocked;
  /** Writes data at the file position (or at the end with O_APPEND). */
  write?(r: Request, data: Uint8Array): number | Blocked;
  /**
   * readv(2) as one transfer into the (address, length) segments of the caller's memory, for
   * files where that differs from one read per segment (a socket reads one datagram into all).
   */
  readVec?(r: Request, segs: [number, number][]): number | Blocked;
  /** writev(2) as one transfer (a socket sends one message, or a stream send that may sleep). */
  writeVec?(r: Request, segs: [number, number][]): number | Blocked;
  /** Positional read; does not move the file position. Absent → ESPIPE. */
  pread?(r: Request, buf: Uint8Array, offset: number): number;
  /** Positional write; does not move the file position. Absent → ESPIPE. */
  pwrite?(r: Request, data: Uint8Array, offset: number): number;
  /** lseek(2); returns the new position. Absent → ESPIPE. */
  lseek?(offset: number, whence: number): number;
  /** Current metadata. */
  stat(): StatInfo;
  /** ioctl(2) on this file; argAddr is the guest pointer argument. Absent → ENOTTY. */
  ioctl?(r: Request, request: number, argAddr: number): number;
  /** Current readiness as POLL* bits (for poll, select and epoll); poller: the polling thread when it is
   *  not the one whose call is running (an io_uring poll), for files whose readiness depends on it (signalfd). */
  poll?(poller?: Caller): number;
  /** Queues woken whenever readiness may have changed (a poller sleeps on all of them). */
  pollQueues?(poller?: Caller): WaitQueue[];
  /** True if readiness depends on who polls (signalfd): a wake-up on its queues makes an epoll item
   *  ready without polling it in the waker's context (epoll_wait polls it again in its own). */
  readonly pollByPoller?: boolean;
  /** Directory entries for getdents64: fills buf with records, returns bytes used. */
  getdents?(r: Request, buf: Uint8Array): number;
  /** ftruncate(2). */
  truncate?(length: number): number;
  /** fsync(2)/fdatasync(2). */
  fsync?(): number;
  /** Source of bytes for mmap of len bytes at offset, or -errno (ENODEV if not mappable, EACCES for bad modes). */
  mmapSource?(offset?: number, len?: number): MmapFile | number;
  /** Called when the last fd referring to this description is closed. */
  release?(): void;
  /**
   * Called when a reference is dropped and `remaining` are left (an AF_UNIX socket whose only
   * references are messages in flight may then be garbage).
   */
  refDropped?(remaining: number): void;
  /** References held by fd tables (Linux's f_count); kept by fileGet and filePut in fdtable.ts. */
  refCount?: number;
  /** The epoll items watching this description (Linux's f_ep); kept by epoll.ts. */
  epItems?: Set<EpollWatch>;
}
