// TCP sockets: the part that does not depend on which network carries the bytes. It holds the
// connection state machine of Linux's __inet_stream_connect (a connect that is in progress
// returns EINPROGRESS or EALREADY, a blocking one sleeps and is restarted transparently, a
// finished one reports 0 once and then EISCONN, a failed one its error once and then
// ECONNABORTED), listen and accept, the byte stream with tcp_sendmsg's and tcp_recvmsg's
// errors, shutdown, close (a reset when unread data is dropped or SO_LINGER is zero), tcp_poll,
// and the IPPROTO_TCP options. The network (loopback.ts, host_inet.ts) implements the hooks.
import {
  EAGAIN, EALREADY, ECONNABORTED, EINPROGRESS, EINVAL, EISCONN, ENOPROTOOPT, ENOTCONN, EOPNOTSUPP, EPIPE,
} from '../../abi/errno.js';
import type { Blocked, Request } from '../request.js';
import { POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDHUP, POLLRDNORM, POLLWRNORM } from '../vfs/file.js';
import {
  MSG_OOB, RCV_SHUTDOWN, SEND_SHUTDOWN, SHUTDOWN_MASK, SOL_TCP, TCP_CLOSE, TCP_CORK, TCP_DEFER_ACCEPT,
  TCP_ESTABLISHED, TCP_KEEPCNT, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_LINGER2, TCP_LISTEN, TCP_MAXSEG, TCP_NODELAY,
  TCP_NOTSENT_LOWAT, TCP_QUICKACK, TCP_SYN_SENT, TCP_SYNCNT, TCP_USER_TIMEOUT, TCP_WINDOW_CLAMP,
} from './abi.js';
import { InetSocket } from './inet.js';
import type { InetAddr, RawSockAddr } from './sockaddr.js';
import { type RecvMsg, type SendMsg, type SockCred, type SockCtx, Socket, type SockEnv, type StreamTransport } from './socket.js';
import { intBytes, readInt } from './sockopt.js';
import { SOMAXCONN } from './unix.js';

/** Default SO_RCVBUF and SO_SNDBUF of a TCP socket (net.ipv4.tcp_rmem[1], tcp_wmem[1]). */
export const TCP_RMEM_DEFAULT = 131072, TCP_WMEM_DEFAULT = 16384;
/** The MSS a socket reports before it is connected (TCP_MSS_DEFAULT). */
const TCP_MSS_DEFAULT = 536;
/** Largest TCP_KEEPIDLE / TCP_KEEPINTVL in seconds (MAX_TCP_KEEPIDLE, MAX_TCP_KEEPINTVL). */
const MAX_TCP_KEEPIDLE = 32767, MAX_TCP_KEEPINTVL = 32767;
/** Largest TCP_KEEPCNT (MAX_TCP_KEEPCNT) and TCP_SYNCNT (MAX_TCP_SYNCNT). */
const MAX_TCP_KEEPCNT = 127, MAX_TCP_SYNCNT = 127;
/** Largest TCP_MAXSEG a user may set (MAX_TCP_WINDOW), and the smallest (TCP_MIN_MSS). */
const MAX_TCP_WINDOW = 32767, TCP_MIN_MSS = 88;
/** Defaults: tcp_keepalive_time 7200 s, intvl 75 s, probes 9, tcp_syn_retries 6, tcp_fin_timeout 60 s. */
const KEEPIDLE_DEFAULT = 7200, KEEPINTVL_DEFAULT = 75, KEEPCNT_DEFAULT = 9, SYNCNT_DEFAULT = 6, LINGER2_DEFAULT = 60;
/** net.ipv4.tcp_notsent_lowat default: UINT_MAX. */
const NOTSENT_LOWAT_DEFAULT = -1;

/** A TCP socket; the network implements the abstract hooks. */
export abstract class TcpSocket extends InetSocket {
  /** A connect started and its result has not been reported yet (SS_CONNECTING). */
  connecting = false;
  /** connect or accept finished (SS_CONNECTED). */
  connected = false;
  /** A listener's established connections not yet accepted. */
  readonly acceptq: TcpSocket[] = [];
  backlog = 0;
  nodelay = false;
  cork = false;
  keepidle = KEEPIDLE_DEFAULT;
  keepintvl = KEEPINTVL_DEFAULT;
  keepcnt = KEEPCNT_DEFAULT;
  syncnt = SYNCNT_DEFAULT;
  linger2 = LINGER2_DEFAULT;
  deferAccept = 0;
  windowClamp = 0;
  quickack = 1;
  userTimeout = 0;
  userMss = 0;
  notsentLowat = NOTSENT_LOWAT_DEFAULT;
  /** Closing resets the connection whatever is queued (a connection its listener dropped). */
  resetOnClose = false;

  constructor(family: number, env: SockEnv, owner: SockCred) {
    super(family, 1 /* SOCK_STREAM */, 6 /* IPPROTO_TCP */, env, owner);
    this.rcvbuf = TCP_RMEM_DEFAULT;
    this.sndbuf = TCP_WMEM_DEFAULT;
  }

  // --- hooks for the network -----------------------------------------------------------------

  /** Binds the local address (port 0: an ephemeral port); 0, -errno or a sleep. */
  protected abstract bindLocal(r: Request, a: InetAddr): number | Blocked;
  /** Starts accepting connections (binding an ephemeral port first if unbound); 0, -errno or a sleep. */
  protected abstract startListen(r: Request, backlog: number): number | Blocked;
  /** Stops accepting: the listener is closed (pending connections are reset by the caller). */
  protected abstract stopListen(): void;
  /** Starts a connection to dest (state SYN_SENT); -errno for a failure before anything is sent. */
  protected abstract startConnect(r: Request, dest: InetAddr): number | Blocked;
  /** Where sent bytes go. */
  protected abstract transport(): StreamTransport;
  /** Sends a FIN after what is queued (shutdown SHUT_WR). */
  protected abstract sendFin(): void;
  /** Closes: a FIN (graceful) or a reset (abort), and lets the local port go. */
  protected abstract closeConnection(abort: boolean): void;
  /** Called after a read consumed bytes (flow control). */
  protected rcvConsumed(): void {}

  /** Copies the options a connection inherits from its listener (sk_clone_lock). */
  inheritFrom(l: TcpSocket): void {
    this.rcvbuf = l.rcvbuf;
    this.sndbuf = l.sndbuf;
    this.rcvtimeo = l.rcvtimeo;
    this.sndtimeo = l.sndtimeo;
    this.keepalive = l.keepalive;
    this.linger = { ...l.linger };
    this.nodelay = l.nodelay;
    this.rcvlowat = l.rcvlowat;
  }
  /** Applies a handshake result that is due (the simulated network settles lazily). */
  settle(): void {}
  /** The MSS of an established connection. */
  protected abstract connectedMss(): number;
  /** Whether the network takes more bytes now (for poll). */
  protected abstract sendRoom(): boolean;

  // --- the socket calls ----------------------------------------------------------------------

  bind(r: Request, raw: RawSockAddr, ctx: SockCtx): number | Blocked {
    this.settle();
    const a = this.bindAddr(raw, ctx.cred.euid === 0);
    if (typeof a === 'number') return a;
    if (!r.resumed && (this.state !== TCP_CLOSE || this.local !== null)) return -EINVAL;
    return this.bindLocal(r, a);
  }

  /** inet_listen: EINVAL once connected or connecting; an unbound socket gets an ephemeral port. */
  override listen(r: Request, backlog: number, _ctx: SockCtx): number | Blocked {
    this.settle();
    if (this.connecting || this.connected || (this.state !== TCP_CLOSE && this.state !== TCP_LISTEN)) return -EINVAL;
    this.backlog = backlog >>> 0 > SOMAXCONN ? SOMAXCONN : backlog;
    if (this.state === TCP_LISTEN) {
      this.wake();
      return 0;
    }
    const e = this.startListen(r, this.backlog);
    if (typeof e !== 'number' || e < 0) return e;
    this.state = TCP_LISTEN;
    return 0;
  }

  /** inet_csk_accept: the oldest established connection, or a sleep (SO_RCVTIMEO bounds it). */
  override accept(r: Request, _ctx: SockCtx): Socket | number | Blocked {
    if (this.state !== TCP_LISTEN) return -EINVAL;
    const child = this.acceptWait(r, this.acceptq);
    if (!(child instanceof TcpSocket)) return child;
    child.connected = true;
    this.accepted();
    return child;
  }

  /** Called after accept took a connection (a waiting connector may now get into the queue). */
  protected accepted(): void {}

  /** __inet_stream_connect: 0, EINPROGRESS/EALREADY while in progress, EISCONN, the handshake's error, or a sleep. */
  connect(r: Request, raw: RawSockAddr, _ctx: SockCtx): number | Blocked {
    this.settle();
    const dest = this.destAddr(raw);
    if (typeof dest === 'number') return dest;
    if (dest === null) return this.disconnect();
    if (this.connected) return -EISCONN;
    let err: number;
    if (this.connecting) {
      err = -EALREADY;
    } else {
      if (this.state !== TCP_CLOSE) return -EISCONN;
      const e = this.startConnect(r, dest);
      if (typeof e !== 'number' || e < 0) return e;
      this.connecting = true;
      err = -EINPROGRESS;
    }
    this.armTimeout(r, this.sndtimeo);
    if (this.state === TCP_SYN_SENT && !this.nonblocking(0)) this.settle();
    if (this.state === TCP_SYN_SENT) {
      if (this.nonblocking(0) || this.expired(r)) return err;
      return this.sleep(r, 0, this.sndtimeo);
    }
    this.connecting = false;
    if (this.state === TCP_CLOSE) {
      // The handshake failed: report its error once, then forget the attempt (tcp_disconnect).
      const e = this.takeError();
      this.shutdown = 0;
      return e < 0 ? e : -ECONNABORTED;
    }
    this.connected = true;
    return 0;
  }

  /** connect(AF_UNSPEC): drops the connection (a reset) and makes the socket unconnected. */
  private disconnect(): number {
    if (this.state === TCP_LISTEN) {
      this.stopListen();
      this.resetPending();
    } else if (this.state !== TCP_CLOSE) {
      this.closeConnection(true);
    }
    this.state = TCP_CLOSE;
    this.connected = this.connecting = false;
    this.shutdown = 0;
    this.rcvq.purge();
    this.remote = null;
    this.wake();
    return 0;
  }

  /** Resets the connections a listener had not handed out (inet_csk_listen_stop). */
  private resetPending(): void {
    for (const c of this.acceptq.splice(0)) {
      c.resetOnClose = true;
      c.release();
    }
  }

  /** tcp_sendmsg: waits for a handshake in progress; EPIPE unless established (a pending error first). */
  sendmsg(r: Request, m: SendMsg): number | Blocked {
    this.settle();
    if (m.flags & MSG_OOB) return -EOPNOTSUPP;
    this.armTimeout(r, this.sndtimeo);
    if (this.state === TCP_SYN_SENT) {
      // sk_stream_wait_connect: a send waits for the handshake.
      if (this.err !== 0) return this.takeError();
      if (this.nonblocking(m.flags) || this.expired(r)) return -EAGAIN;
      return this.sleep(r, 0, this.sndtimeo);
    }
    if (this.state !== TCP_ESTABLISHED) {
      if (this.err !== 0) return this.takeError();
      return -EPIPE;
    }
    const t = this.transport();
    const check = t.check;
    // A pending error ends the send; it is consumed only if the send reports it (nothing sent).
    t.check = () => {
      if (this.err !== 0) return -this.err;
      if ((this.shutdown & SEND_SHUTDOWN) !== 0 || this.state !== TCP_ESTABLISHED) return -EPIPE;
      return check();
    };
    const res = this.sendStream(r, m, t);
    if (typeof res === 'number' && res < 0 && res === -this.err) this.err = 0;
    return res;
  }

  /** tcp_recvmsg: ENOTCONN on a listener or a socket never connected; MSG_TRUNC discards. */
  recvmsg(r: Request, m: RecvMsg): number | Blocked {
    this.settle();
    if (this.state === TCP_LISTEN) return -ENOTCONN;
    if (m.flags & MSG_OOB) return -EINVAL;
    return this.recvStream(r, m, {
      stop: () => false,
      consumed: () => this.rcvConsumed(),
      notConnected: () => (this.state === TCP_CLOSE ? -ENOTCONN : 0),
      truncDiscards: true,
      zeroLengthReads: false,
    });
  }

  /** inet_shutdown: ENOTCONN (bits still set) when closed; stops a listener on SHUT_RD; SHUT_WR sends a FIN. */
  shutdownSock(how: number): number {
    this.settle();
    const mode = Socket.shutdownBits(how);
    if (mode < 0) return mode;
    switch (this.state) {
      case TCP_CLOSE:
        this.shutdown |= mode;
        this.wake();
        return -ENOTCONN;
      case TCP_LISTEN:
        if ((mode & RCV_SHUTDOWN) === 0) return 0;
        this.stopListen();
        this.resetPending();
        this.state = TCP_CLOSE;
        this.wake();
        return 0;
      case TCP_SYN_SENT:
        this.closeConnection(true);
        this.state = TCP_CLOSE;
        this.connecting = false;
        this.wake();
        return 0;
      default:
        if ((mode & SEND_SHUTDOWN) && !(this.shutdown & SEND_SHUTDOWN)) this.sendFin();
        this.shutdown |= mode;
        this.wake();
        return 0;
    }
  }

  /** The peer once connected, else ENOTCONN. */
  override peerName(): InetAddr | number {
    this.settle();
    if (this.remote === null || !(this.state === TCP_ESTABLISHED || this.connected)) return -ENOTCONN;
    return this.remote;
  }

  /** The local address (after a due handshake result is applied). */
  override localName(): InetAddr {
    this.settle();
    return super.localName();
  }

  /** tcp_poll (a listener: readable when a connection waits). */
  poll(): number {
    this.settle();
    if (this.state === TCP_LISTEN) return this.acceptq.length > 0 ? POLLIN | POLLRDNORM : 0;
    let mask = 0;
    if (this.shutdown === SHUTDOWN_MASK || this.state === TCP_CLOSE) mask |= POLLHUP;
    if (this.shutdown & RCV_SHUTDOWN) mask |= POLLIN | POLLRDNORM | POLLRDHUP;
    if (this.state !== TCP_SYN_SENT) {
      if (this.rcvq.length > 0) mask |= POLLIN | POLLRDNORM;
      if ((this.shutdown & SEND_SHUTDOWN) === 0) {
        if (this.state !== TCP_ESTABLISHED || this.sendRoom()) mask |= POLLOUT | POLLWRNORM;
      } else {
        mask |= POLLOUT | POLLWRNORM;
      }
    }
    if (this.err !== 0) mask |= POLLERR;
    return mask;
  }

  /** tcp_close: a listener resets what it had not handed out; a connection closes or resets. */
  release(): void {
    if (this.state === TCP_LISTEN) {
      this.stopListen();
      this.resetPending();
    } else if (this.state !== TCP_CLOSE || this.connecting) {
      // Unread data, or SO_LINGER with a zero timeout, makes the close a reset (tcp_close); a
      // connection still being set up is abandoned.
      const abort = this.rcvq.bytes > 0 || (this.linger.onoff !== 0 && this.linger.secs === 0) || this.state === TCP_SYN_SENT
        || this.resetOnClose;
      this.closeConnection(abort);
    } else {
      this.closeConnection(false);
    }
    this.state = TCP_CLOSE;
    this.shutdown = SHUTDOWN_MASK;
    this.rcvq.purge();
    this.wake();
  }

  // --- IPPROTO_TCP options -------------------------------------------------------------------

  /** IPPROTO_TCP options (null for another level). */
  protected override getTransportOpt(level: number, name: number): Uint8Array | number | null {
    if (level !== SOL_TCP) return null;
    switch (name) {
      case TCP_NODELAY: return intBytes(this.nodelay ? 1 : 0);
      case TCP_MAXSEG:
        if (this.state === TCP_ESTABLISHED) return intBytes(this.connectedMss());
        return intBytes(this.userMss || TCP_MSS_DEFAULT);
      case TCP_CORK: return intBytes(this.cork ? 1 : 0);
      case TCP_KEEPIDLE: return intBytes(this.keepidle);
      case TCP_KEEPINTVL: return intBytes(this.keepintvl);
      case TCP_KEEPCNT: return intBytes(this.keepcnt);
      case TCP_SYNCNT: return intBytes(this.syncnt);
      case TCP_LINGER2: return intBytes(this.linger2);
      case TCP_DEFER_ACCEPT: return intBytes(this.deferAccept);
      case TCP_WINDOW_CLAMP: return intBytes(this.windowClamp);
      case TCP_QUICKACK: return intBytes(this.quickack);
      case TCP_USER_TIMEOUT: return intBytes(this.userTimeout);
      case TCP_NOTSENT_LOWAT: return intBytes(this.notsentLowat);
      default: return -ENOPROTOOPT;
    }
  }

  /** IPPROTO_TCP options with tcp_setsockopt's ranges (null for another level). */
  protected override setTransportOpt(level: number, name: number, val: Uint8Array, _privileged: boolean): number | null {
    if (level !== SOL_TCP) return null;
    if (val.length < 4) return -EINVAL;
    const v = readInt(val);
    switch (name) {
      case TCP_NODELAY: this.nodelay = v !== 0; this.optionsChanged(); return 0;
      case TCP_MAXSEG:
        if (v && (v < TCP_MIN_MSS || v > MAX_TCP_WINDOW)) return -EINVAL;
        this.userMss = v;
        return 0;
      case TCP_CORK: this.cork = v !== 0; return 0;
      case TCP_KEEPIDLE:
        if (v < 1 || v > MAX_TCP_KEEPIDLE) return -EINVAL;
        this.keepidle = v;
        this.keepaliveChanged();
        return 0;
      case TCP_KEEPINTVL:
        if (v < 1 || v > MAX_TCP_KEEPINTVL) return -EINVAL;
        this.keepintvl = v;
        return 0;
      case TCP_KEEPCNT:
        if (v < 1 || v > MAX_TCP_KEEPCNT) return -EINVAL;
        this.keepcnt = v;
        return 0;
      case TCP_SYNCNT:
        if (v < 1 || v > MAX_TCP_SYNCNT) return -EINVAL;
        this.syncnt = v;
        return 0;
      case TCP_LINGER2: this.linger2 = v < 0 ? -1 : v === 0 ? LINGER2_DEFAULT : v; return 0;
      case TCP_DEFER_ACCEPT: this.deferAccept = Math.max(0, v); return 0;
      case TCP_WINDOW_CLAMP: this.windowClamp = v; return 0;
      case TCP_QUICKACK: this.quickack = v !== 0 ? 1 : 0; return 0;
      case TCP_USER_TIMEOUT:
        if (v < 0) return -EINVAL;
        this.userTimeout = v;
        return 0;
      case TCP_NOTSENT_LOWAT: this.notsentLowat = v; this.wake(); return 0;
      default: return -ENOPROTOOPT;
    }
  }

  /** TCP_NODELAY changed (the host socket is told). */
  protected optionsChanged(): void {}
}
