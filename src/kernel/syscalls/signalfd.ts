// signalfd4(2): a file that reads the reader's pending signals as struct signalfd_siginfo records.
// A read takes signals from the same queues, in the same order, through the same dequeue as
// rt_sigtimedwait (signal_deliver.ts's dequeueSignal): the reading thread's own first, then its
// process's. Nothing is bound to the creator: after fork the fd reads the reading process's
// signals, and readiness (poll, select, epoll, io_uring POLL_ADD) is for the polling thread, as
// in Linux. Every queued signal wakes the process's signalfd queue (ThreadGroup.signalfdWait).
import { EAGAIN, EBADF, EINVAL, ERESTARTSYS } from '../../abi/errno.js';
import type { Blocked, Caller, Request } from '../request.js';
import { type SigInfo, SIGKILL, SIGSTOP } from '../signal.js';
import { dequeueSignal } from '../signal_deliver.js';
import { sigbit } from '../signal_queue.js';
import type { KernelServices, Task } from '../task.js';
import type { WaitQueue } from '../wait.js';
import { O_CLOEXEC, O_NONBLOCK, O_RDWR } from '../vfs/constants.js';
import { type OpenFile, POLLIN, type StatInfo } from '../vfs/file.js';
import { anonInodeStat } from '../vfs/poll_util.js';
import { nofileLimit } from './fs_common.js';
import type { SysArgs, SyscallDef } from './types.js';

/** SFD_CLOEXEC and SFD_NONBLOCK are O_CLOEXEC and O_NONBLOCK (include/uapi/linux/signalfd.h). */
export const SFD_CLOEXEC = O_CLOEXEC, SFD_NONBLOCK = O_NONBLOCK;
/** sizeof(struct signalfd_siginfo): each record a read returns. */
export const SIGNALFD_SIGINFO_SIZE = 128;
/** The only sigset size signalfd4 accepts (sizeof(sigset_t) in the kernel: 64 signals). */
const SIGSET_SIZE = 8;
/** Signals a signalfd never takes: they are silently left out of its mask. */
const UNBLOCKABLE = sigbit(SIGKILL) | sigbit(SIGSTOP);

/** The task behind a caller (a Caller that is a task has a thread group), or null. */
function taskOf(c: Caller | null | undefined): Task | null {
  return c != null && 'tg' in c ? (c as Task) : null;
}

/**
 * Encodes info as struct signalfd_siginfo (uapi/linux/signalfd.h): signo, errno and code always,
 * then the fields of the siginfo's layout, as Linux's signalfd_copyinfo picks them: a fault's
 * address; SIGPOLL's band and fd; a POSIX timer's id, overrun and value; otherwise the sender's
 * pid and uid, with SIGCHLD's status and times, or a queued value (int and pointer).
 */
export function encodeSignalfdSiginfo(info: SigInfo): Uint8Array {
  const b = new Uint8Array(SIGNALFD_SIGINFO_SIZE);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, info.signo, true); // ssi_signo
  dv.setInt32(4, info.errno ?? 0, true); // ssi_errno
  dv.setInt32(8, info.code, true); // ssi_code
  if (info.addr !== undefined) {
    dv.setBigUint64(72, BigInt(info.addr), true); // ssi_addr
  } else if (info.band !== undefined) {
    dv.setUint32(28, Number(BigInt.asUintN(32, info.band)), true); // ssi_band
    dv.setInt32(20, info.fd ?? 0, true); // ssi_fd
  } else if (info.timerid !== undefined) {
    dv.setUint32(24, info.timerid, true); // ssi_tid
    dv.setUint32(32, info.overrun ?? 0, true); // ssi_overrun
    putValue(dv, info.value ?? 0n);
  } else {
    dv.setUint32(12, info.pid ?? 0, true); // ssi_pid
    dv.setUint32(16, info.uid ?? 0, true); // ssi_uid
    if (info.status !== undefined) {
      dv.setInt32(40, info.status, true); // ssi_status
      dv.setBigUint64(56, BigInt.asUintN(64, info.utime ?? 0n), true); // ssi_utime
      dv.setBigUint64(64, BigInt.asUintN(64, info.stime ?? 0n), true); // ssi_stime
    } else if (info.value !== undefined) {
      putValue(dv, info.value);
    }
  }
  return b;
}

/** Writes a sigval as ssi_ptr (all 64 bits) and ssi_int (its low 32, the union's int on little-endian). */
function putValue(dv: DataView, v: bigint): void {
  dv.setBigUint64(48, BigInt.asUintN(64, v), true);
  dv.setInt32(44, Number(BigInt.asIntN(32, v)), true);
}

/** A signalfd open file description (Linux's signalfd_ctx and its file). */
export class SignalFd implements OpenFile {
  flags: number;
  readonly path = 'anon_inode:[signalfd]';
  /** Readiness is the polling thread's, which a waker (another process sending a signal) is not. */
  readonly pollByPoller = true;
  private readonly statInfo: StatInfo;

  constructor(private readonly kernel: KernelServices, public mask: bigint, nonblock: boolean, stat: StatInfo) {
    this.flags = O_RDWR | (nonblock ? O_NONBLOCK : 0);
    this.statInfo = stat;
  }

  /** The thread a readiness question is about: the poller given, else the one whose call is running. */
  private poller(c?: Caller): Task | null {
    return taskOf(c) ?? this.kernel.currentTask;
  }

  /**
   * read(2): one record per signal in the mask pending for the reader, as many as fit (EINVAL
   * below one record); with none, EAGAIN when nonblocking, else a sleep until one is queued (a
   * handled signal outside the mask interrupts it with ERESTARTSYS).
   */
  read(r: Request, buf: Uint8Array): number | Blocked {
    if (buf.length < SIGNALFD_SIGINFO_SIZE) return -EINVAL;
    const t = taskOf(r.caller);
    if (t === null) return -EINVAL;
    // A thread sleeping here is woken like a sigtimedwait for the mask (sigwaitSet), not interrupted.
    if (!r.asyncIo) t.sigwaitSet = 0n;
    const max = Math.floor(buf.length / SIGNALFD_SIGINFO_SIZE);
    let n = 0;
    while (n < max) {
      const info = dequeueSignal(t, this.mask);
      if (info === null) break;
      buf.set(encodeSignalfdSiginfo(info), n * SIGNALFD_SIGINFO_SIZE);
      n++;
    }
    if (n > 0) return n * SIGNALFD_SIGINFO_SIZE;
    if (this.flags & O_NONBLOCK) return -EAGAIN;
    if (r.asyncIo) return r.block([t.tg.signalfdWait]);
    t.sigwaitSet = this.mask;
    return r.block([t.tg.signalfdWait], ERESTARTSYS, () => { t.sigwaitSet = 0n; return -ERESTARTSYS; });
  }

  /** signalfd has noop_llseek: lseek succeeds at 0. */
  lseek(): number {
    return 0;
  }

  stat(): StatInfo {
    return { ...this.statInfo };
  }

  /** POLLIN while a signal in the mask is pending for the polling thread or its process. */
  poll(poller?: Caller): number {
    const t = this.poller(poller);
    if (t === null) return 0;
    return ((t.pending.mask | t.tg.shared.mask) & this.mask) !== 0n ? POLLIN : 0;
  }

  /** The polling thread's process's signalfd queue. */
  pollQueues(poller?: Caller): WaitQueue[] {
    const t = this.poller(poller);
    return t === null ? [] : [t.tg.signalfdWait];
  }
}

/** signalfd4(fd, mask, sizemask, flags): a new signalfd (fd -1) or a new mask for signalfd fd. */
function sysSignalfd4(t: Task, a: SysArgs): number {
  if (a.num(2) !== SIGSET_SIZE) return -EINVAL;
  const mask = t.mm.mem.readBig64(a.addr(1)) & ~UNBLOCKABLE;
  const flags = a.int(3);
  if (flags & ~(SFD_CLOEXEC | SFD_NONBLOCK)) return -EINVAL;
  const fd = a.int(0);
  if (fd === -1) {
    const cred = t.tg.cred;
    const f = new SignalFd(t.kernel, mask, (flags & SFD_NONBLOCK) !== 0, anonInodeStat(cred.fsuid, cred.fsgid, t.kernel.realtimeNs()));
    return t.files.install(f, (flags & SFD_CLOEXEC) !== 0, 0, nofileLimit(t));
  }
  const f = t.files.get(fd);
  if (!f) return -EBADF;
  if (!(f instanceof SignalFd)) return -EINVAL;
  f.mask = mask;
  t.tg.signalfdWait.wake(); // sleepers look again with the new mask
  return fd;
}

export const defs: SyscallDef[] = [
  {
    nr: 74, name: 'signalfd4', handler: sysSignalfd4, status: 'full',
    note: 'SFD_CLOEXEC, SFD_NONBLOCK; reads, poll, epoll and io_uring for the reading thread', args: ['fd', 'sigset', 'size', 'hex'],
  },
];
