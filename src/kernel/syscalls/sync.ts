// Writeback syscalls: sync, syncfs, sync_file_range and readahead. ecall keeps no dirty cache of
// its own (tmpfs lives in memory, host mounts write through to the host at each write), so
// flushing means asking the file to fsync where the range is to be written, and readahead
// validates its file and has nothing to prefetch.
import { EBADF, EINVAL, ESPIPE } from '../../abi/errno.js';
import type { Task } from '../task.js';
import { O_ACCMODE, O_WRONLY, S_IFBLK, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from '../vfs/constants.js';
import { ioFileAt } from './fs_common.js';
import type { SysArgs, SyscallDef } from './types.js';

/** sync_file_range flags (include/uapi/linux/fs.h). */
const SYNC_FILE_RANGE_WAIT_BEFORE = 1, SYNC_FILE_RANGE_WRITE = 2, SYNC_FILE_RANGE_WAIT_AFTER = 4;
const SYNC_FILE_RANGE_VALID = SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER;

/** syncfs(fd): 0 for any open file (an O_PATH descriptor is EBADF, as fdget gives). */
function sysSyncfs(t: Task, a: SysArgs): number {
  const f = ioFileAt(t, a.int(0));
  return typeof f === 'number' ? f : 0;
}

/**
 * sync_file_range(fd, offset, nbytes, flags): EBADF, then EINVAL for unknown flags, a negative
 * offset or length or a range past the largest offset, then ESPIPE unless the file is a regular
 * file, directory, symlink or block device; with SYNC_FILE_RANGE_WRITE a regular file is fsynced.
 */
function sysSyncFileRange(t: Task, a: SysArgs): number {
  const f = ioFileAt(t, a.int(0));
  if (typeof f === 'number') return f;
  const offset = BigInt.asIntN(64, a.big(1)), nbytes = BigInt.asIntN(64, a.big(2)), flags = a.u32(3);
  if (flags & ~SYNC_FILE_RANGE_VALID) return -EINVAL;
  const end = BigInt.asIntN(64, offset + nbytes);
  if (offset < 0n || end < 0n || end < offset) return -EINVAL;
  const type = f.stat().mode & S_IFMT;
  if (type !== S_IFREG && type !== S_IFDIR && type !== S_IFLNK && type !== S_IFBLK) return -ESPIPE;
  if ((flags & SYNC_FILE_RANGE_WRITE) && type === S_IFREG && f.fsync) return f.fsync();
  return 0;
}

/** readahead(fd, offset, count): EBADF unless open for reading, EINVAL unless a regular file; else 0. */
function sysReadahead(t: Task, a: SysArgs): number {
  const f = ioFileAt(t, a.int(0));
  if (typeof f === 'number') return f;
  if ((f.flags & O_ACCMODE) === O_WRONLY) return -EBADF;
  if ((f.stat().mode & S_IFMT) !== S_IFREG) return -EINVAL;
  return 0;
}

export const syncDefs: SyscallDef[] = [
  { nr: 81, name: 'sync', handler: () => 0, status: 'full', note: 'nothing is buffered in ecall: host mounts write through at each write', args: [] },
  { nr: 267, name: 'syncfs', handler: sysSyncfs, status: 'full', args: ['fd'] },
  { nr: 84, name: 'sync_file_range', handler: sysSyncFileRange, status: 'full', note: 'SYNC_FILE_RANGE_WRITE fsyncs the whole file', args: ['fd', 'off', 'off', 'hex'] },
  { nr: 213, name: 'readahead', handler: sysReadahead, status: 'full', note: 'nothing to prefetch: validates the file and returns 0', args: ['fd', 'off', 'size'] },
];
