// Leases (fcntl F_SETLEASE / F_GETLEASE): a holder is told, by SIGIO or its F_SETSIG signal,
// when another open (or a truncate) conflicts with its lease, and the opener waits until the
// holder downgrades or releases it, or until lease-break-time passes and the kernel does it.
// Owned by the open file description; released on its last close.
import { EAGAIN, EWOULDBLOCK } from '../../../abi/errno.js';
import type { Blocked, Request } from '../../request.js';
import { monotonicDeadline } from '../../time/deadline.js';
import type { Waiter, WaitList } from '../../wait.js';
import { type SigInfo, SI_KERNEL, SI_SIGIO, SIGBUS, SIGCHLD, SIGFPE, SIGILL, SIGIO, SIGSEGV, SIGSYS, SIGTRAP,
} from '../../signal.js';
import type { OpenFile } from '../file.js';
import { O_ACCMODE, O_NONBLOCK, O_RDONLY, O_RDWR, O_WRONLY } from '../constants.js';
import { F_OWNER_PID, type FileLockContext, type Lease, LEASE_DOWNGRADE_PENDING, LEASE_UNLOCK_PENDING, type LockedFile,
  type LockTable } from './context.js';
import { F_RDLCK, F_UNLCK, F_WRLCK } from './range.js';

/** si_code of a lease-break signal queued with F_SETSIG (POLL_MSG, include/uapi/asm-generic/siginfo.h). */
const POLL_MSG = 3;
/** si_band of a lease break: POLLIN | POLLRDNORM | POLLMSG (Linux's band_table for POLL_MSG). */
const LEASE_BREAK_BAND = 0x1n | 0x40n | 0x400n;
/** Nanoseconds per second. */
const NS_PER_S = 1_000_000_000n;

/** Signals whose POLL_* si_codes would be ambiguous: Linux sends SI_SIGIO with them instead. */
function sigSpecificCodes(sig: number): boolean {
  return sig === SIGILL || sig === SIGFPE || sig === SIGSEGV || sig === SIGBUS || sig === SIGTRAP ||
    sig === SIGCHLD || sig === SIGIO || sig === SIGSYS;
}

/** The signal a lease break sends the description's owner: plain SIGIO, or the F_SETSIG signal with si_fd. */
export function leaseBreakSignal(signum: number, fd: number): SigInfo {
  if (signum === 0) return { signo: SIGIO, code: SI_KERNEL };
  const code = signum !== SIGIO && sigSpecificCodes(signum) ? SI_SIGIO : POLL_MSG;
  return { signo: signum, code, band: LEASE_BREAK_BAND, fd };
}

/** The type a lease will have once its break completes (what F_GETLEASE reports). */
function targetType(l: Lease): number {
  if (l.pending & LEASE_UNLOCK_PENDING) return F_UNLCK;
  if (l.pending & LEASE_DOWNGRADE_PENDING) return F_RDLCK;
  return l.type;
}

/** Changes lease l to type (F_UNLCK removes it), clears the breaks that this satisfies, wakes waiting openers. */
function leaseModify(ctx: FileLockContext, l: Lease, type: number): void {
  if (type === F_UNLCK) {
    ctx.leases.splice(ctx.leases.indexOf(l), 1);
  } else {
    l.type = type;
    l.pending &= ~LEASE_DOWNGRADE_PENDING;
    l.downgradeTime = 0n;
  }
  ctx.leaseWaiters.wake();
}

/** Forces the breaks whose time has passed (Linux's time_out_leases). */
function timeOutLeases(ctx: FileLockContext, now: bigint): void {
  for (const l of [...ctx.leases]) {
    if (l.downgradeTime !== 0n && now >= l.downgradeTime) leaseModify(ctx, l, F_RDLCK);
    if (l.breakTime !== 0n && now >= l.breakTime) leaseModify(ctx, l, F_UNLCK);
  }
}

/**
 * Whether f may take a lease of type: no writer but f itself for either type, and for a write
 * lease no other opener at all (f's own open is the only one counted).
 */
function conflictingOpen(ctx: FileLockContext, f: OpenFile, type: number): boolean {
  const acc = f.flags & O_ACCMODE;
  if (type === F_RDLCK) return ctx.writers > 0;
  const selfW = acc === O_WRONLY || acc === O_RDWR ? 1 : 0;
  const selfR = acc === O_RDONLY ? 1 : 0;
  return ctx.writers !== selfW || ctx.readers !== selfR;
}

/**
 * F_SETLEASE with type F_RDLCK or F_WRLCK (the caller checked ownership and the file type): sets
 * or changes f's lease; -EAGAIN if the file is open in a conflicting way or someone else holds a
 * lease that excludes it. The caller becomes the description's owner for the break signal.
 */
export function leaseSet(ctx: FileLockContext, f: OpenFile, type: number, fd: number, pid: number): number {
  timeOutLeases(ctx, ctx.table.now());
  if (conflictingOpen(ctx, f, type)) return -EAGAIN;
  let mine: Lease | null = null;
  for (const l of ctx.leases) {
    if (l.file === f) { mine = l; continue; }
    if (type === F_WRLCK) return -EAGAIN;
    if (l.pending & LEASE_UNLOCK_PENDING) return -EAGAIN;
  }
  const lf = f as LockedFile;
  lf.fown = { type: F_OWNER_PID, id: pid, signum: lf.fown?.signum ?? 0 };
  if (mine !== null) {
    mine.fd = fd;
    mine.pid = pid;
    leaseModify(ctx, mine, type);
    return 0;
  }
  ctx.leases.push({ file: f, type, pending: 0, breakTime: 0n, downgradeTime: 0n, fd, pid });
  return 0;
}

/** F_SETLEASE F_UNLCK: drops f's lease; -EAGAIN if it has none. */
export function leaseUnlock(ctx: FileLockContext, f: OpenFile): number {
  const l = ctx.leases.find((x) => x.file === f);
  if (!l) return -EAGAIN;
  leaseModify(ctx, l, F_UNLCK);
  return 0;
}

/** F_GETLEASE: the type f's lease has, or will have once a break in progress completes. */
export function leaseGet(ctx: FileLockContext, f: OpenFile): number {
  timeOutLeases(ctx, ctx.table.now());
  const l = ctx.leases.find((x) => x.file === f);
  return l ? targetType(l) : F_UNLCK;
}

/** Drops f's lease (its last close). */
export function leaseRemoveFile(ctx: FileLockContext, f: OpenFile): void {
  const l = ctx.leases.find((x) => x.file === f);
  if (l) leaseModify(ctx, l, F_UNLCK);
}

/**
 * The sleep of an opener waiting for a lease break. While parked the opener counts as an open of
 * the file, as Linux's does (it took its read or write count before breaking the lease), so the
 * holder cannot take a new lease that the waiting open would break again.
 */
class LeaseBreakWait implements WaitList {
  constructor(private readonly ctx: FileLockContext, private readonly counted: 'reader' | 'writer' | null) {}

  add(w: Waiter): void {
    if (this.counted === 'reader') this.ctx.readers++;
    else if (this.counted === 'writer') this.ctx.writers++;
    this.ctx.leaseWaiters.add(w);
  }

  remove(w: Waiter): void {
    if (this.counted === 'reader') this.ctx.readers--;
    else if (this.counted === 'writer') this.ctx.writers--;
    this.ctx.leaseWaiters.remove(w);
    this.ctx.table.release(this.ctx);
  }
}

/**
 * Breaks the leases an open with flags (or a truncate: O_WRONLY) of the file with this key
 * conflicts with: a write open breaks every lease, a read open only write leases. Each lease
 * newly broken gets its holder's signal and a deadline lease-break-time away. Returns 0 when no
 * lease is in the way, -EWOULDBLOCK for O_NONBLOCK, or r's sleep until the leases give way or
 * the earliest deadline (interruptible: -ERESTARTSYS).
 */
export function breakLease(table: LockTable, key: string, flags: number, r: Request): number | Blocked {
  const ctx = table.peek(key);
  if (!ctx || ctx.leases.length === 0) return 0;
  const now = table.now();
  timeOutLeases(ctx, now);
  const acc = flags & O_ACCMODE;
  const wantWrite = acc !== O_RDONLY;
  const conflicts = (l: Lease): boolean => wantWrite || l.type === F_WRLCK;
  if (!ctx.leases.some(conflicts)) return 0;
  const breakTime = table.leaseBreakTime > 0 ? now + BigInt(table.leaseBreakTime) * NS_PER_S : 0n;
  for (const l of ctx.leases) {
    if (!conflicts(l)) continue;
    if (wantWrite) {
      if (l.pending & LEASE_UNLOCK_PENDING) continue;
      l.pending |= LEASE_UNLOCK_PENDING;
      l.breakTime = breakTime;
    } else {
      if (l.pending !== 0) continue;
      l.pending |= LEASE_DOWNGRADE_PENDING;
      l.downgradeTime = breakTime;
    }
    const owner = (l.file as LockedFile).fown;
    if (owner && owner.id !== 0) table.host?.signalOwner(owner.type, owner.id, leaseBreakSignal(owner.signum, l.fd));
  }
  if (flags & O_NONBLOCK) return -EWOULDBLOCK;
  let deadline = 0n;
  for (const l of ctx.leases) {
    if (!conflicts(l)) continue;
    for (const t of [l.breakTime, l.downgradeTime]) if (t !== 0n && (deadline === 0n || t < deadline)) deadline = t;
  }
  r.deadline = deadline !== 0n ? monotonicDeadline(deadline) : null;
  const counted = acc === O_RDONLY ? 'reader' : acc === O_WRONLY || acc === O_RDWR ? 'writer' : null;
  return r.block([new LeaseBreakWait(ctx, counted)]);
}
