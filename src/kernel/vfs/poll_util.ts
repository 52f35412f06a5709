// Readiness helpers shared by ppoll, pselect6 and epoll: a file's poll mask (with Linux's
// default for files that have no poll method), the queues a poller sleeps on, and the stat of
// anonymous inodes (eventfd, epoll).
import type { WaitQueue } from '../wait.js';
import { type OpenFile, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, type StatInfo } from './file.js';

/** What a file without a poll method reports: always readable and writable (Linux's DEFAULT_POLLMASK). */
export const DEFAULT_POLLMASK = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
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
