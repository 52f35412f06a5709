// Byte-range lock arithmetic for POSIX record locks and open file description locks (Linux's
// flc_posix list): turning a struct flock into a range, finding a conflict, and applying a
// request to one owner's locks with the splitting and merging Linux does. Offsets are bigints:
// ranges reach OFFSET_MAX (2^63-1), beyond a double's exact integers.
import { EINVAL, EOVERFLOW } from '../../../abi/errno.js';
import { SEEK_CUR, SEEK_END, SEEK_SET } from '../constants.js';

/** l_type values (include/uapi/asm-generic/fcntl.h). */
export const F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;
/** The largest file offset (loff_t): an l_len of 0 locks up to here. */
export const OFFSET_MAX = (1n << 63n) - 1n;

/** A held byte-range lock: [start, end] inclusive. */
export interface PosixLock {
  type: number;
  start: bigint;
  end: bigint;
  /** Who holds it: the fd table (files_struct) for POSIX locks, the open file for OFD locks. */
  owner: object;
  /** l_pid reported by F_GETLK: the locker's process id, or -1 for an OFD lock. */
  pid: number;
  /** True for an open file description lock. */
  ofd: boolean;
}

/** A request as F_SETLK* makes it (type F_UNLCK removes the range). */
export type LockRequest = PosixLock;

/**
 * Returns the [start, end] a struct flock names, or -errno: whence is SEEK_SET, SEEK_CUR (from
 * pos) or SEEK_END (from size); a positive len counts forward, a negative one backward from
 * start, and 0 means "to OFFSET_MAX". A start that overflows loff_t, or an end past OFFSET_MAX,
 * gives EOVERFLOW; a negative start gives EINVAL.
 */
export function flockRange(whence: number, lStart: bigint, lLen: bigint, pos: bigint, size: bigint): { start: bigint; end: bigint } | number {
  let base: bigint;
  switch (whence) {
    case SEEK_SET: base = 0n; break;
    case SEEK_CUR: base = pos; break;
    case SEEK_END: base = size; break;
    default: return -EINVAL;
  }
  let start = base + lStart;
  if (start !== BigInt.asIntN(64, start)) return -EOVERFLOW; // the loff_t sum overflows
  if (start < 0n) return -EINVAL;
  let end: bigint;
  if (lLen > 0n) {
    if (lLen - 1n > OFFSET_MAX - start) return -EOVERFLOW;
    end = start + lLen - 1n;
  } else if (lLen < 0n) {
    if (start + lLen < 0n) return -EINVAL;
    end = start - 1n;
    start += lLen;
  } else {
    end = OFFSET_MAX;
  }
  return { start, end };
}

/** True if a and b cover a common byte. */
export function overlaps(a: { start: bigint; end: bigint }, b: { start: bigint; end: bigint }): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/** True if request and held conflict: other owners, a common byte, and at least one write lock. */
export function posixConflict(request: PosixLock, held: PosixLock): boolean {
  if (request.owner === held.owner) return false;
  if (!overlaps(request, held)) return false;
  return request.type === F_WRLCK || held.type === F_WRLCK;
}

/** Returns the first lock in list order that conflicts with request, or null. */
export function firstConflict(list: readonly PosixLock[], request: PosixLock): PosixLock | null {
  for (const l of list) if (posixConflict(request, l)) return l;
  return null;
}

/**
 * Applies request (a lock of its type, or an unlock) to its owner's locks in list and returns
 * the new list. The owner's locks lose the range the request covers (a lock around it splits in
 * two); a new lock then absorbs the owner's locks of the same type that overlap or touch it, as
 * Linux merges them. Other owners' locks keep their places; the owner's locks stay together,
 * sorted by start, where its first lock was (at the end for a new owner), which is the order
 * F_GETLK reports conflicts in.
 */
export function applyPosix(list: readonly PosixLock[], request: LockRequest): PosixLock[] {
  const owner = request.owner;
  const firstIdx = list.findIndex((l) => l.owner === owner);
  const others = list.filter((l) => l.owner !== owner);
  const insertAt = firstIdx < 0 ? others.length : list.slice(0, firstIdx).filter((l) => l.owner !== owner).length;
  let mine: PosixLock[] = [];
  for (const l of list) {
    if (l.owner !== owner) continue;
    if (!overlaps(l, request)) { mine.push(l); continue; }
    if (l.start < request.start) mine.push({ ...l, end: request.start - 1n });
    if (l.end > request.end) mine.push({ ...l, start: request.end + 1n });
  }
  if (request.type !== F_UNLCK) {
    let merged: PosixLock = { ...request };
    const kept: PosixLock[] = [];
    for (const l of mine) {
      const touches = l.type === merged.type && l.start <= merged.end + 1n && merged.start <= l.end + 1n;
      if (touches) {
        merged = { ...merged, start: l.start < merged.start ? l.start : merged.start, end: l.end > merged.end ? l.end : merged.end };
      } else {
        kept.push(l);
      }
    }
    mine = [...kept, merged];
  }
  mine.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  return [...others.slice(0, insertAt), ...mine, ...others.slice(insertAt)];
}

/** Returns list without owner's locks (close of any fd, last close of an OFD owner). */
export function removeOwner(list: readonly PosixLock[], owner: object): PosixLock[] {
  return list.filter((l) => l.owner !== owner);
}
