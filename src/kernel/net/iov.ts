// The user buffers of a socket call: one buffer (read, write, sendto, recvfrom) or an iovec
// array (sendmsg, recvmsg), seen as one byte range that a socket reads from or writes into at an
// offset. Offsets let a call that sleeps continue where it stopped (r.progress).
import { EFAULT, EINVAL, EMSGSIZE } from '../../abi/errno.js';
import { type GuestMemory, PROT_READ, PROT_WRITE } from '../../mem/guest_memory.js';
import { MAX_RW_COUNT, UIO_MAXIOV } from '../vfs/constants.js';

/** sizeof(struct iovec): base u64 @0, len u64 @8. */
export const IOVEC_SIZE = 16;

/** A byte range in the caller's memory, possibly scattered. */
export interface UserBuf {
  readonly length: number;
  /** Returns a copy of n bytes at off. */
  read(off: number, n: number): Uint8Array;
  /** Copies data into the range at off (data.length <= length - off). */
  write(off: number, data: Uint8Array): void;
}

/** A UserBuf over one array (a view of guest memory from the file layer, or a test buffer). */
export function arrayBuf(a: Uint8Array): UserBuf {
  return {
    length: a.length,
    read: (off, n) => {
      const out = new Uint8Array(n);
      out.set(a.subarray(off, off + n));
      return out;
    },
    write: (off, data) => a.set(data, off),
  };
}

/** A UserBuf over (address, length) segments of guest memory. */
export class IovBuf implements UserBuf {
  readonly length: number;

  constructor(private readonly mem: GuestMemory, private readonly segs: [number, number][]) {
    this.length = segs.reduce((s, [, n]) => s + n, 0);
  }

  read(off: number, n: number): Uint8Array {
    const out = new Uint8Array(n);
    let done = 0;
    this.walk(off, n, (addr, len) => { out.set(this.mem.view(addr, len), done); done += len; });
    return out;
  }

  write(off: number, data: Uint8Array): void {
    let done = 0;
    this.walk(off, data.length, (addr, len) => { this.mem.write(addr, data.subarray(done, done + len)); done += len; });
  }

  /** Calls fn for each (address, length) piece of [off, off+n). */
  private walk(off: number, n: number, fn: (addr: number, len: number) => void): void {
    let skip = off;
    let left = n;
    for (const [base, len] of this.segs) {
      if (left === 0) return;
      if (skip >= len) { skip -= len; continue; }
      const take = Math.min(len - skip, left);
      fn(base + skip, take);
      left -= take;
      skip = 0;
    }
  }
}

/**
 * Reads an iovec array for sendmsg/recvmsg (import_iovec): more than UIO_MAXIOV entries is
 * EMSGSIZE, a negative length EINVAL, and the total is clamped to MAX_RW_COUNT. Each segment must
 * be readable (send) or writable (receive), else EFAULT. Throws EFAULT for the array itself.
 */
export function readIovec(mem: GuestMemory, addr: number, count: number, write: boolean): IovBuf | number {
  if (count < 0 || count > UIO_MAXIOV) return -EMSGSIZE;
  const raw = count === 0 ? new Uint8Array(0) : mem.read(addr, count * IOVEC_SIZE);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const segs: [number, number][] = [];
  let total = 0;
  for (let i = 0; i < count; i++) {
    const base = Number(dv.getBigUint64(i * IOVEC_SIZE, true));
    const len = dv.getBigInt64(i * IOVEC_SIZE + 8, true);
    if (len < 0n) return -EINVAL;
    const n = Math.min(Number(len), MAX_RW_COUNT - total);
    if (n === 0) continue;
    if (!mem.accessible(base, n, write ? PROT_WRITE : PROT_READ)) return -EFAULT;
    segs.push([base, n]);
    total += n;
  }
  return new IovBuf(mem, segs);
}

/** A UserBuf over one guest buffer (sendto/recvfrom), clamped to MAX_RW_COUNT; -EFAULT if inaccessible. */
export function singleBuf(mem: GuestMemory, addr: number, len: number, write: boolean): IovBuf | number {
  const n = Math.min(len, MAX_RW_COUNT);
  if (n > 0 && !mem.accessible(addr, n, write ? PROT_WRITE : PROT_READ)) return -EFAULT;
  return new IovBuf(mem, n > 0 ? [[addr, n]] : []);
}
