// The socket calls that make, name and connect sockets: socket, socketpair, bind, listen,
// accept, accept4, connect, getsockname, getpeername, shutdown, setsockopt and getsockopt.
// The data calls are in socket_msg.ts; the sockets themselves in kernel/net/.
import { EAFNOSUPPORT, EBADF, EFAULT, EINVAL, ENOTSOCK, EOPNOTSUPP, EPROTONOSUPPORT, ESOCKTNOSUPPORT } from '../../abi/errno.js';
import { GuestFaultError, PROT_WRITE } from '../../mem/guest_memory.js';
import {
  AF_INET, AF_INET6, AF_MAX, AF_UNIX, SOCK_CLOEXEC, SOCK_NONBLOCK, SOCK_TYPE_MASK, SOL_SOCKET,
} from '../net/abi.js';
import type { NetNs } from '../net/netns.js';
import { readRawSockaddr, encodeSockaddr, writeSockaddr } from '../net/sockaddr.js';
import { type SockCred, type SockCtx, Socket } from '../net/socket.js';
import { getSolSocket, setSolSocket } from '../net/sockopt.js';
import { UnixSocket, unixSocketpair, unixType } from '../net/unix.js';
import type { Blocked, Request } from '../request.js';
import type { Task } from '../task.js';
import { O_NONBLOCK } from '../vfs/constants.js';
import { taskSockCred } from '../net/task_cred.js';
import { nofileLimit, pathCtx } from './fs_common.js';
import { privileged } from './proc_state.js';
import type { SysArgs, SysResult, SyscallDef } from './types.js';

/** One past the largest socket type (SOCK_MAX = SOCK_PACKET + 1, include/linux/net.h). */
const SOCK_MAX = 11;
/** PF_UNIX as a protocol number: the one non-zero protocol AF_UNIX accepts. */
const PF_UNIX = 1;

/** Returns the kernel's network namespace. */
export function netOf(t: Task): NetNs {
  return t.kernel.net;
}

/** The caller's ids as the socket layer sees them: pid, real and effective uid and gid. */
export function sockCred(t: Task): SockCred {
  return taskSockCred(t);
}

/** The caller's context for a socket call: credentials and AF_UNIX path resolution. */
export function sockCtx(t: Task): SockCtx {
  const vfs = t.kernel.vfs;
  return {
    cred: sockCred(t),
    paths: {
      mknod: (p) => vfs.mknodSocket(pathCtx(t), p),
      find: (p) => vfs.findSocket(pathCtx(t), p),
      unlink: (p) => { vfs.unlink(pathCtx(t), p); },
    },
  };
}

/** The socket at fd: -EBADF if fd is not open, -ENOTSOCK if it is not a socket. */
export function sockAt(t: Task, fd: number): Socket | number {
  const f = t.files.get(fd);
  if (f === undefined) return -EBADF;
  return f instanceof Socket ? f : -ENOTSOCK;
}

/** Checks socket()'s type word: the type, or -EINVAL for unknown flag bits or an out-of-range type. */
function splitType(word: number): { type: number; nonblock: boolean; cloexec: boolean } | number {
  const type = word & SOCK_TYPE_MASK;
  const flags = word & ~SOCK_TYPE_MASK;
  if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) return -EINVAL;
  if (type < 0 || type >= SOCK_MAX || word < 0) return -EINVAL;
  return { type, nonblock: (flags & SOCK_NONBLOCK) !== 0, cloexec: (flags & SOCK_CLOEXEC) !== 0 };
}

/** Makes a socket of (family, type, protocol) (__sock_create and the families' create). */
function createSocket(t: Task, family: number, type: number, protocol: number): Socket | number {
  if (family < 0 || family >= AF_MAX) return -EAFNOSUPPORT;
  const ns = netOf(t);
  const cred = sockCred(t);
  if (family === AF_UNIX) {
    if (protocol !== 0 && protocol !== PF_UNIX) return -EPROTONOSUPPORT;
    const ut = unixType(type);
    if (ut < 0) return -ESOCKTNOSUPPORT;
    return new UnixSocket(ns.unix, ut, ns, cred);
  }
  if (family === AF_INET || family === AF_INET6) return ns.inet.create(family, type, protocol, ns, cred, privileged(t));
  return -EAFNOSUPPORT;
}

/** Installs s as a new fd with the socket flags; closes it again if the table is full. */
export function installSocket(t: Task, s: Socket, nonblock: boolean, cloexec: boolean): number {
  if (nonblock) s.flags |= O_NONBLOCK;
  const fd = t.files.install(s, cloexec, 0, nofileLimit(t));
  if (fd < 0) s.release();
  return fd;
}

/** A new socket for socket(domain, typeWord, protocol), with the type word's flags, not installed yet; or -errno. */
export function newSocket(t: Task, domain: number, typeWord: number, protocol: number): { s: Socket; nonblock: boolean; cloexec: boolean } | number {
  const tw = splitType(typeWord);
  if (typeof tw === 'number') return tw;
  const s = createSocket(t, domain, tw.type, protocol);
  if (typeof s === 'number') return s;
  return { s, nonblock: tw.nonblock, cloexec: tw.cloexec };
}

/** socket(domain, type, protocol): a new socket fd or -errno. */
function sysSocket(t: Task, a: SysArgs): SysResult {
  const n = newSocket(t, a.int(0), a.int(1), a.int(2));
  if (typeof n === 'number') return n;
  return installSocket(t, n.s, n.nonblock, n.cloexec);
}

/** socketpair(domain, type, protocol, sv): two connected AF_UNIX sockets in int sv[2]. */
function sysSocketpair(t: Task, a: SysArgs): SysResult {
  const family = a.int(0);
  const tw = splitType(a.int(1));
  if (typeof tw === 'number') return tw;
  const protocol = a.int(2);
  const sv = a.addr(3);
  if (family < 0 || family >= AF_MAX) return -EAFNOSUPPORT;
  if (family === AF_INET || family === AF_INET6) {
    // inet_create runs first (so a bad type or protocol is reported), then socketpair is refused.
    const probe = createSocket(t, family, tw.type, protocol);
    if (typeof probe === 'number') return probe;
    probe.release();
    return -EOPNOTSUPP;
  }
  if (family !== AF_UNIX) return -EAFNOSUPPORT;
  if (protocol !== 0 && protocol !== PF_UNIX) return -EPROTONOSUPPORT;
  const ut = unixType(tw.type);
  if (ut < 0) return -ESOCKTNOSUPPORT;
  if (!t.mm.mem.accessible(sv, 8, PROT_WRITE)) return -EFAULT;
  const ns = netOf(t);
  const [x, y] = unixSocketpair(ns.unix, ut, ns, sockCred(t));
  const fx = installSocket(t, x, tw.nonblock, tw.cloexec);
  if (fx < 0) { y.release(); return fx; }
  const fy = installSocket(t, y, tw.nonblock, tw.cloexec);
  if (fy < 0) { t.files.close(fx); return fy; }
  t.mm.mem.writeI32(sv, fx);
  t.mm.mem.writeI32(sv + 4, fy);
  return 0;
}

/** bind(fd, addr, addrlen). */
function sysBind(t: Task, a: SysArgs, r: Request): SysResult {
  const s = sockAt(t, a.int(0));
  if (typeof s === 'number') return s;
  const raw = readRawSockaddr(t.mm.mem, a.addr(1), a.int(2));
  if (typeof raw === 'number') return raw;
  return s.bind(r, raw, sockCtx(t));
}

/** listen(fd, backlog). */
function sysListen(t: Task, a: SysArgs, r: Request): SysResult {
  const s = sockAt(t, a.int(0));
  if (typeof s === 'number') return s;
  return s.listen(r, a.int(1), sockCtx(t));
}

/** connect(fd, addr, addrlen). */
function sysConnect(t: Task, a: SysArgs, r: Request): SysResult {
  const s = sockAt(t, a.int(0));
  if (typeof s === 'number') return s;
  const raw = readRawSockaddr(t.mm.mem, a.addr(1), a.int(2));
  if (typeof raw === 'number') return raw;
  return s.connect(r, raw, sockCtx(t));
}

/**
 * accept4(fd, addr, addrlen, flags): the connection's fd. The peer address is written after the
 * connection is taken; if that faults, the connection is closed and the call fails with EFAULT.
 */
function sysAccept4(t: Task, a: SysArgs, r: Request, withFlags: boolean): SysResult {
  const flags = withFlags ? a.int(3) : 0;
  if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) return -EINVAL;
  const s = sockAt(t, a.int(0));
  if (typeof s === 'number') return s;
  const res = acceptOn(t, r, s, a.addr(1), a.addr(2));
  if (!(res instanceof Socket)) return res;
  return installSocket(t, res, (flags & SOCK_NONBLOCK) !== 0, (flags & SOCK_CLOEXEC) !== 0);
}

/**
 * Takes a connection from the listening socket s and writes its peer address to addr (with
 * the length at lenAddr) if addr is not NULL: the new socket, not installed yet (io_uring's
 * ACCEPT installs it itself); -errno, or a sleep.
 */
export function acceptOn(t: Task, r: Request, s: Socket, addr: number, lenAddr: number): Socket | number | Blocked {
  const res = s.accept(r, sockCtx(t));
  if (typeof res === 'number' || !(res instanceof Socket)) return res as number | Blocked;
  if (addr !== 0) {
    const peer = res.peerName();
    try {
      const e = writeSockaddr(t.mm.mem, addr, lenAddr, encodeSockaddr(typeof peer === 'number' ? null : peer, res.family));
      if (e < 0) { res.release(); return e; }
    } catch (e) {
      if (!(e instanceof GuestFaultError)) throw e;
      res.release();
      return -EFAULT;
    }
  }
  return res;
}

/** getsockname(fd, addr, addrlen) and getpeername. */
function sysGetName(t: Task, a: SysArgs, peer: boolean): SysResult {
  const s = sockAt(t, a.int(0));
  if (typeof s === 'number') return s;
  const name = peer ? s.peerName() : s.localName();
  if (typeof name === 'number') return name;
  return writeSockaddr(t.mm.mem, a.addr(1), a.addr(2), encodeSockaddr(name, s.family));
}

/** shutdown(fd, how). */
function sysShutdown(t: Task, a: SysArgs): SysResult {
  const s = sockAt(t, a.int(0));
  if (typeof s === 'number') return s;
  return s.shutdownSock(a.int(1));
}

/** setsockopt(fd, level, name, optval, optlen). */
function sysSetsockopt(t: Task, a: SysArgs): SysResult {
  const s = sockAt(t, a.int(0));
  if (typeof s === 'number') return s;
  const level = a.int(1), name = a.int(2), optlen = a.int(4);
  if (optlen < 0) return -EINVAL;
  const val = optlen === 0 ? new Uint8Array(0) : t.mm.mem.read(a.addr(3), optlen);
  if (level === SOL_SOCKET) return setSolSocket(s, name, val, privileged(t));
  return s.setProtoOpt(level, name, val, privileged(t));
}

/** getsockopt(fd, level, name, optval, optlen): copies at most *optlen bytes and stores the length used. */
function sysGetsockopt(t: Task, a: SysArgs): SysResult {
  const s = sockAt(t, a.int(0));
  if (typeof s === 'number') return s;
  const level = a.int(1), name = a.int(2), valAddr = a.addr(3), lenAddr = a.addr(4);
  const mem = t.mm.mem;
  const len = mem.readI32(lenAddr);
  if (len < 0) return -EINVAL;
  const v = level === SOL_SOCKET ? getSolSocket(s, name) : s.getProtoOpt(level, name);
  if (typeof v === 'number') return v;
  const n = Math.min(len, v.length);
  if (n > 0) mem.write(valAddr, v.subarray(0, n));
  mem.writeI32(lenAddr, n);
  return 0;
}

export const defs: SyscallDef[] = [
  {
    nr: 198, name: 'socket', handler: sysSocket, status: 'partial',
    note: 'AF_UNIX (stream, datagram, seqpacket), AF_INET and AF_INET6 (TCP, UDP); no raw, packet or netlink sockets',
    args: ['sockfamily', 'socktype', 'int'],
  },
  {
    nr: 199, name: 'socketpair', handler: sysSocketpair, status: 'full', note: 'AF_UNIX only, as in Linux',
    args: ['sockfamily', 'socktype', 'int', 'fdpair'],
  },
  { nr: 200, name: 'bind', handler: sysBind, status: 'full', args: ['fd', 'sockaddr', 'int'] },
  { nr: 201, name: 'listen', handler: sysListen, status: 'full', args: ['fd', 'int'] },
  {
    nr: 202, name: 'accept', handler: (t, a, r) => sysAccept4(t, a, r, false), status: 'full',
    args: ['fd', 'sockaddrout', 'socklenptr'],
  },
  {
    nr: 242, name: 'accept4', handler: (t, a, r) => sysAccept4(t, a, r, true), status: 'full',
    args: ['fd', 'sockaddrout', 'socklenptr', 'sockflags'],
  },
  { nr: 203, name: 'connect', handler: sysConnect, status: 'full', args: ['fd', 'sockaddr', 'int'] },
  {
    nr: 204, name: 'getsockname', handler: (t, a) => sysGetName(t, a, false), status: 'full',
    args: ['fd', 'sockaddrout', 'socklenptr'],
  },
  {
    nr: 205, name: 'getpeername', handler: (t, a) => sysGetName(t, a, true), status: 'full',
    args: ['fd', 'sockaddrout', 'socklenptr'],
  },
  { nr: 210, name: 'shutdown', handler: sysShutdown, status: 'full', args: ['fd', 'shuthow'] },
  {
    nr: 208, name: 'setsockopt', handler: sysSetsockopt, status: 'partial',
    note: 'common SOL_SOCKET, IPPROTO_TCP, IPPROTO_IP and IPPROTO_IPV6 options; no BPF filters, SO_PEEK_OFF or timestamps',
    args: ['fd', 'sockoptlevel', 'sockoptname', 'sockoptval', 'int'],
  },
  {
    nr: 209, name: 'getsockopt', handler: sysGetsockopt, status: 'partial',
    note: 'as setsockopt; SO_PEERSEC and SO_PEERGROUPS give ENOPROTOOPT',
    args: ['fd', 'sockoptlevel', 'sockoptname', 'sockoptvalout', 'socklenptr'],
  },
];
