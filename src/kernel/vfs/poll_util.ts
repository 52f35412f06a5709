// Readiness helpers shared by ppoll, pselect6 and epoll: a file's poll mask (with Linux's
// default for files that have no poll method), the queues a poller sleeps on, the per-call
// deadline kept across re-runs of a sleeping handler, the temporary signal mask argument, the
// remaining-time write-back, and the stat of anonymous inodes (eventfd, epoll).
import { EINVAL } from '../../abi/errno.js';
import { readTimespec, timespecToNs, timespecValid, writeTimespec } from '../structs.js';
import type { Task } from '../task.js';
import type { WaitQueue } from '../wait.js';
import { GuestFaultError } from '../../mem/guest_memory.js';
import { type OpenFile, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, type StatInfo } from './file.js';

/** What a file without a poll method reports: always readable and writable (Linux's DEFAULT_POLLMASK). */
export const DEFAULT_POLLMASK = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
/** sizeof(sigset_t) the kernel accepts for temporary masks (64 signals on riscv64). */
export const SIGSET_SIZE = 8;
/** st_dev of the anonymous-inode file system (anon_inodefs is an unnamed 0:N superblock; N is arbitrary). */
export const ANON_INODE_DEV = 0x0e;
/** st_ino of the one inode every anonymous file shares (Linux numbers it at boot; arbitrary). */
export const ANON_INODE_INO = 1054;
/** st_blksize of anonymous inodes (PAGE_SIZE). */
const ANON_INODE_BLKSIZE = 4096;
/** Mode of the shared anonymous inode: 0600 with no file-type bits, as alloc_anon_inode leaves it. */
const ANON_INODE_MODE = 0o600;

/** Returns f's current readiness (POLL* bits); files without poll() are always ready. */
export function pollFile(f: OpenFile): number {
  return f.poll ? f.poll() : DEFAULT_POLLMASK;
}

/** Returns the distinct wait queues of files (those without pollQueues() never change readiness). */
export function pollQueuesOf(files: Iterable<OpenFile>): WaitQueue[] {
  const out = new Set<WaitQueue>();
  for (const f of files) for (const q of f.pollQueues?.() ?? []) out.add(q);
  return [...out];
}

/** Returns the stat of an anonymous-inode file (eventfd, epoll) owned by uid:gid, created at nowNs. */
export function anonInodeStat(uid: number, gid: number, nowNs: bigint): StatInfo {
  return {
    dev: ANON_INODE_DEV, ino: ANON_INODE_INO, mode: ANON_INODE_MODE, nlink: 1, uid, gid, rdev: 0, size: 0,
    blksize: ANON_INODE_BLKSIZE, blocks: 0, atimeNs: nowNs, mtimeNs: nowNs, ctimeNs: nowNs,
  };
}

/** A call's timeout: the absolute monotonic deadline (null: none), and whether it was zero. */
export interface CallTimeout {
  deadline: bigint | null;
  /** A zero timeout polls once; Linux then does not write the remaining time back. */
  zero: boolean;
}

interface TimeoutMemo extends CallTimeout {
  nr: number;
}

const timeouts = new WeakMap<Task, TimeoutMemo>();

/**
 * Returns the timeout of t's current call nr: on a new call, `first()` computes it (a relative
 * timeout in ns, null for none, or -errno) and it is remembered; a re-run after a wake-up gets
 * the remembered deadline, so the sleep ends when the original timeout expires.
 */
export function callTimeout(t: Task, nr: number, first: () => bigint | null | number): CallTimeout | number {
  const memo = timeouts.get(t);
  if (t.resumed && memo !== undefined && memo.nr === nr) return memo;
  const rel = first();
  if (typeof rel === 'number') return rel;
  const to: TimeoutMemo = { nr, deadline: rel === null ? null : t.kernel.monotonicNs() + rel, zero: rel === 0n };
  timeouts.set(t, to);
  return to;
}

/** Reads a struct timespec timeout at addr (0: none) as relative ns, or -EINVAL; throws EFAULT. */
export function readTimeoutTimespec(t: Task, addr: number): bigint | null | number {
  if (addr === 0) return null;
  const ts = readTimespec(t.mm.mem, addr);
  return timespecValid(ts) ? timespecToNs(ts) : -EINVAL;
}

/** Returns true once the deadline has passed (never for no deadline). */
export function timedOut(t: Task, to: CallTimeout): boolean {
  return to.deadline !== null && t.kernel.monotonicNs() >= to.deadline;
}

/**
 * Writes the time left until the deadline (0 if past) to the timespec at addr, as ppoll and
 * pselect6 do on return (not for a NULL pointer or a zero timeout). Returns false if the write
 * faulted (the caller then turns ERESTARTNOHAND into EINTR, since it could not restart exactly).
 */
export function writeRemaining(t: Task, addr: number, to: CallTimeout): boolean {
  if (addr === 0 || to.zero || to.deadline === null) return true;
  const left = to.deadline - t.kernel.monotonicNs();
  try {
    writeTimespec(t.mm.mem, addr, left > 0n ? left : 0n);
    return true;
  } catch (e) {
    if (e instanceof GuestFaultError) return false;
    throw e;
  }
}

/**
 * Installs the temporary signal mask at addr (0: none) for the rest of the call, as
 * set_user_sigmask does. Returns 0, or -EINVAL for a size other than 8; throws EFAULT.
 */
export function setUserSigmask(t: Task, addr: number, size: number): number {
  if (addr === 0) return 0;
  if (size !== SIGSET_SIZE) return -EINVAL;
  t.setTemporarySigmask(t.mm.mem.readBig64(addr));
  return 0;
}
