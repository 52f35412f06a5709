// --strace argument formats of the socket calls, in strace(1)'s style: address families and
// types, socket addresses ({sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("...")}),
// option levels and names, MSG_* flags and struct msghdr with its iovecs and control messages.
import type { GuestMemory } from '../mem/guest_memory.js';
import {
  AF_INET, AF_INET6, AF_UNIX, CMSGHDR_SIZE, SA_FAMILY_SIZE, SCM_CREDENTIALS, SCM_RIGHTS, SOCK_CLOEXEC,
  SOCK_NONBLOCK, SOCK_TYPE_MASK, SOL_IP, SOL_IPV6, SOL_SOCKET, SOL_TCP, SOL_UDP,
} from './net/abi.js';
import { decodeIn, decodeIn6, ipText } from './net/sockaddr.js';

/** strace's default string length (-s 32). */
const STRLEN = 32;
/** Most iovecs and control messages shown before "...". */
const MAX_ELEMS = 8;

const FAMILIES: Record<number, string> = { 0: 'AF_UNSPEC', 1: 'AF_UNIX', 2: 'AF_INET', 10: 'AF_INET6', 16: 'AF_NETLINK', 17: 'AF_PACKET' };
const TYPES: Record<number, string> = { 1: 'SOCK_STREAM', 2: 'SOCK_DGRAM', 3: 'SOCK_RAW', 4: 'SOCK_RDM', 5: 'SOCK_SEQPACKET', 6: 'SOCK_DCCP', 10: 'SOCK_PACKET' };
const LEVELS: Record<number, string> = { [SOL_SOCKET]: 'SOL_SOCKET', [SOL_IP]: 'SOL_IP', [SOL_TCP]: 'SOL_TCP', [SOL_UDP]: 'SOL_UDP', [SOL_IPV6]: 'SOL_IPV6' };
const SO_NAMES: Record<number, string> = {
  1: 'SO_DEBUG', 2: 'SO_REUSEADDR', 3: 'SO_TYPE', 4: 'SO_ERROR', 5: 'SO_DONTROUTE', 6: 'SO_BROADCAST', 7: 'SO_SNDBUF',
  8: 'SO_RCVBUF', 9: 'SO_KEEPALIVE', 10: 'SO_OOBINLINE', 11: 'SO_NO_CHECK', 12: 'SO_PRIORITY', 13: 'SO_LINGER',
  14: 'SO_BSDCOMPAT', 15: 'SO_REUSEPORT', 16: 'SO_PASSCRED', 17: 'SO_PEERCRED', 18: 'SO_RCVLOWAT', 19: 'SO_SNDLOWAT',
  20: 'SO_RCVTIMEO_OLD', 21: 'SO_SNDTIMEO_OLD', 25: 'SO_BINDTODEVICE', 28: 'SO_PEERNAME', 29: 'SO_TIMESTAMP_OLD',
  30: 'SO_ACCEPTCONN', 31: 'SO_PEERSEC', 32: 'SO_SNDBUFFORCE', 33: 'SO_RCVBUFFORCE', 34: 'SO_PASSSEC', 36: 'SO_MARK',
  38: 'SO_PROTOCOL', 39: 'SO_DOMAIN', 42: 'SO_PEEK_OFF', 49: 'SO_INCOMING_CPU', 57: 'SO_COOKIE', 59: 'SO_PEERGROUPS',
  66: 'SO_RCVTIMEO_NEW', 67: 'SO_SNDTIMEO_NEW',
};
const TCP_NAMES: Record<number, string> = {
  1: 'TCP_NODELAY', 2: 'TCP_MAXSEG', 3: 'TCP_CORK', 4: 'TCP_KEEPIDLE', 5: 'TCP_KEEPINTVL', 6: 'TCP_KEEPCNT',
  7: 'TCP_SYNCNT', 8: 'TCP_LINGER2', 9: 'TCP_DEFER_ACCEPT', 10: 'TCP_WINDOW_CLAMP', 11: 'TCP_INFO', 12: 'TCP_QUICKACK',
  18: 'TCP_USER_TIMEOUT', 25: 'TCP_NOTSENT_LOWAT',
};
const IP_NAMES: Record<number, string> = {
  1: 'IP_TOS', 2: 'IP_TTL', 3: 'IP_HDRINCL', 8: 'IP_PKTINFO', 10: 'IP_MTU_DISCOVER', 11: 'IP_RECVERR', 12: 'IP_RECVTTL',
  13: 'IP_RECVTOS', 14: 'IP_MTU', 15: 'IP_FREEBIND', 24: 'IP_BIND_ADDRESS_NO_PORT', 33: 'IP_MULTICAST_TTL', 34: 'IP_MULTICAST_LOOP',
};
const IPV6_NAMES: Record<number, string> = {
  16: 'IPV6_UNICAST_HOPS', 18: 'IPV6_MULTICAST_HOPS', 19: 'IPV6_MULTICAST_LOOP', 26: 'IPV6_V6ONLY', 49: 'IPV6_RECVPKTINFO',
  67: 'IPV6_TCLASS',
};
const MSG_FLAGS: [number, string][] = [
  [0x1, 'MSG_OOB'], [0x2, 'MSG_PEEK'], [0x4, 'MSG_DONTROUTE'], [0x8, 'MSG_CTRUNC'], [0x10, 'MSG_PROXY'],
  [0x20, 'MSG_TRUNC'], [0x40, 'MSG_DONTWAIT'], [0x80, 'MSG_EOR'], [0x100, 'MSG_WAITALL'], [0x200, 'MSG_FIN'],
  [0x400, 'MSG_SYN'], [0x800, 'MSG_CONFIRM'], [0x1000, 'MSG_RST'], [0x2000, 'MSG_ERRQUEUE'], [0x4000, 'MSG_NOSIGNAL'],
  [0x8000, 'MSG_MORE'], [0x10000, 'MSG_WAITFORONE'], [0x40000, 'MSG_BATCH'], [0x20000000, 'MSG_FASTOPEN'],
  [0x40000000, 'MSG_CMSG_CLOEXEC'],
];

/** Formats a bit set with names, the rest in hex; zero is "0". */
function bits(v: number, table: [number, string][]): string {
  const parts: string[] = [];
  let rest = v >>> 0;
  for (const [b, n] of table) if ((rest & b) === b) { parts.push(n); rest = (rest & ~b) >>> 0; }
  if (rest !== 0) parts.push('0x' + rest.toString(16));
  return parts.length > 0 ? parts.join('|') : '0';
}

/** AF_INET, AF_UNIX... or the number. */
export function familyText(v: number): string {
  return FAMILIES[v] ?? String(v);
}

/** SOCK_STREAM|SOCK_CLOEXEC and the like. */
export function sockTypeText(v: number): string {
  const t = TYPES[v & SOCK_TYPE_MASK] ?? String(v & SOCK_TYPE_MASK);
  const f = sockFlagsText(v & ~SOCK_TYPE_MASK);
  return f === '0' ? t : `${t}|${f}`;
}

/** SOCK_CLOEXEC|SOCK_NONBLOCK, or 0. */
export function sockFlagsText(v: number): string {
  return bits(v, [[SOCK_CLOEXEC, 'SOCK_CLOEXEC'], [SOCK_NONBLOCK, 'SOCK_NONBLOCK']]);
}

/** MSG_* flags. */
export function msgFlagsText(v: number): string {
  return bits(v, MSG_FLAGS);
}

/** SHUT_RD, SHUT_WR or SHUT_RDWR. */
export function shutHowText(v: number): string {
  return ['SHUT_RD', 'SHUT_WR', 'SHUT_RDWR'][v] ?? String(v);
}

/** The option level's name. */
export function levelText(v: number): string {
  return LEVELS[v] ?? String(v);
}

/** The option's name at its level. */
export function optNameText(level: number, v: number): string {
  const t = level === SOL_SOCKET ? SO_NAMES : level === SOL_TCP ? TCP_NAMES : level === SOL_IP ? IP_NAMES
    : level === SOL_IPV6 ? IPV6_NAMES : {};
  return t[v] ?? String(v);
}

/** Quotes bytes the way strace.ts does (passed in to keep one implementation). */
export type Quote = (b: Uint8Array, max?: number) => string;

/** A socket address of len bytes: {sa_family=AF_UNIX, sun_path="/tmp/s"}, ... */
export function sockaddrText(mem: GuestMemory, addr: number, len: number, quote: Quote): string {
  if (addr === 0) return 'NULL';
  if (len <= 0) return '{}';
  const b = mem.read(addr, Math.min(len, 128));
  if (b.length < SA_FAMILY_SIZE) return '{sa_family=???}';
  const fam = b[0]! | (b[1]! << 8);
  const head = `sa_family=${familyText(fam)}`;
  if (fam === AF_UNIX) {
    if (b.length === SA_FAMILY_SIZE) return `{${head}}`;
    const p = b.subarray(SA_FAMILY_SIZE);
    if (p[0] === 0) return `{${head}, sun_path=@${quote(p.subarray(1), 108)}}`;
    const nul = p.indexOf(0);
    return `{${head}, sun_path=${quote(nul < 0 ? p : p.subarray(0, nul), 108)}}`;
  }
  if (fam === AF_INET && b.length >= 16) {
    const a = decodeIn(b);
    return `{${head}, sin_port=htons(${a.port}), sin_addr=inet_addr("${ipText(a.ip)}")}`;
  }
  if (fam === AF_INET6 && b.length >= 24) {
    const a = decodeIn6(b);
    const scope = b.length >= 28 ? `, sin6_scope_id=${a.scopeId}` : '';
    return `{${head}, sin6_port=htons(${a.port}), sin6_flowinfo=htonl(${a.flowinfo}), inet_pton(AF_INET6, "${ipText(a.ip)}", &sin6_addr)${scope}}`;
  }
  return `{${head}, sa_data=${quote(b.subarray(SA_FAMILY_SIZE))}}`;
}

/** An option value of len bytes: [int] for 4-byte values, else the bytes quoted. */
export function optValText(mem: GuestMemory, addr: number, len: number, quote: Quote): string {
  if (addr === 0) return 'NULL';
  if (len === 4) return `[${mem.readI32(addr)}]`;
  return quote(mem.read(addr, Math.min(Math.max(len, 0), STRLEN + 1)));
}

/**
 * A struct msghdr. `data` is how many iovec bytes to show (the sent length, or what a receive
 * returned); -1 shows none of them.
 */
export function msghdrText(mem: GuestMemory, addr: number, data: number, quote: Quote): string {
  if (addr === 0) return 'NULL';
  const name = mem.readU64(addr);
  const namelen = mem.readI32(addr + 8);
  const iov = mem.readU64(addr + 16);
  const iovlen = mem.readU64(addr + 24);
  const control = mem.readU64(addr + 32);
  const controllen = mem.readU64(addr + 40);
  const flags = mem.readI32(addr + 48);
  const parts = [`msg_name=${name === 0 ? 'NULL' : sockaddrText(mem, name, namelen, quote)}`, `msg_namelen=${namelen}`];
  const iovs: string[] = [];
  let left = data;
  for (let i = 0; i < Math.min(iovlen, MAX_ELEMS); i++) {
    const base = mem.readU64(iov + 16 * i);
    const len = mem.readU64(iov + 16 * i + 8);
    const show = left < 0 ? 0 : Math.min(len, left);
    left = left < 0 ? left : left - show;
    iovs.push(`{iov_base=${data < 0 ? '0x' + base.toString(16) : quote(mem.read(base, Math.min(show, STRLEN + 1)), STRLEN)}, iov_len=${len}}`);
  }
  parts.push(`msg_iov=[${iovs.join(', ')}${iovlen > MAX_ELEMS ? ', ...' : ''}]`, `msg_iovlen=${iovlen}`);
  if (control !== 0 && controllen > 0) parts.push(`msg_control=${cmsgText(mem, control, controllen)}`);
  parts.push(`msg_controllen=${controllen}`, `msg_flags=${msgFlagsText(flags)}`);
  return `{${parts.join(', ')}}`;
}

/** The control messages at addr: [{cmsg_len=20, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=[3]}]. */
function cmsgText(mem: GuestMemory, addr: number, len: number): string {
  const out: string[] = [];
  let off = 0;
  while (off + CMSGHDR_SIZE <= len && out.length < MAX_ELEMS) {
    const clen = mem.readU64(addr + off);
    const level = mem.readI32(addr + off + 8);
    const type = mem.readI32(addr + off + 12);
    if (clen < CMSGHDR_SIZE || clen > len - off) break;
    const dataLen = clen - CMSGHDR_SIZE;
    const d = addr + off + CMSGHDR_SIZE;
    let typeText = String(type), dataText = '';
    if (level === SOL_SOCKET && type === SCM_RIGHTS) {
      typeText = 'SCM_RIGHTS';
      const fds: number[] = [];
      for (let i = 0; i + 4 <= dataLen; i += 4) fds.push(mem.readI32(d + i));
      dataText = `[${fds.join(', ')}]`;
    } else if (level === SOL_SOCKET && type === SCM_CREDENTIALS && dataLen >= 12) {
      typeText = 'SCM_CREDENTIALS';
      dataText = `{pid=${mem.readI32(d)}, uid=${mem.readU32(d + 4)}, gid=${mem.readU32(d + 8)}}`;
    }
    out.push(`{cmsg_len=${clen}, cmsg_level=${levelText(level)}, cmsg_type=${typeText}${dataText ? `, cmsg_data=${dataText}` : ''}}`);
    off += (clen + 7) & ~7;
  }
  return `[${out.join(', ')}]`;
}
