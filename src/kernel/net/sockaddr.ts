// Socket addresses: struct sockaddr_un, sockaddr_in and sockaddr_in6 read from and written to
// guest memory (Linux's move_addr_to_kernel and move_addr_to_user), and the text forms the host
// and strace use.
import { EINVAL } from '../../abi/errno.js';
import type { GuestMemory } from '../../mem/guest_memory.js';
import {
  AF_INET, AF_INET6, AF_UNIX, SA_FAMILY_SIZE, SOCKADDR_IN6_SIZE, SOCKADDR_IN_SIZE, SOCKADDR_STORAGE_SIZE,
  SOCKADDR_UN_SIZE,
} from './abi.js';

/** An AF_UNIX name: sun_path bytes as bound (abstract names start with a NUL byte), or none (unnamed). */
export interface UnixAddr {
  readonly family: typeof AF_UNIX;
  /** The name's bytes; a path name keeps its terminating NUL, as Linux's stored length counts it. */
  readonly path: Uint8Array;
}

/** An AF_INET or AF_INET6 address: 4 or 16 address bytes in network order, and a host-order port. */
export interface InetAddr {
  readonly family: typeof AF_INET | typeof AF_INET6;
  readonly ip: Uint8Array;
  readonly port: number;
  readonly flowinfo: number;
  readonly scopeId: number;
}

export type SockAddr = UnixAddr | InetAddr;

/** The raw bytes of a sockaddr copied in from the guest, with its family (move_addr_to_kernel). */
export interface RawSockAddr {
  readonly family: number;
  readonly bytes: Uint8Array;
}

/**
 * Copies in a sockaddr of len bytes: -EINVAL for a length outside [0, sizeof(sockaddr_storage)],
 * or a raw address (a length below the family field reads as family -1); throws EFAULT.
 */
export function readRawSockaddr(mem: GuestMemory, addr: number, len: number): RawSockAddr | number {
  if (len < 0 || len > SOCKADDR_STORAGE_SIZE) return -EINVAL;
  const bytes = len === 0 ? new Uint8Array(0) : mem.read(addr, len);
  const family = len >= SA_FAMILY_SIZE ? bytes[0]! | (bytes[1]! << 8) : -1;
  return { family, bytes };
}

/** Returns the sun_path bytes of a raw AF_UNIX address (unix_validate_addr checked its length). */
export function unixPathBytes(raw: RawSockAddr): Uint8Array {
  return raw.bytes.subarray(SA_FAMILY_SIZE, Math.min(raw.bytes.length, SOCKADDR_UN_SIZE));
}

/** Returns an AF_INET address of raw (at least sizeof(sockaddr_in) bytes). */
export function decodeIn(raw: Uint8Array): InetAddr {
  const port = (raw[2]! << 8) | raw[3]!;
  return { family: AF_INET, ip: raw.slice(4, 8), port, flowinfo: 0, scopeId: 0 };
}

/** Returns an AF_INET6 address of raw (at least 24 bytes; scope_id read when present). */
export function decodeIn6(raw: Uint8Array): InetAddr {
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const port = dv.getUint16(2, false);
  const flowinfo = dv.getUint32(4, false);
  const scopeId = raw.length >= SOCKADDR_IN6_SIZE ? dv.getUint32(24, true) : 0;
  return { family: AF_INET6, ip: raw.slice(8, 24), port, flowinfo, scopeId };
}

/** Encodes a socket address as the guest sees it (getsockname, accept, recvfrom); null: family only. */
export function encodeSockaddr(a: SockAddr | null, nullFamily: number): Uint8Array {
  if (a === null) {
    const b = new Uint8Array(SA_FAMILY_SIZE);
    b[0] = nullFamily;
    return b;
  }
  if (a.family === AF_UNIX) {
    const b = new Uint8Array(SA_FAMILY_SIZE + a.path.length);
    b[0] = AF_UNIX;
    b.set(a.path, SA_FAMILY_SIZE);
    return b;
  }
  if (a.family === AF_INET) {
    const b = new Uint8Array(SOCKADDR_IN_SIZE);
    b[0] = AF_INET;
    b[2] = a.port >> 8;
    b[3] = a.port & 0xff;
    b.set(a.ip, 4);
    return b;
  }
  const b = new Uint8Array(SOCKADDR_IN6_SIZE);
  const dv = new DataView(b.buffer);
  b[0] = AF_INET6;
  dv.setUint16(2, a.port, false);
  dv.setUint32(4, a.flowinfo, false);
  b.set(a.ip, 8);
  dv.setUint32(24, a.scopeId, true);
  return b;
}

/**
 * Writes an encoded address to a guest (addr, *lenAddr) pair as move_addr_to_user does: reads the
 * buffer length (negative: -EINVAL), copies at most that much, and stores the full length. Returns
 * 0 or -EINVAL; throws EFAULT.
 */
export function writeSockaddr(mem: GuestMemory, addr: number, lenAddr: number, bytes: Uint8Array): number {
  const len = mem.readI32(lenAddr);
  if (len < 0) return -EINVAL;
  const n = Math.min(len, bytes.length);
  if (n > 0) mem.write(addr, bytes.subarray(0, n));
  mem.writeI32(lenAddr, bytes.length);
  return 0;
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:a.b.c.d), or null. */
export function v4Mapped(ip: Uint8Array): Uint8Array | null {
  if (ip.length !== 16) return null;
  for (let i = 0; i < 10; i++) if (ip[i] !== 0) return null;
  return ip[10] === 0xff && ip[11] === 0xff ? ip.subarray(12, 16) : null;
}

/** Returns ::ffff:a.b.c.d for an IPv4 address. */
export function mapV4(ip4: Uint8Array): Uint8Array {
  const ip = new Uint8Array(16);
  ip[10] = 0xff;
  ip[11] = 0xff;
  ip.set(ip4, 12);
  return ip;
}

/** True for the unspecified address (0.0.0.0 or ::). */
export function isAnyIp(ip: Uint8Array): boolean {
  return ip.every((b) => b === 0);
}

/** True for loopback addresses: 127.0.0.0/8, ::1, and ::ffff:127.x.y.z. */
export function isLoopbackIp(ip: Uint8Array): boolean {
  if (ip.length === 4) return ip[0] === 127;
  const m = v4Mapped(ip);
  if (m !== null) return m[0] === 127;
  for (let i = 0; i < 15; i++) if (ip[i] !== 0) return false;
  return ip[15] === 1;
}

/** Returns the text form of an address: "127.0.0.1" or "::1" (RFC 5952, as inet_ntop writes it). */
export function ipText(ip: Uint8Array): string {
  if (ip.length === 4) return ip.join('.');
  const m = v4Mapped(ip);
  if (m !== null) return `::ffff:${m.join('.')}`;
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((ip[i]! << 8) | ip[i + 1]!);
  // The longest run of two or more zero words becomes "::" (the first one on a tie).
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = (ws: number[]): string => ws.map((w) => w.toString(16)).join(':');
  if (best < 0) return hex(words);
  return `${hex(words.slice(0, best))}::${hex(words.slice(best + bestLen))}`;
}

/** Parses "a.b.c.d" or an IPv6 text address (as the host reports them) into bytes, or null. */
export function parseIp(text: string): Uint8Array | null {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4 !== null) {
    const b = v4.slice(1).map(Number);
    return b.every((x) => x <= 255) ? Uint8Array.from(b) : null;
  }
  let s = text;
  const pct = s.indexOf('%');
  if (pct >= 0) s = s.slice(0, pct);
  let tail4: Uint8Array | null = null;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.', lastColon)) {
    tail4 = parseIp(s.slice(lastColon + 1));
    if (tail4 === null || tail4.length !== 4) return null;
    s = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const part = (p: string): number[] | null => {
    if (p === '') return [];
    const ws = p.split(':').map((w) => (/^[0-9a-fA-F]{1,4}$/.test(w) ? parseInt(w, 16) : NaN));
    return ws.some(Number.isNaN) ? null : ws;
  };
  const head = part(halves[0]!);
  const tail = halves.length === 2 ? part(halves[1]!) : [];
  if (head === null || tail === null) return null;
  const fill = 8 - head.length - tail.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return null;
  const words = [...head, ...new Array<number>(fill).fill(0), ...tail];
  const out = new Uint8Array(16);
  words.forEach((w, i) => { out[2 * i] = w >> 8; out[2 * i + 1] = w & 0xff; });
  if (tail4 !== null) out.set(tail4, 12);
  return out;
}

/** Returns a new InetAddr with the given fields replaced. */
export function withPort(a: InetAddr, port: number): InetAddr {
  return { ...a, port };
}

/** The any-address (0.0.0.0 or ::) of a family, port 0. */
export function anyAddr(family: typeof AF_INET | typeof AF_INET6): InetAddr {
  return { family, ip: new Uint8Array(family === AF_INET ? 4 : 16), port: 0, flowinfo: 0, scopeId: 0 };
}
