// IP sockets on the host's network (Host.net): each guest TCP socket is a host connection or
// listener, each UDP socket a host UDP socket. Host operations complete asynchronously, so a
// call that needs one (bind, listen's autobind, connect, the first send of an unbound UDP
// socket) starts it and sleeps; the host's events update the socket and wake it, between
// kernel slices. Waiting for a bind is not interruptible from the guest's point of view: a
// signal restarts the call (ERESTARTNOINTR), which then finds the bind under way or done.
//
// Deviations, all from the host's interfaces: binding a TCP socket listens on the host at once
// (so bind can report EADDRINUSE), and connections that arrive before listen() wait for it; a
// socket that binds and then connects gives up its listener and connects from the same port;
// the local address of a connecting socket is known once the connection is up; a UDP socket
// connected to a non-loopback address keeps reporting its bound (wildcard) address; a UDP
// datagram's IP_ORIGDSTADDR is the bound address (for a wildcard binding: the loopback address
// when the sender is on the loopback, else the wildcard), as the host does not tell.
import { ECONNRESET, EINVAL, ENETUNREACH, EPIPE, ERESTARTNOINTR } from '../../abi/errno.js';
import type {
  HostInetAddr, HostNet, HostTcpConnection, HostTcpEvents, HostTcpServer, HostUdpSocket,
} from '../../host/host.js';
import type { Blocked, Request } from '../request.js';
import type { WaitQueue } from '../wait.js';
import {
  AF_INET, AF_INET6, RCV_SHUTDOWN, TCP_CLOSE, TCP_ESTABLISHED, TCP_SYN_SENT, SHUTDOWN_MASK,
} from './abi.js';
import { inetProto, type InetStack, inFamily, plainIp, sameIp } from './inet.js';
import { Skb } from './skb.js';
import { type InetAddr, ipText, isAnyIp, isLoopbackIp, parseIp, v4Mapped } from './sockaddr.js';
import type { SockCred, SockEnv, Socket, StreamTransport } from './socket.js';
import { TcpSocket } from './tcp.js';
import { UdpSocket } from './udp.js';

/** Largest piece a send hands to the host at once. */
const HOST_WRITE_CHUNK = 65536;
/** MSS reported for a connection: the loopback device's, or Ethernet's with TCP timestamps. */
const LOOPBACK_MSS = 32768, ETHERNET_MSS = 1448;
const LOOPBACK4 = Uint8Array.of(127, 0, 0, 1);
const LOOPBACK6 = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);

/** A guest endpoint in the host's terms. */
function toHost(a: InetAddr): HostInetAddr {
  return { family: a.family === AF_INET ? 4 : 6, address: ipText(a.ip), port: a.port };
}

/** A host endpoint in a socket's family (null if the host's text is not an address). */
function fromHost(h: HostInetAddr, family: number): InetAddr | null {
  const ip = parseIp(h.address);
  if (ip === null) return null;
  return inFamily({ family: ip.length === 4 ? AF_INET : AF_INET6, ip, port: h.port, flowinfo: 0, scopeId: 0 }, family);
}

/** A destination with 0.0.0.0 or :: taken as the loopback address, as Linux routes them. */
function routed(dest: InetAddr): InetAddr {
  const p = plainIp(dest.ip);
  if (!isAnyIp(p)) return dest;
  const ip = p.length === 4 ? LOOPBACK4 : LOOPBACK6;
  return { ...dest, family: ip.length === 4 ? AF_INET : AF_INET6, ip };
}

/** The host's network as an InetStack. */
export class HostInetStack implements InetStack {
  constructor(private readonly hn: HostNet) {}

  create(family: number, type: number, protocol: number, env: SockEnv, owner: SockCred): Socket | number {
    const p = inetProto(family, type, protocol);
    if (typeof p === 'number') return p;
    return p === 'tcp' ? new HostTcp(this.hn, family, env, owner) : new HostUdp(this.hn, family, env, owner);
  }
}

/** Where a host bind stands: not started, waiting for the host, done (not yet reported), or failed. */
type BindState = 'none' | 'pending' | 'ready' | number;

/** What a host socket's bind or listen goes through: its state, the local address it learns, its family and queue. */
interface HostBinding {
  bindState: BindState;
  local: InetAddr | null;
  readonly family: number;
  readonly wq: WaitQueue;
}

/**
 * The outcome of s's host bind or listen: 0 once bound (s.local is then the address the host
 * reports), the failure's -errno (reported once: the state goes back to 'none'), or a sleep.
 */
function awaitHostBind(s: HostBinding, r: Request, hostAddress: () => HostInetAddr | null): number | Blocked {
  const st = s.bindState;
  if (st === 'pending') return r.block([s.wq], ERESTARTNOINTR);
  if (typeof st === 'number') {
    s.bindState = 'none';
    return st;
  }
  if (st === 'ready' && s.local === null) {
    const h = hostAddress();
    s.local = h !== null ? fromHost(h, s.family) : null;
  }
  return 0;
}

/** A TCP socket on the host's network. */
class HostTcp extends TcpSocket {
  private server: HostTcpServer | null = null;
  bindState: BindState = 'none';
  private conn: HostTcpConnection | null = null;
  private paused = false;
  private released = false;

  constructor(private readonly hn: HostNet, family: number, env: SockEnv, owner: SockCred) {
    super(family, env, owner);
  }

  /** Starts a host listener on a; its outcome wakes this socket. */
  private hostListen(a: InetAddr): void {
    this.bindState = 'pending';
    this.server = this.hn.tcpListen(toHost(a), this.v6only, {
      listening: () => {
        if (this.bindState === 'pending') this.bindState = 'ready';
        this.wake();
      },
      error: (errno) => {
        if (this.bindState === 'pending') this.bindState = -errno;
        this.server = null;
        this.wake();
      },
      connection: (c) => this.incoming(c),
    });
  }

  /** The host listener's outcome: 0 once listening (the local address is then known), -errno, or a sleep. */
  private awaitServer(r: Request): number | Blocked {
    return awaitHostBind(this, r, () => this.server?.address() ?? null);
  }

  /** Starts a host listener on a (once) and waits for it. */
  protected bindLocal(r: Request, a: InetAddr): number | Blocked {
    if (this.bindState === 'none' && this.server === null) {
      if (this.family === AF_INET6 && v4Mapped(a.ip) !== null && this.v6only) return -EINVAL;
      this.hostListen(a);
    }
    return this.awaitServer(r);
  }

  /** Listens on an ephemeral port if the socket was not bound. */
  protected startListen(r: Request, _backlog: number): number | Blocked {
    if (this.bindState === 'none' && this.server === null) {
      this.hostListen({ family: this.family as typeof AF_INET, ip: new Uint8Array(this.family === AF_INET ? 4 : 16), port: 0, flowinfo: 0, scopeId: 0 });
    }
    return this.awaitServer(r);
  }

  /** Closes the host listener. */
  protected stopListen(): void {
    this.server?.close();
    this.server = null;
    this.bindState = 'none';
  }

  /** A connection the host accepted for this socket: it waits on the accept queue. */
  private incoming(c: HostTcpConnection): HostTcpEvents {
    const child = new HostTcp(this.hn, this.family, this.env, this.owner);
    child.conn = c;
    child.state = TCP_ESTABLISHED;
    const l = c.local(), p = c.remote();
    child.local = l !== null ? fromHost(l, this.family) : null;
    child.remote = p !== null ? fromHost(p, this.family) : null;
    child.inheritFrom(this);
    if (child.nodelay) c.setNoDelay(true);
    if (child.keepalive) c.setKeepAlive(true, child.keepidle);
    if (this.released) {
      c.reset();
      child.released = true;
    } else {
      this.acceptq.push(child);
      this.wake();
    }
    return child.events();
  }

  /** Starts a host connection (from the bound port, if any). */
  protected startConnect(_r: Request, dest: InetAddr): number {
    if (this.family === AF_INET6 && v4Mapped(dest.ip) !== null && this.v6only) return -ENETUNREACH;
    let from: HostInetAddr | null = null;
    if (this.local !== null) {
      // Bound first: the listener the bind made gives way to a connection from the same port.
      from = toHost(this.local);
      this.server?.close();
      this.server = null;
      this.bindState = 'none';
    }
    const d = routed(dest);
    this.remote = inFamily(d, this.family);
    this.state = TCP_SYN_SENT;
    this.conn = this.hn.tcpConnect(toHost(d), from, this.events());
    return 0;
  }

  /** The events of this socket's host connection. */
  private events(): HostTcpEvents {
    return {
      connected: () => {
        if (this.released || this.state !== TCP_SYN_SENT) return;
        this.state = TCP_ESTABLISHED;
        const c = this.conn;
        const l = c?.local() ?? null;
        if (l !== null) this.local = fromHost(l, this.family);
        if (this.nodelay) c?.setNoDelay(true);
        if (this.keepalive) c?.setKeepAlive(true, this.keepidle);
        this.wake();
      },
      data: (bytes) => {
        if (this.released) return;
        this.rcvq.push(new Skb(bytes));
        if (this.rcvq.bytes >= this.rcvbuf && !this.paused) {
          this.paused = true;
          this.conn?.pause();
        }
        this.wake();
      },
      end: () => {
        this.shutdown |= RCV_SHUTDOWN;
        this.wake();
      },
      drain: () => this.wake(),
      error: (errno) => {
        if (this.released || this.state === TCP_CLOSE) return;
        // A reset after the peer's FIN is EPIPE (tcp_reset in CLOSE_WAIT).
        const e = errno === ECONNRESET && (this.shutdown & RCV_SHUTDOWN) !== 0 ? EPIPE : errno;
        this.err = e;
        this.state = TCP_CLOSE;
        this.shutdown = SHUTDOWN_MASK;
        this.conn = null;
        this.wake();
      },
      closed: () => {
        this.conn = null;
        this.wake();
      },
    };
  }

  /** Bytes go to the host connection while it is writable. */
  protected transport(): StreamTransport {
    return {
      check: () => (this.conn === null ? -EPIPE : 0),
      room: () => (this.conn !== null && this.conn.writable() ? HOST_WRITE_CHUNK : 0),
      push: (chunk) => this.conn?.write(chunk),
      queues: () => [this.wq],
    };
  }

  protected override rcvConsumed(): void {
    if (this.paused && this.rcvq.bytes < this.rcvbuf) {
      this.paused = false;
      this.conn?.resume();
    }
  }

  override rcvbufChanged(): void {
    this.rcvConsumed();
  }

  override keepaliveChanged(): void {
    this.conn?.setKeepAlive(this.keepalive, this.keepidle);
  }

  protected override optionsChanged(): void {
    this.conn?.setNoDelay(this.nodelay);
  }

  /** Ends the host connection's sending side. */
  protected sendFin(): void {
    this.conn?.end();
  }

  /** Resets or gracefully closes the host connection, and closes any listener. */
  protected closeConnection(abort: boolean): void {
    this.released = true;
    this.server?.close();
    this.server = null;
    this.bindState = 'none';
    const c = this.conn;
    this.conn = null;
    if (c !== null) {
      if (abort) c.reset();
      else c.close();
    }
  }

  protected connectedMss(): number {
    return this.remote !== null && isLoopbackIp(this.remote.ip) ? LOOPBACK_MSS : ETHERNET_MSS;
  }

  protected sendRoom(): boolean {
    return this.conn?.writable() ?? false;
  }

  protected override outq(): number {
    return this.conn?.queued() ?? 0;
  }
}

/** A UDP socket on the host's network. */
class HostUdp extends UdpSocket {
  private sock: HostUdpSocket | null = null;
  bindState: BindState = 'none';
  private released = false;

  constructor(private readonly hn: HostNet, family: number, env: SockEnv, owner: SockCred) {
    super(family, env, owner);
  }

  private hostBind(a: InetAddr): void {
    this.bindState = 'pending';
    this.sock = this.hn.udpBind(toHost(a), { reuseAddr: this.reuseaddr, v6only: this.v6only }, {
      bound: () => {
        if (this.bindState === 'pending') this.bindState = 'ready';
        this.wake();
      },
      error: (errno) => {
        if (this.bindState === 'pending') {
          this.bindState = -errno;
          this.sock = null;
        } else {
          this.err = errno;
        }
        this.wake();
      },
      message: (data, from) => this.incoming(data, from),
    });
  }

  /** The host bind's outcome: 0 once bound (the local address is then known), -errno, or a sleep. */
  private awaitBind(r: Request): number | Blocked {
    return awaitHostBind(this, r, () => this.sock?.address() ?? null);
  }

  /** Binds a host UDP socket to a (once) and waits for it. */
  protected bindLocal(r: Request, a: InetAddr): number | Blocked {
    if (this.bindState === 'none' && this.sock === null) {
      if (this.family === AF_INET6 && v4Mapped(a.ip) !== null && this.v6only) return -EINVAL;
      this.hostBind(a);
    }
    return this.awaitBind(r);
  }

  /** Binds an ephemeral port before a connect or a first send. */
  private ensureBound(r: Request): number | Blocked {
    if (this.local !== null && this.bindState !== 'pending') return 0;
    if (this.bindState === 'none' && this.sock === null) {
      this.hostBind({ family: this.family as typeof AF_INET, ip: new Uint8Array(this.family === AF_INET ? 4 : 16), port: 0, flowinfo: 0, scopeId: 0 });
    }
    return this.awaitBind(r);
  }

  /** Sets (binding first) or clears the default destination; datagrams from others are dropped. */
  protected connectTo(r: Request, dest: InetAddr | null): number | Blocked {
    if (dest === null) {
      this.remote = null;
      this.state = TCP_CLOSE;
      return 0;
    }
    if (this.family === AF_INET6 && v4Mapped(dest.ip) !== null && this.v6only) return -ENETUNREACH;
    const e = this.ensureBound(r);
    if (typeof e !== 'number' || e < 0) return e;
    const d = routed(dest);
    this.remote = inFamily(d, this.family);
    this.state = TCP_ESTABLISHED;
    // The source address of a wildcard binding towards the loopback is the loopback address.
    if (this.local !== null && isAnyIp(plainIp(this.local.ip)) && isLoopbackIp(d.ip)) {
      const src = plainIp(d.ip).length === 4 ? LOOPBACK4 : LOOPBACK6;
      this.local = inFamily({ ...this.local, family: src.length === 4 ? AF_INET : AF_INET6, ip: src }, this.family);
    }
    return 0;
  }

  /** Sends through the host socket, binding an ephemeral port first. */
  protected transmit(r: Request, data: Uint8Array, dest: InetAddr): number | Blocked {
    if (this.family === AF_INET6 && v4Mapped(dest.ip) !== null && this.v6only) return -ENETUNREACH;
    const e = this.ensureBound(r);
    if (typeof e !== 'number' || e < 0) return e;
    if (this.broadcast) this.sock?.setBroadcast(true);
    this.sock?.send(data, toHost(routed(dest)));
    return 0;
  }

  /** A datagram from the host: dropped if the socket is connected elsewhere or its buffer is full. */
  private incoming(data: Uint8Array, from: HostInetAddr): void {
    if (this.released) return;
    const f = fromHost(from, this.family);
    if (f === null) return;
    const r = this.remote;
    if (r !== null && (r.port !== f.port || !sameIp(r.ip, f.ip))) return;
    const skb = new Skb(data, null, null, f);
    skb.dest = this.hostDest(f);
    if (!this.admit(skb.truesize)) return;
    this.rcvq.push(skb);
    this.wake();
  }

  /**
   * Where a datagram from the host was sent (IP_ORIGDSTADDR), in the sender's plain family: the
   * bound address, since the host socket does not say. A wildcard binding gives the loopback
   * address for a loopback sender and the wildcard address otherwise.
   */
  private hostDest(from: InetAddr): InetAddr | null {
    if (this.local === null) return null;
    const src = plainIp(from.ip);
    const family = src.length === 4 ? AF_INET : AF_INET6;
    let ip = plainIp(this.local.ip);
    if (ip.length !== src.length) ip = new Uint8Array(src.length);
    if (isAnyIp(ip) && isLoopbackIp(src)) ip = src.length === 4 ? LOOPBACK4 : LOOPBACK6;
    return { family, ip, port: this.local.port, flowinfo: 0, scopeId: 0 };
  }

  /** Closes the host socket. */
  protected unbind(): void {
    this.released = true;
    this.sock?.close();
    this.sock = null;
  }
}
