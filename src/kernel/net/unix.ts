// AF_UNIX sockets (Linux's net/unix/af_unix.c): SOCK_STREAM, SOCK_DGRAM and SOCK_SEQPACKET,
// names in the file system (a socket file; the binding lives on its inode) and in the abstract
// namespace (a leading NUL byte), socketpair, listen/accept with a backlog, descriptor passing
// (SCM_RIGHTS) and credentials (SCM_CREDENTIALS, SO_PEERCRED).
//
// Messages go straight into the receiver's queue. A stream sender is limited by its own send
// buffer (the memory of what it sent and the peer has not read: sock_wfree returns it); a
// datagram sender also waits while a receiver that is not connected back to it has more than
// max_dgram_qlen messages queued. A connect finishes at once: the server's end is made then
// (an "embryo" on the listener's accept queue), so a client may send before accept.
import { bytesToStr } from '../../util/bytestr.js';
import {
  EADDRINUSE, EAGAIN, ECONNREFUSED, ECONNRESET, EEXIST, EINVAL, EISCONN, EMSGSIZE, ENOENT, ENOSPC, ENOTCONN,
  EOPNOTSUPP, EPERM, EPIPE, EPROTOTYPE,
} from '../../abi/errno.js';
import type { Blocked, Request } from '../request.js';
import type { WaitQueue } from '../wait.js';
import type { SocketInode } from '../vfs/inode.js';
import { POLLHUP, POLLIN, POLLOUT, POLLRDNORM, POLLWRBAND, POLLWRNORM, type OpenFile } from '../vfs/file.js';
import { fileGet, fileRefCount } from '../vfs/fdtable.js';
import {
  AF_UNIX, AF_UNSPEC, MSG_OOB, RCV_SHUTDOWN, SA_FAMILY_SIZE, SEND_SHUTDOWN, SHUTDOWN_MASK, SOCK_DGRAM,
  SOCK_SEQPACKET, SOCK_STREAM, SOCKADDR_UN_SIZE, TCP_CLOSE, TCP_ESTABLISHED, TCP_LISTEN,
} from './abi.js';
import { Skb, type UCred } from './skb.js';
import type { RawSockAddr, SockAddr, UnixAddr } from './sockaddr.js';
import { unixPathBytes } from './sockaddr.js';
import {
  type RecvMsg, type SendMsg, type SockCred, type SockCtx, Socket, type SockEnv, type StreamTransport,
} from './socket.js';

/** Messages a datagram socket queues before senders not connected back to it wait (net.unix.max_dgram_qlen). */
export const UNIX_MAX_DGRAM_QLEN = 10;
/** A datagram may be at most sk_sndbuf less this many bytes (unix_dgram_sendmsg). */
const UNIX_DGRAM_HEADROOM = 32;
/** Largest listen backlog (net.core.somaxconn). */
export const SOMAXCONN = 4096;
/** Autobound names are a NUL and five hex digits (unix_autobind), so there are 2^20 of them. */
const AUTOBIND_NAMES = 0x100000;
/** Hex digits of an autobound name. */
const AUTOBIND_DIGITS = 5;

/** Returns a map key for a name's bytes (its byte string). */
function nameKey(b: Uint8Array): string {
  return bytesToStr(b);
}

/** What an AF_UNIX address names: the autobind request, an abstract name or a path. */
type UnixName =
  | { kind: 'autobind' }
  | { kind: 'abstract'; name: Uint8Array }
  | { kind: 'path'; path: string; name: Uint8Array };

/**
 * Decodes an AF_UNIX address (unix_validate_addr, unix_mkname_bsd): EINVAL for a bad length or
 * family; a bare family is an autobind request; a path keeps its bytes up to the first NUL plus
 * one NUL (Linux stores that length).
 */
export function parseUnixAddr(raw: RawSockAddr): UnixName | number {
  const len = raw.bytes.length;
  if (len < SA_FAMILY_SIZE || len > SOCKADDR_UN_SIZE || raw.family !== AF_UNIX) return -EINVAL;
  if (len === SA_FAMILY_SIZE) return { kind: 'autobind' };
  const p = unixPathBytes(raw);
  if (p[0] === 0) return { kind: 'abstract', name: p.slice() };
  const nul = p.indexOf(0);
  const path = nul < 0 ? p : p.subarray(0, nul);
  const name = new Uint8Array(path.length + 1);
  name.set(path);
  return { kind: 'path', path: bytesToStr(path), name };
}

/**
 * An open file the collector knows: messages in flight may carry it (inflightRefs counts those
 * references) and it may carry others, in its queues or its registered table.
 */
export interface GcFile extends OpenFile {
  inflightRefs: number;
  /** Calls fn for each file the collector knows that this one carries. */
  forEachCarried(fn: (f: GcFile) => void): void;
  /** Drops what it carries (the collector's sweep). */
  purgeCarried(): void;
}

/** True if f is a file the collector knows (a unix socket or an io_uring). */
export function isGcFile(f: OpenFile): f is GcFile {
  return typeof (f as Partial<GcFile>).purgeCarried === 'function';
}

/** The AF_UNIX namespace of one kernel: abstract names, autobind numbers, sockets in flight. */
export class UnixNamespace {
  readonly abstract = new Map<string, UnixSocket>();
  /** Files carried by messages in flight (candidates for the collector). */
  readonly inflight = new Set<GcFile>();
  /** Files holding references outside any message: io_uring rings and their registered tables. */
  readonly holders = new Set<GcFile>();
  private nextAutobind = 0;
  private collecting = false;

  /** Returns a free autobind name (a NUL and five hex digits), or null when all are taken. */
  autobindName(): Uint8Array | null {
    for (let tries = 0; tries < AUTOBIND_NAMES; tries++) {
      const n = this.nextAutobind;
      this.nextAutobind = (n + 1) % AUTOBIND_NAMES;
      const text = '\0' + n.toString(16).padStart(AUTOBIND_DIGITS, '0');
      if (!this.abstract.has(text)) return Uint8Array.from(text, (c) => c.charCodeAt(0));
    }
    return null;
  }

  /**
   * The garbage collector for descriptors in flight (unix_gc): a file the collector knows (a
   * unix socket or an io_uring) whose every reference is a message in flight or a slot of an
   * io_uring's registered table, and which nothing reachable from a descriptor carries, can never
   * be received; its queues (or its table) are purged, which drops the references and closes it.
   * Linux passes a ring's registered files through the ring's own socket, so they count as in flight.
   */
  collect(): void {
    if (this.collecting || this.inflight.size === 0) return;
    this.collecting = true;
    try {
      const held = new Map<GcFile, number>();
      for (const h of this.holders) h.forEachCarried((f) => { held.set(f, (held.get(f) ?? 0) + 1); });
      const gcRefs = (f: GcFile): number => f.inflightRefs + (held.get(f) ?? 0);
      const candidates = [...new Set([...this.inflight, ...held.keys()])].filter((f) => fileRefCount(f) === gcRefs(f));
      if (candidates.length === 0) return;
      const cand = new Set(candidates);
      // References among candidates; a candidate with more in-flight references than that is
      // carried by a message (or a table) outside the set, so it is alive, with everything it carries.
      const internal = new Map<GcFile, number>();
      for (const c of candidates) c.forEachCarried((f) => { if (cand.has(f)) internal.set(f, (internal.get(f) ?? 0) + 1); });
      const live = new Set(candidates.filter((c) => gcRefs(c) > (internal.get(c) ?? 0)));
      const work = [...live];
      while (work.length > 0) {
        work.pop()!.forEachCarried((f) => {
          if (cand.has(f) && !live.has(f)) { live.add(f); work.push(f); }
        });
      }
      for (const c of candidates) if (!live.has(c)) c.purgeCarried();
    } finally {
      this.collecting = false;
    }
  }
}

/** An AF_UNIX socket. */
export class UnixSocket extends Socket implements GcFile {
  /** The bound name (null: unnamed). */
  addr: UnixAddr | null = null;
  /** The socket file of a path name. */
  inode: SocketInode | null = null;
  peer: UnixSocket | null = null;
  /** SO_PEERCRED: the peer's (pid, euid, egid) when the connection was made. */
  peercred: UCred | null = null;
  /** Listen backlog, or for datagram sockets the queue length beyond which unconnected senders wait. */
  backlog = UNIX_MAX_DGRAM_QLEN;
  /** A listener's connections not yet accepted. */
  readonly acceptq: UnixSocket[] = [];
  /** Made by a connect and not yet accepted. */
  embryo = false;
  /** Released (SOCK_DEAD). */
  dead = false;
  /** References to this socket's file held by messages in flight. */
  inflightRefs = 0;

  constructor(readonly names: UnixNamespace, type: number, env: SockEnv, owner: SockCred) {
    super(AF_UNIX, type, 0, env, owner);
  }

  private get connectionBased(): boolean {
    return this.type !== SOCK_DGRAM;
  }

  // --- names ---------------------------------------------------------------------------------

  /** Binds an autobind name (unix_autobind); 0 if already named. */
  private autobind(): number {
    if (this.addr !== null) return 0;
    const name = this.names.autobindName();
    if (name === null) return -ENOSPC;
    this.names.abstract.set(nameKey(name), this);
    this.addr = { family: AF_UNIX, path: name };
    return 0;
  }

  bind(_r: Request, raw: RawSockAddr, ctx: SockCtx): number {
    if (raw.bytes.length === SA_FAMILY_SIZE && raw.family === AF_UNIX) return this.autobind();
    const n = parseUnixAddr(raw);
    if (typeof n === 'number') return n;
    if (n.kind === 'autobind') return this.autobind();
    if (n.kind === 'abstract') {
      if (this.addr !== null) return -EINVAL;
      const key = nameKey(n.name);
      if (this.names.abstract.has(key)) return -EADDRINUSE;
      this.names.abstract.set(key, this);
      this.addr = { family: AF_UNIX, path: n.name };
      return 0;
    }
    // As unix_bind_bsd: the file is made first (an existing name is EADDRINUSE even for a socket
    // that is already bound), and removed again if the socket turns out to have a name.
    const ino = ctx.paths.mknod(n.path);
    if (typeof ino === 'number') return ino === -EEXIST ? -EADDRINUSE : ino;
    if (this.addr !== null) {
      ctx.paths.unlink(n.path);
      return -EINVAL;
    }
    ino.boundSocket = this;
    this.inode = ino;
    this.addr = { family: AF_UNIX, path: n.name };
    return 0;
  }

  /** Finds the socket a name refers to (unix_find_other): ECONNREFUSED, ENOENT, EPROTOTYPE... */
  private findOther(n: UnixName, ctx: SockCtx | null): UnixSocket | number {
    let other: UnixSocket | undefined;
    if (n.kind === 'path') {
      if (ctx === null) return -ENOTCONN;
      const ino = ctx.paths.find(n.path);
      if (typeof ino === 'number') return ino;
      const b = ino.boundSocket;
      other = b instanceof UnixSocket ? b : undefined;
    } else if (n.kind === 'abstract') {
      other = this.names.abstract.get(nameKey(n.name));
    } else {
      return -ENOENT; // an empty path (a bare family): nothing to look up
    }
    if (other === undefined || other.dead) return -ECONNREFUSED;
    if (other.type !== this.type) return -EPROTOTYPE;
    return other;
  }

  localName(): SockAddr | null {
    return this.addr;
  }

  peerName(): SockAddr | null | number {
    const p = this.peer;
    if (p === null || (this.connectionBased && this.state !== TCP_ESTABLISHED)) return -ENOTCONN;
    return p.addr;
  }

  override peerCred(): UCred | null {
    return this.peercred;
  }

  // --- connections -----------------------------------------------------------------------------

  connect(r: Request, raw: RawSockAddr, ctx: SockCtx): number | Blocked {
    if (!this.connectionBased) return this.connectDgram(raw, ctx);
    const n = parseUnixAddr(raw);
    if (typeof n === 'number') return n;
    if (this.state === TCP_ESTABLISHED) return -EISCONN;
    if (this.state === TCP_LISTEN) return -EINVAL;
    if (this.passcred) {
      const e = this.autobind();
      if (e < 0) return e;
    }
    this.armTimeout(r, this.sndtimeo);
    const other = this.findOther(n, ctx);
    if (typeof other === 'number') return other;
    if (other.state !== TCP_LISTEN || (other.shutdown & RCV_SHUTDOWN) !== 0) return -ECONNREFUSED;
    if (other.acceptq.length > other.backlog) {
      // The backlog is full: wait for an accept (unix_wait_for_peer), then look the name up again.
      if (this.nonblocking(0) || this.expired(r)) return -EAGAIN;
      return this.sleep(r, 0, this.sndtimeo, [other.wq, this.wq]);
    }
    const child = new UnixSocket(this.names, this.type, this.env, other.owner);
    child.embryo = true;
    child.state = TCP_ESTABLISHED;
    child.peer = this;
    child.peercred = credOfCaller(ctx.cred);
    child.addr = other.addr;
    child.inode = other.inode;
    child.passcred = other.passcred;
    this.peer = child;
    this.peercred = other.peercred;
    this.state = TCP_ESTABLISHED;
    other.acceptq.push(child);
    other.wake();
    return 0;
  }

  /** connect(2) on a datagram socket: sets (or with AF_UNSPEC clears) the default destination. */
  private connectDgram(raw: RawSockAddr, ctx: SockCtx): number {
    if (raw.bytes.length < SA_FAMILY_SIZE) return -EINVAL;
    let other: UnixSocket | null = null;
    if (raw.family !== AF_UNSPEC) {
      const n = parseUnixAddr(raw);
      if (typeof n === 'number') return n;
      if (this.passcred) {
        const e = this.autobind();
        if (e < 0) return e;
      }
      const o = this.findOther(n, ctx);
      if (typeof o === 'number') return o;
      if (o.peer !== null && o.peer !== this) return -EPERM;
      other = o;
    }
    const old = this.peer;
    this.peer = other;
    this.state = other !== null ? TCP_ESTABLISHED : TCP_CLOSE;
    if (old !== null && old !== other) this.dgramDisconnected(old);
    return 0;
  }

  /**
   * After leaving a datagram peer (unix_dgram_disconnected): what it sent is dropped, and a peer
   * still connected back to us learns of it (ECONNRESET).
   */
  private dgramDisconnected(old: UnixSocket): void {
    if (this.rcvq.length === 0) return;
    this.rcvq.purge();
    this.wake();
    if (!old.dead && old.peer === this) {
      old.err = ECONNRESET;
      old.wake();
    }
  }

  override listen(_r: Request, backlog: number, ctx: SockCtx): number {
    if (!this.connectionBased) return -EOPNOTSUPP;
    if (this.addr === null) return -EINVAL;
    if (this.state !== TCP_CLOSE && this.state !== TCP_LISTEN) return -EINVAL;
    const grew = backlog > this.backlog;
    this.backlog = backlog >>> 0 > SOMAXCONN ? SOMAXCONN : backlog;
    if (this.state !== TCP_LISTEN) {
      this.state = TCP_LISTEN;
      this.peercred = credOfCaller(ctx.cred);
    }
    if (grew) this.wake(); // connectors waiting for room
    return 0;
  }

  override accept(r: Request, _ctx: SockCtx): Socket | number | Blocked {
    if (!this.connectionBased) return -EOPNOTSUPP;
    if (this.state !== TCP_LISTEN) return -EINVAL;
    const child = this.acceptWait(r, this.acceptq);
    if (!(child instanceof UnixSocket)) return child;
    child.embryo = false;
    this.wake(); // connectors waiting for room in the backlog
    return child;
  }

  shutdownSock(how: number): number {
    const mode = Socket.shutdownBits(how);
    if (mode < 0) return mode;
    this.shutdown |= mode;
    this.wake();
    const p = this.peer;
    if (p !== null && this.connectionBased) {
      let peerMode = 0;
      if (mode & RCV_SHUTDOWN) peerMode |= SEND_SHUTDOWN;
      if (mode & SEND_SHUTDOWN) peerMode |= RCV_SHUTDOWN;
      p.shutdown |= peerMode;
      p.wake();
    }
    return 0;
  }

  // --- data ------------------------------------------------------------------------------------

  /** Charges a buffer to this socket's send memory; reading (or dropping) it gives the memory back. */
  private charge(skb: Skb): void {
    const size = skb.truesize;
    this.wmem += size;
    skb.destructor = () => {
      this.wmem -= size;
      if (this.writableNow()) this.wake();
    };
  }

  /** unix_writable: not listening, and the send memory at most a quarter of the send buffer. */
  private writableNow(): boolean {
    return this.state !== TCP_LISTEN && this.wmem * 4 <= this.sndbuf;
  }

  /**
   * Makes a buffer for data from this socket with the sender's credentials and, when `rights`,
   * the message's descriptors in flight (references taken).
   */
  private makeSkb(data: Uint8Array, m: SendMsg, rights: boolean): Skb {
    const r = rights ? m.rights : null;
    const fds = r !== null && r.length > 0 ? r.map((f) => fileGet(f)) : null;
    const skb = new Skb(data, fds, m.cred, this.addr);
    if (fds !== null) this.trackInflight(skb, fds);
    this.charge(skb);
    return skb;
  }

  /** Counts the files among fds the collector knows as in flight until they leave skb. */
  private trackInflight(skb: Skb, fds: OpenFile[]): void {
    const socks = fds.filter(isGcFile);
    if (socks.length === 0) return;
    for (const s of socks) { s.inflightRefs++; this.names.inflight.add(s); }
    skb.onUnflight = () => {
      for (const s of socks) if (--s.inflightRefs === 0) this.names.inflight.delete(s);
    };
  }

  /** Calls fn for each file the collector knows carried by a message queued here (or on a listener's embryos). */
  forEachCarried(fn: (f: GcFile) => void): void {
    const scan = (q: Iterable<Skb>): void => {
      for (const skb of q) for (const f of skb.fds ?? []) if (isGcFile(f)) fn(f);
    };
    scan(this.rcvq);
    for (const c of this.acceptq) scan(c.rcvq);
  }

  /** Drops every queued message, here and on a listener's embryos (the collector's sweep). */
  purgeCarried(): void {
    this.rcvq.purge();
    for (const c of this.acceptq) c.rcvq.purge();
  }

  sendmsg(r: Request, m: SendMsg): number | Blocked {
    if (m.flags & MSG_OOB) return -EOPNOTSUPP;
    if (this.type === SOCK_STREAM) return this.sendStreamMsg(r, m);
    return this.sendDgram(r, m);
  }

  private sendStreamMsg(r: Request, m: SendMsg): number | Blocked {
    if (m.addr !== null) return this.state === TCP_ESTABLISHED ? -EISCONN : -EOPNOTSUPP;
    const other = this.peer;
    if (other === null) return -ENOTCONN;
    if (!r.resumed && this.sendShut) return -EPIPE;
    const t: StreamTransport = {
      check: () => {
        if (this.sendShut && r.resumed) return -EPIPE;
        if (other.dead || (other.shutdown & RCV_SHUTDOWN) !== 0) return -EPIPE;
        return 0;
      },
      room: () => (this.wmem < this.sndbuf ? Math.max(1, (this.sndbuf >> 1) - 64) : 0),
      push: (chunk, msg, first) => {
        other.rcvq.push(this.makeSkb(chunk, msg, first));
        other.wake();
      },
      queues: () => [this.wq],
    };
    return this.sendStream(r, m, t);
  }

  protected override raisesSigpipe(): boolean {
    return this.type === SOCK_STREAM;
  }

  /** unix_dgram_sendmsg (datagram and seqpacket): one message to the peer or the named socket. */
  private sendDgram(r: Request, m: SendMsg): number | Blocked {
    let named: UnixName | null = null;
    if (this.type === SOCK_SEQPACKET) {
      if (this.state !== TCP_ESTABLISHED) return -ENOTCONN;
    } else if (m.addr !== null) {
      const n = parseUnixAddr(m.addr);
      if (typeof n === 'number') return n;
      named = n;
    }
    if (this.passcred) {
      const e = this.autobind();
      if (e < 0) return e;
    }
    const len = m.buf.length;
    if (len > this.sndbuf - UNIX_DGRAM_HEADROOM) return -EMSGSIZE;
    this.armTimeout(r, this.sndtimeo);
    if (this.sendShut) return -EPIPE;
    if (named === null && this.peer === null) return -ENOTCONN;
    let other: UnixSocket | number;
    if (named !== null) other = this.findOther(named, m.ctx);
    else other = this.peer ?? -ECONNRESET;
    if (typeof other === 'number') return other;
    if (other.peer !== null && other.peer !== this) return -EPERM;
    if (other.dead) {
      if (this.type === SOCK_SEQPACKET) return -EPIPE;
      if (this.peer === other) {
        this.peer = null;
        this.state = TCP_CLOSE;
        this.dgramDisconnected(other);
        return -ECONNREFUSED;
      }
      return -ECONNREFUSED;
    }
    if ((other.shutdown & RCV_SHUTDOWN) !== 0) return -EPIPE;
    // Room: our send memory, and (unless the receiver is connected back to us) its queue length.
    const full = (other !== this && other.peer !== this && other.rcvq.length > other.backlog);
    if (this.wmem >= this.sndbuf || full) {
      if (this.nonblocking(m.flags) || this.expired(r)) return -EAGAIN;
      return this.sleep(r, 0, this.sndtimeo, full ? [other.wq, this.wq] : [this.wq]);
    }
    other.rcvq.push(this.makeSkb(m.buf.read(0, len), m, true));
    other.wake();
    return len;
  }

  recvmsg(r: Request, m: RecvMsg): number | Blocked {
    if (m.flags & MSG_OOB) return -EOPNOTSUPP;
    if (this.type === SOCK_STREAM) {
      if (this.state !== TCP_ESTABLISHED) return -EINVAL;
      return this.recvStream(r, m, {
        stop: (skb, first) => this.passcred && !sameCred(skb.cred, first.cred),
        onData: (skb, mm) => this.fillSender(skb, mm),
        truncDiscards: false,
        zeroLengthReads: true,
      });
    }
    if (this.type === SOCK_SEQPACKET && this.state !== TCP_ESTABLISHED) return -ENOTCONN;
    const n = this.recvMessage(r, m, () => this.type === SOCK_SEQPACKET && (this.shutdown & RCV_SHUTDOWN) !== 0,
      (skb, mm) => this.fillSender(skb, mm));
    return n;
  }

  /** Sender address and (with SO_PASSCRED) credentials of a received buffer. */
  private fillSender(skb: Skb, m: RecvMsg): void {
    m.addr = skb.from;
    if (this.passcred) m.cred = skb.cred ?? { pid: 0, uid: NO_ID, gid: NO_ID };
  }

  protected override afterDequeue(): void {
    this.wake(); // senders waiting for room in our queue
  }

  protected override outq(): number {
    return this.wmem;
  }

  poll(): number {
    let mask: number;
    if (this.type === SOCK_STREAM) {
      mask = this.basePoll(this.writableNow(), true);
      if (this.state === TCP_LISTEN && this.acceptq.length > 0) mask |= POLLIN | POLLRDNORM;
      if (mask & POLLOUT) mask |= POLLWRBAND;
      return mask;
    }
    mask = this.basePoll(false, false);
    if (this.type === SOCK_SEQPACKET) {
      if (this.state === TCP_CLOSE) mask |= POLLHUP;
      if (this.state === TCP_LISTEN && this.acceptq.length > 0) mask |= POLLIN | POLLRDNORM;
    }
    let writable = this.writableNow();
    const other = this.peer;
    if (writable && other !== null && other.peer !== this && other.rcvq.length > other.backlog) writable = false;
    if (writable) mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
    return mask;
  }

  override pollQueues(): WaitQueue[] {
    const p = this.peer;
    return p !== null && !this.connectionBased ? [this.wq, p.wq] : [this.wq];
  }

  // --- release ---------------------------------------------------------------------------------

  /** When only messages in flight still refer to this socket, it may be part of a garbage cycle. */
  refDropped(remaining: number): void {
    // An io_uring's registered table may hold the rest (the collector counts those).
    if ((this.inflightRefs > 0 && remaining === this.inflightRefs) || this.names.holders.size > 0) this.names.collect();
  }

  release(): void {
    if (this.dead) return;
    this.dead = true;
    if (this.addr !== null && this.inode === null) {
      const key = nameKey(this.addr.path);
      if (this.names.abstract.get(key) === this) this.names.abstract.delete(key);
    }
    if (this.inode !== null && this.inode.boundSocket === this) this.inode.boundSocket = null;
    const wasEmbryo = this.embryo;
    this.state = TCP_CLOSE;
    this.shutdown = SHUTDOWN_MASK;
    const p = this.peer;
    this.peer = null;
    if (p !== null && this.connectionBased) {
      p.shutdown = SHUTDOWN_MASK;
      if (this.rcvq.length > 0 || wasEmbryo) p.err = ECONNRESET;
      p.wake();
    }
    for (const c of this.acceptq.splice(0)) c.release();
    this.rcvq.purge();
    this.wake();
    this.names.collect();
  }
}

/** The accepted end of socketpair(2): two connected sockets of one type. */
export function unixSocketpair(names: UnixNamespace, type: number, env: SockEnv, cred: SockCred): [UnixSocket, UnixSocket] {
  const a = new UnixSocket(names, type, env, cred);
  const b = new UnixSocket(names, type, env, cred);
  a.peer = b;
  b.peer = a;
  a.peercred = credOfCaller(cred);
  b.peercred = credOfCaller(cred);
  a.state = b.state = TCP_ESTABLISHED;
  return [a, b];
}

/** True if a socket type is one AF_UNIX supports (SOCK_RAW is taken as SOCK_DGRAM, as Linux does). */
export function unixType(type: number): number {
  if (type === SOCK_STREAM || type === SOCK_DGRAM || type === SOCK_SEQPACKET) return type;
  if (type === 3 /* SOCK_RAW */) return SOCK_DGRAM;
  return -1;
}

/** The (pid, euid, egid) a connection records for SO_PEERCRED (init_peercred). */
function credOfCaller(c: SockCred): UCred {
  return { pid: c.pid, uid: c.euid, gid: c.egid };
}

/** True if two buffers come from the same writer (unix_skb_scm_eq). */
function sameCred(a: UCred | null, b: UCred | null): boolean {
  if (a === null || b === null) return a === b;
  return a.pid === b.pid && a.uid === b.uid && a.gid === b.gid;
}

/** The id SO_PEERCRED and SCM_CREDENTIALS report when there is none ((uid_t)-1). */
export const NO_ID = 0xffffffff;
