// wait4 and waitid: reap or observe children (process/wait.ts chooses the child).
import { EAGAIN, ECHILD, EINVAL, ESRCH } from '../../abi/errno.js';
import { pidfdWaitTarget } from './pidfd.js';
import { SIGCHLD } from '../signal.js';
import { writeRusage } from '../structs.js';
import type { Task, ThreadGroup } from '../task.js';
import { childrenCpuNs, childrenMaxrssKiB, groupCpuNs, groupMaxrssKiB } from '../time/cputime.js';
import {
  __WALL, __WCLONE, __WNOTHREAD, consumeWaitEvent, findWaitEvent, type WaitEvent, type WaitWhich, WCONTINUED, WEXITED,
  WNOHANG, WNOWAIT, WSTOPPED, WUNTRACED,
} from '../process/wait.js';
import type { Request } from '../request.js';
import type { SyscallDef, SysArgs, SysResult } from './types.js';

/** waitid's idtype values. */
const P_ALL = 0, P_PID = 1, P_PGID = 2, P_PIDFD = 3;
/** The most negative int: wait4(INT_MIN) would name process group -INT_MIN, which cannot exist. */
const INT_MIN = -0x80000000;

/** Writes the rusage wait reports for child c (its own usage plus its reaped children's). */
function writeChildRusage(t: Task, addr: number, c: ThreadGroup): void {
  writeRusage(t.mm.mem, addr, {
    utimeNs: groupCpuNs(c) + childrenCpuNs(c), stimeNs: 0n,
    maxrssKiB: Math.max(groupMaxrssKiB(c), childrenMaxrssKiB(c)),
  });
}

/**
 * Runs one wait: the event to report (already consumed unless WNOWAIT), 0 for WNOHANG with
 * nothing to report, -ECHILD, or a Blocked marker until a child changes state.
 */
function doWait(t: Task, r: Request, which: WaitWhich, options: number): WaitEvent | number | SysResult {
  const ev = findWaitEvent(t.tg, which, options);
  if (ev === 'none') return -ECHILD;
  if (ev === 'wait') return (options & WNOHANG) !== 0 ? 0 : r.block([t.tg.node.childWait]);
  consumeWaitEvent(ev, options);
  return ev;
}

/** wait4(pid, *wstatus, options, *rusage): returns the child's pid, 0 (WNOHANG), or -errno. */
function sysWait4(t: Task, a: SysArgs, r: Request): SysResult {
  const pid = a.int(0), options = a.int(2) >>> 0;
  if ((options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL)) !== 0) return -EINVAL;
  if (pid === INT_MIN) return -ESRCH;
  const which: WaitWhich = pid > 0 ? { kind: 'pid', pid } : pid === -1 ? { kind: 'all' }
    : { kind: 'pgid', pgid: pid === 0 ? t.tg.pgid : -pid };
  const res = doWait(t, r, which, options | WEXITED);
  if (typeof res !== 'object' || !('child' in res)) return res;
  const mem = t.mm.mem;
  const st = a.addr(1), ru = a.addr(3);
  if (st !== 0) mem.writeI32(st, res.status);
  if (ru !== 0) writeChildRusage(t, ru, res.child);
  return res.child.pid;
}

/** waitid(idtype, id, *infop, options, *rusage): 0 or -errno; infop gets the SIGCHLD fields (zeros for WNOHANG with nothing to report). */
function sysWaitid(t: Task, a: SysArgs, r: Request): SysResult {
  const idtype = a.int(0), id = a.int(1), options = a.int(3) >>> 0;
  if ((options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL)) !== 0) return -EINVAL;
  if ((options & (WEXITED | WSTOPPED | WCONTINUED)) === 0) return -EINVAL;
  let which: WaitWhich;
  let pidfdNonblock = false;
  if (idtype === P_ALL) which = { kind: 'all' };
  else if (idtype === P_PID) { if (id <= 0) return -EINVAL; which = { kind: 'pid', pid: id }; }
  else if (idtype === P_PGID) { if (id < 0) return -EINVAL; which = { kind: 'pgid', pgid: id === 0 ? t.tg.pgid : id }; }
  else if (idtype === P_PIDFD) {
    if (id < 0) return -EINVAL;
    const target = pidfdWaitTarget(t, id);
    if (typeof target === 'number') return target;
    which = { kind: 'pid', pid: target.pid };
    pidfdNonblock = target.nonblock;
  } else return -EINVAL;
  // A pidfd opened with PIDFD_NONBLOCK makes the wait WNOHANG, and "nothing yet" is EAGAIN.
  const res = doWait(t, r, which, pidfdNonblock ? options | WNOHANG : options);
  if (typeof res !== 'object' || !('child' in res)) {
    if (res !== 0) return res;
    if (pidfdNonblock && (options & WNOHANG) === 0) return -EAGAIN;
  }
  const ev = typeof res === 'object' && 'child' in res ? res : null;
  const mem = t.mm.mem;
  const info = a.addr(2), ru = a.addr(4);
  if (ru !== 0) {
    if (ev !== null) writeChildRusage(t, ru, ev.child);
    else writeRusage(mem, ru, { utimeNs: 0n, stimeNs: 0n, maxrssKiB: 0 });
  }
  if (info !== 0) {
    mem.checkWrite(info, 28);
    mem.writeI32(info, ev ? SIGCHLD : 0);
    mem.writeI32(info + 4, 0);
    mem.writeI32(info + 8, ev ? ev.code : 0);
    mem.writeI32(info + 16, ev ? ev.child.pid : 0);
    mem.writeU32(info + 20, ev ? ev.child.cred.ruid : 0);
    mem.writeI32(info + 24, ev ? ev.siStatus : 0);
  }
  return 0;
}

export const defs: SyscallDef[] = [
  { nr: 260, name: 'wait4', handler: sysWait4, status: 'full', note: 'rusage has user time and maxrss only', args: ['int', 'ptr', 'hex', 'ptr'] },
  { nr: 95, name: 'waitid', handler: sysWaitid, status: 'full', args: ['int', 'int', 'ptr', 'hex', 'ptr'] },
];
