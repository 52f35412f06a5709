// File locking calls: fcntl's record-lock commands (F_GETLK, F_SETLK, F_SETLKW and the open file
// description forms F_OFD_*), leases (F_SETLEASE, F_GETLEASE) with the owner and signal a lease
// break is sent to (F_SETOWN, F_GETOWN, F_SETSIG, F_GETSIG), and flock(2). The lock state lives
// in vfs/locks/; this file copies struct flock in and out and applies Linux's argument checks.
import { EACCES, EBADF, EINVAL, ESRCH } from '../../abi/errno.js';
import type { GuestMemory } from '../../mem/guest_memory.js';
import type { Blocked, Request } from '../request.js';
import type { Task } from '../task.js';
import type { OpenFile } from '../vfs/file.js';
import { O_ACCMODE, O_PATH, O_RDONLY, O_RDWR, O_WRONLY, SEEK_CUR, SEEK_END, SEEK_SET, S_IFMT, S_IFREG,
} from '../vfs/constants.js';
import { contextOf, F_OWNER_PGRP, F_OWNER_PID, F_OWNER_TID, type LockedFile } from '../vfs/locks/context.js';
import { flockSet } from '../vfs/locks/flock.js';
import { leaseGet, leaseSet, leaseUnlock } from '../vfs/locks/lease.js';
import { posixSet, posixTest } from '../vfs/locks/posix.js';
import { F_RDLCK, F_UNLCK, F_WRLCK, flockRange, OFFSET_MAX, type PosixLock } from '../vfs/locks/range.js';
import { ioFileAt } from './fs_common.js';
import { privileged } from './proc_state.js';
import type { SysArgs, SysResult, SyscallDef } from './types.js';

/** fcntl commands handled here (include/uapi/asm-generic/fcntl.h, linux/fcntl.h). */
export const F_GETLK = 5, F_SETLK = 6, F_SETLKW = 7, F_SETOWN = 8, F_GETOWN = 9, F_SETSIG = 10, F_GETSIG = 11,
  F_SETOWN_EX = 15, F_GETOWN_EX = 16, F_OFD_GETLK = 36, F_OFD_SETLK = 37, F_OFD_SETLKW = 38, F_SETLEASE = 1024,
  F_GETLEASE = 1025;
/** The fcntl commands this file implements (fs_fd.ts hands them over). */
export const LOCK_FCNTL_CMDS: ReadonlySet<number> = new Set([F_GETLK, F_SETLK, F_SETLKW, F_SETOWN, F_GETOWN, F_SETSIG,
  F_GETSIG, F_SETOWN_EX, F_GETOWN_EX, F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW, F_SETLEASE, F_GETLEASE]);
/**
 * struct flock on riscv64 (asm-generic, no padding macro): l_type i16 @0, l_whence i16 @2,
 * l_start i64 @8, l_len i64 @16, l_pid i32 @24; 32 bytes with the tail padding.
 */
const FLOCK_SIZE = 32, FL_TYPE = 0, FL_WHENCE = 2, FL_START = 8, FL_LEN = 16, FL_PID = 24;
/** flock(2) operations (include/uapi/asm-generic/fcntl.h). */
const LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8, LOCK_MAND = 32;
/** Largest signal number F_SETSIG accepts (_NSIG). */
const NSIG = 64;
/** sizeof(struct f_owner_ex). */
const F_OWNER_EX_SIZE = 8;
/** INT_MIN: F_SETOWN cannot negate it into a process group. */
const INT_MIN = -0x80000000;

/** A struct flock as copied in: the buffer (written back by F_GETLK) and its fields. */
interface Flock {
  buf: Uint8Array;
  dv: DataView;
  type: number;
  whence: number;
  start: bigint;
  len: bigint;
  pid: number;
}

/** Copies in the struct flock at addr (EFAULT is thrown by the checked copy). */
function readFlock(mem: GuestMemory, addr: number): Flock {
  const buf = mem.read(addr, FLOCK_SIZE);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  return { buf, dv, type: dv.getInt16(FL_TYPE, true), whence: dv.getInt16(FL_WHENCE, true),
    start: dv.getBigInt64(FL_START, true), len: dv.getBigInt64(FL_LEN, true), pid: dv.getInt32(FL_PID, true) };
}

/** True if f's access mode allows reading (FMODE_READ) or writing (FMODE_WRITE). */
function canRead(f: OpenFile): boolean {
  const acc = f.flags & O_ACCMODE;
  return acc === O_RDONLY || acc === O_RDWR;
}
function canWrite(f: OpenFile): boolean {
  const acc = f.flags & O_ACCMODE;
  return acc === O_WRONLY || acc === O_RDWR;
}

/** Turns struct flock fl on f into a lock request of t's, or -errno (flock_to_posix_lock's checks). */
function toRequest(t: Task, f: OpenFile, fl: Flock, ofd: boolean): PosixLock | number {
  let pos = 0n, size = 0n;
  if (fl.whence === SEEK_CUR) {
    const p = f.lseek ? f.lseek(0, SEEK_CUR) : 0;
    pos = BigInt(p < 0 ? 0 : p);
  } else if (fl.whence === SEEK_END) {
    size = BigInt(f.stat().size);
  }
  const range = flockRange(fl.whence, fl.start, fl.len, pos, size);
  if (typeof range === 'number') return range;
  return { type: fl.type, start: range.start, end: range.end, owner: ofd ? f : t.files, pid: ofd ? -1 : t.tgid, ofd };
}

/** F_GETLK / F_OFD_GETLK: writes the first conflicting lock into *addr, or l_type F_UNLCK. */
function getlk(t: Task, f: OpenFile, addr: number, ofd: boolean): number {
  const mem = t.mm.mem;
  const fl = readFlock(mem, addr);
  if (fl.type !== F_RDLCK && fl.type !== F_WRLCK) return -EINVAL;
  const req = toRequest(t, f, fl, ofd);
  if (typeof req === 'number') return req;
  if (ofd && fl.pid !== 0) return -EINVAL;
  const c = posixTest(contextOf(t.kernel.vfs.locks, f), req);
  if (c === null) {
    fl.dv.setInt16(FL_TYPE, F_UNLCK, true);
  } else {
    fl.dv.setInt16(FL_TYPE, c.type, true);
    fl.dv.setInt16(FL_WHENCE, SEEK_SET, true);
    fl.dv.setBigInt64(FL_START, c.start, true);
    fl.dv.setBigInt64(FL_LEN, c.end === OFFSET_MAX ? 0n : c.end - c.start + 1n, true);
    fl.dv.setInt32(FL_PID, c.ofd ? -1 : c.pid, true);
  }
  mem.write(addr, fl.buf);
  return 0;
}

/** F_SETLK, F_SETLKW and the OFD forms: sets or clears a lock, or sleeps for one. */
function setlk(t: Task, r: Request, f: OpenFile, addr: number, ofd: boolean, wait: boolean): number | Blocked {
  const fl = readFlock(t.mm.mem, addr);
  const req = toRequest(t, f, fl, ofd);
  if (typeof req === 'number') return req;
  if (fl.type !== F_RDLCK && fl.type !== F_WRLCK && fl.type !== F_UNLCK) return -EINVAL;
  if ((fl.type === F_RDLCK && !canRead(f)) || (fl.type === F_WRLCK && !canWrite(f))) return -EBADF;
  if (ofd && fl.pid !== 0) return -EINVAL;
  return posixSet(r, contextOf(t.kernel.vfs.locks, f), req, wait);
}

/** F_SETLEASE: EACCES unless the caller owns the file (or is privileged: CAP_LEASE), EINVAL off regular files. */
function setlease(t: Task, f: OpenFile, fd: number, arg: number): number {
  if (arg !== F_UNLCK && arg !== F_RDLCK && arg !== F_WRLCK) return -EINVAL;
  const st = f.stat();
  if (st.uid !== t.tg.cred.fsuid && !privileged(t)) return -EACCES;
  if ((st.mode & S_IFMT) !== S_IFREG) return -EINVAL;
  const ctx = contextOf(t.kernel.vfs.locks, f);
  return arg === F_UNLCK ? leaseUnlock(ctx, f) : leaseSet(ctx, f, arg, fd, t.tgid);
}

/** Makes (type, id) f's owner; -ESRCH if no thread, process or group has that id. */
function setOwner(t: Task, f: OpenFile, type: number, id: number): number {
  if (id !== 0) {
    const tasks = [...t.kernel.tasks.values()];
    const found = type === F_OWNER_PGRP ? tasks.some((x) => x.tg.pgid === id) : tasks.some((x) => x.tid === id);
    if (!found) return -ESRCH;
  }
  const lf = f as LockedFile;
  lf.fown = { type, id, signum: lf.fown?.signum ?? 0 };
  return 0;
}

/** F_SETOWN: who > 0 is a process, who < 0 a process group. */
function setown(t: Task, f: OpenFile, who: number): number {
  if (who === INT_MIN) return -EINVAL;
  return who < 0 ? setOwner(t, f, F_OWNER_PGRP, -who) : setOwner(t, f, F_OWNER_PID, who);
}

/** F_SETOWN_EX: struct f_owner_ex { int type; pid_t pid; } at addr. */
function setownEx(t: Task, f: OpenFile, addr: number): number {
  const b = t.mm.mem.read(addr, F_OWNER_EX_SIZE);
  const dv = new DataView(b.buffer);
  const type = dv.getInt32(0, true), id = dv.getInt32(4, true);
  if (type !== F_OWNER_TID && type !== F_OWNER_PID && type !== F_OWNER_PGRP) return -EINVAL;
  return setOwner(t, f, type, id);
}

/** F_GETOWN_EX: writes f's owner (type F_OWNER_TID, pid 0 when there is none). */
function getownEx(t: Task, f: OpenFile, addr: number): number {
  const o = (f as LockedFile).fown;
  const b = new Uint8Array(F_OWNER_EX_SIZE);
  const dv = new DataView(b.buffer);
  dv.setInt32(0, o?.type ?? F_OWNER_TID, true);
  dv.setInt32(4, o?.id ?? 0, true);
  t.mm.mem.write(addr, b);
  return 0;
}

/** The fcntl commands of LOCK_FCNTL_CMDS on fd (O_PATH descriptors give EBADF). */
export function fcntlLocks(t: Task, a: SysArgs, r: Request): SysResult {
  const fd = a.int(0), cmd = a.int(1);
  const f = ioFileAt(t, fd);
  if (typeof f === 'number') return f;
  const lf = f as LockedFile;
  switch (cmd) {
    case F_GETLK: return getlk(t, f, a.addr(2), false);
    case F_OFD_GETLK: return getlk(t, f, a.addr(2), true);
    case F_SETLK: return setlk(t, r, f, a.addr(2), false, false);
    case F_SETLKW: return setlk(t, r, f, a.addr(2), false, true);
    case F_OFD_SETLK: return setlk(t, r, f, a.addr(2), true, false);
    case F_OFD_SETLKW: return setlk(t, r, f, a.addr(2), true, true);
    case F_SETLEASE: return setlease(t, f, fd, a.num(2));
    case F_GETLEASE: return leaseGet(contextOf(t.kernel.vfs.locks, f), f);
    case F_SETOWN: return setown(t, f, a.int(2));
    case F_GETOWN: return lf.fown === undefined ? 0 : lf.fown.type === F_OWNER_PGRP ? -lf.fown.id : lf.fown.id;
    case F_SETOWN_EX: return setownEx(t, f, a.addr(2));
    case F_GETOWN_EX: return getownEx(t, f, a.addr(2));
    case F_SETSIG: {
      const sig = a.num(2);
      if (sig < 0 || sig > NSIG) return -EINVAL;
      lf.fown = { type: lf.fown?.type ?? F_OWNER_TID, id: lf.fown?.id ?? 0, signum: sig };
      return 0;
    }
    case F_GETSIG: return lf.fown?.signum ?? 0;
    default: return -EINVAL;
  }
}

/** Maps flock's operation (without LOCK_NB) to a lock type, or -EINVAL. */
function flockType(op: number): number {
  switch (op) {
    case LOCK_SH: return F_RDLCK;
    case LOCK_EX: return F_WRLCK;
    case LOCK_UN: return F_UNLCK;
    default: return -EINVAL;
  }
}

/** flock(2): LOCK_MAND is ignored (Linux dropped it), a bad operation is EINVAL before the fd is looked at. */
function sysFlock(t: Task, a: SysArgs, r: Request): SysResult {
  const cmd = a.u32(1);
  if (cmd & LOCK_MAND) return 0;
  const type = flockType(cmd & ~LOCK_NB);
  if (type < 0) return type;
  const f = ioFileAt(t, a.int(0));
  if (typeof f === 'number') return f;
  if (type !== F_UNLCK && !canRead(f) && !canWrite(f)) return -EBADF;
  return flockSet(r, contextOf(t.kernel.vfs.locks, f), f, type, t.tgid, (cmd & LOCK_NB) === 0);
}

export const defs: SyscallDef[] = [
  { nr: 32, name: 'flock', handler: sysFlock, status: 'full', note: 'between descriptions and processes; LOCK_MAND ignored as Linux', args: ['fd', 'hex'] },
];
