// Process file descriptors (Linux's kernel/pid.c pidfd_create and pidfd_fops): an fd that names
// one process, stays valid after the pid is reaped, and polls readable once the process has
// exited. pidfd_open, CLONE_PIDFD, pidfd_send_signal, pidfd_getfd and waitid(P_PIDFD) use it.
import { EINVAL } from '../../abi/errno.js';
import type { ThreadGroup } from '../task.js';
import { O_NONBLOCK, O_RDWR } from '../vfs/constants.js';
import { type OpenFile, POLLIN, POLLRDNORM, type StatInfo } from '../vfs/file.js';
import { anonInodeStat } from '../vfs/poll_util.js';
import type { WaitQueue } from '../wait.js';
import { ExitState } from './node.js';

/** PIDFD_NONBLOCK is O_NONBLOCK (include/uapi/linux/pidfd.h): waitid on the pidfd does not sleep. */
export const PIDFD_NONBLOCK = O_NONBLOCK;

/** An open pidfd: the process it names (kept after the process is reaped, as struct pid is). */
export class PidFd implements OpenFile {
  flags: number;
  readonly path = 'anon_inode:[pidfd]';
  private readonly statInfo: StatInfo;

  constructor(readonly tg: ThreadGroup, nonblock: boolean) {
    this.flags = O_RDWR | (nonblock ? O_NONBLOCK : 0);
    const k = tg.kernel;
    this.statInfo = anonInodeStat(0, 0, k.realtimeNs());
  }

  /** The pid the fd names (Linux keeps the number valid after the process is reaped). */
  get pid(): number {
    return this.tg.pid;
  }

  /** True once the process is gone from the process table (reaped). */
  get reaped(): boolean {
    return this.tg.node.exitState === ExitState.Dead;
  }

  read(): number {
    return -EINVAL;
  }

  write(): number {
    return -EINVAL;
  }

  stat(): StatInfo {
    return { ...this.statInfo };
  }

  /** Readable once every thread of the process has exited (zombie or reaped; Linux 6.1's pidfd_poll). */
  poll(): number {
    return this.tg.exitCode !== null || this.tg.node.exitState !== ExitState.Live ? POLLIN | POLLRDNORM : 0;
  }

  /** Pollers sleep on the process's exit. */
  pollQueues(): WaitQueue[] {
    return [this.tg.exitWaiters];
  }
}

/** Returns the pidfd file behind f, or null when f is some other file. */
export function asPidFd(f: OpenFile | undefined): PidFd | null {
  return f instanceof PidFd ? f : null;
}
