// epoll(7) instances (Linux's struct eventpoll): an interest set of (file, fd) items and a ready
// list kept in the order items became ready.
//
// Each item puts a waiter of its own on every poll queue of its file. A wake-up on one of them
// is the item's "poll callback": if the file is ready for an event the item wants, the item is
// appended to the ready list and the instance's queue is woken (epoll_wait sleepers and whoever
// polls the epoll fd). epoll_wait then polls each listed item again: level-triggered items that
// were reported go back to the tail of the list (re-checked next time), edge-triggered ones
// leave it until their next wake-up, and one-shot items are disabled until EPOLL_CTL_MOD.
//
// A WaitQueue drops a waiter when it wakes it, and re-adding one from inside its own wake loop
// would make that loop run forever, so woken item waiters are parked in `disarmed` and put back
// on their queues at the next point that reads the instance (a scan, or pollQueues() before a
// poller sleeps). In between, the item is already on the ready list, so nothing is lost.
//
// WaitQueue wake-ups carry no event key yet (Linux filters callbacks by it), so the callback
// checks the file's readiness instead (and honours a key if a waker passes one). The difference:
// a pipe read that leaves data behind wakes the writers' queue, which gives an edge-triggered
// EPOLLIN item one extra report Linux would not make.
import { EEXIST, EFAULT, EINVAL, ELOOP, ENOENT } from '../../abi/errno.js';
import { GuestFaultError, type GuestMemory } from '../../mem/guest_memory.js';
import { type Waiter, WaitQueue } from '../wait.js';
import { O_RDWR } from './constants.js';
import { type EpollWatch, type OpenFile, POLLIN, POLLRDNORM, type StatInfo } from './file.js';
import { anonInodeStat, pollFile } from './poll_util.js';

/** epoll_ctl operations (include/uapi/linux/eventpoll.h). */
export const EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3;
/** epoll event bits: the poll bits plus the input flags. */
export const EPOLLIN = 0x1, EPOLLPRI = 0x2, EPOLLOUT = 0x4, EPOLLERR = 0x8, EPOLLHUP = 0x10, EPOLLNVAL = 0x20,
  EPOLLRDNORM = 0x40, EPOLLRDBAND = 0x80, EPOLLWRNORM = 0x100, EPOLLWRBAND = 0x200, EPOLLMSG = 0x400,
  EPOLLRDHUP = 0x2000;
export const EPOLLEXCLUSIVE = 1 << 28, EPOLLWAKEUP = 1 << 29, EPOLLONESHOT = 1 << 30, EPOLLET = 2 ** 31;
/** Input flags that are not events; a one-shot item that fired keeps only these (EP_PRIVATE_BITS). */
export const EP_PRIVATE_BITS = (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE) >>> 0;
/** The only bits EPOLLEXCLUSIVE may be combined with (EPOLLEXCLUSIVE_OK_BITS). */
export const EPOLLEXCLUSIVE_OK_BITS = (EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET |
  EPOLLEXCLUSIVE) >>> 0;
/** Deepest allowed chain of epoll instances watching each other (EP_MAX_NESTS). */
export const EP_MAX_NESTS = 4;
/** sizeof(struct epoll_event) on riscv64: u32 events @0, u64 data @8 (not packed). */
export const EPOLL_EVENT_SIZE = 16;

/** Options for a new instance: owner and creation time (for fstat). */
export interface EventPollOptions {
  uid?: number;
  gid?: number;
  nowNs?: bigint;
}

/** The waiter an item keeps on one poll queue of its file. */
class ItemWaiter implements Waiter {
  onQueue = false;

  constructor(readonly item: EpItem, readonly queue: WaitQueue) {}

  /** key: the POLL* bits the wake-up is about, if the waker says (Linux's wake-up key). */
  wake(_reason?: unknown, key?: number): void {
    this.onQueue = false;
    this.item.ep.pollCallback(this, key);
  }
}

/** One registration (Linux's struct epitem): the watched (file, fd), its events and data. */
export class EpItem implements EpollWatch {
  waiters: ItemWaiter[] = [];

  constructor(readonly ep: EventPoll, readonly file: OpenFile, readonly fd: number,
    public events: number, public data: bigint) {}

  unregister(): void {
    this.ep.removeItem(this);
  }

  depth(): number {
    return this.ep.depthAbove() + 1;
  }
}

/** An epoll instance as an open file description ("anon_inode:[eventpoll]"). */
export class EventPoll implements OpenFile {
  flags = O_RDWR;
  readonly path = 'anon_inode:[eventpoll]';
  /** epoll_wait sleepers and pollers of this instance (Linux's wq and poll_wait in one). */
  readonly wq = new WaitQueue();
  /** Interest set: file -> fd -> item (an item is keyed by both, as in Linux). */
  private readonly items = new Map<OpenFile, Map<number, EpItem>>();
  /** Ready list in the order items became ready (a Set iterates in insertion order). */
  private rdllist = new Set<EpItem>();
  /** Item waiters woken since the last rearm (off their queues). */
  private readonly disarmed = new Set<ItemWaiter>();
  private readonly statInfo: StatInfo;
  /** Items of other instances watching this one (OpenFile.epItems, declared for the nesting walk). */
  epItems?: Set<EpollWatch>;

  constructor(opts: EventPollOptions = {}) {
    this.statInfo = anonInodeStat(opts.uid ?? 0, opts.gid ?? 0, opts.nowNs ?? 0n);
  }

  /** Number of registered items. */
  get size(): number {
    let n = 0;
    for (const m of this.items.values()) n += m.size;
    return n;
  }

  /**
   * epoll_ctl on this instance after the fd lookups: op ADD/DEL/MOD for (file, fd). Returns 0,
   * -EEXIST, -ENOENT, -ELOOP (nesting loop or too deep) or -EINVAL. Adds EPOLLERR|EPOLLHUP.
   */
  ctl(op: number, file: OpenFile, fd: number, events: number, data: bigint): number {
    if (op === EPOLL_CTL_ADD && file instanceof EventPoll && !this.canWatch(file)) return -ELOOP;
    const item = this.items.get(file)?.get(fd);
    const ev = (events | EPOLLERR | EPOLLHUP) >>> 0;
    switch (op) {
      case EPOLL_CTL_ADD:
        if (item) return -EEXIST;
        this.insert(file, fd, ev, data);
        return 0;
      case EPOLL_CTL_DEL:
        if (!item) return -ENOENT;
        this.removeItem(item);
        return 0;
      case EPOLL_CTL_MOD:
        if (!item) return -ENOENT;
        if (item.events & EPOLLEXCLUSIVE) return -EINVAL;
        this.modify(item, ev, data);
        return 0;
      default:
        return -EINVAL;
    }
  }

  /** True if `to` may be added here: no loop back to this instance, nesting within EP_MAX_NESTS. */
  private canWatch(to: EventPoll): boolean {
    const down = to.depthBelow(this);
    if (down < 0 || down > EP_MAX_NESTS) return false;
    return down + 1 + this.depthAbove() <= EP_MAX_NESTS;
  }

  /** Levels of epoll instances below this one (0: none); -1 if `target` is among them. */
  private depthBelow(target: EventPoll): number {
    let depth = 0;
    for (const m of this.items.values()) {
      for (const it of m.values()) {
        if (!(it.file instanceof EventPoll)) continue;
        if (it.file === target) return -1;
        const d = it.file.depthBelow(target);
        if (d < 0) return -1;
        depth = Math.max(depth, d + 1);
      }
    }
    return depth;
  }

  /** Levels of epoll instances watching this one, transitively (0: none). */
  depthAbove(): number {
    let depth = 0;
    for (const it of this.epItems ?? []) depth = Math.max(depth, it.depth());
    return depth;
  }

  private insert(file: OpenFile, fd: number, events: number, data: bigint): void {
    const item = new EpItem(this, file, fd, events, data);
    let byFd = this.items.get(file);
    if (!byFd) this.items.set(file, byFd = new Map());
    byFd.set(fd, item);
    (file.epItems ??= new Set()).add(item);
    for (const q of file.pollQueues?.() ?? []) {
      const waiter = new ItemWaiter(item, q);
      item.waiters.push(waiter);
      q.add(waiter);
      waiter.onQueue = true;
    }
    if (pollFile(file) & events) this.makeReady(item);
  }

  private modify(item: EpItem, events: number, data: bigint): void {
    item.events = events;
    item.data = data;
    this.rearm();
    if (pollFile(item.file) & events) this.makeReady(item);
  }

  /** Removes an item: off its file's queues, the ready list and the interest set. */
  removeItem(item: EpItem): void {
    for (const w of item.waiters) {
      if (w.onQueue) w.queue.remove(w);
      w.onQueue = false;
      this.disarmed.delete(w);
    }
    this.rdllist.delete(item);
    const byFd = this.items.get(item.file);
    byFd?.delete(item.fd);
    if (byFd?.size === 0) this.items.delete(item.file);
    item.file.epItems?.delete(item);
  }

  /** Appends item to the ready list (unless listed) and wakes sleepers and pollers. */
  private makeReady(item: EpItem): void {
    if (!this.rdllist.has(item)) this.rdllist.add(item);
    this.wq.wake();
  }

  /** A wake-up on one of an item's queues (ep_poll_callback). */
  pollCallback(w: ItemWaiter, key?: number): void {
    const item = w.item;
    if (this.items.get(item.file)?.get(item.fd) !== item) return; // item removed meanwhile
    this.disarmed.add(w);
    if (!(item.events & ~EP_PRIVATE_BITS)) return; // a one-shot item that already fired
    if (key !== undefined && !(key & item.events)) return; // a keyed wake-up for other events
    if (!item.file.pollByPoller && !(pollFile(item.file) & item.events)) return; // not an event this item wants
    this.makeReady(item);
  }

  /** Puts woken item waiters back on their queues, here and in nested instances. */
  rearm(): void {
    for (const w of this.disarmed) {
      w.queue.add(w);
      w.onQueue = true;
    }
    this.disarmed.clear();
    for (const m of this.items.values()) {
      for (const it of m.values()) if (it.file instanceof EventPoll) it.file.rearm();
    }
  }

  /** True if some item may be ready (the ready list is not empty). */
  get eventsAvailable(): boolean {
    return this.rdllist.size > 0;
  }

  /**
   * Reports up to maxevents ready items as struct epoll_event at addr (ep_send_events):
   * returns the count, 0 if none is really ready, or -EFAULT if the first write faulted.
   */
  sendEvents(mem: GuestMemory, addr: number, maxevents: number): number {
    this.rearm();
    const tx = [...this.rdllist];
    this.rdllist.clear();
    const relist: EpItem[] = [];
    let n = 0;
    let i = 0;
    let fault = false;
    for (; i < tx.length && n < maxevents; i++) {
      const item = tx[i]!;
      const revents = pollFile(item.file) & item.events;
      if (!revents) continue; // not ready after all: dropped until its next wake-up
      const at = addr + n * EPOLL_EVENT_SIZE;
      try {
        mem.writeU32(at, revents);
        mem.writeBig64(at + 8, item.data);
      } catch (e) {
        if (!(e instanceof GuestFaultError)) throw e;
        fault = true;
        break; // the item stays listed
      }
      n++;
      if (item.events & EPOLLONESHOT) item.events = (item.events & EP_PRIVATE_BITS) >>> 0;
      else if (!(item.events & EPOLLET)) relist.push(item);
    }
    // Unreported items keep their place at the head; reported level-triggered ones go to the tail.
    this.rdllist = new Set([...tx.slice(i), ...this.rdllist, ...relist]);
    return fault && n === 0 ? -EFAULT : n;
  }

  lseek(): number {
    return 0; // noop_llseek
  }

  stat(): StatInfo {
    return { ...this.statInfo };
  }

  /** Readable when a listed item is really ready (drops listed items that are not). */
  poll(): number {
    for (const item of this.rdllist) {
      if (pollFile(item.file) & item.events) return POLLIN | POLLRDNORM;
      this.rdllist.delete(item);
    }
    return 0;
  }

  /** The instance's queue; rearms the items first, since the caller is about to sleep on it. */
  pollQueues(): WaitQueue[] {
    this.rearm();
    return [this.wq];
  }

  /** Last close: every item goes, and so do the items of instances watching this one. */
  release(): void {
    for (const m of [...this.items.values()]) for (const it of [...m.values()]) this.removeItem(it);
    eventpollRelease(this);
  }
}

/**
 * Removes every epoll item watching file, from all instances (Linux's eventpoll_release, run
 * when the last reference to an open file description goes away).
 */
export function eventpollRelease(file: OpenFile): void {
  const w = file.epItems;
  if (!w) return;
  for (const item of [...w]) item.unregister();
  file.epItems = undefined;
}
