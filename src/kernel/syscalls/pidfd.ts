// pidfd_open, pidfd_send_signal and pidfd_getfd (Linux's kernel/pid.c and kernel/signal.c):
// process file descriptors (process/pidfd.ts). CLONE_PIDFD is in clone.ts, P_PIDFD in wait.ts.
import { EBADF, EINVAL, EPERM, ESRCH } from '../../abi/errno.js';
import { decodeSigInfo, NSIG, SI_TKILL, SI_USER, SIGINFO_SIZE, type SigInfo } from '../signal.js';
import { TaskState, type Task, type ThreadGroup } from '../task.js';
import { signalProcess } from '../process/kill.js';
import { asPidFd, PIDFD_NONBLOCK, PidFd } from '../process/pidfd.js';
import { nofileLimit } from './fs_common.js';
import type { SyscallDef, SysArgs } from './types.js';

/** Creates a pidfd for tg in t's fd table (always close-on-exec, as Linux); returns the fd or -errno. */
export function installPidFd(t: Task, tg: ThreadGroup, nonblock: boolean): number {
  return t.files.install(new PidFd(tg, nonblock), true, 0, nofileLimit(t));
}

/** pidfd_open(pid, flags): a pidfd for the process pid leads; EINVAL for other flags, a pid <= 0
 *  or a thread that is not a process's leader, ESRCH when no such process (zombies count). */
function sysPidfdOpen(t: Task, a: SysArgs): number {
  const pid = a.int(0), flags = a.u32(1);
  if ((flags & ~PIDFD_NONBLOCK) !== 0 || pid <= 0) return -EINVAL;
  const tg = t.kernel.procs.get(pid);
  if (tg === undefined) return t.kernel.tasks.has(pid) ? -EINVAL : -ESRCH;
  return installPidFd(t, tg, (flags & PIDFD_NONBLOCK) !== 0);
}

/** Returns the pidfd at fd, or -EBADF when fd is not open or not a pidfd. */
function pidfdAt(t: Task, fd: number): PidFd | number {
  return asPidFd(t.files.get(fd)) ?? -EBADF;
}

/**
 * pidfd_send_signal(pidfd, sig, info, flags): kill() through a pidfd. flags must be 0; with info,
 * si_signo must be sig and only the process itself may send a si_code >= 0 or SI_TKILL (EPERM).
 * ESRCH once the process has been reaped; a zombie accepts the signal and ignores it.
 */
function sysPidfdSendSignal(t: Task, a: SysArgs): number {
  const sig = a.int(1), uinfo = a.addr(2), flags = a.u32(3);
  if (flags !== 0) return -EINVAL;
  if (sig < 0 || sig > NSIG) return -EINVAL;
  const p = pidfdAt(t, a.int(0));
  if (typeof p === 'number') return p;
  let info: SigInfo;
  if (uinfo !== 0) {
    const u = decodeSigInfo(t.mm.mem.read(uinfo, SIGINFO_SIZE));
    if (u.signo !== sig) return -EINVAL;
    if (p.tg !== t.tg && (u.code >= 0 || u.code === SI_TKILL)) return -EPERM;
    info = u;
  } else {
    info = { signo: sig, code: SI_USER, pid: t.tg.pid, uid: t.tg.cred.ruid };
  }
  if (p.reaped) return -ESRCH;
  return signalProcess(t, p.tg, info);
}

/** True if t may take tg's fds (Linux's ptrace_may_access with PTRACE_MODE_ATTACH_REALCREDS):
 *  the same process, uid 0, or every uid and gid of tg equal to t's real ones and tg dumpable. */
export function mayAttach(t: Task, tg: ThreadGroup): boolean {
  if (tg === t.tg) return true;
  const me = t.tg.cred, c = tg.cred;
  if (me.euid === 0) return true;
  const sameIds = [c.ruid, c.euid, c.suid].every((u) => u === me.ruid) && [c.rgid, c.egid, c.sgid].every((g) => g === me.rgid);
  return sameIds && tg.dumpable === 1;
}

/** pidfd_getfd(pidfd, targetfd, flags): a close-on-exec duplicate in the caller of the target's fd
 *  (the same open file description). EINVAL for flags, ESRCH once the process has exited, EPERM
 *  without ptrace access, EBADF when the fd is not open there. */
function sysPidfdGetfd(t: Task, a: SysArgs): number {
  const targetFd = a.int(1), flags = a.u32(2);
  if (flags !== 0) return -EINVAL;
  const p = pidfdAt(t, a.int(0));
  if (typeof p === 'number') return p;
  const tg = p.tg;
  // An exiting process or a zombie has no fds left: ESRCH, as Linux reports since 6.8 (EBADF before).
  if (p.reaped || tg.exitCode !== null) return -ESRCH;
  if (!mayAttach(t, tg)) return -EPERM;
  const holder = tg.tasks.find((x) => x.state !== TaskState.Exited);
  const f = targetFd < 0 ? undefined : holder?.files.get(targetFd);
  if (f === undefined) return -EBADF;
  return t.files.install(f, true, 0, nofileLimit(t));
}

/** Returns the process a pidfd names for waitid(P_PIDFD), and whether it was opened nonblocking; -EBADF otherwise. */
export function pidfdWaitTarget(t: Task, fd: number): { pid: number; nonblock: boolean } | number {
  const p = pidfdAt(t, fd);
  if (typeof p === 'number') return p;
  return { pid: p.pid, nonblock: (p.flags & PIDFD_NONBLOCK) !== 0 };
}

export const defs: SyscallDef[] = [
  { nr: 434, name: 'pidfd_open', handler: sysPidfdOpen, status: 'full', args: ['int', 'hex'] },
  { nr: 424, name: 'pidfd_send_signal', handler: sysPidfdSendSignal, status: 'full', args: ['fd', 'signal', 'ptr', 'hex'] },
  { nr: 438, name: 'pidfd_getfd', handler: sysPidfdGetfd, status: 'full', args: ['fd', 'int', 'hex'] },
];
