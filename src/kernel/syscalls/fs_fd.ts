// fd-table syscalls: close, dup, dup3, fcntl, ioctl, close_range, umask, fchmod, fchown.
import { EBADF, EINVAL, ENOTTY } from '../../abi/errno.js';
import type { Request } from '../request.js';
import type { Task } from '../task.js';
import { pipeOf } from '../vfs/pipe.js';
import { VfsFile } from '../vfs/open_files.js';
import { O_APPEND, O_CLOEXEC, O_NONBLOCK, O_PATH } from '../vfs/constants.js';
import { chownLoc } from './fs_path.js';
import { fileAt, ioFileAt, nofileLimit } from './fs_common.js';
import { privileged } from './proc_state.js';
import { fcntlLocks, LOCK_FCNTL_CMDS } from './locks.js';
import type { SysArgs, SysResult, SyscallDef } from './types.js';

/** fcntl commands (include/uapi/asm-generic/fcntl.h, linux/fcntl.h). */
const F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4,
  F_DUPFD_CLOEXEC = 1030, F_SETPIPE_SZ = 1031, F_GETPIPE_SZ = 1032;
const FD_CLOEXEC = 1;
/** Status flags F_SETFL may change (the rest are fixed at open). */
const SETFL_MASK = O_APPEND | O_NONBLOCK;
/** ioctls handled for every file (include/uapi/asm-generic/ioctls.h). */
const FIONCLEX = 0x5450, FIOCLEX = 0x5451, FIONBIO = 0x5421;
/** close_range flags (include/uapi/linux/close_range.h). */
const CLOSE_RANGE_UNSHARE = 2, CLOSE_RANGE_CLOEXEC = 4;

function sysClose(t: Task, a: SysArgs): SysResult {
  return t.files.close(a.int(0));
}

function sysDup(t: Task, a: SysArgs): SysResult {
  const f = fileAt(t, a.int(0));
  if (typeof f === 'number') return f;
  return t.files.install(f, false, 0, nofileLimit(t));
}

function sysDup3(t: Task, a: SysArgs): SysResult {
  const oldfd = a.int(0), newfd = a.int(1), flags = a.u32(2);
  if (flags & ~O_CLOEXEC) return -EINVAL;
  if (oldfd === newfd) return -EINVAL;
  const f = fileAt(t, oldfd);
  if (typeof f === 'number') return f;
  return t.files.installAt(newfd, f, (flags & O_CLOEXEC) !== 0, nofileLimit(t));
}

function sysFcntl(t: Task, a: SysArgs, r: Request): SysResult {
  const fd = a.int(0), cmd = a.int(1);
  const f = fileAt(t, fd);
  if (typeof f === 'number') return f;
  if (LOCK_FCNTL_CMDS.has(cmd)) return fcntlLocks(t, a, r); // record locks, leases, owner (locks.ts)
  const isPath = (f.flags & O_PATH) !== 0;
  switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
      const min = a.int(2);
      const limit = nofileLimit(t);
      if (min < 0 || min >= limit) return -EINVAL;
      return t.files.install(f, cmd === F_DUPFD_CLOEXEC, min, limit);
    }
    case F_GETFD: return t.files.isCloexec(fd) ? FD_CLOEXEC : 0;
    case F_SETFD: return t.files.setCloexec(fd, (a.int(2) & FD_CLOEXEC) !== 0);
    case F_GETFL: return f.flags;
    case F_SETFL:
      if (isPath) return -EBADF;
      f.flags = (f.flags & ~SETFL_MASK) | (a.u32(2) & SETFL_MASK);
      return 0;
    case F_GETPIPE_SZ:
    case F_SETPIPE_SZ: {
      const pipe = pipeOf(f);
      if (!pipe) return -EBADF;
      if (cmd === F_GETPIPE_SZ) return pipe.capacity;
      return pipe.setCapacity(a.u32(2), privileged(t), t.kernel.sysctl.pipeMaxSize); // CAP_SYS_RESOURCE
    }
    default: return -EINVAL;
  }
}

function sysIoctl(t: Task, a: SysArgs, r: Request): SysResult {
  const fd = a.int(0), req = a.u32(1), arg = a.addr(2);
  const f = ioFileAt(t, fd);
  if (typeof f === 'number') return f;
  switch (req) {
    case FIOCLEX: return t.files.setCloexec(fd, true);
    case FIONCLEX: return t.files.setCloexec(fd, false);
    case FIONBIO: {
      const on = t.mm.mem.readI32(arg) !== 0;
      f.flags = on ? f.flags | O_NONBLOCK : f.flags & ~O_NONBLOCK;
      return 0;
    }
  }
  return f.ioctl ? f.ioctl(r, req, arg) : -ENOTTY;
}

function sysCloseRange(t: Task, a: SysArgs): SysResult {
  const first = a.u32(0), last = a.u32(1), flags = a.u32(2);
  if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC)) return -EINVAL;
  if (first > last) return -EINVAL;
  t.files.closeRange(first, last, (flags & CLOSE_RANGE_CLOEXEC) !== 0);
  return 0;
}

function sysUmask(t: Task, a: SysArgs): SysResult {
  const old = t.fs.umask;
  t.fs.umask = a.u32(0) & 0o777;
  return old;
}

function sysFchmod(t: Task, a: SysArgs): SysResult {
  const f = ioFileAt(t, a.int(0));
  if (typeof f === 'number') return f;
  if (!(f instanceof VfsFile)) return 0; // pipes and stdio: nothing persistent to change
  return t.kernel.vfs.setattr(f.loc, { mode: a.u32(1) & 0o7777 }, t.tg.cred);
}

function sysFchown(t: Task, a: SysArgs): SysResult {
  const f = ioFileAt(t, a.int(0));
  if (typeof f === 'number') return f;
  if (!(f instanceof VfsFile)) return 0;
  return chownLoc(t, f.loc, a.u32(1), a.u32(2));
}

export const defs: SyscallDef[] = [
  { nr: 57, name: 'close', handler: sysClose, status: 'full', args: ['fd'] },
  { nr: 23, name: 'dup', handler: sysDup, status: 'full', args: ['fd'] },
  { nr: 24, name: 'dup3', handler: sysDup3, status: 'full', args: ['fd', 'fd', 'openflags'] },
  { nr: 25, name: 'fcntl', handler: sysFcntl, status: 'partial', note: 'record locks (POSIX and OFD, with deadlock detection), leases, F_SETOWN(_EX)/F_SETSIG as Linux; no O_ASYNC I/O signals', args: ['fd', 'fcntlcmd', 'hex'] },
  { nr: 29, name: 'ioctl', handler: sysIoctl, status: 'full', note: 'FIOCLEX/FIONCLEX/FIONBIO generic; the rest per file', args: ['fd', 'ioctl', 'hex'] },
  { nr: 436, name: 'close_range', handler: sysCloseRange, status: 'full', note: 'CLOSE_RANGE_UNSHARE is accepted (tables are unshared on fork)', args: ['uint', 'uint', 'hex'] },
  { nr: 166, name: 'umask', handler: sysUmask, status: 'full', args: ['oct'], ret: 'int' },
  { nr: 52, name: 'fchmod', handler: sysFchmod, status: 'full', args: ['fd', 'oct'] },
  { nr: 55, name: 'fchown', handler: sysFchown, status: 'partial', note: 'recorded on tmpfs; accepted without effect on host mounts', args: ['fd', 'int', 'int'] },
];
