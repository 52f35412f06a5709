// Path and file opcodes that are one syscall with the SQE's fields as arguments (OPENAT, STATX,
// RENAMEAT, ...): each runs through invoke() with the syscall's own handler, as its own request.
// OPENAT and CLOSE also work on the registered file table ("direct descriptors").
import { EBADF, EINVAL, ENFILE, ENXIO } from '../../abi/errno.js';
import { Blocked } from '../request.js';
import { fileGet, filePut } from '../vfs/fdtable.js';
import type { OpenFile } from '../vfs/file.js';
import { FILE_INDEX_ALLOC, IOSQE_FIXED_FILE, Op } from './abi.js';
import { viaSyscall } from './files.js';
import type { IoKiocb, UringRequest } from './kiocb.js';
import type { OpResult } from './op_result.js';
import type { OpDef } from './op_def.js';
import { RingCore } from './ring_state.js';

/** Syscall numbers (asm-generic). */
const NR_MKDIRAT = 34, NR_UNLINKAT = 35, NR_SYMLINKAT = 36, NR_LINKAT = 37, NR_FALLOCATE = 47, NR_OPENAT = 56,
  NR_CLOSE = 57, NR_EPOLL_CTL = 21, NR_OPENAT2 = 437, NR_FADVISE64 = 223, NR_MADVISE = 233, NR_RENAMEAT2 = 276, NR_STATX = 291;
/** O_LARGEFILE: io_uring opens always add it (force_o_largefile on 64-bit). */
const O_LARGEFILE = 0o100000;

/** Rejects IOSQE_FIXED_FILE for opcodes whose fd is a directory or path base (Linux: -EBADF). */
function noFixed(_g: RingCore, k: IoKiocb): number {
  return k.flags & IOSQE_FIXED_FILE ? -EBADF : 0;
}

/** Puts the file just opened at fd into the registered table (file_index), closing fd; the result. */
function installDirect(ring: RingCore, k: IoKiocb, fd: number): number {
  const f = k.task.files.get(fd)!;
  fileGet(f);
  k.task.files.close(fd);
  return installFileDirect(ring, k, f);
}

/**
 * Puts f (whose reference the caller hands over) into the registered table at k's file_index
 * (IORING_FILE_INDEX_ALLOC: the first free slot): 0 or the slot allocated, or -errno (f dropped).
 */
export function installFileDirect(ring: RingCore, k: IoKiocb, f: OpenFile): number {
  const table = ring.files;
  let res = 0;
  let slot = k.spliceFdIn - 1;
  if (table === null) { filePut(f); return -ENXIO; }
  if (k.spliceFdIn >>> 0 === FILE_INDEX_ALLOC) {
    slot = table.indexOf(null);
    if (slot < 0) { filePut(f); return -ENFILE; }
    res = slot;
  } else if (slot >= table.length) {
    filePut(f);
    return -EINVAL;
  }
  const old = table[slot];
  if (old) filePut(old);
  table[slot] = f;
  return res;
}

/** OPENAT: openat(dirfd=fd, path=addr, flags=open_flags, mode=len), into an fd or a fixed slot. */
function openat(ring: RingCore, k: IoKiocb, r: UringRequest, flags: bigint, mode: bigint): OpResult {
  const res = viaSyscall(k, r, NR_OPENAT, [k.fd, k.addr, flags | BigInt(O_LARGEFILE), mode]);
  if (res instanceof Blocked || res < 0 || k.spliceFdIn === 0) return res;
  return installDirect(ring, k, res);
}

/** OPENAT2: openat2(dirfd=fd, path=addr, how=addr2 (off), size=len), the syscall's checks and RESOLVE_* walk, into an fd or a fixed slot. */
function openat2(ring: RingCore, k: IoKiocb, r: UringRequest): OpResult {
  const res = viaSyscall(k, r, NR_OPENAT2, [k.fd, k.addr, k.off, k.len]);
  if (res instanceof Blocked || res < 0 || k.spliceFdIn === 0) return res;
  return installDirect(ring, k, res);
}

/** CLOSE: close(fd), or with file_index the registered slot; an io_uring fd cannot be closed this way. */
function close(ring: RingCore, k: IoKiocb, r: UringRequest): OpResult {
  if (k.spliceFdIn !== 0) {
    if (k.fd !== 0) return -EINVAL;
    const t = ring.files, i = k.spliceFdIn - 1;
    // Linux's io_fixed_fd_remove: no table is ENXIO, a slot past it EINVAL, an empty one EBADF.
    if (t === null) return -ENXIO;
    if (i < 0 || i >= t.length) return -EINVAL;
    if (t[i] === null) return -EBADF;
    filePut(t[i]!);
    t[i] = null;
    return 0;
  }
  if (k.task.files.get(k.fd) instanceof RingCore) return -EBADF;
  return viaSyscall(k, r, NR_CLOSE, [k.fd]);
}

/** An opcode that is syscall nr with the arguments args(k). */
function simple(nr: number, args: (k: IoKiocb) => (number | bigint)[]): OpDef {
  return { prep: noFixed, issue: (_g, k, r) => viaSyscall(k, r, nr, args(k)) };
}

export const fsOps: [number, OpDef][] = [
  [Op.OPENAT, { prep: noFixed, issue: (g, k, r) => openat(g, k, r, BigInt(k.opFlags), BigInt(k.len)) }],
  [Op.OPENAT2, { prep: noFixed, issue: openat2 }],
  [Op.CLOSE, { prep: (_g, k) => (k.flags & IOSQE_FIXED_FILE || k.off || k.addr || k.len || k.opFlags ? -EINVAL : 0), issue: close }],
  [Op.STATX, simple(NR_STATX, (k) => [k.fd, k.addr, k.opFlags, k.len, k.off])],
  [Op.FADVISE, simple(NR_FADVISE64, (k) => [k.fd, k.off, k.len, k.opFlags])],
  [Op.MADVISE, { issue: (_g, k, r) => viaSyscall(k, r, NR_MADVISE, [k.addr, k.len, k.opFlags]) }],
  [Op.FALLOCATE, simple(NR_FALLOCATE, (k) => [k.fd, k.len, k.off, k.addr])],
  [Op.RENAMEAT, simple(NR_RENAMEAT2, (k) => [k.fd, k.addr, k.len, k.off, k.opFlags])],
  [Op.UNLINKAT, simple(NR_UNLINKAT, (k) => [k.fd, k.addr, k.opFlags])],
  [Op.MKDIRAT, simple(NR_MKDIRAT, (k) => [k.fd, k.addr, k.len])],
  [Op.SYMLINKAT, simple(NR_SYMLINKAT, (k) => [k.addr, k.fd, k.off])],
  [Op.LINKAT, simple(NR_LINKAT, (k) => [k.fd, k.addr, k.len, k.off, k.opFlags])],
  [Op.EPOLL_CTL, simple(NR_EPOLL_CTL, (k) => [k.fd, k.len, k.off, k.addr])],
];
