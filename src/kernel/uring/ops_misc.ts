// PROVIDE_BUFFERS and REMOVE_BUFFERS (buffer groups for IOSQE_BUFFER_SELECT), MSG_RING (a CQE
// posted into another ring), FILES_UPDATE (the registered table from an SQE), and SPLICE and TEE
// where a pipe is involved: bytes move between a pipe and a file or another pipe, and a request
// that finds the pipe empty (or full) sleeps on it as its own request.
import { EBADFD, EFAULT, EINVAL, ENOENT } from '../../abi/errno.js';
import { inBuffer } from '../syscalls/fs_common.js';
import { TASK_SIZE } from '../../mem/layout.js';
import type { OpenFile } from '../vfs/file.js';
import { spliceFiles, teePipes } from '../vfs/transfer.js';
import { IOSQE_FIXED_FILE, MSG_DATA, Op } from './abi.js';
import { fileFor } from './files.js';
import type { IoKiocb, UringRequest } from './kiocb.js';
import type { OpResult } from './op_result.js';
import type { OpDef } from './op_def.js';
import { updateFiles } from './register_files.js';
import { RingCore } from './ring_state.js';

/** Most buffers one PROVIDE_BUFFERS may add, and the largest buffer id (both u16, MAX_BIDS_PER_BGID). */
const MAX_BIDS = 1 << 16;
/** SPLICE_F_FD_IN_FIXED (in splice_flags): splice_fd_in is a registered file; SPLICE_F_NONBLOCK. */
const SPLICE_F_FD_IN_FIXED = 1 << 31, SPLICE_F_NONBLOCK = 2;
/** SPLICE_F_* bits splice accepts (MOVE, NONBLOCK, MORE, GIFT). */
const SPLICE_F_ALL = 0xf;

/** PROVIDE_BUFFERS: nbufs (fd) buffers of len bytes from addr, ids from off, into group buf_group. */
function provide(ring: RingCore, k: IoKiocb): OpResult {
  const n = k.fd, bid = Number(k.off);
  if (n <= 0 || n > MAX_BIDS || bid >= MAX_BIDS || k.len === 0) return -EINVAL;
  const total = k.len * n;
  if (k.addr + total > TASK_SIZE) return -EFAULT;
  let g = ring.bufferGroups.get(k.bufIndex);
  if (!g) ring.bufferGroups.set(k.bufIndex, g = []);
  for (let i = 0; i < n; i++) g.push([k.addr + i * k.len, k.len, (bid + i) & 0xffff]);
  return 0;
}

/** REMOVE_BUFFERS: takes up to nbufs (fd) buffers of group buf_group; the count, or -ENOENT. */
function remove(ring: RingCore, k: IoKiocb): OpResult {
  const g = ring.bufferGroups.get(k.bufIndex);
  if (!g || g.length === 0) return -ENOENT;
  const n = Math.min(k.fd, g.length);
  g.splice(0, n);
  return n;
}

/** MSG_RING: posts {user_data = off, res = len} into the ring at fd; 0, or -EBADFD if fd is no ring. */
function msgRing(ring: RingCore, k: IoKiocb): OpResult {
  const f = fileFor(ring, k);
  if (typeof f === 'number') return f;
  if (!(f instanceof RingCore)) return -EBADFD;
  if (k.addr !== MSG_DATA) return -EINVAL;
  if (f.dead) return -EBADFD;
  f.post(k.off, k.len | 0, 0);
  return 0;
}

/** The splice input file (splice_fd_in, fixed with SPLICE_F_FD_IN_FIXED). */
function spliceIn(ring: RingCore, k: IoKiocb): OpenFile | number {
  const fixed = (k.opFlags & SPLICE_F_FD_IN_FIXED) !== 0;
  return fileFor(ring, { ...k, fd: k.spliceFdIn, flags: fixed ? IOSQE_FIXED_FILE : 0 } as IoKiocb);
}

/**
 * SPLICE: up to len bytes from splice_fd_in (at splice_off_in = addr, -1: its position) to fd (at
 * off, -1: its position); one side must be a pipe. TEE (copy=true): both pipes, the input keeps
 * its bytes. Both move bytes as the system calls do (vfs/transfer.ts), sleeping on the pipe.
 */
function splice(ring: RingCore, k: IoKiocb, r: UringRequest, copy: boolean): OpResult {
  const fin = spliceIn(ring, k), fout = fileFor(ring, k);
  if (typeof fin === 'number') return fin;
  if (typeof fout === 'number') return fout;
  const nonblock = (k.opFlags & SPLICE_F_NONBLOCK) !== 0;
  if (copy) return teePipes(r, fin, fout, k.len, nonblock);
  return spliceFiles(r, fin, Number(BigInt.asIntN(64, k.addrRaw)), fout, k.offset, k.len, nonblock);
}

/** FILES_UPDATE: the fds array at addr (len entries) into the registered table from slot off. */
function filesUpdate(ring: RingCore, k: IoKiocb): OpResult {
  const fds: number[] = [];
  const raw = inBuffer(k.task, k.addr, k.len * 4);
  if (raw.length < k.len * 4) return -EFAULT;
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  for (let i = 0; i < k.len; i++) fds.push(dv.getInt32(i * 4, true));
  return updateFiles(ring, k.task, Number(k.off), fds);
}

export const miscOps: [number, OpDef][] = [
  [Op.PROVIDE_BUFFERS, { prep: (_g, k) => (k.opFlags || k.spliceFdIn ? -EINVAL : 0), issue: provide }],
  [Op.REMOVE_BUFFERS, { prep: (_g, k) => (k.fd <= 0 || k.fd > MAX_BIDS || k.addr || k.len || k.off || k.opFlags ? -EINVAL : 0), issue: remove }],
  [Op.MSG_RING, { prep: (_g, k) => (k.opFlags || k.bufIndex || k.personality ? -EINVAL : 0), issue: msgRing }],
  [Op.SPLICE, { prep: (_g, k) => (k.opFlags & ~(SPLICE_F_ALL | SPLICE_F_FD_IN_FIXED) ? -EINVAL : 0), issue: (g, k, r) => splice(g, k, r, false) }],
  [Op.TEE, { prep: (_g, k) => (k.opFlags & ~(SPLICE_F_ALL | SPLICE_F_FD_IN_FIXED) || k.addr || k.off ? -EINVAL : 0), issue: (g, k, r) => splice(g, k, r, true) }],
  [Op.FILES_UPDATE, { prep: (_g, k) => (k.flags & IOSQE_FIXED_FILE || k.opFlags || k.spliceFdIn ? -EINVAL : 0), issue: filesUpdate }],
];
