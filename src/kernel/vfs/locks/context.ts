// The lock state of one file (Linux's file_lock_context, i_flctx): its POSIX and OFD record
// locks, flock locks and leases, how many open descriptions read or write it (i_readcount and
// i_writecount, which leases consult), and the queues sleepers wait on. One LockTable per VFS
// finds the context of a file by its identity (fileKey: dev:ino), so every open of one file,
// by any path, shares it; a context with nothing in it is dropped.
import type { SigInfo } from '../../signal.js';
import { WaitQueue } from '../../wait.js';
import type { OpenFile, StatInfo } from '../file.js';
import { fileKey } from '../open_files.js';
import { O_ACCMODE, O_PATH, O_RDONLY, O_RDWR, O_WRONLY, S_IFMT, S_IFREG } from '../constants.js';
import { WaitForGraph } from './deadlock.js';
import type { PosixLock } from './range.js';

/** Default /proc/sys/fs/lease-break-time in seconds (Linux's lease_break_time). */
export const LEASE_BREAK_TIME_DEFAULT = 45;

/** A flock(2) lock: owned by the open file description it was taken through. */
export interface FlockLock {
  file: OpenFile;
  /** F_RDLCK (LOCK_SH) or F_WRLCK (LOCK_EX). */
  type: number;
  /** Process id of the taker (for /proc/locks). */
  pid: number;
}

/** A lease break in progress on a lease (Linux's FL_UNLOCK_PENDING and FL_DOWNGRADE_PENDING). */
export const LEASE_UNLOCK_PENDING = 1, LEASE_DOWNGRADE_PENDING = 2;

/** A lease (F_SETLEASE): owned by the open file description it was set through. */
export interface Lease {
  file: OpenFile;
  /** F_RDLCK or F_WRLCK. */
  type: number;
  /** LEASE_*_PENDING bits. */
  pending: number;
  /** Monotonic ns at which a pending unlock / downgrade is forced (0n: never). */
  breakTime: bigint;
  downgradeTime: bigint;
  /** The fd the lease was set through (si_fd of the break signal) and the setter's pid. */
  fd: number;
  pid: number;
}

/** What the lock code needs from the kernel: the clock and a way to signal a file's owner. */
export interface LockHost {
  monotonicNs(): bigint;
  /** Sends info to the thread, process or process group (F_OWNER_*) id; ignored if there is none. */
  signalOwner(type: number, id: number, info: SigInfo): void;
}

/** f_owner_ex types (include/uapi/asm-generic/fcntl.h): a thread, a process, a process group. */
export const F_OWNER_TID = 0, F_OWNER_PID = 1, F_OWNER_PGRP = 2;

/** An open file description's F_SETOWN owner and F_SETSIG signal (Linux's fown_struct). */
export interface FileOwner {
  /** F_OWNER_TID, F_OWNER_PID or F_OWNER_PGRP. */
  type: number;
  /** The thread, process or group id (>= 0; 0: no owner). */
  id: number;
  /** F_SETSIG signal, 0 for plain SIGIO. */
  signum: number;
}

/** What an open file description carries for locking (fields added to OpenFile). */
export interface LockedFile extends OpenFile {
  lockCtx?: FileLockContext;
  /** How the description was counted in its context's readers/writers (0: not counted). */
  lockCounted?: number;
  fown?: FileOwner;
}

/** Counted as a reader (O_RDONLY) or as a writer (O_WRONLY, O_RDWR). */
const COUNT_READER = 1, COUNT_WRITER = 2;

export class FileLockContext {
  /** POSIX and OFD record locks (Linux's flc_posix), in the order F_GETLK scans them. */
  posix: PosixLock[] = [];
  flocks: FlockLock[] = [];
  leases: Lease[] = [];
  /** Open descriptions of the file read-only (i_readcount) and for writing (i_writecount). */
  readers = 0;
  writers = 0;
  /** Descriptions attached to this context. */
  files = 0;
  /** Sleeping F_SETLKW, F_OFD_SETLKW and flock calls: woken whenever a lock goes or shrinks. */
  readonly lockWaiters = new WaitQueue();
  /** Openers and truncaters waiting for a lease break: woken when a lease changes. */
  readonly leaseWaiters = new WaitQueue();

  constructor(readonly table: LockTable, readonly key: string) {}

  /** True if nothing holds the context (no locks, leases or attached descriptions). */
  get idle(): boolean {
    return this.files === 0 && this.posix.length === 0 && this.flocks.length === 0 && this.leases.length === 0 &&
      this.lockWaiters.length === 0 && this.leaseWaiters.length === 0;
  }
}

export class LockTable {
  private readonly contexts = new Map<string, FileLockContext>();
  /** Sleeping POSIX lock requests, for deadlock detection across every file. */
  readonly graph = new WaitForGraph();
  /**
   * Seconds a lease holder has to give way before a break is forced (/proc/sys/fs/lease-break-time;
   * the /proc/sys code may set it). 0: breaks are never forced, openers wait for the holder.
   */
  leaseBreakTime = LEASE_BREAK_TIME_DEFAULT;
  /** Installed by the kernel (clock, signals); without it leases cannot be broken with a signal. */
  host: LockHost | null = null;

  /** The context of the file with this key, if any. */
  peek(key: string): FileLockContext | undefined {
    return this.contexts.get(key);
  }

  /** The context of the file with this key, made if needed. */
  get(key: string): FileLockContext {
    let ctx = this.contexts.get(key);
    if (!ctx) {
      ctx = new FileLockContext(this, key);
      this.contexts.set(key, ctx);
    }
    return ctx;
  }

  /** Drops ctx from the table if nothing holds it any more. */
  release(ctx: FileLockContext): void {
    if (ctx.idle && this.contexts.get(ctx.key) === ctx) this.contexts.delete(ctx.key);
  }

  /** Every context with a lock or lease (for /proc/locks). */
  all(): FileLockContext[] {
    return [...this.contexts.values()];
  }

  /** The monotonic clock (0 without a host: leases then never time out). */
  now(): bigint {
    return this.host?.monotonicNs() ?? 0n;
  }
}

/**
 * Attaches open file description f (stat st) to its file's context and counts it as a reader or
 * writer if it is an open of a regular file; returns the context. Idempotent.
 */
export function attachFile(table: LockTable, f: OpenFile, st: StatInfo): FileLockContext {
  const lf = f as LockedFile;
  if (lf.lockCtx) return lf.lockCtx;
  const ctx = table.get(fileKey(st));
  lf.lockCtx = ctx;
  ctx.files++;
  if ((st.mode & S_IFMT) === S_IFREG && (f.flags & O_PATH) === 0) {
    const acc = f.flags & O_ACCMODE;
    if (acc === O_RDONLY) { ctx.readers++; lf.lockCounted = COUNT_READER; }
    else if (acc === O_WRONLY || acc === O_RDWR) { ctx.writers++; lf.lockCounted = COUNT_WRITER; }
  }
  return ctx;
}

/** Attaches f (stat st) to its file's context (attachFile) and returns f. */
export function attached<T extends OpenFile>(table: LockTable, f: T, st: StatInfo): T {
  attachFile(table, f, st);
  return f;
}

/** The context of f, attaching f through its stat if it has none yet. */
export function contextOf(table: LockTable, f: OpenFile): FileLockContext {
  return (f as LockedFile).lockCtx ?? attachFile(table, f, f.stat());
}

/** Detaches f from its context (its last close): undoes attachFile's counts. */
export function detachFile(f: OpenFile): void {
  const lf = f as LockedFile;
  const ctx = lf.lockCtx;
  if (!ctx) return;
  if (lf.lockCounted === COUNT_READER) ctx.readers--;
  else if (lf.lockCounted === COUNT_WRITER) ctx.writers--;
  lf.lockCounted = 0;
  ctx.files--;
  lf.lockCtx = undefined;
  ctx.table.release(ctx);
}
