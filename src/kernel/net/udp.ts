// UDP sockets: the part that does not depend on the network. connect sets a default
// destination and filters what is received (AF_UNSPEC clears it), sendto needs an address or a
// connection (EDESTADDRREQ), a datagram above the IP limit is EMSGSIZE, a pending error (an
// ICMP port unreachable for a connected socket: ECONNREFUSED) is reported by the next receive
// before any queued datagram, and receives take one datagram each (MSG_TRUNC as for any
// datagram socket). The network (loopback.ts, host_inet.ts) delivers the datagrams.
import { EAFNOSUPPORT, EAGAIN, EDESTADDRREQ, EINVAL, EMSGSIZE, ENOPROTOOPT, ENOTCONN, EOPNOTSUPP } from '../../abi/errno.js';
import type { Blocked, Request } from '../request.js';
import { POLLOUT, POLLWRBAND, POLLWRNORM } from '../vfs/file.js';
import {
  AF_INET, AF_INET6, AF_UNSPEC, MSG_ERRQUEUE, MSG_OOB, SA_FAMILY_SIZE, SIN6_LEN_RFC2133, SOCK_DGRAM,
  SOCKADDR_IN_SIZE, SOL_UDP, TCP_CLOSE, TCP_ESTABLISHED,
} from './abi.js';
import { inFamily, InetSocket } from './inet.js';
import { decodeIn, decodeIn6, type InetAddr, type RawSockAddr } from './sockaddr.js';
import { type RecvMsg, type SendMsg, type SockCred, type SockCtx, Socket, type SockEnv } from './socket.js';

/** Largest UDP payload over IPv4 (65535 less the IP and UDP headers) and over IPv6 (less the UDP header). */
export const UDP_MAX_PAYLOAD_V4 = 65507, UDP_MAX_PAYLOAD_V6 = 65527;
/** IPPROTO_UDP. */
const IPPROTO_UDP = 17;

/** A UDP socket; the network implements the abstract hooks. */
export abstract class UdpSocket extends InetSocket {
  constructor(family: number, env: SockEnv, owner: SockCred) {
    super(family, SOCK_DGRAM, IPPROTO_UDP, env, owner);
  }

  /** Binds the local address (port 0: an ephemeral port); 0, -errno or a sleep. */
  protected abstract bindLocal(r: Request, a: InetAddr): number | Blocked;
  /** Sets (dest) or clears (null) the default destination; 0, -errno or a sleep. */
  protected abstract connectTo(r: Request, dest: InetAddr | null): number | Blocked;
  /** Sends one datagram; binds an ephemeral port first if needed. Returns 0, -errno or a sleep. */
  protected abstract transmit(r: Request, data: Uint8Array, dest: InetAddr): number | Blocked;
  /** Lets the local port go. */
  protected abstract unbind(): void;

  /** EINVAL once bound (or autobound). */
  bind(r: Request, raw: RawSockAddr, ctx: SockCtx): number | Blocked {
    const a = this.bindAddr(raw, ctx.cred.euid === 0);
    if (typeof a === 'number') return a;
    if (!r.resumed && this.local !== null) return -EINVAL;
    return this.bindLocal(r, a);
  }

  /** Sets or (AF_UNSPEC) clears the default destination. */
  connect(r: Request, raw: RawSockAddr, _ctx: SockCtx): number | Blocked {
    const dest = this.destAddr(raw);
    if (typeof dest === 'number') return dest;
    return this.connectTo(r, dest);
  }

  /**
   * The destination of a sendto address (udp_sendmsg, udpv6_sendmsg): an AF_INET socket reads
   * AF_UNSPEC as AF_INET; an AF_INET6 socket takes AF_INET addresses too and reads AF_UNSPEC as
   * no address (null). Port 0 is EINVAL.
   */
  private sendDest(raw: RawSockAddr): InetAddr | null | number {
    const len = raw.bytes.length;
    let d: InetAddr;
    if (this.family === AF_INET) {
      if (len < SOCKADDR_IN_SIZE) return -EINVAL;
      if (raw.family !== AF_INET && raw.family !== AF_UNSPEC) return -EAFNOSUPPORT;
      d = decodeIn(raw.bytes);
    } else {
      if (len < SA_FAMILY_SIZE) return -EINVAL;
      if (raw.family === AF_UNSPEC) return null;
      if (raw.family === AF_INET6) {
        if (len < SIN6_LEN_RFC2133) return -EINVAL;
        d = decodeIn6(raw.bytes);
      } else if (raw.family === AF_INET) {
        if (len < SOCKADDR_IN_SIZE) return -EINVAL;
        d = decodeIn(raw.bytes);
      } else {
        return -EINVAL;
      }
    }
    if (d.port === 0) return -EINVAL;
    return d;
  }

  sendmsg(r: Request, m: SendMsg): number | Blocked {
    if (m.flags & MSG_OOB) return -EOPNOTSUPP;
    let dest: InetAddr;
    const d = m.addr !== null ? this.sendDest(m.addr) : null;
    if (typeof d === 'number') return d;
    if (d !== null) {
      dest = d;
    } else {
      if (this.state !== TCP_ESTABLISHED || this.remote === null) return -EDESTADDRREQ;
      dest = this.remote;
    }
    const len = m.buf.length;
    if (len > (this.family === AF_INET6 ? UDP_MAX_PAYLOAD_V6 : UDP_MAX_PAYLOAD_V4)) return -EMSGSIZE;
    const e = this.transmit(r, m.buf.read(0, len), inFamily(dest, this.family));
    if (typeof e !== 'number' || e < 0) return e;
    return len;
  }

  recvmsg(r: Request, m: RecvMsg): number | Blocked {
    if (m.flags & MSG_OOB) return -EINVAL;
    if (m.flags & MSG_ERRQUEUE) return -EAGAIN; // no error queue: nothing is ever queued on it
    if (this.err !== 0) return this.takeError();
    return this.recvMessage(r, m, () => false, (skb, msg) => this.addOrigDst(skb, msg));
  }

  shutdownSock(how: number): number {
    const mode = Socket.shutdownBits(how);
    if (mode < 0) return mode;
    this.shutdown |= mode;
    this.wake();
    return this.state === TCP_CLOSE ? -ENOTCONN : 0;
  }

  override peerName(): InetAddr | number {
    if (this.state !== TCP_ESTABLISHED || this.remote === null) return -ENOTCONN;
    return this.remote;
  }

  poll(): number {
    let mask = this.basePoll(false, false);
    if (this.wmem < this.sndbuf / 2) mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
    return mask;
  }

  override release(): void {
    this.unbind();
    this.state = TCP_CLOSE;
    this.rcvq.purge();
    this.wake();
  }

  /** Accepts a datagram into the receive queue unless that would pass SO_RCVBUF (then it is dropped). */
  protected admit(bytes: number): boolean {
    const rmem = this.rcvq.bytes + this.rcvq.length * RMEM_PER_DATAGRAM;
    return rmem + bytes <= this.rcvbuf;
  }

  protected override getTransportOpt(level: number, _name: number): Uint8Array | number | null {
    return level === SOL_UDP ? -ENOPROTOOPT : null;
  }

  protected override setTransportOpt(level: number, _name: number, _val: Uint8Array, _privileged: boolean): number | null {
    return level === SOL_UDP ? -ENOPROTOOPT : null;
  }
}

/** Memory a queued datagram costs beyond its bytes (its sk_buff), for SO_RCVBUF accounting. */
const RMEM_PER_DATAGRAM = 768;
