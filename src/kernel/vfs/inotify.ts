// An inotify instance (Linux's fsnotify_group for inotify): its watches, one per inode, and the
// queue of events read(2) returns as struct inotify_event records.
import { EAGAIN, EEXIST, EINVAL, ENOTTY } from '../../abi/errno.js';
import type { Blocked, Request } from '../request.js';
import { WaitQueue } from '../wait.js';
import { O_NONBLOCK, O_RDONLY } from './constants.js';
import { type OpenFile, POLLIN, POLLRDNORM, type StatInfo } from './file.js';
import { type Fsnotify, type FsWatch, IN_IGNORED, IN_Q_OVERFLOW } from './fsnotify.js';
import { anonInodeStat } from './poll_util.js';
import { strToBytes } from '../../util/bytestr.js';

/** sizeof(struct inotify_event) without its name: wd, mask, cookie, len. Names are padded to a multiple of it. */
export const INOTIFY_EVENT_SIZE = 16;
/** Events queued before the rest are dropped for one IN_Q_OVERFLOW (fs.inotify.max_queued_events). */
const MAX_QUEUED_EVENTS = 16384;
/** Watch flags: only one-shot changes delivery. */
export const IN_ONESHOT = 0x80000000;
/** FIONREAD: bytes of events ready to read. */
const FIONREAD = 0x541b;

/** One watch: an inode key, its wd and event mask. */
class Watch implements FsWatch {
  constructor(readonly owner: InotifyFile, readonly wd: number, readonly key: string, public mask: number) {}

  deliver(mask: number, cookie: number, name: string): void {
    this.owner.queueEvent(this.wd, mask, cookie, name);
    if (this.mask & IN_ONESHOT) this.owner.dropWatch(this);
  }

  inodeGone(): void {
    this.owner.dropWatch(this);
  }
}

/** One queued event. */
interface QueuedEvent {
  wd: number;
  mask: number;
  cookie: number;
  name: string;
}

/** Bytes an event takes in read(2)'s buffer. */
function eventSize(e: QueuedEvent): number {
  return INOTIFY_EVENT_SIZE + (e.name === '' ? 0 : Math.ceil((e.name.length + 1) / INOTIFY_EVENT_SIZE) * INOTIFY_EVENT_SIZE);
}

/** An inotify open file description. */
export class InotifyFile implements OpenFile {
  flags: number;
  readonly path = 'anon_inode:inotify';
  readonly wq = new WaitQueue();
  private readonly byWd = new Map<number, Watch>();
  private readonly byKey = new Map<string, Watch>();
  private readonly queue: QueuedEvent[] = [];
  private nextWd = 1;
  private readonly statInfo: StatInfo;

  constructor(private readonly registry: Fsnotify, nonblock: boolean, uid: number, gid: number, nowNs: bigint) {
    this.flags = O_RDONLY | (nonblock ? O_NONBLOCK : 0);
    this.statInfo = anonInodeStat(uid, gid, nowNs);
  }

  /**
   * Adds or updates the watch on the inode with key: its wd, or -EEXIST when create (IN_MASK_CREATE)
   * meets an existing watch. add (IN_MASK_ADD) ORs the events into the old mask instead of replacing it.
   */
  addWatch(key: string, mask: number, add: boolean, create: boolean): number {
    const old = this.byKey.get(key);
    if (old !== undefined) {
      if (create) return -EEXIST;
      old.mask = add ? old.mask | mask : mask;
      return old.wd;
    }
    const w = new Watch(this, this.nextWd++, key, mask);
    this.byWd.set(w.wd, w);
    this.byKey.set(key, w);
    this.registry.add(key, w);
    return w.wd;
  }

  /** inotify_rm_watch: 0 after queueing IN_IGNORED, or -EINVAL for an unknown wd. */
  removeWatch(wd: number): number {
    const w = this.byWd.get(wd);
    if (w === undefined) return -EINVAL;
    this.dropWatch(w);
    return 0;
  }

  /** Ends watch w: off the registry, then IN_IGNORED for its wd. */
  dropWatch(w: Watch): void {
    if (this.byWd.get(w.wd) !== w) return;
    this.byWd.delete(w.wd);
    this.byKey.delete(w.key);
    this.registry.remove(w.key, w);
    this.queueEvent(w.wd, IN_IGNORED, 0, '');
  }

  /** Queues an event, merged away if it repeats the last one, or one IN_Q_OVERFLOW when the queue is full. */
  queueEvent(wd: number, mask: number, cookie: number, name: string): void {
    const last = this.queue[this.queue.length - 1];
    if (last && last.wd === wd && last.mask === mask && last.cookie === cookie && last.name === name) return;
    if (this.queue.length >= MAX_QUEUED_EVENTS) {
      if (last?.mask !== IN_Q_OVERFLOW) this.queue.push({ wd: -1, mask: IN_Q_OVERFLOW, cookie: 0, name: '' });
      return;
    }
    this.queue.push({ wd, mask, cookie, name });
    this.wq.wake();
  }

  /** read(2): whole events that fit; EINVAL if the first does not; sleeps (or EAGAIN) while none is queued. */
  read(r: Request, buf: Uint8Array): number | Blocked {
    if (this.queue.length === 0) {
      if (this.flags & O_NONBLOCK) return -EAGAIN;
      return r.block([this.wq]);
    }
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let off = 0;
    while (this.queue.length > 0) {
      const e = this.queue[0]!;
      const size = eventSize(e);
      if (off + size > buf.length) break;
      buf.fill(0, off, off + size);
      dv.setInt32(off, e.wd, true);
      dv.setUint32(off + 4, e.mask >>> 0, true);
      dv.setUint32(off + 8, e.cookie >>> 0, true);
      dv.setUint32(off + 12, size - INOTIFY_EVENT_SIZE, true);
      buf.set(strToBytes(e.name), off + INOTIFY_EVENT_SIZE);
      off += size;
      this.queue.shift();
    }
    return off === 0 ? -EINVAL : off;
  }

  /** FIONREAD: the bytes of all queued events; other requests are ENOTTY (ioctl's default). */
  ioctl(r: Request, request: number, argAddr: number): number {
    if (request !== FIONREAD) return -ENOTTY;
    const bytes = this.queue.reduce((n, e) => n + eventSize(e), 0);
    r.caller.mm.mem.writeI32(argAddr, bytes);
    return 0;
  }

  stat(): StatInfo {
    return { ...this.statInfo };
  }

  poll(): number {
    return this.queue.length > 0 ? POLLIN | POLLRDNORM : 0;
  }

  pollQueues(): WaitQueue[] {
    return [this.wq];
  }

  /** The last close ends every watch. */
  release(): void {
    for (const w of [...this.byWd.values()]) {
      this.byWd.delete(w.wd);
      this.byKey.delete(w.key);
      this.registry.remove(w.key, w);
    }
  }
}
