// SOL_SOCKET options (Linux's sk_setsockopt and sk_getsockopt): the buffer sizes, timeouts,
// flags and queries every socket has. Protocol levels (IPPROTO_TCP, IPPROTO_IP, ...) are the
// socket family's (Socket.getProtoOpt / setProtoOpt).
import { EACCES, EDOM, EINVAL, ENODEV, ENOPROTOOPT, EOPNOTSUPP, EPERM } from '../../abi/errno.js';
import {
  AF_INET, AF_INET6, LINGER_SIZE, SO_ACCEPTCONN, SO_BINDTODEVICE, SO_BROADCAST, SO_BSDCOMPAT, SO_COOKIE,
  SO_DEBUG, SO_DOMAIN, SO_DONTROUTE, SO_ERROR, SO_INCOMING_CPU, SO_KEEPALIVE, SO_LINGER, SO_MARK, SO_NO_CHECK,
  SO_OOBINLINE, SO_PASSCRED, SO_PEEK_OFF, SO_PEERCRED, SO_PRIORITY, SO_PROTOCOL, SO_RCVBUF, SO_RCVBUFFORCE,
  SO_RCVLOWAT, SO_RCVTIMEO_NEW, SO_RCVTIMEO_OLD, SO_REUSEADDR, SO_REUSEPORT, SO_SNDBUF, SO_SNDBUFFORCE,
  SO_SNDLOWAT, SO_SNDTIMEO_NEW, SO_SNDTIMEO_OLD, SO_TYPE, TCP_LISTEN, TIMEVAL_SIZE, UCRED_SIZE,
} from './abi.js';
import {
  MAX_SCHEDULE_TIMEOUT, SK_RMEM_MAX, SK_WMEM_MAX, SOCK_MIN_RCVBUF, SOCK_MIN_SNDBUF, SOCK_TIMEO_HZ, type Socket,
} from './socket.js';

/** The id SO_PEERCRED reports without a peer ((uid_t)-1, as cred_to_ucred leaves it). */
const NO_PEER_ID = 0xffffffff;
/** Largest priority an unprivileged caller may set (TC_PRIO_INTERACTIVE). */
const TC_PRIO_MAX_UNPRIVILEGED = 6;
/** INT_MAX: what a negative SO_RCVLOWAT becomes. */
const INT_MAX = 0x7fffffff;
/** Microseconds per second, for struct timeval. */
const USEC_PER_SEC = 1_000_000;
/** The only interface ecall's sockets can be bound to: the loopback device. */
const LOOPBACK_IFNAME = 'lo';
/** IFNAMSIZ: the longest interface name SO_BINDTODEVICE reads. */
const IFNAMSIZ = 16;

/** Returns a 4-byte native int. */
export function intBytes(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, v | 0, true);
  return b;
}

/** Reads the int an option value starts with. */
export function readInt(val: Uint8Array): number {
  return new DataView(val.buffer, val.byteOffset, val.byteLength).getInt32(0, true);
}

/** A timeout in jiffies as struct timeval (sock_get_timeout). */
function timevalBytes(timeo: number): Uint8Array {
  const b = new Uint8Array(TIMEVAL_SIZE);
  if (timeo === MAX_SCHEDULE_TIMEOUT) return b;
  const dv = new DataView(b.buffer);
  dv.setBigInt64(0, BigInt(Math.floor(timeo / SOCK_TIMEO_HZ)), true);
  dv.setBigInt64(8, BigInt(Math.floor(((timeo % SOCK_TIMEO_HZ) * USEC_PER_SEC) / SOCK_TIMEO_HZ)), true);
  return b;
}

/** struct timeval -> jiffies (sock_set_timeout): -EINVAL if short, -EDOM for bad microseconds. */
function timevalToJiffies(val: Uint8Array): number {
  if (val.length < TIMEVAL_SIZE) return -EINVAL;
  const dv = new DataView(val.buffer, val.byteOffset, val.byteLength);
  const sec = dv.getBigInt64(0, true);
  const usec = dv.getBigInt64(8, true);
  if (usec < 0n || usec >= BigInt(USEC_PER_SEC)) return -EDOM;
  if (sec < 0n) return 0;
  if (sec === 0n && usec === 0n) return MAX_SCHEDULE_TIMEOUT;
  if (sec >= BigInt(Math.floor(MAX_SCHEDULE_TIMEOUT / SOCK_TIMEO_HZ) - 1)) return MAX_SCHEDULE_TIMEOUT;
  const perJiffy = BigInt(USEC_PER_SEC / SOCK_TIMEO_HZ);
  return Number(sec) * SOCK_TIMEO_HZ + Number((usec + perJiffy - 1n) / perJiffy);
}

/** True for the families whose sockets allow SO_REUSEPORT (sk_is_inet). */
function isInet(s: Socket): boolean {
  return s.family === AF_INET || s.family === AF_INET6;
}

/**
 * getsockopt(SOL_SOCKET, name): the option's value as bytes (the caller copies at most optlen of
 * them and reports how many), or -errno (ENOPROTOOPT for an unknown option).
 */
export function getSolSocket(s: Socket, name: number): Uint8Array | number {
  switch (name) {
    case SO_DEBUG: return intBytes(s.debug ? 1 : 0);
    case SO_DONTROUTE: return intBytes(s.dontroute ? 1 : 0);
    case SO_BROADCAST: return intBytes(s.broadcast ? 1 : 0);
    case SO_SNDBUF: return intBytes(s.sndbuf);
    case SO_RCVBUF: return intBytes(s.rcvbuf);
    case SO_REUSEADDR: return intBytes(s.reuseaddr ? 1 : 0);
    case SO_REUSEPORT: return intBytes(s.reuseport ? 1 : 0);
    case SO_KEEPALIVE: return intBytes(s.keepalive ? 1 : 0);
    case SO_TYPE: return intBytes(s.type);
    case SO_PROTOCOL: return intBytes(s.protocol);
    case SO_DOMAIN: return intBytes(s.family);
    case SO_ERROR: return intBytes(-s.takeError());
    case SO_OOBINLINE: return intBytes(s.oobinline ? 1 : 0);
    case SO_NO_CHECK: return intBytes(s.nocheck ? 1 : 0);
    case SO_PRIORITY: return intBytes(s.priority);
    case SO_LINGER: {
      const b = new Uint8Array(LINGER_SIZE);
      const dv = new DataView(b.buffer);
      dv.setInt32(0, s.linger.onoff, true);
      dv.setInt32(4, s.linger.secs, true);
      return b;
    }
    case SO_BSDCOMPAT: return intBytes(0);
    case SO_PASSCRED: return intBytes(s.passcred ? 1 : 0);
    case SO_PEERCRED: {
      const c = s.peerCred();
      const b = new Uint8Array(UCRED_SIZE);
      const dv = new DataView(b.buffer);
      dv.setInt32(0, c?.pid ?? 0, true);
      dv.setUint32(4, c?.uid ?? NO_PEER_ID, true);
      dv.setUint32(8, c?.gid ?? NO_PEER_ID, true);
      return b;
    }
    case SO_RCVLOWAT: return intBytes(s.rcvlowat);
    case SO_SNDLOWAT: return intBytes(1);
    case SO_RCVTIMEO_OLD: case SO_RCVTIMEO_NEW: return timevalBytes(s.rcvtimeo);
    case SO_SNDTIMEO_OLD: case SO_SNDTIMEO_NEW: return timevalBytes(s.sndtimeo);
    case SO_ACCEPTCONN: return intBytes(s.state === TCP_LISTEN ? 1 : 0);
    case SO_MARK: return intBytes(s.mark);
    case SO_PEEK_OFF: return intBytes(-1);
    case SO_INCOMING_CPU: return intBytes(-1);
    case SO_COOKIE: {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigUint64(0, BigInt(s.ino), true);
      return b;
    }
    case SO_BINDTODEVICE: return s.boundDevice === '' ? new Uint8Array(0) : new TextEncoder().encode(s.boundDevice + '\0');
    default: return -ENOPROTOOPT;
  }
}

/**
 * setsockopt(SOL_SOCKET, name, val): 0 or -errno. `privileged` stands for CAP_NET_ADMIN and
 * CAP_NET_RAW (uid 0).
 */
export function setSolSocket(s: Socket, name: number, val: Uint8Array, privileged: boolean): number {
  if (name === SO_BINDTODEVICE) return setBindToDevice(s, val, privileged);
  if (name === SO_RCVTIMEO_OLD || name === SO_RCVTIMEO_NEW || name === SO_SNDTIMEO_OLD || name === SO_SNDTIMEO_NEW) {
    const j = timevalToJiffies(val);
    if (j < 0) return j;
    if (name === SO_RCVTIMEO_OLD || name === SO_RCVTIMEO_NEW) s.rcvtimeo = j;
    else s.sndtimeo = j;
    return 0;
  }
  if (name === SO_LINGER) {
    if (val.length < LINGER_SIZE) return -EINVAL;
    const dv = new DataView(val.buffer, val.byteOffset, val.byteLength);
    const onoff = dv.getInt32(0, true), secs = dv.getInt32(4, true);
    s.linger = onoff === 0 ? { onoff: 0, secs: s.linger.secs } : { onoff: 1, secs };
    return 0;
  }
  if (val.length < 4) return -EINVAL;
  const v = readInt(val);
  const on = v !== 0;
  switch (name) {
    case SO_DEBUG:
      if (on && !privileged) return -EACCES;
      s.debug = on;
      return 0;
    case SO_REUSEADDR: s.reuseaddr = on; return 0;
    case SO_REUSEPORT:
      if (on && !isInet(s)) return -EOPNOTSUPP;
      s.reuseport = on;
      return 0;
    case SO_DONTROUTE: s.dontroute = on; return 0;
    case SO_BROADCAST: s.broadcast = on; return 0;
    case SO_SNDBUF: case SO_SNDBUFFORCE: {
      if (name === SO_SNDBUFFORCE && !privileged) return -EPERM;
      const want = name === SO_SNDBUFFORCE ? Math.max(v, 0) : Math.min(v >>> 0, SK_WMEM_MAX);
      s.sndbuf = Math.max(want * 2, SOCK_MIN_SNDBUF);
      s.wake(); // writers may have room now
      return 0;
    }
    case SO_RCVBUF: case SO_RCVBUFFORCE: {
      if (name === SO_RCVBUFFORCE && !privileged) return -EPERM;
      const want = name === SO_RCVBUFFORCE ? Math.max(v, 0) : Math.min(v >>> 0, SK_RMEM_MAX);
      s.rcvbuf = Math.max(want * 2, SOCK_MIN_RCVBUF);
      s.rcvbufChanged();
      return 0;
    }
    case SO_KEEPALIVE:
      s.keepalive = on;
      s.keepaliveChanged();
      return 0;
    case SO_OOBINLINE: s.oobinline = on; return 0;
    case SO_NO_CHECK: s.nocheck = on; return 0;
    case SO_PRIORITY:
      if ((v < 0 || v > TC_PRIO_MAX_UNPRIVILEGED) && !privileged) return -EPERM;
      s.priority = v;
      return 0;
    case SO_PASSCRED: s.passcred = on; return 0;
    case SO_RCVLOWAT:
      s.rcvlowat = v < 0 ? INT_MAX : v === 0 ? 1 : v;
      return 0;
    case SO_MARK:
      if (!privileged) return -EPERM;
      s.mark = v >>> 0;
      return 0;
    case SO_BSDCOMPAT: return 0;
    case SO_PEEK_OFF: return -EOPNOTSUPP;
    default: return -ENOPROTOOPT;
  }
}

/** SO_BINDTODEVICE: "" unbinds; "lo" is the only device there is (ENODEV otherwise). */
function setBindToDevice(s: Socket, val: Uint8Array, privileged: boolean): number {
  if (!privileged) return -EPERM;
  const n = Math.min(val.length, IFNAMSIZ - 1);
  let end = val.subarray(0, n).indexOf(0);
  if (end < 0) end = n;
  const name = new TextDecoder().decode(val.subarray(0, end));
  if (name !== '' && name !== LOOPBACK_IFNAME) return -ENODEV;
  s.boundDevice = name;
  return 0;
}
