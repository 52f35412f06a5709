// Multishot RECVMSG (IORING_RECV_MULTISHOT on IORING_OP_RECVMSG, with IOSQE_BUFFER_SELECT): each
// receive goes to a new provided buffer, laid out as
//   struct io_uring_recvmsg_out { u32 namelen, controllen, payloadlen, flags; }   (16 bytes)
//   msg_namelen bytes for the source address (the first min(its length, msg_namelen) written),
//   msg_controllen bytes for control messages (cmsghdrs, as recvmsg builds them),
//   the payload, in what is left of the buffer;
// all sizes taken from the user's msghdr once, when the request first runs. The out header holds
// the address's full length (0 when msg_namelen is 0: no address is asked for), the control bytes
// used, the payload's length (a datagram's whole length with MSG_TRUNC in the flags) and the
// receive's msg_flags (MSG_TRUNC, MSG_CTRUNC). The CQE's res is the header, name and control
// areas plus the payload bytes stored. A receive of no payload (the end of a stream) is the last
// CQE and keeps its buffer; an error, -ENOBUFS (no buffer left) or -EFAULT (a buffer smaller
// than the three areas) ends the request without one.
import { EFAULT, EINVAL, EOVERFLOW } from '../../abi/errno.js';
import { GuestFaultError } from '../../mem/guest_memory.js';
import { MSG_CMSG_CLOEXEC } from '../net/abi.js';
import { singleBuf } from '../net/iov.js';
import { CmsgWriter } from '../net/scm.js';
import { encodeSockaddr } from '../net/sockaddr.js';
import { recvMsgOf, type Socket } from '../net/socket.js';
import { Blocked } from '../request.js';
import { putControl, readMsghdr } from '../syscalls/socket_msg.js';
import type { IoKiocb, UringRequest } from './kiocb.js';
import { recycleBuffer, selectBuffer } from './ops_rw.js';
import type { RingCore } from './ring_state.js';

/** sizeof(struct io_uring_recvmsg_out), and its fields' offsets. */
const RECVMSG_OUT_SIZE = 16;
const OUT_NAMELEN = 0, OUT_CONTROLLEN = 4, OUT_PAYLOADLEN = 8, OUT_FLAGS = 12;
/** Offset of msg_namelen in struct msghdr (riscv64), and of iov_len in struct iovec. */
const MH_NAMELEN = 8, IOV_LEN = 8;
/** INT_MAX: the three areas together must stay below it (EOVERFLOW). */
const INT_MAX = 0x7fffffff;

/** The sizes a multishot RECVMSG lays its buffers out with. */
interface MshotLayout {
  /** msg_namelen as the user wrote it (not clamped, and kept with a NULL msg_name). */
  namelen: number;
  controllen: number;
  /** The length of the msghdr's one iovec, which caps the buffer used; 0 without one. */
  iovLen: number;
}

/** Reads the layout from the msghdr at k.addr: -EINVAL for more than one iovec, -EOVERFLOW for too large areas, -EFAULT. */
function readLayout(k: IoKiocb): MshotLayout | number {
  const mem = k.task.mm.mem;
  try {
    const h = readMsghdr(mem, k.addr);
    if (typeof h === 'number') return h;
    if (h.iovlen > 1) return -EINVAL;
    const namelen = mem.readI32(k.addr + MH_NAMELEN);
    const iovLen = h.iovlen === 1 ? mem.readU64(h.iov + IOV_LEN) : 0;
    if (namelen < 0 || RECVMSG_OUT_SIZE + namelen + h.controllen > INT_MAX) return -EOVERFLOW;
    return { namelen, controllen: h.controllen, iovLen };
  } catch (e) {
    if (!(e instanceof GuestFaultError)) throw e;
    return -EFAULT;
  }
}

/** One multishot receive: [res, last] (last: no payload, the final CQE), -errno (the buffer given back) or a sleep. */
function receiveOne(ring: RingCore, k: IoKiocb, r: UringRequest, s: Socket, l: MshotLayout): [number, boolean] | number | Blocked {
  const sel = selectBuffer(ring, k);
  if (typeof sel === 'number') return sel;
  const [addr, size] = sel;
  const len = l.iovLen === 0 ? size : Math.min(size, l.iovLen);
  const hdr = RECVMSG_OUT_SIZE + l.namelen + l.controllen;
  const mem = k.task.mm.mem;
  const payload = len < hdr ? -EFAULT : singleBuf(mem, addr + hdr, len - hdr, true);
  if (typeof payload === 'number') {
    recycleBuffer(ring, k);
    return payload;
  }
  const cloexec = k.opFlags & MSG_CMSG_CLOEXEC;
  const m = recvMsgOf(payload, k.opFlags & ~MSG_CMSG_CLOEXEC);
  const n = s.recvmsg(r, m);
  if (n instanceof Blocked || n < 0) {
    recycleBuffer(ring, k);
    return n;
  }
  const name = l.namelen === 0 || m.addr === null ? new Uint8Array(0) : encodeSockaddr(m.addr, s.family);
  const cw = new CmsgWriter(l.controllen);
  putControl(k.task, cw, m, cloexec !== 0);
  const out = new Uint8Array(RECVMSG_OUT_SIZE + Math.min(name.length, l.namelen));
  const dv = new DataView(out.buffer);
  dv.setUint32(OUT_NAMELEN, name.length, true);
  dv.setUint32(OUT_CONTROLLEN, cw.used, true);
  dv.setUint32(OUT_PAYLOADLEN, n, true);
  dv.setUint32(OUT_FLAGS, cloexec | m.msgFlags | cw.flags, true);
  out.set(name.subarray(0, l.namelen), RECVMSG_OUT_SIZE);
  try {
    mem.write(addr, out);
    if (cw.used > 0) mem.write(addr + RECVMSG_OUT_SIZE + l.namelen, cw.bytes());
  } catch (e) {
    if (!(e instanceof GuestFaultError)) throw e;
    recycleBuffer(ring, k);
    return -EFAULT;
  }
  return [hdr + Math.min(n, len - hdr), n === 0];
}

/**
 * Runs a multishot RECVMSG: posts a CQE with IORING_CQE_F_MORE and its buffer per receive, until
 * one fails, has no payload, or finds the CQ ring full (Linux 6.1 then makes that receive the last
 * CQE instead of overflowing). Returns the final result, or a sleep until the socket is readable.
 */
export function recvmsgMultishot(ring: RingCore, k: IoKiocb, r: UringRequest, s: Socket): number | Blocked {
  let l = k.priv.mshotLayout as MshotLayout | number | undefined;
  if (l === undefined) k.priv.mshotLayout = l = readLayout(k);
  if (typeof l === 'number') return l;
  for (;;) {
    const got = receiveOne(ring, k, r, s, l);
    if (!Array.isArray(got)) return got;
    const [res, last] = got;
    if (last || !ring.tryPostMore(k, res, k.cflags)) return res;
    k.priv.buffer = undefined;
    k.cflags = 0;
    r.begin(r.nr);
  }
}
