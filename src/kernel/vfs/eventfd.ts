// eventfd(2) objects: a 64-bit counter that write adds to and read takes (all of it, or one in
// semaphore mode). Reads sleep at 0; writes sleep while the sum would pass 0xfffffffffffffffe.
// A sleeping read or write has consumed nothing, so re-running it from scratch is exact.
import { EAGAIN, EINVAL } from '../../abi/errno.js';
import type { Blocked, Request } from '../request.js';
import { WaitQueue } from '../wait.js';
import { O_NONBLOCK, O_RDWR } from './constants.js';
import { type OpenFile, POLLERR, POLLIN, POLLOUT, type StatInfo } from './file.js';
import { anonInodeStat } from './poll_util.js';

/** EFD_SEMAPHORE (include/uapi/linux/eventfd.h): reads take 1 instead of the whole count. */
export const EFD_SEMAPHORE = 1;
/** The largest value the counter can hold; a write that would pass it waits (ULLONG_MAX - 1). */
export const EVENTFD_MAX = 0xfffffffffffffffen;
/** ULLONG_MAX: never a valid write value; poll reports POLLERR if the counter ever reaches it. */
const ULLONG_MAX = 0xffffffffffffffffn;
/** Bytes in every eventfd read or write: one u64. */
export const EVENTFD_IO_SIZE = 8;

/** Options for a new eventfd: its owner and creation time (for fstat). */
export interface EventFdOptions {
  uid?: number;
  gid?: number;
  nowNs?: bigint;
}

/** An eventfd open file description (Linux's eventfd_ctx plus its file). */
export class EventFd implements OpenFile {
  flags: number;
  readonly path = 'anon_inode:[eventfd]';
  /** Readers and writers sleep here; pollers too. */
  readonly wq = new WaitQueue();
  private readonly statInfo: StatInfo;

  constructor(public count: bigint, readonly semaphore: boolean, nonblock: boolean, opts: EventFdOptions = {}) {
    this.flags = O_RDWR | (nonblock ? O_NONBLOCK : 0);
    this.statInfo = anonInodeStat(opts.uid ?? 0, opts.gid ?? 0, opts.nowNs ?? 0n);
  }

  /** read(2): 8 bytes holding the count (or 1), which is taken; EINVAL below 8 bytes; sleeps at 0. */
  read(r: Request, buf: Uint8Array): number | Blocked {
    if (buf.length < EVENTFD_IO_SIZE) return -EINVAL;
    if (this.count === 0n) {
      if (this.flags & O_NONBLOCK) return -EAGAIN;
      return r.block([this.wq]);
    }
    const v = this.semaphore ? 1n : this.count;
    this.count -= v;
    new DataView(buf.buffer, buf.byteOffset, EVENTFD_IO_SIZE).setBigUint64(0, v, true);
    this.wq.wake(); // writers waiting for room, pollers
    return EVENTFD_IO_SIZE;
  }

  /** write(2): adds the u64 in data; EINVAL for ULLONG_MAX or below 8 bytes; sleeps on overflow. */
  write(r: Request, data: Uint8Array): number | Blocked {
    if (data.length < EVENTFD_IO_SIZE) return -EINVAL;
    const v = new DataView(data.buffer, data.byteOffset, EVENTFD_IO_SIZE).getBigUint64(0, true);
    if (v === ULLONG_MAX) return -EINVAL;
    if (ULLONG_MAX - this.count <= v) {
      if (this.flags & O_NONBLOCK) return -EAGAIN;
      return r.block([this.wq]);
    }
    this.count += v;
    this.wq.wake(); // readers, pollers (Linux wakes even for a write of 0)
    return EVENTFD_IO_SIZE;
  }

  /** eventfd is not seekable but lseek succeeds without moving (noop_llseek): returns 0. */
  lseek(): number {
    return 0;
  }

  stat(): StatInfo {
    return { ...this.statInfo };
  }

  poll(): number {
    let mask = 0;
    if (this.count > 0n) mask |= POLLIN;
    if (this.count === ULLONG_MAX) mask |= POLLERR;
    if (this.count < EVENTFD_MAX) mask |= POLLOUT;
    return mask;
  }

  pollQueues(): WaitQueue[] {
    return [this.wq];
  }
}
