// Socket opcodes: SEND, RECV (single or multishot into provided buffers), SENDMSG, RECVMSG,
// ACCEPT (single or multishot, into an fd or a fixed slot), CONNECT, SHUTDOWN and SOCKET. Each
// runs the socket code the syscalls use (kernel/net through syscalls/socket*.ts) on the SQE's
// socket, a fixed file or an fd, as its own request: one that would block parks that request on
// the socket's wait queue and the submitter goes on. SEND and SENDMSG add MSG_NOSIGNAL, as Linux
// does. A MSG_WAITALL transfer that comes back short breaks a link chain.
import { EAGAIN, EINPROGRESS, EINVAL, ENOTSOCK } from '../../abi/errno.js';
import { MSG_DONTWAIT, MSG_NOSIGNAL, MSG_WAITALL, SOCK_CLOEXEC, SOCK_NONBLOCK, SOCK_TYPE_MASK } from '../net/abi.js';
import { readRawSockaddr } from '../net/sockaddr.js';
import { Socket } from '../net/socket.js';
import { Blocked } from '../request.js';
import { acceptOn, installSocket, newSocket, sockCtx } from '../syscalls/socket.js';
import { recvHdr, recvOn, sendHdr, sendOn } from '../syscalls/socket_msg.js';
import { O_NONBLOCK } from '../vfs/constants.js';
import { fileGet } from '../vfs/fdtable.js';
import { POLLERR, POLLHUP, POLLOUT } from '../vfs/file.js';
import { FILE_INDEX_ALLOC, IOSQE_BUFFER_SELECT, IOSQE_FIXED_FILE, Op } from './abi.js';
import { fileFor } from './files.js';
import type { IoKiocb, UringRequest } from './kiocb.js';
import type { OpResult } from './op_result.js';
import type { OpDef } from './op_def.js';
import { installFileDirect } from './ops_fs.js';
import { recycleBuffer, selectBuffer } from './ops_rw.js';
import { recvmsgMultishot } from './recvmsg_multishot.js';
import type { RingCore } from './ring_state.js';

/** send/recv flags in the SQE's ioprio (IORING_RECVSEND_POLL_FIRST, IORING_RECV_MULTISHOT). */
const RECVSEND_POLL_FIRST = 1 << 0, RECV_MULTISHOT = 1 << 1;
/** accept flags in the SQE's ioprio (IORING_ACCEPT_MULTISHOT). */
const ACCEPT_MULTISHOT = 1 << 0;

/** The socket k works on (a fixed file or an fd): -EBADF, or -ENOTSOCK for another file. */
function sockFor(ring: RingCore, k: IoKiocb): Socket | number {
  const f = fileFor(ring, k);
  if (typeof f === 'number') return f;
  return f instanceof Socket ? f : -ENOTSOCK;
}

/**
 * Linux arms a poll when a socket opcode on an O_NONBLOCK socket would block (-EAGAIN), unless
 * the SQE itself asked for MSG_DONTWAIT: the request then waits for the socket and runs again.
 */
function waitIfNonblock(r: UringRequest, s: Socket, res: OpResult, dontwait: boolean): OpResult {
  if (res !== -EAGAIN || dontwait || !(s.flags & O_NONBLOCK)) return res;
  return r.block(s.pollQueues());
}

/** Marks a MSG_WAITALL transfer of want bytes that moved fewer as short (it breaks a link). */
function noteShort(k: IoKiocb, flags: number, n: number | Blocked, want: number): void {
  if (typeof n === 'number' && n >= 0 && n < want && flags & MSG_WAITALL) k.short = true;
}

/** Checks SEND and SENDMSG: only POLL_FIRST in ioprio; no addr2 or file_index (6.1 has no sendto form). */
function prepSend(_g: RingCore, k: IoKiocb): number {
  if (k.ioprio & ~RECVSEND_POLL_FIRST || k.off !== 0n || k.spliceFdIn !== 0) return -EINVAL;
  return 0;
}

/** Checks RECV and RECVMSG: POLL_FIRST and MULTISHOT (with a provided buffer, no WAITALL; RECV: no len). */
function prepRecv(_g: RingCore, k: IoKiocb): number {
  if (k.ioprio & ~(RECVSEND_POLL_FIRST | RECV_MULTISHOT) || k.off !== 0n || k.spliceFdIn !== 0) return -EINVAL;
  if (k.ioprio & RECV_MULTISHOT) {
    if (!(k.flags & IOSQE_BUFFER_SELECT) || k.opFlags & MSG_WAITALL || (k.opcode === Op.RECV && k.len !== 0)) return -EINVAL;
  }
  return 0;
}

/** SEND: len bytes at addr. */
function send(ring: RingCore, k: IoKiocb, r: UringRequest): OpResult {
  const s = sockFor(ring, k);
  if (typeof s === 'number') return s;
  const n = sendOn(k.task, r, s, k.addr, k.len, k.opFlags | MSG_NOSIGNAL);
  noteShort(k, k.opFlags, n, k.len);
  return waitIfNonblock(r, s, n, (k.opFlags & MSG_DONTWAIT) !== 0);
}

/** SENDMSG: the struct msghdr at addr. */
function sendmsg(ring: RingCore, k: IoKiocb, r: UringRequest): OpResult {
  const s = sockFor(ring, k);
  if (typeof s === 'number') return s;
  return waitIfNonblock(r, s, sendHdr(k.task, r, s, k.addr, k.opFlags | MSG_NOSIGNAL), (k.opFlags & MSG_DONTWAIT) !== 0);
}

/**
 * RECVMSG: into the struct msghdr at addr; with BUFFER_SELECT the data goes to a provided buffer
 * (at most the length of the msghdr's one iovec, when it has one), which it keeps if it received
 * bytes. IORING_RECV_MULTISHOT: recvmsg_multishot.ts.
 */
function recvmsg(ring: RingCore, k: IoKiocb, r: UringRequest): OpResult {
  const s = sockFor(ring, k);
  if (typeof s === 'number') return s;
  if (k.ioprio & RECV_MULTISHOT) return waitIfNonblock(r, s, recvmsgMultishot(ring, k, r, s), (k.opFlags & MSG_DONTWAIT) !== 0);
  let select: ((len: number) => [number, number] | number) | undefined;
  if (k.flags & IOSQE_BUFFER_SELECT) {
    select = (len) => {
      const sel = selectBuffer(ring, k);
      return typeof sel === 'number' ? sel : [sel[0], len === 0 ? sel[1] : Math.min(len, sel[1])];
    };
  }
  const n = recvHdr(k.task, r, s, k.addr, k.opFlags, select);
  // Nothing received (a sleep, an error, the end of the stream): the buffer goes back.
  if (select !== undefined && (n instanceof Blocked || n <= 0)) recycleBuffer(ring, k);
  return waitIfNonblock(r, s, n, (k.opFlags & MSG_DONTWAIT) !== 0);
}

/** One receive for RECV: into addr/len, or a provided buffer (BUFFER_SELECT, which it keeps if it received bytes). */
function recvOnce(ring: RingCore, k: IoKiocb, r: UringRequest, s: Socket): number | Blocked {
  let addr = k.addr, len = k.len;
  if (k.flags & IOSQE_BUFFER_SELECT) {
    const sel = selectBuffer(ring, k);
    if (typeof sel === 'number') return sel;
    addr = sel[0];
    len = k.len === 0 ? sel[1] : Math.min(len, sel[1]);
  }
  const n = recvOn(k.task, r, s, addr, len, k.opFlags);
  // Nothing received (a sleep, an error, the end of the stream): the buffer goes back.
  if (n instanceof Blocked || n <= 0) recycleBuffer(ring, k);
  noteShort(k, k.opFlags, n, len);
  return n;
}

/**
 * RECV: one receive; with IORING_RECV_MULTISHOT every receive posts a CQE with F_MORE and its
 * buffer, until one fails, finds the end of the stream (res 0), runs out of buffers or finds the
 * CQ ring full (Linux 6.1): that one is the last CQE.
 */
function recv(ring: RingCore, k: IoKiocb, r: UringRequest): OpResult {
  const s = sockFor(ring, k);
  if (typeof s === 'number') return s;
  const dontwait = (k.opFlags & MSG_DONTWAIT) !== 0;
  if (!(k.ioprio & RECV_MULTISHOT)) return waitIfNonblock(r, s, recvOnce(ring, k, r, s), dontwait);
  for (;;) {
    const n = recvOnce(ring, k, r, s);
    if (n instanceof Blocked || n <= 0) return waitIfNonblock(r, s, n, dontwait);
    if (!ring.tryPostMore(k, n, k.cflags)) return n;
    k.priv.buffer = undefined;
    k.cflags = 0;
    r.begin(r.nr);
  }
}

/** Checks ACCEPT: no len or buf_index; accept flags CLOEXEC/NONBLOCK (no CLOEXEC into a fixed slot); multishot. */
function prepAccept(_g: RingCore, k: IoKiocb): number {
  if (k.len !== 0 || k.bufIndex !== 0) return -EINVAL;
  if (k.opFlags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK) || k.ioprio & ~ACCEPT_MULTISHOT) return -EINVAL;
  if (k.spliceFdIn !== 0 && k.opFlags & SOCK_CLOEXEC) return -EINVAL;
  if (k.ioprio & ACCEPT_MULTISHOT && k.spliceFdIn !== 0 && k.spliceFdIn >>> 0 !== FILE_INDEX_ALLOC) return -EINVAL;
  return 0;
}

/** Installs a new socket as an fd, or into the fixed slot of k's file_index: the fd, the slot, or -errno. */
function installNew(ring: RingCore, k: IoKiocb, s: Socket, nonblock: boolean, cloexec: boolean): number {
  if (k.spliceFdIn === 0) return installSocket(k.task, s, nonblock, cloexec);
  if (nonblock) s.flags |= O_NONBLOCK;
  return installFileDirect(ring, k, fileGet(s));
}

/** ACCEPT: a connection (peer address to addr, its length at addr2); multishot: each one posts a CQE with F_MORE. */
function accept(ring: RingCore, k: IoKiocb, r: UringRequest): OpResult {
  const s = sockFor(ring, k);
  if (typeof s === 'number') return s;
  const nonblock = (k.opFlags & SOCK_NONBLOCK) !== 0, cloexec = (k.opFlags & SOCK_CLOEXEC) !== 0;
  for (;;) {
    const c = acceptOn(k.task, r, s, k.addr, Number(k.off));
    if (!(c instanceof Socket)) return waitIfNonblock(r, s, c, false);
    const res = installNew(ring, k, c, nonblock, cloexec);
    if (!(k.ioprio & ACCEPT_MULTISHOT) || res < 0) return res;
    ring.postMore(k, res);
    r.begin(r.nr);
  }
}

/** CONNECT: to the address at addr, addr2 bytes long. */
function connect(ring: RingCore, k: IoKiocb, r: UringRequest): OpResult {
  const s = sockFor(ring, k);
  if (typeof s === 'number') return s;
  if (k.priv.connecting === true) {
    // A connect in progress (an O_NONBLOCK socket): done once the socket is writable or failed,
    // with its pending error as the result (Linux's io_connect after EINPROGRESS).
    if ((s.poll() & (POLLOUT | POLLERR | POLLHUP)) === 0) return r.block(s.pollQueues());
    return s.takeError();
  }
  const raw = readRawSockaddr(k.task.mm.mem, k.addr, Number(BigInt.asIntN(32, k.off)));
  if (typeof raw === 'number') return raw;
  const res = s.connect(r, raw, sockCtx(k.task));
  if (res !== -EINPROGRESS) return res;
  k.priv.connecting = true;
  return r.block(s.pollQueues());
}

/** SHUTDOWN: shutdown(how = len). */
function shutdown(ring: RingCore, k: IoKiocb): OpResult {
  const s = sockFor(ring, k);
  if (typeof s === 'number') return s;
  return s.shutdownSock(k.len | 0);
}

/** Checks SOCKET: no addr, rw_flags or buf_index; its type flags CLOEXEC/NONBLOCK (no CLOEXEC into a fixed slot). */
function prepSocket(_g: RingCore, k: IoKiocb): number {
  if (k.addr !== 0 || k.opFlags !== 0 || k.bufIndex !== 0 || k.flags & IOSQE_FIXED_FILE) return -EINVAL;
  const typeFlags = Number(k.off & 0xffffffffn) & ~SOCK_TYPE_MASK;
  if (typeFlags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) return -EINVAL;
  if (k.spliceFdIn !== 0 && typeFlags & SOCK_CLOEXEC) return -EINVAL;
  return 0;
}

/** SOCKET: socket(domain = fd, type = off, protocol = len), into an fd or a fixed slot. */
function socket(ring: RingCore, k: IoKiocb): OpResult {
  const n = newSocket(k.task, k.fd, Number(BigInt.asIntN(32, k.off)), k.len | 0);
  if (typeof n === 'number') return n;
  return installNew(ring, k, n.s, n.nonblock, n.cloexec);
}

export const netOps: [number, OpDef][] = [
  [Op.SEND, { prep: prepSend, issue: send }],
  [Op.SENDMSG, { prep: prepSend, issue: sendmsg }],
  [Op.RECV, { prep: prepRecv, issue: recv, bufferSelect: true }],
  [Op.RECVMSG, { prep: prepRecv, issue: recvmsg, bufferSelect: true }],
  [Op.ACCEPT, { prep: prepAccept, issue: accept }],
  [Op.CONNECT, { prep: (_g, k) => (k.len || k.bufIndex || k.opFlags || k.spliceFdIn ? -EINVAL : 0), issue: connect }],
  [Op.SHUTDOWN, { prep: (_g, k) => (k.off || k.addr || k.opFlags || k.bufIndex || k.spliceFdIn ? -EINVAL : 0), issue: shutdown }],
  [Op.SOCKET, { prep: prepSocket, issue: socket }],
];
