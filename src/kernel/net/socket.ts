// The socket as an open file description (Linux's struct socket and struct sock in one): the
// state every family shares (type, connection state, shutdown bits, pending error, receive
// queue, wait queue, SOL_SOCKET options), the file operations (read and write are recvmsg and
// sendmsg without flags), and the three receive and send loops the families build on: a byte
// stream, whole messages, and stream sends into a transport with limited room.
//
// The loops sleep as requests: what a call moved before it slept is r.progress (a stream send
// or a MSG_WAITALL receive continues there when woken and returns it when a signal interrupts),
// and a socket timeout (SO_RCVTIMEO, SO_SNDTIMEO) is the request's deadline, set on the call's
// first run. As in Linux's sock_intr_errno, a call without a timeout is restarted (ERESTARTSYS)
// and a call with one fails with EINTR; at the deadline it fails with EAGAIN, or returns what it
// moved.
import { EAGAIN, EINTR, EINVAL, ENOTCONN, ENOTTY, EOPNOTSUPP, EPIPE, ERESTARTSYS, ESPIPE } from '../../abi/errno.js';
import type { Blocked, Caller, Request } from '../request.js';
import type { SocketInode } from '../vfs/inode.js';
import { deadlinePassed, type KernelClock, monotonicDeadline } from '../time/deadline.js';
import { WaitQueue } from '../wait.js';
import { O_NONBLOCK, O_RDWR, S_IFSOCK } from '../vfs/constants.js';
import { fileGet, filePut } from '../vfs/fdtable.js';
import {
  type OpenFile, POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDHUP, POLLRDNORM, POLLWRNORM, type StatInfo,
} from '../vfs/file.js';
import {
  MSG_DONTWAIT, MSG_NOSIGNAL, MSG_PEEK, MSG_TRUNC, MSG_WAITALL, RCV_SHUTDOWN, SEND_SHUTDOWN, SHUTDOWN_MASK, SIOCINQ,
  SIOCOUTQ, SOCK_STREAM, TCP_CLOSE, TCP_LISTEN,
} from './abi.js';
import { arrayBuf, IovBuf, type UserBuf } from './iov.js';
import { GuestFaultError, PROT_READ, PROT_WRITE } from '../../mem/guest_memory.js';
import { type Skb, SkbQueue, type UCred } from './skb.js';
import type { RawSockAddr, SockAddr } from './sockaddr.js';

/** Default SO_SNDBUF and SO_RCVBUF (net.core.wmem_default and rmem_default). */
export const SK_WMEM_DEFAULT = 212992, SK_RMEM_DEFAULT = 212992;
/** Largest SO_SNDBUF / SO_RCVBUF an unprivileged setsockopt asks for (net.core.wmem_max, rmem_max). */
export const SK_WMEM_MAX = 212992, SK_RMEM_MAX = 212992;
/** Smallest buffer sizes (SOCK_MIN_SNDBUF, SOCK_MIN_RCVBUF: 2 x (2048 + sizeof(struct sk_buff)) and half that). */
export const SOCK_MIN_SNDBUF = 4608, SOCK_MIN_RCVBUF = 2304;
/** Clock ticks per second for socket timeouts: Linux keeps them in jiffies (CONFIG_HZ=250 on riscv64). */
export const SOCK_TIMEO_HZ = 250;
/** A socket timeout that never expires (Linux's MAX_SCHEDULE_TIMEOUT): the default. */
export const MAX_SCHEDULE_TIMEOUT = Number.MAX_SAFE_INTEGER;
/** Nanoseconds per jiffy at SOCK_TIMEO_HZ. */
const NS_PER_JIFFY = 1_000_000_000n / BigInt(SOCK_TIMEO_HZ);
/** Largest piece a stream send hands over at once (a unix stream skb: sk_sndbuf / 2 - 64 at most). */
const STREAM_CHUNK_MAX = 65536;
/** st_dev of sockfs (an anonymous 0:N superblock; N is arbitrary). */
export const SOCKFS_DEV = 0x08;
/** SIGPIPE (asm-generic/signal.h). */
export const SIGPIPE = 13;

/** What socket(2) and friends need from their caller. */
export interface SockCred {
  /** The caller's process id (tgid). */
  pid: number;
  /** Real and effective ids (SCM_CREDENTIALS carries the real ones, SO_PEERCRED the effective ones). */
  uid: number;
  gid: number;
  euid: number;
  egid: number;
}

/** What every socket needs from its network namespace. */
export interface SockEnv {
  readonly clock: KernelClock;
  /** The credentials of a caller (for messages sent through write(2)). */
  credOf(c: Caller): SockCred;
}

/** A socket call's context: the caller's credentials and its view of the file system. */
export interface SockCtx {
  cred: SockCred;
  paths: UnixPaths;
}

/** AF_UNIX path names, resolved in the caller's file system context (cwd, root, umask). */
export interface UnixPaths {
  /** Creates the socket file of a bind (-EEXIST if the name exists). */
  mknod(path: string): SocketInode | number;
  /** Finds the socket file of a connect or send (-ECONNREFUSED if it is not one). */
  find(path: string): SocketInode | number;
  /** Removes a socket file a failed bind made. */
  unlink(path: string): void;
}

/** One sendmsg: the bytes, a destination, descriptors to pass, credentials to attach, flags. */
export interface SendMsg {
  buf: UserBuf;
  addr: RawSockAddr | null;
  /** Files to pass (SCM_RIGHTS); the socket takes its own references when it queues them. */
  rights: OpenFile[] | null;
  /** The credentials the message carries (explicit SCM_CREDENTIALS, else the sender's). */
  cred: UCred;
  /** Whether SCM_CREDENTIALS was given explicitly. */
  explicitCred: boolean;
  flags: number;
  /** The caller's context (null from write(2), which has no address to resolve). */
  ctx: SockCtx | null;
}

/** One recvmsg: where the bytes go and the flags; the socket fills in the rest. */
export interface RecvMsg {
  buf: UserBuf;
  flags: number;
  /** The sender's (or peer's) address, if the family reports one. */
  addr: SockAddr | null;
  /** Received descriptors; the caller owns one reference on each. */
  rights: OpenFile[] | null;
  /** The sender's credentials, when the receiver asked for them (SO_PASSCRED). */
  cred: UCred | null;
  /** msg_flags out: MSG_TRUNC, MSG_CTRUNC, MSG_EOR. */
  msgFlags: number;
  /** Protocol control messages (IP_ORIGDSTADDR, ...), after the credentials and descriptors; null if none. */
  control: Cmsg[] | null;
}

/** One control message a protocol adds to a receive: its level, type and data. */
export interface Cmsg {
  level: number;
  type: number;
  data: Uint8Array;
}

/** Returns an empty RecvMsg over buf. */
export function recvMsgOf(buf: UserBuf, flags: number): RecvMsg {
  return { buf, flags, addr: null, rights: null, cred: null, msgFlags: 0, control: null };
}

/** struct linger as set by SO_LINGER. */
export interface Linger {
  onoff: number;
  secs: number;
}

let nextIno = 20000;

/** A socket: the family-independent part. Families override the protocol operations. */
export abstract class Socket implements OpenFile {
  flags = O_RDWR;
  readonly ino = nextIno++;
  readonly path: string;
  /** Connection state: a TCP_* value (unix sockets use the same ones). */
  state = TCP_CLOSE;
  /** RCV_SHUTDOWN / SEND_SHUTDOWN bits (sk_shutdown). */
  shutdown = 0;
  /** Pending error (a positive errno), reported once by the next call or SO_ERROR (sk_err). */
  err = 0;
  readonly rcvq = new SkbQueue();
  /** Everyone waiting on this socket: readers, writers, connectors, acceptors and pollers. */
  readonly wq = new WaitQueue();
  /** Memory of sent buffers not yet consumed by the receiver (sk_wmem_alloc), in truesize units. */
  wmem = 0;

  // SOL_SOCKET options.
  sndbuf = SK_WMEM_DEFAULT;
  rcvbuf = SK_RMEM_DEFAULT;
  /** SO_RCVTIMEO and SO_SNDTIMEO in jiffies (MAX_SCHEDULE_TIMEOUT: none; 0: do not wait). */
  rcvtimeo = MAX_SCHEDULE_TIMEOUT;
  sndtimeo = MAX_SCHEDULE_TIMEOUT;
  reuseaddr = false;
  reuseport = false;
  keepalive = false;
  broadcast = false;
  oobinline = false;
  dontroute = false;
  debug = false;
  passcred = false;
  nocheck = false;
  priority = 0;
  rcvlowat = 1;
  mark = 0;
  linger: Linger = { onoff: 0, secs: 0 };
  /** SO_BINDTODEVICE: "" or "lo". */
  boundDevice = '';

  readonly ctimeNs: bigint;
  /** The creator's credentials (fstat's owner). */
  readonly owner: SockCred;

  constructor(
    readonly family: number,
    readonly type: number,
    readonly protocol: number,
    readonly env: SockEnv,
    owner: SockCred,
  ) {
    this.path = `socket:[${this.ino}]`;
    this.owner = owner;
    this.ctimeNs = env.clock.realtimeNs();
  }

  // --- protocol operations (families override) ------------------------------------------

  abstract bind(r: Request, addr: RawSockAddr, ctx: SockCtx): number | Blocked;
  abstract connect(r: Request, addr: RawSockAddr, ctx: SockCtx): number | Blocked;
  /** listen(2): 0, -errno, or a sleep (a host-backed socket waits for the host). */
  listen(_r: Request, _backlog: number, _ctx: SockCtx): number | Blocked {
    return -EOPNOTSUPP;
  }
  /** accept4(2): the new connected socket, -errno, or a sleep. */
  accept(_r: Request, _ctx: SockCtx): Socket | number | Blocked {
    return -EOPNOTSUPP;
  }
  abstract sendmsg(r: Request, m: SendMsg): number | Blocked;
  abstract recvmsg(r: Request, m: RecvMsg): number | Blocked;
  abstract shutdownSock(how: number): number;
  /** getsockname(2): the bound address (null: unnamed, reported as the family alone). */
  abstract localName(): SockAddr | null;
  /** getpeername(2): the peer's address, or -ENOTCONN. */
  abstract peerName(): SockAddr | null | number;
  /** Current readiness (POLL* bits). */
  abstract poll(): number;
  /** SO_PEERCRED: the peer's credentials when it connected, or null. */
  peerCred(): UCred | null {
    return null;
  }
  /** getsockopt at a protocol level: the value's bytes or -errno (unix sockets have none). */
  getProtoOpt(_level: number, _name: number): Uint8Array | number {
    return -EOPNOTSUPP;
  }
  /** setsockopt at a protocol level: 0 or -errno. */
  setProtoOpt(_level: number, _name: number, _val: Uint8Array, _privileged: boolean): number {
    return -EOPNOTSUPP;
  }
  /** SO_RCVBUF changed (a host-backed socket may resume reading). */
  rcvbufChanged(): void {}
  /** SO_KEEPALIVE changed. */
  keepaliveChanged(): void {}
  /** Called on the last close: disconnects and frees what the socket holds. */
  abstract release(): void;

  // --- file operations -------------------------------------------------------------------

  read(r: Request, buf: Uint8Array): number | Blocked {
    const m = recvMsgOf(arrayBuf(buf), 0);
    const n = this.recvmsg(r, m);
    // read(2) has nowhere to put descriptors: they are dropped, as Linux's scm_destroy does.
    if (typeof n === 'number' && m.rights !== null) dropRights(m.rights);
    return n;
  }

  write(r: Request, data: Uint8Array): number | Blocked {
    const m: SendMsg = {
      buf: arrayBuf(data), addr: null, rights: null, cred: this.defaultCred(r), explicitCred: false, flags: 0, ctx: null,
    };
    return this.sendWithSigpipe(r, m);
  }

  /** readv(2): one recvmsg into all the segments (a datagram is scattered over them, not one per segment). */
  readVec(r: Request, segs: [number, number][]): number | Blocked {
    const m = recvMsgOf(this.segBuf(r, segs, true), 0);
    const n = this.recvmsg(r, m);
    if (typeof n === 'number' && m.rights !== null) dropRights(m.rights);
    return n;
  }

  /** writev(2): one sendmsg of all the segments. */
  writeVec(r: Request, segs: [number, number][]): number | Blocked {
    const m: SendMsg = {
      buf: this.segBuf(r, segs, false), addr: null, rights: null, cred: this.defaultCred(r), explicitCred: false, flags: 0,
      ctx: null,
    };
    return this.sendWithSigpipe(r, m);
  }

  /** The caller's segments as one buffer (readable or writable, else EFAULT as the iovec checks give it). */
  private segBuf(r: Request, segs: [number, number][], write: boolean): UserBuf {
    const mem = r.caller.mm.mem;
    for (const [base, len] of segs) {
      if (len > 0 && !mem.accessible(base, len, write ? PROT_WRITE : PROT_READ)) throw new GuestFaultError(base);
    }
    return new IovBuf(mem, segs.filter(([, len]) => len > 0));
  }

  /** sendmsg plus SIGPIPE on EPIPE unless MSG_NOSIGNAL (where the family raises it). */
  sendWithSigpipe(r: Request, m: SendMsg): number | Blocked {
    const n = this.sendmsg(r, m);
    if (n === -EPIPE && this.raisesSigpipe() && (m.flags & MSG_NOSIGNAL) === 0) r.caller.raise(SIGPIPE);
    return n;
  }

  /** Whether EPIPE from a send raises SIGPIPE (not for unix datagram and seqpacket sockets). */
  protected raisesSigpipe(): boolean {
    return true;
  }

  /** The credentials a message from r's caller carries by default: its pid and real ids. */
  protected defaultCred(r: Request): UCred {
    const c = this.env.credOf(r.caller);
    return { pid: c.pid, uid: c.uid, gid: c.gid };
  }

  lseek(): number {
    return -ESPIPE;
  }

  stat(): StatInfo {
    const t = this.ctimeNs;
    return {
      dev: SOCKFS_DEV, ino: this.ino, mode: S_IFSOCK | 0o777, nlink: 1, uid: this.owner.euid, gid: this.owner.egid,
      rdev: 0, size: 0, blksize: 4096, blocks: 0, atimeNs: t, mtimeNs: t, ctimeNs: t,
    };
  }

  ioctl(r: Request, request: number, argAddr: number): number {
    const mem = r.caller.mm.mem;
    switch (request) {
      case SIOCINQ:
        if (this.state === TCP_LISTEN) return -EINVAL;
        mem.writeI32(argAddr, this.inq());
        return 0;
      case SIOCOUTQ:
        if (this.state === TCP_LISTEN) return -EINVAL;
        mem.writeI32(argAddr, this.outq());
        return 0;
      default:
        return -ENOTTY;
    }
  }

  /** SIOCINQ: unread bytes (a stream) or the size of the next message. */
  protected inq(): number {
    if (this.type === SOCK_STREAM) return this.rcvq.bytes;
    return this.rcvq.at(0)?.remaining ?? 0;
  }

  /** SIOCOUTQ: bytes sent and not yet taken by the receiver. */
  protected outq(): number {
    return 0;
  }

  pollQueues(): WaitQueue[] {
    return [this.wq];
  }

  // --- helpers for the families ------------------------------------------------------------

  /** True if the call must not sleep (O_NONBLOCK or MSG_DONTWAIT). */
  nonblocking(flags: number): boolean {
    return (this.flags & O_NONBLOCK) !== 0 || (flags & MSG_DONTWAIT) !== 0;
  }

  /** Takes the pending error (sock_error): a negative errno, or 0. */
  takeError(): number {
    const e = this.err;
    this.err = 0;
    return -e;
  }

  /** Wakes every sleeper and poller of this socket. */
  wake(): void {
    this.wq.wake();
  }

  /** The code a signal gives a sleeping call: restart without a timeout, EINTR with one (sock_intr_errno). */
  intrErrno(timeo: number): number {
    return timeo === MAX_SCHEDULE_TIMEOUT ? ERESTARTSYS : EINTR;
  }

  /** Arms the request's deadline from a timeout in jiffies on the call's first run. */
  armTimeout(r: Request, timeo: number): void {
    if (r.resumed || timeo === MAX_SCHEDULE_TIMEOUT) return;
    r.deadline = monotonicDeadline(this.env.clock.monotonicNs() + BigInt(timeo) * NS_PER_JIFFY);
  }

  /** True once the request's socket timeout has passed. */
  expired(r: Request): boolean {
    return r.deadline !== null && deadlinePassed(this.env.clock, r.deadline);
  }

  /**
   * accept's wait on a listening socket (inet_csk_accept, unix_accept): the oldest connection of
   * queue, else the pending error, -EAGAIN (non-blocking, or SO_RCVTIMEO has passed), or a sleep.
   */
  acceptWait<S>(r: Request, queue: S[]): S | number | Blocked {
    this.armTimeout(r, this.rcvtimeo);
    const child = queue.shift();
    if (child !== undefined) return child;
    if (this.err !== 0) return this.takeError();
    if (this.nonblocking(0) || this.expired(r)) return -EAGAIN;
    return this.sleep(r, 0, this.rcvtimeo);
  }

  /**
   * Sleeps for more data, room or a state change: returns the progress made so far when a signal
   * interrupts (or the restart code if none), per the timeout in jiffies.
   */
  sleep(r: Request, done: number, timeo: number, queues: WaitQueue[] = [this.wq]): Blocked {
    r.progress = done;
    const code = this.intrErrno(timeo);
    return r.block(queues, code, (x) => (x.progress > 0 ? x.progress : -code));
  }

  /**
   * Receives from a byte stream (unix stream, TCP): copies from the queue until the target is
   * met (1 byte, or all of it with MSG_WAITALL), sleeping for more. `stop(skb, first)` ends a
   * read before a buffer that must not be merged with the ones before it (unix credentials);
   * `onRights` takes the descriptors of a buffer (the read ends after one that has some).
   */
  recvStream(r: Request, m: RecvMsg, hooks: StreamRecvHooks): number | Blocked {
    const len = m.buf.length;
    if (len === 0 && !hooks.zeroLengthReads) return 0;
    const peek = (m.flags & MSG_PEEK) !== 0;
    const discard = (m.flags & MSG_TRUNC) !== 0 && hooks.truncDiscards;
    const target = (m.flags & MSG_WAITALL) !== 0 ? len : Math.min(this.rcvlowat, len) || 1;
    this.armTimeout(r, this.rcvtimeo);
    // A woken MSG_WAITALL read continues after what it copied; a peek starts over.
    let copied = r.resumed && !peek ? r.progress : 0;
    let first: Skb | null = null;
    let pi = 0, poff = 0; // a peek's position: buffer index and offset in it
    let ended = false;
    while (copied < len) {
      const skb = this.rcvq.at(peek ? pi : 0);
      if (skb === undefined) break;
      if (first !== null && hooks.stop(skb, first)) { ended = true; break; }
      const start = skb.off + (peek ? poff : 0);
      const n = Math.min(skb.data.length - start, len - copied);
      if (!discard) m.buf.write(copied, skb.data.subarray(start, start + n));
      if (first === null) { first = skb; hooks.onData?.(skb, m); }
      copied += n;
      const fds = skb.fds;
      if (peek) {
        poff += n;
        if (start + n === skb.data.length) { pi++; poff = 0; }
        if (fds !== null) m.rights = fds.map((f) => fileGet(f));
      } else {
        if (fds !== null) m.rights = skb.takeFds();
        this.rcvq.consume(n);
        hooks.consumed?.(n);
      }
      // A read ends after the buffer that carried descriptors.
      if (fds !== null) { ended = true; break; }
    }
    if (ended || copied >= target) return copied;
    if (len === 0 && this.rcvq.length > 0) return 0;
    if (this.err !== 0) return copied > 0 ? copied : this.takeError();
    if ((this.shutdown & RCV_SHUTDOWN) !== 0) return copied;
    const bad = hooks.notConnected?.() ?? 0;
    if (bad < 0) return copied > 0 ? copied : bad;
    if (this.nonblocking(m.flags) || this.expired(r)) return copied > 0 ? copied : -EAGAIN;
    return this.sleep(r, peek ? 0 : copied, this.rcvtimeo);
  }

  /**
   * Receives one whole message (datagram, seqpacket): a shorter buffer truncates it (MSG_TRUNC
   * in msg_flags; the full length returned when the call passed MSG_TRUNC). `eof()` says when an
   * empty queue means end of file rather than waiting.
   */
  recvMessage(r: Request, m: RecvMsg, eof: () => boolean, onSkb?: (skb: Skb, m: RecvMsg) => void): number | Blocked {
    this.armTimeout(r, this.rcvtimeo);
    const skb = this.rcvq.at(0);
    if (skb === undefined) {
      if (this.err !== 0) return this.takeError();
      if (eof()) return 0;
      if ((this.shutdown & RCV_SHUTDOWN) !== 0) return -EAGAIN;
      if (this.nonblocking(m.flags) || this.expired(r)) return -EAGAIN;
      return this.sleep(r, 0, this.rcvtimeo);
    }
    const size = skb.data.length;
    const n = Math.min(size, m.buf.length);
    if (n > 0) m.buf.write(0, skb.data.subarray(0, n));
    if (size > m.buf.length) m.msgFlags |= MSG_TRUNC;
    m.addr = skb.from;
    onSkb?.(skb, m);
    if ((m.flags & MSG_PEEK) !== 0) {
      if (skb.fds !== null) m.rights = skb.fds.map((f) => fileGet(f));
    } else {
      if (skb.fds !== null) m.rights = skb.takeFds();
      this.rcvq.shift();
      skb.free();
      this.afterDequeue();
    }
    return (m.flags & MSG_TRUNC) !== 0 ? size : n;
  }

  /** Called after a receive removed a whole message (wakes senders waiting for room). */
  protected afterDequeue(): void {}

  /**
   * Sends a byte stream through `room`/`push`: as much as fits now, sleeping for more room until
   * all of it is sent (a nonblocking or timed-out send returns what it sent, or EAGAIN). `check`
   * gives the error that ends the send (EPIPE, a pending error), or 0.
   */
  sendStream(r: Request, m: SendMsg, t: StreamTransport): number | Blocked {
    const len = m.buf.length;
    this.armTimeout(r, this.sndtimeo);
    let sent = r.resumed ? r.progress : 0;
    for (;;) {
      const e = t.check();
      if (e < 0) return sent > 0 ? sent : e;
      if (sent >= len) return sent;
      const room = t.room();
      if (room > 0) {
        const n = Math.min(room, len - sent, STREAM_CHUNK_MAX);
        t.push(m.buf.read(sent, n), m, sent === 0);
        sent += n;
        continue;
      }
      if (this.nonblocking(m.flags) || this.expired(r)) return sent > 0 ? sent : -EAGAIN;
      return this.sleep(r, sent, this.sndtimeo, t.queues());
    }
  }

  /** The standard mask bits of a connected byte stream or message socket (unix_poll). */
  protected basePoll(writable: boolean, connectionBased: boolean): number {
    let mask = 0;
    if (this.err !== 0) mask |= POLLERR;
    if (this.shutdown === SHUTDOWN_MASK) mask |= POLLHUP;
    if (this.shutdown & RCV_SHUTDOWN) mask |= POLLRDHUP | POLLIN | POLLRDNORM;
    if (this.rcvq.length > 0) mask |= POLLIN | POLLRDNORM;
    if (connectionBased && this.state === TCP_CLOSE) mask |= POLLHUP;
    if (writable) mask |= POLLOUT | POLLWRNORM;
    return mask;
  }

  /** shutdown(2) how -> sk_shutdown bits (how + 1), or -EINVAL. */
  static shutdownBits(how: number): number {
    if (how < 0 || how > 2) return -EINVAL;
    return how + 1;
  }

  /** True if this end may no longer send. */
  get sendShut(): boolean {
    return (this.shutdown & SEND_SHUTDOWN) !== 0;
  }

  /** -ENOTCONN: the result of peer queries on an unconnected socket. */
  static notConnected(): number {
    return -ENOTCONN;
  }
}

/** What a family gives recvStream. */
export interface StreamRecvHooks {
  /** True if the read must end before skb (the first buffer read was first). */
  stop(skb: Skb, first: Skb): boolean;
  /** Called for each buffer data is copied from (credentials, addresses). */
  onData?(skb: Skb, m: RecvMsg): void;
  /** Called after n bytes were consumed (flow control). */
  consumed?(n: number): void;
  /** A negative errno when the socket cannot receive in its state (checked when nothing is queued). */
  notConnected?(): number;
  /** MSG_TRUNC discards the bytes instead of copying them (TCP). */
  truncDiscards: boolean;
  /** A zero-length read waits for data instead of returning 0 at once (unix streams). */
  zeroLengthReads: boolean;
}

/** Where a stream send puts its bytes. */
export interface StreamTransport {
  /** A negative errno that ends the send now, or 0. */
  check(): number;
  /** Bytes that may be pushed now (0: sleep). */
  room(): number;
  /** Takes a chunk of send m; descriptors ride on the first chunk only. */
  push(chunk: Uint8Array, m: SendMsg, first: boolean): void;
  /** Queues to sleep on for more room. */
  queues(): WaitQueue[];
}

/** Drops the references of received descriptors that cannot be installed. */
export function dropRights(files: OpenFile[]): void {
  for (const f of files) filePut(f);
}
