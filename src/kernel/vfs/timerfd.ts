// timerfd (fs/timerfd.c): a timer whose expirations are counted and read from a file.
// Expiry runs on kernel CLOCK_MONOTONIC (realtime deadlines are converted when armed); a
// periodic timer counts every interval that passed, so a late reader sees the full count.
// TFD_TIMER_CANCEL_ON_SET is accepted and never cancels: the guest cannot set CLOCK_REALTIME
// (clock_settime gives EPERM), so the event it waits for never happens inside ecall.
import { EAGAIN, EFAULT, EINVAL, ENOTTY } from '../../abi/errno.js';
import type { Blocked, Request } from '../request.js';
import { WaitQueue } from '../wait.js';
import { O_NONBLOCK, O_RDWR } from './constants.js';
import { type OpenFile, POLLIN, type StatInfo } from './file.js';
import { IntervalTimer, Reload, type TimerContext } from '../time/interval_timer.js';
import type { KernelClock } from '../time/deadline.js';

/** Size of the expiration count a read returns (u64). */
export const TIMERFD_TICKS_SIZE = 8;
/** TFD_IOC_SET_TICKS = _IOW('T', 0, u64) (include/uapi/linux/timerfd.h; CONFIG_CHECKPOINT_RESTORE). */
export const TFD_IOC_SET_TICKS = 0x40085400;
/** Device and inode of Linux's one shared anon inode (anon_inodefs is an anonymous 0:N sb; values seen on Linux 6.x). */
const ANON_INODE_DEV = 10, ANON_INODE_INO = 1038;
/** Block size stat reports for anon inodes (PAGE_SIZE). */
const ANON_INODE_BLKSIZE = 4096;

/** The timer behind a timerfd: its clock, expiry and the unread expiration count. */
export class TimerFdFile implements OpenFile {
  flags: number;
  readonly path = 'anon_inode:[timerfd]';
  /** Expirations not yet read (Linux's ctx->ticks). */
  ticks = 0n;
  readonly wait = new WaitQueue();
  readonly timer: IntervalTimer;

  constructor(readonly kernel: TimerContext & KernelClock, readonly clockid: number, nonblock: boolean) {
    this.flags = O_RDWR | (nonblock ? O_NONBLOCK : 0);
    this.timer = new IntervalTimer(kernel, {
      reload: Reload.Forward,
      onExpire: (n) => {
        this.ticks += n;
        this.wait.wake();
      },
    });
  }

  /** Arms (valueNs > 0, absolute on kernel CLOCK_MONOTONIC) or disarms (null); clears the count. */
  set(expiresMono: bigint | null, intervalNs: bigint): void {
    this.ticks = 0n;
    this.timer.disarm();
    this.timer.interval = 0n;
    if (expiresMono !== null) this.timer.arm(expiresMono, intervalNs);
  }

  /** Returns [interval, time left] in ns, counting any expiry that is due first (timerfd_gettime). */
  get(): [bigint, bigint] {
    this.timer.sync();
    const left = this.timer.remaining();
    return [this.timer.interval, left !== null && left > 0n ? left : 0n];
  }

  /** Reads the u64 expiration count: EINVAL under 8 bytes, EAGAIN or sleep when it is 0. */
  read(r: Request, buf: Uint8Array): number | Blocked {
    // A buffer cut short by an unmapped page also lands here; Linux would give EFAULT.
    if (buf.length < TIMERFD_TICKS_SIZE) return -EINVAL;
    this.timer.sync();
    if (this.ticks === 0n) {
      if (this.flags & O_NONBLOCK) return -EAGAIN;
      return r.block([this.wait]);
    }
    new DataView(buf.buffer, buf.byteOffset, TIMERFD_TICKS_SIZE).setBigUint64(0, this.ticks, true);
    this.ticks = 0n;
    return TIMERFD_TICKS_SIZE;
  }

  /** noop_llseek: the position is always 0. */
  lseek(): number {
    return 0;
  }

  /** TFD_IOC_SET_TICKS sets the unread count (non-zero); everything else is ENOTTY. */
  ioctl(r: Request, request: number, argAddr: number): number {
    if (request !== TFD_IOC_SET_TICKS) return -ENOTTY;
    let v: bigint;
    try {
      v = r.caller.mm.mem.readBig64(argAddr);
    } catch {
      return -EFAULT;
    }
    if (v === 0n) return -EINVAL;
    this.ticks = v;
    this.wait.wake();
    return 0;
  }

  stat(): StatInfo {
    return {
      dev: ANON_INODE_DEV, ino: ANON_INODE_INO, mode: 0o600, nlink: 1, uid: 0, gid: 0, rdev: 0,
      size: 0, blksize: ANON_INODE_BLKSIZE, blocks: 0, atimeNs: 0n, mtimeNs: 0n, ctimeNs: 0n,
    };
  }

  /** POLLIN while expirations are unread. */
  poll(): number {
    this.timer.sync();
    return this.ticks > 0n ? POLLIN : 0;
  }

  pollQueues(): WaitQueue[] {
    return [this.wait];
  }

  release(): void {
    this.timer.disarm();
  }
}
