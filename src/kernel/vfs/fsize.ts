// RLIMIT_FSIZE on regular files, as Linux's generic_write_check_limits (writes) and
// inode_newsize_ok (truncate and fallocate growing a file): a write that starts at or beyond the
// limit fails with EFBIG and sends the caller SIGXFSZ; one that crosses it is cut at the limit.
// A call made by an io_uring request gets the same results but no signal (Linux 6.18 on ext4 and
// tmpfs: the submitter sees none, guest/src/fsize.c). Linux checks the limit once for the whole
// call, so a writev whose first segments end exactly at the limit returns their count without a
// signal: a write that continues a call that moved bytes (r.continuedWrite) is refused quietly.
import { EFBIG } from '../../abi/errno.js';
import type { Request } from '../request.js';

/** SIGXFSZ (asm-generic numbering): "file size limit exceeded". */
const SIGXFSZ = 25;

/** The caller's RLIMIT_FSIZE soft limit in bytes (Infinity: none, or no task behind the call). */
function limitOf(r: Request | null): number {
  return r?.caller.fileSizeLimit?.() ?? Infinity;
}

/** Sends SIGXFSZ to the caller of r (not for an io_uring request, nor a continued write); returns -EFBIG. */
function tooBig(r: Request | null): number {
  if (r !== null && !r.asyncIo && !r.continuedWrite) r.caller.raise(SIGXFSZ);
  return -EFBIG;
}

/**
 * The number of bytes a write of count bytes at pos may move (count, or fewer up to the limit),
 * or -EFBIG (with SIGXFSZ) when pos is at or beyond the limit. A zero-length write is never cut.
 */
export function fsizeWriteCount(r: Request | null, pos: number, count: number): number {
  if (count === 0) return 0;
  const limit = limitOf(r);
  if (pos + count <= limit) return count;
  return pos >= limit ? tooBig(r) : limit - pos;
}

/** 0 if a file may grow to size bytes, else -EFBIG (with SIGXFSZ): truncate and fallocate growing it. */
export function fsizeNewSize(r: Request | null, size: number): number {
  return size <= limitOf(r) ? 0 : tooBig(r);
}

/** Runs a write that continues a call (continued: the call already moved bytes), so that RLIMIT_FSIZE
 *  refuses it without SIGXFSZ (writev's next segment); returns what write returns. */
export function continuedWrite<T>(r: Request, continued: boolean, write: () => T): T {
  const before = r.continuedWrite;
  r.continuedWrite = continued;
  try {
    return write();
  } finally {
    r.continuedWrite = before;
  }
}
