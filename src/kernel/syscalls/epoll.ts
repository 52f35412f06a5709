// epoll_create1, epoll_ctl, epoll_pwait and epoll_pwait2 over the instances in vfs/epoll.ts.
// A wait with nothing ready sleeps on the instance's queue; a signal ends it with EINTR (never
// restarted), after one last look at the ready list, as Linux's ep_poll does.
import { EFAULT, EINTR, EINVAL, EPERM } from '../../abi/errno.js';
import { GuestFaultError } from '../../mem/guest_memory.js';
import type { Request } from '../request.js';
import type { Task } from '../task.js';
import { O_CLOEXEC } from '../vfs/constants.js';
import {
  EPOLL_CTL_DEL, EPOLL_CTL_ADD, EPOLL_CTL_MOD, EPOLL_EVENT_SIZE, EPOLLEXCLUSIVE, EPOLLEXCLUSIVE_OK_BITS, EventPoll,
} from '../vfs/epoll.js';
import { readTimeoutTimespec, setUserSigmask, startTimeout, timedOut } from './call_timeout.js';
import { ioFileAt, nofileLimit } from './fs_common.js';
import type { SysArgs, SysResult, SyscallDef } from './types.js';

const NR_EPOLL_PWAIT = 22, NR_EPOLL_PWAIT2 = 441;
/** EPOLL_CLOEXEC = O_CLOEXEC, the only flag epoll_create1 accepts. */
export const EPOLL_CLOEXEC = O_CLOEXEC;
/** Most events one wait may return: INT_MAX / sizeof(struct epoll_event) (EP_MAX_EVENTS). */
export const EP_MAX_EVENTS = Math.floor(0x7fffffff / EPOLL_EVENT_SIZE);
/** Nanoseconds per millisecond, for epoll_pwait's timeout. */
const NSEC_PER_MSEC = 1_000_000n;

/** epoll_create1(flags): a new epoll fd, -EINVAL for flags other than EPOLL_CLOEXEC, or -EMFILE. */
export function sysEpollCreate1(t: Task, a: SysArgs): number {
  const flags = a.int(0);
  if (flags & ~EPOLL_CLOEXEC) return -EINVAL;
  const cred = t.tg.cred;
  const ep = new EventPoll({ uid: cred.fsuid, gid: cred.fsgid, nowNs: t.kernel.realtimeNs() });
  return t.files.install(ep, (flags & EPOLL_CLOEXEC) !== 0, 0, nofileLimit(t));
}

/** epoll_ctl(epfd, op, fd, event*): 0 or -errno, checked in Linux's order. */
export function sysEpollCtl(t: Task, a: SysArgs): number {
  const epfd = a.int(0), op = a.int(1), fd = a.int(2), evAddr = a.addr(3);
  let events = 0, data = 0n;
  if (op !== EPOLL_CTL_DEL) {
    const mem = t.mm.mem;
    mem.checkRead(evAddr, EPOLL_EVENT_SIZE);
    events = mem.readU32(evAddr);
    data = mem.readBig64(evAddr + 8);
  }
  const ep = ioFileAt(t, epfd);
  if (typeof ep === 'number') return ep;
  const target = ioFileAt(t, fd);
  if (typeof target === 'number') return target;
  // Linux refuses files without a poll method: regular files, directories, /dev/null and the like.
  // Here those are the files whose readiness never changes (no poll queues).
  if (!target.poll || !target.pollQueues) return -EPERM;
  if (ep === target || !(ep instanceof EventPoll)) return -EINVAL;
  if (op !== EPOLL_CTL_DEL && (events & EPOLLEXCLUSIVE)) {
    if (op === EPOLL_CTL_MOD) return -EINVAL;
    if (op === EPOLL_CTL_ADD && (target instanceof EventPoll || (events & ~EPOLLEXCLUSIVE_OK_BITS))) return -EINVAL;
  }
  return ep.ctl(op, target, fd, events, data);
}

/** Reports ready events, -EFAULT, or 0 if none (ep_send_events behind a thrown-fault guard). */
function sendEvents(t: Task, ep: EventPoll, addr: number, maxevents: number): number {
  try {
    return ep.sendEvents(t.mm.mem, addr, maxevents);
  } catch (e) {
    if (e instanceof GuestFaultError) return -EFAULT;
    throw e;
  }
}

/** do_epoll_wait: validates, then reports ready events or sleeps until the deadline. */
function doEpollWait(t: Task, r: Request, epfd: number, addr: number, maxevents: number): SysResult {
  if (maxevents <= 0 || maxevents > EP_MAX_EVENTS) return -EINVAL;
  const ep = ioFileAt(t, epfd);
  if (typeof ep === 'number') return ep;
  if (!(ep instanceof EventPoll)) return -EINVAL;
  const n = sendEvents(t, ep, addr, maxevents);
  if (n !== 0 || timedOut(t, r)) return n;
  return r.block(ep.pollQueues(), EINTR, () => {
    const last = sendEvents(t, ep, addr, maxevents);
    return last !== 0 ? last : -EINTR;
  });
}

/** epoll_pwait(epfd, events, maxevents, timeout_ms, sigmask, sigsetsize): events reported, or -errno. */
export function sysEpollPwait(t: Task, a: SysArgs, r: Request): SysResult {
  const ms = a.int(3);
  const bad = startTimeout(t, r, () => (ms < 0 ? null : BigInt(ms) * NSEC_PER_MSEC));
  if (bad) return bad;
  const err = setUserSigmask(t, a.addr(4), a.num(5));
  if (err) return err;
  return doEpollWait(t, r, a.int(0), a.addr(1), a.int(2));
}

/** epoll_pwait2(epfd, events, maxevents, timespec*, sigmask, sigsetsize): as epoll_pwait, ns timeout. */
export function sysEpollPwait2(t: Task, a: SysArgs, r: Request): SysResult {
  const tsp = a.addr(3);
  const bad = startTimeout(t, r, () => readTimeoutTimespec(t, tsp));
  if (bad) return bad;
  const err = setUserSigmask(t, a.addr(4), a.num(5));
  if (err) return err;
  return doEpollWait(t, r, a.int(0), a.addr(1), a.int(2));
}

/** Note shared by the epoll calls. */
const EPOLL_NOTE = 'level, edge and one-shot; no EPOLLEXCLUSIVE wake-one; an item goes on EPOLL_CTL_DEL or when its file is released';

export const defs: SyscallDef[] = [
  { nr: 20, name: 'epoll_create1', handler: sysEpollCreate1, status: 'full', args: ['hex'] },
  { nr: 21, name: 'epoll_ctl', handler: sysEpollCtl, status: 'partial', note: EPOLL_NOTE, args: ['fd', 'int', 'fd', 'ptr'] },
  {
    nr: NR_EPOLL_PWAIT, name: 'epoll_pwait', handler: sysEpollPwait, status: 'partial', note: EPOLL_NOTE,
    args: ['fd', 'ptr', 'int', 'int', 'sigset', 'size'],
  },
  {
    nr: NR_EPOLL_PWAIT2, name: 'epoll_pwait2', handler: sysEpollPwait2, status: 'partial', note: EPOLL_NOTE,
    args: ['fd', 'ptr', 'int', 'ptr', 'sigset', 'size'],
  },
];
