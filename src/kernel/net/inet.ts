// What AF_INET and AF_INET6 sockets share, whichever network carries them: protocol selection
// (inet_create), address checks for bind, connect and sendto (inet_bind, inet6_bind, the
// connect and sendmsg checks), the local and remote endpoints, and the IPPROTO_IP and
// IPPROTO_IPV6 options. TCP (tcp.ts) and UDP (udp.ts) build on it; the loopback network
// (loopback.ts) and the host's network (host_inet.ts) carry their bytes.
import { EACCES, EAFNOSUPPORT, EINVAL, ENOPROTOOPT, EOPNOTSUPP, EPERM, EPROTONOSUPPORT, ESOCKTNOSUPPORT } from '../../abi/errno.js';
import {
  AF_INET, AF_INET6, AF_UNSPEC, IP_BIND_ADDRESS_NO_PORT, IP_FREEBIND, IP_HDRINCL, IP_MTU_DISCOVER,
  IP_MULTICAST_LOOP, IP_MULTICAST_TTL, IP_ORIGDSTADDR, IP_PKTINFO, IP_RECVERR, IP_RECVORIGDSTADDR, IP_RECVTOS,
  IP_RECVTTL, IP_TOS, IP_TTL, IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_IP, IPPROTO_TCP, IPPROTO_UDP,
  IPV6_MULTICAST_HOPS, IPV6_MULTICAST_LOOP, IPV6_ORIGDSTADDR, IPV6_RECVORIGDSTADDR, IPV6_RECVPKTINFO, IPV6_TCLASS,
  IPV6_UNICAST_HOPS, IPV6_V6ONLY, SIN6_LEN_RFC2133, SOCK_DGRAM, SOCK_RAW, SOCK_STREAM, SOCKADDR_IN_SIZE, SOL_IP,
  SOL_IPV6,
} from './abi.js';
import type { Skb } from './skb.js';
import {
  decodeIn, decodeIn6, encodeSockaddr, type InetAddr, isAnyIp, mapV4, type RawSockAddr, v4Mapped,
} from './sockaddr.js';
import { type RecvMsg, Socket, type SockCred, type SockEnv } from './socket.js';
import { intBytes, readInt } from './sockopt.js';

/** One past the largest protocol number (IPPROTO_MAX). */
const IPPROTO_MAX = 263;
/** Ports below this need privilege to bind (net.ipv4.ip_unprivileged_port_start). */
export const PROT_SOCK = 1024;
/** The default IP TTL and IPv6 hop limit (net.ipv4.ip_default_ttl, net.ipv6.conf.*.hop_limit). */
const DEFAULT_TTL = 64;
/** IP_PMTUDISC_WANT: the default path MTU discovery mode (net.ipv4.ip_no_pmtu_disc = 0). */
const IP_PMTUDISC_WANT = 1;
/** Largest IP_MTU_DISCOVER mode (IP_PMTUDISC_OMIT). */
const IP_PMTUDISC_MAX = 5;
/** The ECN bits of the TOS byte, which IP_TOS leaves alone on TCP sockets (INET_ECN_MASK). */
const INET_ECN_MASK = 3;

/** The transport a socket() call asks for. */
export type InetProto = 'tcp' | 'udp';

/**
 * Picks the protocol of socket(family, type, protocol) as inet_create does: TCP for
 * SOCK_STREAM, UDP for SOCK_DGRAM; a mismatched protocol is EPROTONOSUPPORT, another type
 * ESOCKTNOSUPPORT. Raw sockets need privilege (EPERM), and ecall has none to give (EPERM too);
 * ping sockets (SOCK_DGRAM with ICMP) are not permitted, as with Linux's default ping_group_range.
 */
export function inetProto(family: number, type: number, protocol: number): InetProto | number {
  if (protocol < 0 || protocol >= IPPROTO_MAX) return -EINVAL;
  if (type === SOCK_STREAM) return protocol === IPPROTO_IP || protocol === IPPROTO_TCP ? 'tcp' : -EPROTONOSUPPORT;
  if (type === SOCK_DGRAM) {
    if (protocol === IPPROTO_IP || protocol === IPPROTO_UDP) return 'udp';
    if (protocol === (family === AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6)) return -EACCES;
    return -EPROTONOSUPPORT;
  }
  if (type === SOCK_RAW) return -EPERM;
  return -ESOCKTNOSUPPORT;
}

/** Makes AF_INET and AF_INET6 sockets: the host's network or the simulated loopback network. */
export interface InetStack {
  /** A new socket of (family, type, protocol), or -errno; privileged: uid 0 (raw sockets, low ports). */
  create(family: number, type: number, protocol: number, env: SockEnv, owner: SockCred, privileged: boolean): Socket | number;
}

/** Returns the IPv4 address an IPv6 one stands for (mapped), or the address itself. */
export function plainIp(ip: Uint8Array): Uint8Array {
  return v4Mapped(ip) ?? ip;
}

/** Returns a in the family of a socket: an IPv4 endpoint becomes ::ffff:a.b.c.d on an AF_INET6 socket. */
export function inFamily(a: InetAddr, family: number): InetAddr {
  if (family === AF_INET6 && a.family === AF_INET) return { family: AF_INET6, ip: mapV4(a.ip), port: a.port, flowinfo: 0, scopeId: 0 };
  if (family === AF_INET && a.family === AF_INET6) {
    const m = v4Mapped(a.ip);
    if (m !== null) return { family: AF_INET, ip: m.slice(), port: a.port, flowinfo: 0, scopeId: 0 };
  }
  return a;
}

/** True if two addresses are the same IP (an IPv4-mapped address equals its IPv4 form). */
export function sameIp(a: Uint8Array, b: Uint8Array): boolean {
  const x = plainIp(a), y = plainIp(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** An IP socket: endpoints and the IP-level options. */
export abstract class InetSocket extends Socket {
  /** The bound (or autobound) local endpoint, in the socket's family; null before any. */
  local: InetAddr | null = null;
  /** The connected peer, in the socket's family. */
  remote: InetAddr | null = null;
  /** IPV6_V6ONLY (net.ipv6.bindv6only = 0). */
  v6only = false;
  ttl = -1;
  tos = 0;
  mtuDiscover = IP_PMTUDISC_WANT;
  multicastTtl = 1;
  multicastLoop = 1;
  hopLimit = -1;
  multicastHops = 1;
  tclass = 0;
  /**
   * Receive-side flags, keyed `ip${name}` or `ip6${name}` by level: IP_RECVORIGDSTADDR and
   * IPV6_RECVORIGDSTADDR add their control messages; the others are recorded only (ecall does not
   * produce theirs).
   */
  readonly ipFlags = new Map<string, number>();

  constructor(family: number, type: number, protocol: number, env: SockEnv, owner: SockCred) {
    super(family, type, protocol, env, owner);
  }

  /**
   * The address of a bind (inet_bind, inet6_bind): EINVAL for a short address, EAFNOSUPPORT for
   * another family (AF_UNSPEC with 0.0.0.0 is taken as AF_INET), EINVAL for a mapped address on
   * an IPV6_V6ONLY socket, EACCES for a privileged port.
   */
  bindAddr(raw: RawSockAddr, privileged: boolean): InetAddr | number {
    let a: InetAddr;
    if (this.family === AF_INET) {
      if (raw.bytes.length < SOCKADDR_IN_SIZE) return -EINVAL;
      a = decodeIn(raw.bytes);
      if (raw.family !== AF_INET && !(raw.family === AF_UNSPEC && isAnyIp(a.ip))) return -EAFNOSUPPORT;
    } else {
      if (raw.bytes.length < SIN6_LEN_RFC2133) return -EINVAL;
      if (raw.family !== AF_INET6) return -EAFNOSUPPORT;
      a = decodeIn6(raw.bytes);
      if (v4Mapped(a.ip) !== null && this.v6only) return -EINVAL;
    }
    if (a.port !== 0 && a.port < PROT_SOCK && !privileged) return -EACCES;
    return a;
  }

  /**
   * The destination of a connect or sendto: EINVAL for a short address, EAFNOSUPPORT for another
   * family; null for AF_UNSPEC (a disconnect).
   */
  destAddr(raw: RawSockAddr): InetAddr | null | number {
    if (raw.bytes.length >= 2 && raw.family === AF_UNSPEC) return null;
    if (this.family === AF_INET) {
      if (raw.bytes.length < SOCKADDR_IN_SIZE) return -EINVAL;
      if (raw.family !== AF_INET) return -EAFNOSUPPORT;
      return decodeIn(raw.bytes);
    }
    if (raw.bytes.length < SIN6_LEN_RFC2133) return -EINVAL;
    if (raw.family !== AF_INET6) return -EAFNOSUPPORT;
    return decodeIn6(raw.bytes);
  }

  override localName(): InetAddr {
    return this.local ?? { family: this.family as typeof AF_INET, ip: new Uint8Array(this.family === AF_INET ? 4 : 16), port: 0, flowinfo: 0, scopeId: 0 };
  }

  /**
   * getsockopt below SOL_SOCKET. A level that is not the transport's, IP's or (on AF_INET6)
   * IPv6's falls through to ip_getsockopt (EOPNOTSUPP) or ipv6_getsockopt (ENOPROTOOPT).
   */
  override getProtoOpt(level: number, name: number): Uint8Array | number {
    if (level === SOL_IP) return this.getIpOpt(name);
    if (level === SOL_IPV6 && this.family === AF_INET6) return this.getIpv6Opt(name);
    const v = this.getTransportOpt(level, name);
    if (v !== null) return v;
    return this.family === AF_INET6 ? -ENOPROTOOPT : -EOPNOTSUPP;
  }

  /** setsockopt below SOL_SOCKET; a foreign level is ENOPROTOOPT (ip_setsockopt, ipv6_setsockopt). */
  override setProtoOpt(level: number, name: number, val: Uint8Array, privileged: boolean): number {
    if (level === SOL_IP) return this.setIpOpt(name, val);
    if (level === SOL_IPV6 && this.family === AF_INET6) return this.setIpv6Opt(name, val);
    return this.setTransportOpt(level, name, val, privileged) ?? -ENOPROTOOPT;
  }

  /** The transport's own level (IPPROTO_TCP, IPPROTO_UDP): a value, -errno, or null for another level. */
  protected getTransportOpt(_level: number, _name: number): Uint8Array | number | null {
    return null;
  }

  /** As getTransportOpt, for setsockopt: 0, -errno, or null for another level. */
  protected setTransportOpt(_level: number, _name: number, _val: Uint8Array, _privileged: boolean): number | null {
    return null;
  }

  /**
   * Adds a received datagram's destination as a control message when the socket asked for it:
   * IP_ORIGDSTADDR (a sockaddr_in) for an IPv4 datagram, on either family, with IP_RECVORIGDSTADDR;
   * IPV6_ORIGDSTADDR (a sockaddr_in6) for an IPv6 one with IPV6_RECVORIGDSTADDR (ip_cmsg_recv,
   * ip6_datagram_recv_specific_ctl). Datagrams of unknown destination add nothing.
   */
  protected addOrigDst(skb: Skb, m: RecvMsg): void {
    const d = skb.dest;
    if (d === null) return;
    const v4 = d.family === AF_INET;
    const on = v4 ? this.ipFlags.get(`ip${IP_RECVORIGDSTADDR}`) : this.ipFlags.get(`ip6${IPV6_RECVORIGDSTADDR}`);
    if (on !== 1 || (!v4 && this.family !== AF_INET6)) return;
    const data = encodeSockaddr(d, d.family);
    (m.control ??= []).push({ level: v4 ? SOL_IP : SOL_IPV6, type: v4 ? IP_ORIGDSTADDR : IPV6_ORIGDSTADDR, data });
  }

  private getIpOpt(name: number): Uint8Array | number {
    switch (name) {
      case IP_TTL: return intBytes(this.ttl < 0 ? DEFAULT_TTL : this.ttl);
      case IP_TOS: return intBytes(this.tos);
      case IP_MTU_DISCOVER: return intBytes(this.mtuDiscover);
      case IP_MULTICAST_TTL: return intBytes(this.multicastTtl);
      case IP_MULTICAST_LOOP: return intBytes(this.multicastLoop);
      case IP_HDRINCL: return intBytes(0);
      case IP_PKTINFO: case IP_RECVERR: case IP_RECVTTL: case IP_RECVTOS: case IP_FREEBIND: case IP_BIND_ADDRESS_NO_PORT:
      case IP_RECVORIGDSTADDR:
        return intBytes(this.ipFlags.get(`ip${name}`) ?? 0);
      default: return -ENOPROTOOPT;
    }
  }

  /** IPPROTO_IP options take an int, or a single byte (ip_setsockopt). */
  private setIpOpt(name: number, val: Uint8Array): number {
    let v: number;
    if (val.length >= 4) v = readInt(val);
    else if (val.length >= 1) v = val[0]!;
    else return -EINVAL;
    switch (name) {
      case IP_TTL:
        if (v !== -1 && (v < 1 || v > 255)) return -EINVAL;
        this.ttl = v;
        return 0;
      case IP_TOS:
        this.tos = this.type === SOCK_STREAM ? (v & ~INET_ECN_MASK & 0xff) | (this.tos & INET_ECN_MASK) : v & 0xff;
        return 0;
      case IP_MTU_DISCOVER:
        if (v < 0 || v > IP_PMTUDISC_MAX) return -EINVAL;
        this.mtuDiscover = v;
        return 0;
      case IP_MULTICAST_TTL:
        if (v === -1) v = 1;
        if (v < 0 || v > 255) return -EINVAL;
        this.multicastTtl = v;
        return 0;
      case IP_MULTICAST_LOOP: this.multicastLoop = v !== 0 ? 1 : 0; return 0;
      case IP_PKTINFO: case IP_RECVERR: case IP_RECVTTL: case IP_RECVTOS: case IP_FREEBIND: case IP_BIND_ADDRESS_NO_PORT:
      case IP_RECVORIGDSTADDR:
        this.ipFlags.set(`ip${name}`, v !== 0 ? 1 : 0);
        return 0;
      default: return -ENOPROTOOPT;
    }
  }

  private getIpv6Opt(name: number): Uint8Array | number {
    switch (name) {
      case IPV6_V6ONLY: return intBytes(this.v6only ? 1 : 0);
      case IPV6_UNICAST_HOPS: return intBytes(this.hopLimit < 0 ? DEFAULT_TTL : this.hopLimit);
      case IPV6_MULTICAST_HOPS: return intBytes(this.multicastHops);
      case IPV6_MULTICAST_LOOP: return intBytes(this.multicastLoop);
      case IPV6_TCLASS: return intBytes(this.tclass);
      case IPV6_RECVPKTINFO: case IPV6_RECVORIGDSTADDR: return intBytes(this.ipFlags.get(`ip6${name}`) ?? 0);
      default: return -ENOPROTOOPT;
    }
  }

  private setIpv6Opt(name: number, val: Uint8Array): number {
    if (val.length < 4) return -EINVAL;
    const v = readInt(val);
    switch (name) {
      case IPV6_V6ONLY:
        if (this.local !== null) return -EINVAL; // fixed once bound
        this.v6only = v !== 0;
        return 0;
      case IPV6_UNICAST_HOPS:
        if (v < -1 || v > 255) return -EINVAL;
        this.hopLimit = v;
        return 0;
      case IPV6_MULTICAST_HOPS:
        if (v < -1 || v > 255) return -EINVAL;
        this.multicastHops = v === -1 ? 1 : v;
        return 0;
      case IPV6_MULTICAST_LOOP:
        if (v !== 0 && v !== 1) return -EINVAL;
        this.multicastLoop = v;
        return 0;
      case IPV6_TCLASS:
        if (v < -1 || v > 0xff) return -EINVAL;
        this.tclass = v === -1 ? 0 : v;
        return 0;
      case IPV6_RECVPKTINFO: case IPV6_RECVORIGDSTADDR: this.ipFlags.set(`ip6${name}`, v !== 0 ? 1 : 0); return 0;
      default: return -ENOPROTOOPT;
    }
  }
}
