// The socket data calls: sendto, recvfrom, sendmsg, recvmsg, sendmmsg and recvmmsg. They read
// the caller's buffers (iovecs), addresses and control messages, hand one SendMsg or RecvMsg to
// the socket, and write back the results: the sender's address, the control messages
// (credentials first, then descriptors, installed here with MSG_CMSG_CLOEXEC honoured) and
// msg_flags. A call that sleeps runs again from the start when woken; what it already moved is
// in the request (r.progress for bytes, r.state for the messages of sendmmsg and recvmmsg).
import { EAGAIN, EFAULT, EINVAL, ENOBUFS } from '../../abi/errno.js';
import { GuestFaultError, type GuestMemory } from '../../mem/guest_memory.js';
import {
  MMSGHDR_SIZE, MSG_BATCH, MSG_CMSG_CLOEXEC, MSG_DONTWAIT, MSG_WAITFORONE,
} from '../net/abi.js';
import { readIovec, singleBuf, type UserBuf } from '../net/iov.js';
import { CmsgWriter, parseScm, type ScmSender } from '../net/scm.js';
import { encodeSockaddr, type RawSockAddr, readRawSockaddr, writeSockaddr } from '../net/sockaddr.js';
import { dropRights, type RecvMsg, recvMsgOf, type SendMsg, type Socket } from '../net/socket.js';
import { Blocked, type Request } from '../request.js';
import type { Task } from '../task.js';
import { filePut } from '../vfs/fdtable.js';
import type { OpenFile } from '../vfs/file.js';
import { UIO_MAXIOV } from '../vfs/constants.js';
import { readTimeoutTimespec } from './call_timeout.js';
import { nofileLimit } from './fs_common.js';
import { privileged } from './proc_state.js';
import { sockAt, sockCtx, sockCred } from './socket.js';
import { writeTimespec } from '../structs.js';
import type { SysArgs, SysResult, SyscallDef } from './types.js';

/** Most control data one sendmsg may pass (net.core.optmem_max). */
const OPTMEM_MAX = 131072;
/** INT_MAX: a larger msg_controllen is ENOBUFS. */
const INT_MAX = 0x7fffffff;
/** sizeof(struct sockaddr_storage): longer msg_namelen values are clamped to it. */
const SOCKADDR_STORAGE = 128;
/** Offsets in struct msghdr (riscv64). */
const MH_NAME = 0, MH_NAMELEN = 8, MH_IOV = 16, MH_IOVLEN = 24, MH_CONTROL = 32, MH_CONTROLLEN = 40, MH_FLAGS = 48;
/** Offset of msg_len in struct mmsghdr. */
const MMSG_LEN = 56;

/** struct msghdr as read from the guest (copy_msghdr_from_user). */
export interface MsgHdr {
  name: number;
  namelen: number;
  iov: number;
  iovlen: number;
  control: number;
  controllen: number;
}

/** Reads the struct msghdr at addr: a NULL name has length 0, a long one is clamped; -EINVAL for a negative one. */
export function readMsghdr(mem: GuestMemory, addr: number): MsgHdr | number {
  const name = mem.readU64(addr + MH_NAME);
  let namelen = mem.readI32(addr + MH_NAMELEN);
  if (name === 0) namelen = 0;
  if (namelen < 0) return -EINVAL;
  if (namelen > SOCKADDR_STORAGE) namelen = SOCKADDR_STORAGE;
  return {
    name, namelen, iov: mem.readU64(addr + MH_IOV), iovlen: mem.readU64(addr + MH_IOVLEN),
    control: mem.readU64(addr + MH_CONTROL), controllen: mem.readU64(addr + MH_CONTROLLEN),
  };
}

/** The caller as the SCM_CREDENTIALS and SCM_RIGHTS checks see it. */
function scmSender(t: Task): ScmSender {
  const c = t.tg.cred;
  return {
    pid: t.tgid, uids: [c.ruid, c.euid, c.suid], gids: [c.rgid, c.egid, c.sgid], privileged: privileged(t),
    pidExists: (pid) => t.kernel.tasks.has(pid),
    file: (fd) => t.files.get(fd),
  };
}

/** Sends buf (and an address and control data) on s with flags: the byte count, -errno or a sleep. */
function send(t: Task, r: Request, s: Socket, buf: UserBuf, addr: RawSockAddr | null, control: Uint8Array, flags: number): number | Blocked {
  const scm = parseScm(control, s.family, scmSender(t));
  if (typeof scm === 'number') return scm;
  const cred = sockCred(t);
  const m: SendMsg = {
    buf, addr, rights: scm.rights, cred: scm.cred ?? { pid: cred.pid, uid: cred.uid, gid: cred.gid },
    explicitCred: scm.cred !== null, flags, ctx: sockCtx(t),
  };
  return s.sendWithSigpipe(r, m);
}

/** send(2) of len bytes at addr on socket s with flags (io_uring's SEND): the count, -errno or a sleep. */
export function sendOn(t: Task, r: Request, s: Socket, addr: number, len: number, flags: number): number | Blocked {
  const buf = singleBuf(t.mm.mem, addr, Math.min(len, INT_MAX), false);
  if (typeof buf === 'number') return buf;
  return send(t, r, s, buf, null, new Uint8Array(0), flags);
}

/** recv(2) of up to len bytes into addr on socket s with flags (io_uring's RECV): the count, -errno or a sleep. */
export function recvOn(t: Task, r: Request, s: Socket, addr: number, len: number, flags: number): number | Blocked {
  const buf = singleBuf(t.mm.mem, addr, Math.min(len, INT_MAX), true);
  if (typeof buf === 'number') return buf;
  const m = recvMsgOf(buf, flags & ~MSG_CMSG_CLOEXEC);
  const n = s.recvmsg(r, m);
  if (n instanceof Blocked) return n;
  if (m.rights !== null) dropRights(m.rights);
  return n;
}

/** sendto(fd, buf, len, flags, addr, addrlen). */
function sysSendto(t: Task, a: SysArgs, r: Request): SysResult {
  const s = sockAt(t, a.int(0));
  if (typeof s === 'number') return s;
  const buf = singleBuf(t.mm.mem, a.addr(1), a.num(2) < 0 ? INT_MAX : a.num(2), false);
  if (typeof buf === 'number') return buf;
  let addr: RawSockAddr | null = null;
  if (a.addr(4) !== 0) {
    const raw = readRawSockaddr(t.mm.mem, a.addr(4), a.int(5));
    if (typeof raw === 'number') return raw;
    if (raw.bytes.length > 0) addr = raw;
  }
  return send(t, r, s, buf, addr, new Uint8Array(0), a.int(3));
}

/** Sends the message described by the struct msghdr at hdrAddr (sendmsg, one sendmmsg entry). */
export function sendHdr(t: Task, r: Request, s: Socket, hdrAddr: number, flags: number): number | Blocked {
  const mem = t.mm.mem;
  const h = readMsghdr(mem, hdrAddr);
  if (typeof h === 'number') return h;
  if (h.controllen > INT_MAX) return -ENOBUFS;
  if (h.controllen > OPTMEM_MAX) return -ENOBUFS;
  const buf = readIovec(mem, h.iov, h.iovlen, false);
  if (typeof buf === 'number') return buf;
  let addr: RawSockAddr | null = null;
  if (h.namelen > 0) {
    const raw = readRawSockaddr(mem, h.name, h.namelen);
    if (typeof raw === 'number') return raw;
    addr = raw;
  }
  const control = h.controllen === 0 ? new Uint8Array(0) : mem.read(h.control, h.controllen);
  return send(t, r, s, buf, addr, control, flags);
}

/** sendmsg(fd, msg, flags). */
function sysSendmsg(t: Task, a: SysArgs, r: Request): SysResult {
  const s = sockAt(t, a.int(0));
  if (typeof s === 'number') return s;
  return sendHdr(t, r, s, a.addr(1), a.int(2));
}

/**
 * Installs received descriptors in the caller's table (as many as fit in the control buffer and
 * the table) and adds SCM_RIGHTS; the rest are closed. Drops the in-flight references.
 */
function installRights(t: Task, cw: CmsgWriter, rights: readonly OpenFile[], cloexec: boolean): void {
  const room = cw.fdRoom();
  const fds: number[] = [];
  for (const f of rights) {
    if (fds.length >= room) break;
    const fd = t.files.install(f, cloexec, 0, nofileLimit(t));
    if (fd < 0) break;
    fds.push(fd);
  }
  cw.putRights(fds, rights.length);
  for (const f of rights) filePut(f);
}

/** Offset of iov_len in struct iovec. */
const IOV_LEN = 8;

/**
 * Receives into the message described by the struct msghdr at hdrAddr (recvmsg, one recvmmsg
 * entry). With select (io_uring's IOSQE_BUFFER_SELECT) the data goes to the buffer select returns
 * for the length of the msghdr's one iovec (0 without one; more than one is EINVAL), as
 * [address, length], or select's -errno.
 */
export function recvHdr(t: Task, r: Request, s: Socket, hdrAddr: number, flags: number,
  select?: (len: number) => [number, number] | number): number | Blocked {
  const mem = t.mm.mem;
  const h = readMsghdr(mem, hdrAddr);
  if (typeof h === 'number') return h;
  let buf: UserBuf | number;
  if (select === undefined) buf = readIovec(mem, h.iov, h.iovlen, true);
  else {
    if (h.iovlen > 1) return -EINVAL;
    let len = 0;
    try {
      if (h.iovlen === 1) len = mem.readU64(h.iov + IOV_LEN);
    } catch (e) {
      if (!(e instanceof GuestFaultError)) throw e;
      return -EFAULT;
    }
    const sel = select(len);
    buf = typeof sel === 'number' ? sel : singleBuf(mem, sel[0], sel[1], true);
  }
  if (typeof buf === 'number') return buf;
  const m = recvMsgOf(buf, flags & ~MSG_CMSG_CLOEXEC);
  const n = s.recvmsg(r, m);
  if (n instanceof Blocked || n < 0) return n;
  return finishRecv(t, s, m, n, hdrAddr, h, (flags & MSG_CMSG_CLOEXEC) !== 0);
}

/** Adds a receive's control messages to cw: credentials, descriptors (installed here), then the protocol's. */
export function putControl(t: Task, cw: CmsgWriter, m: RecvMsg, cloexec: boolean): void {
  if (m.cred !== null) cw.putCred(m.cred);
  if (m.rights !== null) installRights(t, cw, m.rights, cloexec);
  if (m.control !== null) for (const c of m.control) cw.put(c.level, c.type, c.data);
}

/** Writes a finished receive's name, control data and flags back to the struct msghdr at hdrAddr. */
function finishRecv(t: Task, s: Socket, m: RecvMsg, n: number, hdrAddr: number, h: MsgHdr, cloexec: boolean): number {
  const mem = t.mm.mem;
  try {
    if (h.name !== 0) {
      if (m.addr === null) mem.writeI32(hdrAddr + MH_NAMELEN, 0);
      else {
        const e = writeSockaddr(mem, h.name, hdrAddr + MH_NAMELEN, encodeSockaddr(m.addr, s.family));
        if (e < 0) { if (m.rights) dropRights(m.rights); return e; }
      }
    }
    const cw = new CmsgWriter(Math.min(h.controllen, INT_MAX));
    putControl(t, cw, m, cloexec);
    if (cw.used > 0) mem.write(h.control, cw.bytes());
    mem.writeU64(hdrAddr + MH_CONTROLLEN, cw.used);
    mem.writeI32(hdrAddr + MH_FLAGS, m.msgFlags | cw.flags);
  } catch (e) {
    if (!(e instanceof GuestFaultError)) throw e;
    return -EFAULT;
  }
  return n;
}

/** recvfrom(fd, buf, len, flags, addr, addrlen). */
function sysRecvfrom(t: Task, a: SysArgs, r: Request): SysResult {
  const s = sockAt(t, a.int(0));
  if (typeof s === 'number') return s;
  const buf = singleBuf(t.mm.mem, a.addr(1), a.num(2) < 0 ? INT_MAX : a.num(2), true);
  if (typeof buf === 'number') return buf;
  const m = recvMsgOf(buf, a.int(3) & ~MSG_CMSG_CLOEXEC);
  const n = s.recvmsg(r, m);
  if (n instanceof Blocked) return n;
  // recvfrom has no control buffer: received descriptors are closed (MSG_CTRUNC is not reported).
  if (m.rights !== null) dropRights(m.rights);
  if (n < 0) return n;
  if (a.addr(4) !== 0) {
    const e = writeSockaddr(t.mm.mem, a.addr(4), a.addr(5), m.addr === null ? new Uint8Array(0) : encodeSockaddr(m.addr, s.family));
    if (e < 0) return e;
  }
  return n;
}

/** recvmsg(fd, msg, flags). */
function sysRecvmsg(t: Task, a: SysArgs, r: Request): SysResult {
  const s = sockAt(t, a.int(0));
  if (typeof s === 'number') return s;
  return recvHdr(t, r, s, a.addr(1), a.int(2));
}

/** What sendmmsg and recvmmsg keep across sleeps: the messages done and recvmmsg's end time. */
interface MmsgState {
  count: number;
  endNs: bigint | null;
}

/**
 * Wraps the sleep of message i so that a signal returns the messages already done (and a
 * message in progress counts as done with its partial length), as Linux's mmsg loops do.
 */
function mmsgSleep(r: Request, b: Blocked, st: MmsgState, vec: number, mem: GuestMemory): Blocked {
  return r.block(b.queues, b.restart, (x) => {
    const v = b.onInterrupt ? b.onInterrupt(x) : -b.restart;
    if (v > 0) {
      mem.writeU32(vec + st.count * MMSGHDR_SIZE + MMSG_LEN, v);
      return st.count + 1;
    }
    return st.count > 0 ? st.count : v;
  });
}

/** sendmmsg(fd, vec, vlen, flags): the number of messages sent, or the first one's error. */
function sysSendmmsg(t: Task, a: SysArgs, r: Request): SysResult {
  const s = sockAt(t, a.int(0));
  if (typeof s === 'number') return s;
  const vec = a.addr(1), vlen = Math.min(a.u32(2), UIO_MAXIOV), flags = a.int(3);
  const st = (r.resumed ? r.state : null) as MmsgState | null ?? { count: 0, endNs: null };
  r.state = st;
  const mem = t.mm.mem;
  while (st.count < vlen) {
    const entry = vec + st.count * MMSGHDR_SIZE;
    const n = sendHdr(t, r, s, entry, st.count < vlen - 1 ? flags | MSG_BATCH : flags);
    if (n instanceof Blocked) return mmsgSleep(r, n, st, vec, mem);
    if (n < 0) return st.count > 0 ? st.count : n;
    mem.writeU32(entry + MMSG_LEN, n);
    st.count++;
    // The next message is a new transfer: nothing of it is done yet.
    r.progress = 0;
    r.resumed = false;
  }
  return st.count;
}

/**
 * recvmmsg(fd, vec, vlen, flags, timeout): the number of messages received. As in Linux, the
 * timeout is checked after each message (a receive that waits is not cut short by it), and the
 * time left is written back; an error after some messages is kept for the next call (sk_err).
 */
function sysRecvmmsg(t: Task, a: SysArgs, r: Request): SysResult {
  const s = sockAt(t, a.int(0));
  if (typeof s === 'number') return s;
  const vec = a.addr(1), vlen = Math.min(a.u32(2), UIO_MAXIOV), tsp = a.addr(4);
  let flags = a.int(3);
  const mem = t.mm.mem;
  let st = (r.resumed ? r.state : null) as MmsgState | null;
  if (st === null) {
    const rel = readTimeoutTimespec(t, tsp);
    if (typeof rel === 'number') return rel;
    st = { count: 0, endNs: rel === null ? null : t.kernel.monotonicNs() + rel };
  }
  r.state = st;
  const cloexec = (flags & MSG_CMSG_CLOEXEC) !== 0;
  while (st.count < vlen) {
    if (st.count > 0 && (flags & MSG_WAITFORONE)) flags |= MSG_DONTWAIT;
    const entry = vec + st.count * MMSGHDR_SIZE;
    const n = recvHdr(t, r, s, entry, cloexec ? flags | MSG_CMSG_CLOEXEC : flags);
    if (n instanceof Blocked) return mmsgSleep(r, n, st, vec, mem);
    if (n < 0) {
      if (st.count === 0) return n;
      if (n !== -EAGAIN) s.err = -n;
      break;
    }
    mem.writeU32(entry + MMSG_LEN, n);
    st.count++;
    r.progress = 0;
    r.resumed = false;
    if (st.endNs !== null && t.kernel.monotonicNs() >= st.endNs) break;
  }
  if (st.endNs !== null && tsp !== 0) {
    const left = st.endNs - t.kernel.monotonicNs();
    writeTimespec(mem, tsp, left > 0n ? left : 0n);
  }
  return st.count;
}

export const defs: SyscallDef[] = [
  {
    nr: 206, name: 'sendto', handler: sysSendto, status: 'full',
    args: ['fd', 'bufin', 'size', 'msgflags', 'sockaddr', 'int'],
  },
  {
    nr: 207, name: 'recvfrom', handler: sysRecvfrom, status: 'full',
    args: ['fd', 'bufout', 'size', 'msgflags', 'sockaddrout', 'socklenptr'],
  },
  {
    nr: 211, name: 'sendmsg', handler: sysSendmsg, status: 'partial',
    note: 'SCM_RIGHTS and SCM_CREDENTIALS; no MSG_OOB, MSG_ZEROCOPY or IP-level control messages',
    args: ['fd', 'msghdr', 'msgflags'],
  },
  {
    nr: 212, name: 'recvmsg', handler: sysRecvmsg, status: 'partial',
    note: 'SCM_RIGHTS (MSG_CMSG_CLOEXEC), SCM_CREDENTIALS and IP(V6)_ORIGDSTADDR; no MSG_OOB, MSG_ERRQUEUE or timestamps',
    args: ['fd', 'msghdrout', 'msgflags'],
  },
  {
    nr: 269, name: 'sendmmsg', handler: sysSendmmsg, status: 'full',
    args: ['fd', 'ptr', 'uint', 'msgflags'],
  },
  {
    nr: 243, name: 'recvmmsg', handler: sysRecvmmsg, status: 'full',
    note: 'the timeout is checked after each message, as in Linux',
    args: ['fd', 'ptr', 'uint', 'msgflags', 'ptr'],
  },
];
