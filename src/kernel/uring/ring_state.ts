// One io_uring instance (Linux's io_ring_ctx) as an open file: its shared memory, the CQ side
// (posting, the overflow list that is kept and flushed, never dropped, and the wait queue of
// io_uring_enter), the registered files, buffers and eventfd, and the requests in flight. This is
// what the opcodes and the request lifecycle see; ring.ts's IoRing adds what reaches them (running
// woken requests, cancelling at release, the opcode table), so neither imports the ring back.
import { EINVAL } from '../../abi/errno.js';
import type { MmapFile } from '../../mem/mm.js';
import { PAGE_SIZE, type PhysMem } from '../../mem/phys.js';
import { type GcFile, isGcFile, type UnixNamespace } from '../net/unix.js';
import type { Request } from '../request.js';
import type { KernelServices, Task } from '../task.js';
import { O_RDWR } from '../vfs/constants.js';
import type { EventFd } from '../vfs/eventfd.js';
import { filePut } from '../vfs/fdtable.js';
import { type OpenFile, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, type StatInfo } from '../vfs/file.js';
import { anonInodeStat } from '../vfs/poll_util.js';
import { WaitQueue, type WakeReason } from '../wait.js';
import {
  CQ_EVENTFD_DISABLED, CQE_F_MORE, OFF_CQ_RING, OFF_SQ_RING, OFF_SQES, SETUP_DEFER_TASKRUN, SETUP_TASKRUN_FLAG, SQ_CQ_OVERFLOW,
  SQ_NEED_WAKEUP, SQ_TASKRUN,
} from './abi.js';
import type { IoKiocb, UringRequest } from './kiocb.js';
import type { OpResult } from './op_result.js';
import {
  R_CQ_ENTRIES, R_CQ_FLAGS, R_CQ_HEAD, R_CQ_MASK, R_CQ_TAIL, R_SQ_ENTRIES, R_SQ_FLAGS, R_SQ_HEAD, R_SQ_MASK,
  R_SQ_TAIL, type RingLayout, RingMemory,
} from './ring_memory.js';

/** A CQE waiting in the kernel because the CQ ring was full. */
interface PendingCqe {
  userData: bigint;
  res: number;
  flags: number;
}

/** A group of provided buffers (PROVIDE_BUFFERS): each [addr, len, bid], taken first-in first-out. */
export type BufferGroup = [number, number, number][];

/** What the ring may do after IORING_REGISTER_RESTRICTIONS (null: no restrictions). */
export interface Restrictions {
  registerOps: Set<number>;
  sqeOps: Set<number>;
  sqeFlagsAllowed: number;
  sqeFlagsRequired: number;
}

let nextRingId = 1;

export abstract class RingCore implements GcFile {
  flags = O_RDWR;
  readonly path = 'anon_inode:[io_uring]';
  readonly id = nextRingId++;
  readonly mem: RingMemory;
  /** Tasks in io_uring_enter waiting for CQEs, and pollers of the ring fd. */
  readonly cqWait = new WaitQueue();
  /** SQPOLL: submitters waiting for SQ space (IORING_ENTER_SQ_WAIT). */
  readonly sqWait = new WaitQueue();
  private readonly overflow: PendingCqe[] = [];
  private readonly statInfo: StatInfo;
  /** Registered files (null: none registered), buffers as [addr, len], the eventfd. */
  files: (OpenFile | null)[] | null = null;
  buffers: [number, number][] | null = null;
  eventfd: EventFd | null = null;
  eventfdAsync = false;
  /** Provided buffer groups by group id. */
  readonly bufferGroups = new Map<number, BufferGroup>();
  restrictions: Restrictions | null = null;
  /** Restrictions registered on a disabled ring; they take effect with IORING_REGISTER_ENABLE_RINGS. */
  pendingRestrictions: Restrictions | null = null;
  /** False while the ring was set up with IORING_SETUP_R_DISABLED and not enabled yet. */
  enabled: boolean;
  /** Requests consumed and not yet complete, in submission order. */
  readonly inflight = new Set<IoKiocb>();
  /** Chains held back by IO_DRAIN (their heads, in submission order). */
  readonly drainQueue: IoKiocb[] = [];
  /** Armed TIMEOUT requests, in submission order. */
  readonly timeouts: IoKiocb[] = [];
  /** CQEs posted by requests other than timeouts (what a TIMEOUT's count waits for). */
  completions = 0;
  /** Requests woken from a wait, to run again at the next event point (or in io_uring_enter). */
  protected ready: IoKiocb[] = [];
  private flushPosted = false;
  /** TIMEOUTs that expired so far (a wait in io_uring_enter ends when one does). */
  timeoutsFired = 0;
  /** A drain inside a chain also drains the request after that chain. */
  drainNext = false;
  /** Next submission sequence number. */
  seq = 0;
  /** True while io_uring_enter submits: completions then are inline (EVENTFD_ASYNC skips them). */
  inSubmit = false;
  dead = false;
  /** True while the registered eventfd's waiters are being woken by this ring. */
  private inEventfdWake = false;
  /** SINGLE_ISSUER: the one task that may submit (and, with DEFER_TASKRUN, reap); null until the ring is enabled. */
  submitter: Task | null = null;
  /** References to the ring's file held by unix messages in flight (SCM_RIGHTS), for the collector. */
  inflightRefs = 0;
  /** The AF_UNIX namespace whose collector counts the registered table (joinCollector). */
  protected unixNames: UnixNamespace | null = null;
  /** SQPOLL: the emulated poller thread is awake until this monotonic time (ns), or null when asleep. */
  sqThreadAwakeUntil: bigint | null = null;

  constructor(
    readonly kernel: KernelServices,
    phys: PhysMem,
    readonly layout: RingLayout,
    readonly setupFlags: number,
    /** SQPOLL idle time in ms. */
    readonly sqThreadIdle: number,
    readonly owner: Task,
  ) {
    this.mem = new RingMemory(phys, layout, `io_uring:${this.id}`);
    const m = this.mem;
    m.setU32(R_SQ_MASK, layout.sqEntries - 1);
    m.setU32(R_CQ_MASK, layout.cqEntries - 1);
    m.setU32(R_SQ_ENTRIES, layout.sqEntries);
    m.setU32(R_CQ_ENTRIES, layout.cqEntries);
    this.enabled = true;
    this.statInfo = anonInodeStat(owner.tg.cred.euid ?? 0, owner.tg.cred.egid ?? 0, kernel.realtimeNs());
  }

  /** SQEs the application has published and the kernel not consumed yet. */
  sqPending(): number {
    return (this.mem.u32(R_SQ_TAIL) - this.mem.u32(R_SQ_HEAD)) >>> 0;
  }

  /** CQEs in the CQ ring that the application has not consumed. */
  cqReady(): number {
    return (this.mem.u32(R_CQ_TAIL) - this.mem.u32(R_CQ_HEAD)) >>> 0;
  }

  /** CQEs waiting in the kernel for room in the CQ ring. */
  get overflowed(): number {
    return this.overflow.length;
  }

  /** Posts one CQE: into the ring, or onto the overflow list when it is full (FEAT_NODROP). */
  post(userData: bigint, res: number, flags: number): void {
    if (this.overflow.length > 0 || !this.tryWrite(userData, res, flags)) {
      this.overflow.push({ userData, res, flags });
      this.setSqFlag(SQ_CQ_OVERFLOW, true);
    }
    this.kernel.mark?.(this.owner, 'cqe', res);
    this.posted();
  }

  /** Moves overflowed CQEs into the ring while it has room; clears IORING_SQ_CQ_OVERFLOW when done. */
  flushOverflow(): void {
    if (this.overflow.length === 0) return;
    let moved = 0;
    while (this.overflow.length > 0) {
      const c = this.overflow[0]!;
      if (!this.tryWrite(c.userData, c.res, c.flags)) break;
      this.overflow.shift();
      moved++;
    }
    if (this.overflow.length === 0) this.setSqFlag(SQ_CQ_OVERFLOW, false);
    if (moved > 0) this.cqWait.wake();
  }

  /** Writes a CQE at the tail if the ring has room; returns false when it is full. */
  private tryWrite(userData: bigint, res: number, flags: number): boolean {
    const m = this.mem;
    const tail = m.u32(R_CQ_TAIL);
    if (((tail - m.u32(R_CQ_HEAD)) >>> 0) >= this.layout.cqEntries) return false;
    m.writeCqe(tail & (this.layout.cqEntries - 1), userData, res, flags);
    m.setU32(R_CQ_TAIL, (tail + 1) >>> 0);
    return true;
  }

  /** After a CQE: wakes waiters and pollers and signals the registered eventfd. */
  private posted(): void {
    this.cqWait.wake();
    if (!(this.eventfdAsync && this.inSubmit)) this.signalEventfd();
  }

  /** Adds 1 to the registered eventfd (unless IORING_CQ_EVENTFD_DISABLED) and wakes its readers. */
  private signalEventfd(): void {
    const ef = this.eventfd;
    if (ef === null) return;
    if (this.mem.u32(R_CQ_FLAGS) & CQ_EVENTFD_DISABLED) return;
    if (0xffff_ffff_ffff_fffen - ef.count > 1n) ef.count += 1n;
    this.inEventfdWake = true;
    try {
      ef.wq.wake();
    } finally {
      this.inEventfdWake = false;
    }
  }

  /** Sets or clears an SQ ring flag. */
  setSqFlag(bit: number, on: boolean): void {
    const f = this.mem.u32(R_SQ_FLAGS);
    this.mem.setU32(R_SQ_FLAGS, on ? f | bit : f & ~bit);
  }

  /** Posts an intermediate CQE of a multishot request (with IORING_CQE_F_MORE). */
  postMore(k: IoKiocb, res: number, flags = 0): void {
    this.post(k.userData, res, flags | CQE_F_MORE);
  }

  /**
   * Posts an intermediate CQE of a multishot receive if the CQ ring has room and nothing waits on
   * the overflow list; false otherwise: Linux 6.1 then ends the multishot with this result as its
   * final CQE (io_post_aux_cqe without overflow).
   */
  tryPostMore(k: IoKiocb, res: number, flags: number): boolean {
    if (this.overflow.length > 0 || !this.tryWrite(k.userData, res, flags | CQE_F_MORE)) return false;
    this.kernel.mark?.(this.owner, 'cqe', res);
    this.posted();
    return true;
  }

  /** Wakes a parked request: it runs again at the next event point (never inside the waker). */
  wakeRequest(r: Request, reason: WakeReason): void {
    const k = (r as UringRequest).kiocb;
    if (k.cancelHook === null) return; // no longer waiting
    k.cancelHook();
    k.cancelHook = null;
    r.wakeReason = reason;
    this.ready.push(k);
    if (this.setupFlags & SETUP_DEFER_TASKRUN) {
      // Deferred task work runs only when the submitter enters the kernel to wait for completions.
      // Linux signals the eventfd when it queues the work, so a poller knows to enter.
      if (this.setupFlags & SETUP_TASKRUN_FLAG) this.setSqFlag(SQ_TASKRUN, true);
      this.cqWait.wake();
      // Not from inside the eventfd's own wake-up (a request waiting on that eventfd): Linux's
      // eventfd_signal_allowed() refuses that recursion too.
      if (!this.inEventfdWake) this.signalEventfd();
      return;
    }
    if (!this.flushPosted) {
      this.flushPosted = true;
      this.kernel.postHostEvent(() => { this.flushPosted = false; this.runReady(); });
    }
  }

  /** True while woken requests wait for the submitter (DEFER_TASKRUN task work). */
  get workPending(): boolean {
    return this.ready.length > 0;
  }

  /** Runs the woken requests again (IoRing, which reaches the request lifecycle). */
  abstract runReady(): void;

  /** Readiness of the ring fd: POLLIN with CQEs to reap, POLLOUT with room in the SQ ring. */
  poll(): number {
    let m = 0;
    if (this.cqReady() > 0 || this.overflow.length > 0 || this.ready.length > 0) m |= POLLIN | POLLRDNORM;
    if (this.sqPending() < this.layout.sqEntries) m |= POLLOUT | POLLWRNORM;
    return m;
  }

  pollQueues(): WaitQueue[] {
    return [this.cqWait];
  }

  stat(): StatInfo {
    return { ...this.statInfo };
  }

  /** What an mmap of the ring fd at offset off for len bytes maps (EINVAL beyond the region). */
  mmapSource(offset?: number, len?: number): MmapFile | number {
    const L = this.layout;
    const size = offset === OFF_SQES ? L.sqesBytes : offset === OFF_SQ_RING || offset === OFF_CQ_RING ? L.ringsBytes : -1;
    if (size < 0 || this.dead) return -EINVAL;
    if (len !== undefined && Math.ceil(len / PAGE_SIZE) > Math.ceil(size / PAGE_SIZE)) return -EINVAL;
    return {
      path: this.path, dev: 0, ino: this.statInfo.ino, key: this.mem.key,
      read: () => -EINVAL, // never called: the key names the ring's existing object
    };
  }

  /** Lets the collector of names count the registered table (a ring sent over a unix socket may close a cycle). */
  joinCollector(names: UnixNamespace): void {
    this.unixNames = names;
    names.holders.add(this);
  }

  /** Calls fn for each registered file the unix collector knows (unix sockets). */
  forEachCarried(fn: (f: GcFile) => void): void {
    for (const f of this.files ?? []) if (f !== null && isGcFile(f)) fn(f);
  }

  /** The collector found the ring unreachable: its registered files go (their references with them). */
  purgeCarried(): void {
    const files = this.files;
    this.files = null;
    for (const f of files ?? []) if (f) filePut(f);
  }

  /** When only unix messages in flight still refer to the ring, it may close a garbage cycle. */
  refDropped(remaining: number): void {
    if (this.inflightRefs > 0 && remaining === this.inflightRefs) this.unixNames?.collect();
  }

  /** The last fd closed: every request in flight completes (cancelled), then the memory goes (IoRing). */
  abstract release(): void;

  /** Runs k's opcode (IoRing, which holds the opcode table): the lifecycle dispatches through the ring. */
  abstract issue(k: IoKiocb, r: UringRequest): OpResult;

  /** Sets IORING_SQ_NEED_WAKEUP (the SQPOLL thread went to sleep) or clears it. */
  sqThreadSleeping(on: boolean): void {
    this.setSqFlag(SQ_NEED_WAKEUP, on);
  }
}

