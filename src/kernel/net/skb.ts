// Socket buffers: one message in a receive queue (Linux's sk_buff, reduced to what ecall needs),
// and the queue. A stream reader consumes a buffer in parts (off), a datagram reader whole. A
// buffer may carry descriptors in flight (SCM_RIGHTS: the buffer holds a reference on each open
// file until it is received or freed), the sender's credentials and the sender's address, and a
// destructor that returns its memory to the sending socket (sock_wfree).
import type { OpenFile } from '../vfs/file.js';
import { filePut } from '../vfs/fdtable.js';
import type { InetAddr, SockAddr } from './sockaddr.js';

/** Process credentials a message carries (struct ucred). */
export interface UCred {
  pid: number;
  uid: number;
  gid: number;
}

/** sizeof(struct sk_buff) plus sizeof(struct skb_shared_info), rounded as Linux's SKB_TRUESIZE does. */
const SKB_OVERHEAD = 576;

/** Returns the memory a buffer of n data bytes is charged for (Linux's skb->truesize, approximately). */
export function skbTruesize(n: number): number {
  return n + SKB_OVERHEAD;
}

/** One queued message. */
export class Skb {
  /** Bytes already consumed by stream reads. */
  off = 0;
  /** Called once when the buffer is freed (consumed or purged): returns its memory to the sender. */
  destructor: (() => void) | null = null;
  /** Called when the descriptors leave the buffer (received or dropped): in-flight accounting. */
  onUnflight: ((fds: OpenFile[]) => void) | null = null;
  /** Where an IP datagram was sent (plain: IPv4 as AF_INET), for IP_ORIGDSTADDR; null if unknown. */
  dest: InetAddr | null = null;

  constructor(
    readonly data: Uint8Array,
    /** Files in flight (each holds one reference), or null. */
    public fds: OpenFile[] | null = null,
    readonly cred: UCred | null = null,
    readonly from: SockAddr | null = null,
    readonly truesize = skbTruesize(data.length),
  ) {}

  /** Bytes not yet consumed. */
  get remaining(): number {
    return this.data.length - this.off;
  }

  /** Takes the descriptors out of the buffer (a receive); the caller owns their references. */
  takeFds(): OpenFile[] | null {
    const fds = this.fds;
    this.fds = null;
    if (fds !== null) this.onUnflight?.(fds);
    return fds;
  }

  /** Frees the buffer: drops the references of descriptors still in flight and runs the destructor. */
  free(): void {
    const fds = this.takeFds();
    if (fds !== null) for (const f of fds) filePut(f);
    const d = this.destructor;
    this.destructor = null;
    d?.();
  }
}

/** A FIFO of buffers with a count of unconsumed bytes (sk_receive_queue). */
export class SkbQueue {
  private items: Skb[] = [];
  private head = 0;
  /** Unconsumed data bytes in the queue. */
  bytes = 0;

  /** Number of buffers queued. */
  get length(): number {
    return this.items.length - this.head;
  }

  /** The i-th buffer from the head, or undefined. */
  at(i: number): Skb | undefined {
    return this.items[this.head + i];
  }

  push(skb: Skb): void {
    this.items.push(skb);
    this.bytes += skb.remaining;
  }

  /** Marks n bytes of the head buffer consumed; frees and removes it once it is empty. */
  consume(n: number): void {
    const skb = this.items[this.head]!;
    skb.off += n;
    this.bytes -= n;
    if (skb.remaining === 0) this.shift()!.free();
  }

  /** Removes the head buffer (without freeing it) and returns it. */
  shift(): Skb | undefined {
    if (this.head >= this.items.length) return undefined;
    const skb = this.items[this.head]!;
    this.items[this.head++] = undefined as unknown as Skb;
    this.bytes -= skb.remaining;
    if (this.head > 64 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return skb;
  }

  /** Removes and frees every buffer (a socket's release, or a garbage-collected cycle). */
  purge(): void {
    for (;;) {
      const skb = this.shift();
      if (skb === undefined) return;
      skb.free();
    }
  }

  /** Iterates over the queued buffers from the head. */
  *[Symbol.iterator](): IterableIterator<Skb> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i]!;
  }
}
