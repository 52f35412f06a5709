// Data opcodes: NOP, READ, WRITE, READV, WRITEV, READ_FIXED, WRITE_FIXED and FSYNC. They run the
// read and write paths of fs_rw.ts on the SQE's file (a fixed file or an fd), with off -1 meaning
// the file position (IORING_FEAT_RW_CUR_POS); a transfer shorter than asked marks the request
// short, which breaks a link chain.
import { EBADF, EFAULT, EINVAL, ENOBUFS, EOPNOTSUPP } from '../../abi/errno.js';
import { Blocked } from '../request.js';
import { commitOut, inBuffer, outBuffer } from '../syscalls/fs_common.js';
import { readIovecs, readOnce, vectorOnFile, writeOnce } from '../syscalls/fs_rw.js';
import { MAX_RW_COUNT, O_ACCMODE, O_RDONLY, O_WRONLY } from '../vfs/constants.js';
import type { OpenFile } from '../vfs/file.js';
import { CQE_BUFFER_SHIFT, CQE_F_BUFFER, FSYNC_DATASYNC, IOSQE_BUFFER_SELECT, Op, SETUP_IOPOLL } from './abi.js';
import { fileFor } from './files.js';
import type { IoKiocb, UringRequest } from './kiocb.js';
import type { OpResult } from './op_result.js';
import type { OpDef } from './op_def.js';
import type { RingCore } from './ring_state.js';

/** RWF_* flags a read or write accepts (HIPRI, DSYNC, SYNC, NOWAIT, APPEND); others are EOPNOTSUPP. */
const RWF_KNOWN = 0x1f;
/** SYNC_FILE_RANGE_WAIT_BEFORE | WRITE | WAIT_AFTER. */
const SYNC_FILE_RANGE_KNOWN = 7;
/** An ioprio's class is its top 3 bits; RT and BE have 8 levels. */
const IOPRIO_CLASS_SHIFT = 13, IOPRIO_NR_LEVELS = 8;

/** The file for a transfer in direction write, or -EBADF when its access mode forbids it. */
function rwFile(ring: RingCore, k: IoKiocb, write: boolean): OpenFile | number {
  const f = fileFor(ring, k);
  if (typeof f === 'number') return f;
  const acc = f.flags & O_ACCMODE;
  if (write ? acc === O_RDONLY : acc === O_WRONLY) return -EBADF;
  return f;
}

/** True if ioprio is a valid I/O priority (class NONE with no data, RT or BE with level < 8, IDLE). */
function ioprioValid(ioprio: number): boolean {
  const cls = ioprio >> IOPRIO_CLASS_SHIFT, data = ioprio & ((1 << IOPRIO_CLASS_SHIFT) - 1);
  if (cls === 0) return data === 0;
  if (cls === 1 || cls === 2) return data < IOPRIO_NR_LEVELS;
  return cls === 3;
}

/** Checks the fields every read and write shares. */
function prepRw(_ring: RingCore, k: IoKiocb): number {
  if (!ioprioValid(k.ioprio)) return -EINVAL;
  if (k.opFlags & ~RWF_KNOWN) return -EOPNOTSUPP;
  if (k.offset < -1) return -EINVAL;
  return 0;
}

/**
 * The offset a transfer on f uses: off, or -1 (the file position, and always for a stream such
 * as a pipe or socket, where Linux ignores the offset, FMODE_STREAM).
 */
function rwOffset(f: OpenFile, k: IoKiocb, write: boolean): number {
  return (write ? f.pwrite : f.pread) ? k.offset : -1;
}

/** An IOPOLL ring polls block devices opened with O_DIRECT, which ecall has none of. */
function iopollRefuses(ring: RingCore): boolean {
  return (ring.setupFlags & SETUP_IOPOLL) !== 0;
}

/** Takes a provided buffer for k (IOSQE_BUFFER_SELECT): [addr, len], or -ENOBUFS. */
export function selectBuffer(ring: RingCore, k: IoKiocb): [number, number] | number {
  const have = k.priv.buffer as [number, number, number] | undefined;
  if (have) return [have[0], have[1]];
  const g = ring.bufferGroups.get(k.bufIndex);
  const b = g?.shift();
  if (b === undefined) return -ENOBUFS;
  k.priv.buffer = b;
  k.cflags = CQE_F_BUFFER | (b[2] << CQE_BUFFER_SHIFT);
  return [b[0], b[1]];
}

/** Puts a selected buffer back at the front of its group (the request slept before using it). */
export function recycleBuffer(ring: RingCore, k: IoKiocb): void {
  const b = k.priv.buffer as [number, number, number] | undefined;
  if (!b) return;
  let g = ring.bufferGroups.get(k.bufIndex);
  if (!g) ring.bufferGroups.set(k.bufIndex, g = []);
  g.unshift(b);
  k.priv.buffer = undefined;
  k.cflags = 0;
}

/** READ, WRITE, READ_FIXED, WRITE_FIXED: one transfer of len bytes at addr. */
function rw(ring: RingCore, k: IoKiocb, r: UringRequest, write: boolean, fixed: boolean): OpResult {
  const f = rwFile(ring, k, write);
  if (typeof f === 'number') return f;
  if (iopollRefuses(ring)) return -EOPNOTSUPP;
  const off = rwOffset(f, k, write);
  let addr = k.addr, len = Math.min(k.len, MAX_RW_COUNT);
  if (fixed) {
    const bufs = ring.buffers;
    const b = bufs?.[k.bufIndex];
    if (!b) return -EFAULT;
    if (addr < b[0] || addr + len > b[0] + b[1]) return -EFAULT;
  } else if (k.flags & IOSQE_BUFFER_SELECT) {
    const sel = selectBuffer(ring, k);
    if (typeof sel === 'number') return sel;
    addr = sel[0];
    len = k.len === 0 ? sel[1] : Math.min(len, sel[1]);
  }
  let n: number | Blocked;
  if (write) {
    n = writeOnce(r, f, len === 0 ? new Uint8Array(0) : inBuffer(k.task, addr, len), off);
  } else {
    const buf = len === 0 ? new Uint8Array(0) : outBuffer(k.task, addr, len);
    n = readOnce(r, f, buf, off);
    commitOut(k.task, addr, buf, n);
  }
  if (n instanceof Blocked) {
    recycleBuffer(ring, k);
    return n;
  }
  if (n >= 0 && n < len) k.short = true;
  return n;
}

/** READV, WRITEV: the iovec array at addr with len entries. */
function rwv(ring: RingCore, k: IoKiocb, r: UringRequest, write: boolean): OpResult {
  const f = rwFile(ring, k, write);
  if (typeof f === 'number') return f;
  if (iopollRefuses(ring)) return -EOPNOTSUPP;
  let iovs = readIovecs(k.task, k.addr, k.len);
  if (typeof iovs === 'number') return iovs;
  if (k.flags & IOSQE_BUFFER_SELECT) {
    // One iovec whose length caps the provided buffer the read goes into.
    if (iovs.length !== 1) return -EINVAL;
    const sel = selectBuffer(ring, k);
    if (typeof sel === 'number') return sel;
    iovs = [[sel[0], Math.min(iovs[0]![1], sel[1])]];
  }
  const res = vectorOnFile(k.task, r, f, iovs, write, rwOffset(f, k, write));
  if (res instanceof Blocked) {
    recycleBuffer(ring, k);
    return res;
  }
  const n = res as number;
  const want = iovs.reduce((s, [, l]) => s + l, 0);
  if (n >= 0 && n < want) k.short = true;
  return n;
}

/** SYNC_FILE_RANGE: the range's pages are written (everything is, here); checks flags and the fd. */
function syncFileRange(ring: RingCore, k: IoKiocb): OpResult {
  const f = fileFor(ring, k);
  if (typeof f === 'number') return f;
  return f.fsync ? f.fsync() : 0;
}

/** FSYNC: fsync or (IORING_FSYNC_DATASYNC) fdatasync of the file; both write everything here. */
function fsync(ring: RingCore, k: IoKiocb): OpResult {
  const f = fileFor(ring, k);
  if (typeof f === 'number') return f;
  return f.fsync ? f.fsync() : 0;
}

export const rwOps: [number, OpDef][] = [
  [Op.NOP, { issue: () => 0 }],
  [Op.READ, { prep: prepRw, issue: (g, k, r) => rw(g, k, r, false, false), bufferSelect: true }],
  [Op.WRITE, { prep: prepRw, issue: (g, k, r) => rw(g, k, r, true, false) }],
  [Op.READ_FIXED, { prep: prepRw, issue: (g, k, r) => rw(g, k, r, false, true) }],
  [Op.WRITE_FIXED, { prep: prepRw, issue: (g, k, r) => rw(g, k, r, true, true) }],
  [Op.READV, { prep: prepRw, issue: (g, k, r) => rwv(g, k, r, false), bufferSelect: true }],
  [Op.WRITEV, { prep: prepRw, issue: (g, k, r) => rwv(g, k, r, true) }],
  [Op.SYNC_FILE_RANGE, { prep: (_g, k) => (k.opFlags & ~SYNC_FILE_RANGE_KNOWN ? -EINVAL : 0), issue: syncFileRange }],
  [Op.FSYNC, { prep: (_g, k) => (k.opFlags & ~FSYNC_DATASYNC ? -EINVAL : 0), issue: fsync }],
];
