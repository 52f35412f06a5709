// The simulated network of deterministic mode: a loopback interface inside the kernel
// (127.0.0.0/8 and ::1), with TCP and UDP between guest sockets and nothing else, so that a run
// with a seed replays byte for byte. Any other destination is unreachable (ENETUNREACH), and
// binding another address is EADDRNOTAVAIL.
//
// TCP here is a pair of sockets that queue bytes into each other, as AF_UNIX streams do: a
// sender may have its send buffer plus the receiver's receive buffer in flight. A connect
// makes the server's end at once (on the listener's accept queue, or the connector waits in the
// listener's SYN queue while the backlog is full) but, as on Linux where the handshake finishes
// in a softirq after connect returns, a nonblocking connect still reports EINPROGRESS: the
// client sees the result at its next call (settle). A close with unread data resets the peer;
// a send to a peer that has gone makes the peer "answer" with a reset, so the next send fails
// with EPIPE (or ECONNRESET).
//
// Ephemeral ports are handed out in order from net.ipv4.ip_local_port_range, which keeps runs
// reproducible.
import { EADDRINUSE, EADDRNOTAVAIL, EAGAIN, ECONNREFUSED, ECONNRESET, ENETUNREACH, EPIPE } from '../../abi/errno.js';
import type { Request } from '../request.js';
import {
  AF_INET, AF_INET6, RCV_SHUTDOWN, SHUTDOWN_MASK, TCP_CLOSE, TCP_ESTABLISHED, TCP_LISTEN, TCP_SYN_SENT,
} from './abi.js';
import { type InetProto, inetProto, type InetSocket, type InetStack, inFamily, plainIp, sameIp } from './inet.js';
import { Skb } from './skb.js';
import { type InetAddr, isAnyIp, isLoopbackIp, v4Mapped } from './sockaddr.js';
import type { SockCred, SockEnv, Socket, StreamTransport } from './socket.js';
import { TcpSocket } from './tcp.js';
import { UdpSocket } from './udp.js';

/** The ephemeral port range (net.ipv4.ip_local_port_range). */
export const EPHEMERAL_LOW = 32768, EPHEMERAL_HIGH = 60999;
/** The MSS a connection on the loopback device reports (its 64 KiB MTU gives 32768 after Linux's clamp). */
const LOOPBACK_MSS = 32768;
/** Largest piece one push moves. */
const PUSH_CHUNK = 65536;
const LOOPBACK4 = Uint8Array.of(127, 0, 0, 1);
const LOOPBACK6 = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);

/** The address space a bound socket receives from: IPv4, IPv6, or both (a dual-stack AF_INET6 wildcard). */
function spaces(s: InetSocket, ip: Uint8Array): { v4: boolean; v6: boolean } {
  if (s.family === AF_INET) return { v4: true, v6: false };
  if (v4Mapped(ip) !== null) return { v4: true, v6: false };
  if (isAnyIp(ip)) return { v4: !s.v6only, v6: true };
  return { v4: false, v6: true };
}

/** True if bound socket s receives packets for ip (plain IPv4 or IPv6 bytes). */
function receivesFor(s: InetSocket, ip: Uint8Array): boolean {
  const local = s.local!;
  const sp = spaces(s, local.ip);
  if (ip.length === 4 ? !sp.v4 : !sp.v6) return false;
  return isAnyIp(local.ip) || sameIp(local.ip, ip);
}

/** True if two bindings' addresses overlap (inet_bind_conflict's address test). */
function overlaps(a: InetSocket, aIp: Uint8Array, b: InetSocket): boolean {
  const bIp = b.local!.ip;
  const sa = spaces(a, aIp), sb = spaces(b, bIp);
  if (!((sa.v4 && sb.v4) || (sa.v6 && sb.v6))) return false;
  return isAnyIp(plainIp(aIp)) || isAnyIp(plainIp(bIp)) || sameIp(aIp, bIp);
}

/** The ports of one protocol: who is bound where. */
class PortTable {
  private readonly ports = new Map<number, InetSocket[]>();
  private next = EPHEMERAL_LOW;

  users(port: number): readonly InetSocket[] {
    return this.ports.get(port) ?? [];
  }

  add(port: number, s: InetSocket): void {
    const list = this.ports.get(port);
    if (list === undefined) this.ports.set(port, [s]);
    else list.push(s);
  }

  remove(port: number, s: InetSocket): void {
    const list = this.ports.get(port);
    if (list === undefined) return;
    const i = list.indexOf(s);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.ports.delete(port);
  }

  /** The next free ephemeral port, or 0 if every one is taken. */
  ephemeral(): number {
    const span = EPHEMERAL_HIGH - EPHEMERAL_LOW + 1;
    for (let i = 0; i < span; i++) {
      const p = this.next;
      this.next = p === EPHEMERAL_HIGH ? EPHEMERAL_LOW : p + 1;
      if (!this.ports.has(p)) return p;
    }
    return 0;
  }
}

/** The loopback network: the port tables and socket creation. */
export class LoopbackNet implements InetStack {
  readonly tcp = new PortTable();
  readonly udp = new PortTable();

  create(family: number, type: number, protocol: number, env: SockEnv, owner: SockCred): Socket | number {
    const p = inetProto(family, type, protocol);
    if (typeof p === 'number') return p;
    return p === 'tcp' ? new SimTcp(this, family, env, owner) : new SimUdp(this, family, env, owner);
  }

  private table(proto: InetProto): PortTable {
    return proto === 'tcp' ? this.tcp : this.udp;
  }

  /**
   * Binds s to a (port 0: an ephemeral port) in proto's table: -EADDRNOTAVAIL for an address
   * that is not the loopback's, -EADDRINUSE for a conflict (unless both sockets set SO_REUSEADDR,
   * and for TCP neither listens, or both set SO_REUSEPORT).
   */
  bind(proto: InetProto, s: InetSocket, a: InetAddr): number {
    const ip = a.ip;
    if (!isAnyIp(plainIp(ip)) && !isLoopbackIp(ip)) return -EADDRNOTAVAIL;
    const t = this.table(proto);
    let port = a.port;
    if (port === 0) {
      port = t.ephemeral();
      if (port === 0) return -EAGAIN;
    } else {
      for (const o of t.users(port)) {
        if (!overlaps(s, ip, o)) continue;
        const reuse = s.reuseaddr && o.reuseaddr && (proto === 'udp' || o.state !== TCP_LISTEN);
        if (!reuse && !(s.reuseport && o.reuseport)) return -EADDRINUSE;
      }
    }
    t.add(port, s);
    s.local = { ...a, ip: ip.slice(), port };
    return 0;
  }

  /** Lets s's port go. */
  unbind(proto: InetProto, s: InetSocket): void {
    if (s.local !== null) this.table(proto).remove(s.local.port, s);
  }

  /** True if a listener on s's port already covers s's address (two listeners need SO_REUSEPORT). */
  listenConflict(s: InetSocket): boolean {
    const l = s.local!;
    return this.tcp.users(l.port).some((o) => o !== s && o.state === TCP_LISTEN && overlaps(s, l.ip, o) && !(s.reuseport && o.reuseport));
  }

  /** The socket that receives for (ip, port) in proto's table, the most specific first. */
  lookup(proto: InetProto, ip: Uint8Array, port: number, want: (s: InetSocket) => boolean): InetSocket | null {
    let wild: InetSocket | null = null;
    for (const s of this.table(proto).users(port)) {
      if (!want(s) || !receivesFor(s, ip)) continue;
      if (!isAnyIp(plainIp(s.local!.ip))) return s;
      wild ??= s;
    }
    return wild;
  }
}

/** The source address of a packet to dest (plain bytes): the loopback address of its family. */
function sourceFor(dest: Uint8Array): Uint8Array {
  return dest.length === 4 ? LOOPBACK4 : LOOPBACK6;
}

/**
 * Checks a destination on the loopback network: the plain address (0.0.0.0 and :: mean the
 * loopback, as on Linux), or -ENETUNREACH (another address, or IPv4 from an IPV6_V6ONLY socket).
 */
function route(s: InetSocket, dest: InetAddr): Uint8Array | number {
  if (s.family === AF_INET6 && v4Mapped(dest.ip) !== null && s.v6only) return -ENETUNREACH;
  let ip = plainIp(dest.ip);
  if (isAnyIp(ip)) ip = sourceFor(ip);
  if (!isLoopbackIp(ip)) return -ENETUNREACH;
  return ip;
}

/**
 * Gives an unbound socket an ephemeral port, and fills in the source address of a wildcard
 * binding, before it sends to dest (plain). Returns 0 or -errno.
 */
function autobindFor(net: LoopbackNet, proto: InetProto, s: InetSocket & { autobound: boolean }, dest: Uint8Array): number {
  const src = sourceFor(dest);
  if (s.local === null) {
    const e = net.bind(proto, s, inFamily({ family: src.length === 4 ? AF_INET : AF_INET6, ip: src, port: 0, flowinfo: 0, scopeId: 0 }, s.family));
    if (e < 0) return e;
    s.autobound = true;
  } else if (isAnyIp(plainIp(s.local.ip))) {
    s.local = inFamily({ ...s.local, family: src.length === 4 ? AF_INET : AF_INET6, ip: src }, s.family);
  }
  return 0;
}

/** A TCP socket on the loopback network. */
class SimTcp extends TcpSocket {
  peer: SimTcp | null = null;
  /** Closed by its owner (a peer sending to it gets a reset). */
  dead = false;
  /** The port came from connect or listen, not bind. */
  autobound = false;
  /** A handshake result the client has not seen yet: 'open', an errno, or 'wait' in a SYN queue. */
  private handshake: 'open' | 'wait' | number | null = null;
  /** A listener's connectors waiting for room in the backlog. */
  private readonly synq: SimTcp[] = [];

  constructor(private readonly net: LoopbackNet, family: number, env: SockEnv, owner: SockCred) {
    super(family, env, owner);
  }

  /** Binds in the TCP port table. */
  protected bindLocal(_r: Request, a: InetAddr): number {
    return this.net.bind('tcp', this, a);
  }

  /** Autobinds an unbound socket; EADDRINUSE if another listener covers the address. */
  protected startListen(_r: Request, _backlog: number): number {
    if (this.local === null) {
      const e = this.net.bind('tcp', this, inFamily({ family: this.family as typeof AF_INET, ip: new Uint8Array(this.family === AF_INET ? 4 : 16), port: 0, flowinfo: 0, scopeId: 0 }, this.family));
      if (e < 0) return e;
      this.autobound = true;
    } else if (this.net.listenConflict(this)) {
      return -EADDRINUSE;
    }
    return 0;
  }

  /** Refuses the connectors waiting in the SYN queue. */
  protected stopListen(): void {
    for (const c of this.synq.splice(0)) c.finishHandshake(ECONNREFUSED);
  }

  /** Routes, autobinds, and joins a listener (or records the refusal) for the next settle(). */
  protected startConnect(_r: Request, dest: InetAddr): number {
    const ip = route(this, dest);
    if (typeof ip === 'number') return ip;
    const e = autobindFor(this.net, 'tcp', this, ip);
    if (e < 0) return e;
    this.remote = inFamily({ ...dest, family: ip.length === 4 ? AF_INET : AF_INET6, ip }, this.family);
    this.state = TCP_SYN_SENT;
    const l = this.net.lookup('tcp', ip, dest.port, (s) => s.state === TCP_LISTEN) as SimTcp | null;
    if (l === null) {
      this.handshake = ECONNREFUSED;
    } else if (l.acceptq.length > l.backlog) {
      this.handshake = 'wait';
      l.synq.push(this);
    } else {
      l.establish(this);
    }
    return 0;
  }

  /** Makes this listener's end of a connection from client and queues it for accept. */
  private establish(client: SimTcp): void {
    const child = new SimTcp(this.net, this.family, this.env, this.owner);
    child.local = inFamily({ ...client.remote!, port: this.local!.port }, this.family);
    child.remote = inFamily(client.local!, this.family);
    child.state = TCP_ESTABLISHED;
    child.inheritFrom(this);
    child.peer = client;
    client.peer = child;
    client.handshake = 'open';
    this.acceptq.push(child);
    this.wake();
    client.wake();
  }


  protected override accepted(): void {
    while (this.synq.length > 0 && this.acceptq.length <= this.backlog) this.establish(this.synq.shift()!);
    this.wake();
  }

  /** Records a handshake result and shows it at once. */
  private finishHandshake(result: 'open' | number): void {
    this.handshake = result;
    this.settle();
  }

  /** Applies a handshake result the client has not seen yet. */
  override settle(): void {
    const h = this.handshake;
    if (h === null || h === 'wait') return;
    this.handshake = null;
    if (h === 'open') {
      if (this.state === TCP_SYN_SENT) this.state = TCP_ESTABLISHED;
    } else {
      this.fail(h);
      if (this.autobound) {
        this.net.unbind('tcp', this);
        this.local = null;
        this.autobound = false;
      }
      this.remote = null;
    }
    this.wake();
  }

  /** The connection ends with an error (a reset, or a refused handshake): tcp_reset and tcp_done. */
  private fail(errno: number): void {
    this.err = errno;
    this.state = TCP_CLOSE;
    this.shutdown = SHUTDOWN_MASK;
    this.wake();
  }

  /** A reset from the peer: EPIPE if it had already closed its side to us (CLOSE_WAIT), else ECONNRESET. */
  private reset(): void {
    if (this.state === TCP_CLOSE) return;
    this.fail((this.shutdown & RCV_SHUTDOWN) !== 0 ? EPIPE : ECONNRESET);
  }

  /** Bytes go into the peer's queue, charged to this socket until read. */
  protected transport(): StreamTransport {
    return {
      check: () => 0,
      room: () => {
        const p = this.peer;
        const limit = this.sndbuf + (p !== null ? p.rcvbuf : 0);
        return this.wmem < limit ? PUSH_CHUNK : 0;
      },
      push: (chunk) => {
        const p = this.peer;
        if (p === null || p.dead) {
          this.reset(); // the data reaches a closed socket, which answers with a reset
          return;
        }
        const skb = new Skb(chunk);
        const size = skb.truesize;
        this.wmem += size;
        skb.destructor = () => {
          this.wmem -= size;
          this.wake();
        };
        p.rcvq.push(skb);
        p.wake();
      },
      queues: () => [this.wq],
    };
  }

  /** The peer reads end of file after what is queued. */
  protected sendFin(): void {
    const p = this.peer;
    if (p === null || p.dead) return;
    p.shutdown |= RCV_SHUTDOWN;
    p.wake();
  }

  /** A FIN to a live peer, or a reset; the port is released. */
  protected closeConnection(abort: boolean): void {
    if (this.handshake === 'wait') this.handshake = null;
    const p = this.peer;
    this.dead = true;
    if (p !== null && !p.dead) {
      if (abort) {
        p.reset();
        p.peer = null;
      } else {
        p.shutdown |= RCV_SHUTDOWN;
        p.wake();
      }
    }
    this.peer = null;
    this.net.unbind('tcp', this);
  }

  protected connectedMss(): number {
    return LOOPBACK_MSS;
  }

  protected sendRoom(): boolean {
    const p = this.peer;
    return this.wmem < this.sndbuf + (p !== null ? p.rcvbuf : 0);
  }

  protected override outq(): number {
    return this.wmem;
  }
}

/** A UDP socket on the loopback network. */
class SimUdp extends UdpSocket {
  autobound = false;

  constructor(private readonly net: LoopbackNet, family: number, env: SockEnv, owner: SockCred) {
    super(family, env, owner);
  }

  /** Binds in the UDP port table. */
  protected bindLocal(_r: Request, a: InetAddr): number {
    return this.net.bind('udp', this, a);
  }

  /** Sets the default destination (autobinding), or clears it and lets an autobound port go. */
  protected connectTo(_r: Request, dest: InetAddr | null): number {
    if (dest === null) {
      this.remote = null;
      this.state = TCP_CLOSE;
      if (this.autobound) this.unbind();
      return 0;
    }
    const ip = route(this, dest);
    if (typeof ip === 'number') return ip;
    const e = autobindFor(this.net, 'udp', this, ip);
    if (e < 0) return e;
    this.remote = inFamily({ ...dest, family: ip.length === 4 ? AF_INET : AF_INET6, ip }, this.family);
    this.state = TCP_ESTABLISHED;
    return 0;
  }

  /** Delivers to the socket bound to dest, or drops (telling a connected sender ECONNREFUSED). */
  protected transmit(_r: Request, data: Uint8Array, dest: InetAddr): number {
    const ip = route(this, dest);
    if (typeof ip === 'number') return ip;
    const e = autobindFor(this.net, 'udp', this, ip);
    if (e < 0) return e;
    const me = this.local!;
    const to = this.net.lookup('udp', ip, dest.port, (s) => s.remote === null
      || (s.remote.port === me.port && sameIp(s.remote.ip, me.ip))) as SimUdp | null;
    if (to === null) {
      // Port unreachable: a connected socket learns of it (ECONNREFUSED), as from an ICMP error.
      if (this.state === TCP_ESTABLISHED) {
        this.err = ECONNREFUSED;
        this.wake();
      }
      return 0;
    }
    const skb = new Skb(data, null, null, inFamily(me, to.family));
    skb.dest = { family: ip.length === 4 ? AF_INET : AF_INET6, ip, port: dest.port, flowinfo: 0, scopeId: 0 };
    if (!to.admit(skb.truesize)) return 0;
    to.rcvq.push(skb);
    to.wake();
    return 0;
  }

  /** Lets the port go. */
  protected unbind(): void {
    this.net.unbind('udp', this);
    this.local = null;
    this.autobound = false;
  }
}
