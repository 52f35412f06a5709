// io_uring_setup (425), io_uring_enter (426) and io_uring_register (427): abi-riscv64.md §5. The
// ring itself lives in src/kernel/uring.
import { EBADF, EBADFD, EEXIST, EFAULT, EINTR, EINVAL, ENOMEM, EOPNOTSUPP, ETIME } from '../../abi/errno.js';
import { Blocked, type Request } from '../request.js';
import { readTimespec, timespecToNs, timespecValid } from '../structs.js';
import type { Task } from '../task.js';
import { monotonicDeadline } from '../time/deadline.js';
import { fileGet, filePut } from '../vfs/fdtable.js';
import { WakeReason, type WaitList } from '../wait.js';
import {
  ENTER_EXT_ARG, ENTER_GETEVENTS, ENTER_KNOWN, ENTER_REGISTERED_RING, ENTER_SQ_WAIT, ENTER_SQ_WAKEUP, FEATURES,
  GETEVENTS_ARG_SIZE, MAX_CQ_ENTRIES, MAX_ENTRIES, PARAMS_SIZE, SETUP_ATTACH_WQ, SETUP_CLAMP, SETUP_COOP_TASKRUN,
  SETUP_CQSIZE, SETUP_DEFER_TASKRUN, SETUP_KNOWN, SETUP_R_DISABLED, SETUP_SINGLE_ISSUER, SETUP_SQ_AFF, SETUP_SQPOLL,
  SETUP_TASKRUN_FLAG,
} from '../uring/abi.js';
import { registeredRing, ringRegister } from '../uring/register.js';
import { IoRing } from '../uring/ring.js';
import {
  R_CQ_ENTRIES, R_CQ_FLAGS, R_CQ_HEAD, R_CQ_MASK, R_CQ_OVERFLOW, R_CQ_TAIL, R_CQES, R_SQ_DROPPED, R_SQ_ENTRIES,
  R_SQ_FLAGS, R_SQ_HEAD, R_SQ_MASK, R_SQ_TAIL, ringLayout,
} from '../uring/ring_memory.js';
import { SQPOLL_DEFAULT_IDLE_MS, sqpollRun, sqpollWake } from '../uring/sqpoll.js';
import { submitSqes } from '../uring/submit.js';
import { setUserSigmask } from './call_timeout.js';
import { nofileLimit } from './fs_common.js';
import type { SysArgs, SysResult, SyscallDef } from './types.js';

/** Smallest power of two >= n (n >= 1). */
function roundupPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** io_uring_setup(entries, params*): the ring fd, with params' out fields written (§5.2). */
function sysIoUringSetup(t: Task, a: SysArgs): SysResult {
  let entries = a.u32(0);
  const pAddr = a.addr(1);
  const raw = t.mm.mem.read(pAddr, PARAMS_SIZE);
  const p = new DataView(raw.buffer, raw.byteOffset, PARAMS_SIZE);
  const flags = p.getUint32(8, true);
  for (let i = 28; i < 40; i++) if (raw[i] !== 0) return -EINVAL;
  if (flags & ~SETUP_KNOWN) return -EINVAL;
  if (entries === 0) return -EINVAL;
  if (entries > MAX_ENTRIES) {
    if (!(flags & SETUP_CLAMP)) return -EINVAL;
    entries = MAX_ENTRIES;
  }
  const sq = roundupPow2(entries);
  let cq = 2 * sq;
  if (flags & SETUP_CQSIZE) {
    let want = p.getUint32(4, true);
    if (want === 0) return -EINVAL;
    if (want > MAX_CQ_ENTRIES) {
      if (!(flags & SETUP_CLAMP)) return -EINVAL;
      want = MAX_CQ_ENTRIES;
    }
    cq = roundupPow2(want);
    if (cq < sq) return -EINVAL;
  }
  if (flags & SETUP_SQ_AFF && !(flags & SETUP_SQPOLL)) return -EINVAL;
  if (flags & SETUP_SQ_AFF && p.getUint32(12, true) >= t.kernel.sched.cpuCount) return -EINVAL;
  if (flags & SETUP_SQPOLL && flags & (SETUP_COOP_TASKRUN | SETUP_TASKRUN_FLAG | SETUP_DEFER_TASKRUN)) return -EINVAL;
  if (flags & SETUP_TASKRUN_FLAG && !(flags & (SETUP_COOP_TASKRUN | SETUP_DEFER_TASKRUN))) return -EINVAL;
  if (flags & SETUP_DEFER_TASKRUN && !(flags & SETUP_SINGLE_ISSUER)) return -EINVAL;
  if (flags & SETUP_ATTACH_WQ && !(t.files.get(p.getUint32(24, true)) instanceof IoRing)) return -EINVAL;
  const L = ringLayout(sq, cq);
  let ring: IoRing;
  try {
    const idle = flags & SETUP_SQPOLL ? p.getUint32(16, true) || SQPOLL_DEFAULT_IDLE_MS : 0;
    ring = new IoRing(t.kernel, t.mm.mem.phys, L, flags, idle, t);
  } catch (e) {
    if (e instanceof RangeError) return -ENOMEM;
    throw e;
  }
  ring.enabled = !(flags & SETUP_R_DISABLED);
  if (flags & SETUP_SINGLE_ISSUER && ring.enabled) ring.submitter = t;
  const out = new DataView(new ArrayBuffer(PARAMS_SIZE));
  new Uint8Array(out.buffer).set(raw);
  out.setUint32(0, sq, true);
  out.setUint32(4, cq, true);
  out.setUint32(20, FEATURES, true);
  const sqOff = [R_SQ_HEAD, R_SQ_TAIL, R_SQ_MASK, R_SQ_ENTRIES, R_SQ_FLAGS, R_SQ_DROPPED, L.sqArray, 0];
  const cqOff = [R_CQ_HEAD, R_CQ_TAIL, R_CQ_MASK, R_CQ_ENTRIES, R_CQ_OVERFLOW, R_CQES, R_CQ_FLAGS, 0];
  sqOff.forEach((v, i) => out.setUint32(40 + 4 * i, v, true));
  out.setBigUint64(72, 0n, true);
  cqOff.forEach((v, i) => out.setUint32(80 + 4 * i, v, true));
  out.setBigUint64(112, 0n, true);
  try {
    t.mm.mem.write(pAddr, new Uint8Array(out.buffer));
  } catch {
    ring.release();
    return -EFAULT;
  }
  const fd = t.files.install(ring, true, 0, nofileLimit(t));
  if (fd < 0) {
    ring.release();
    return fd;
  }
  ring.joinCollector(t.kernel.net.unix);
  if (flags & SETUP_SQPOLL) sqpollWake(ring);
  return fd;
}

/** The ring io_uring_enter/register names: an fd, or (REGISTERED_RING) an index of t's registered rings. */
function ringOf(t: Task, fd: number, registered: boolean): IoRing | number {
  if (registered) {
    if (fd < 0 || fd >= 16) return -EINVAL;
    const r = registeredRing(t, fd);
    return r === null || r.dead ? -EBADF : r;
  }
  const f = t.files.get(fd);
  if (!f) return -EBADF;
  return f instanceof IoRing ? f : -EOPNOTSUPP;
}

/**
 * What io_uring_enter keeps across its sleeps: how many SQEs it consumed, the timeout count at
 * entry, and the ring itself, referenced while the call sleeps (Linux's fdget holds the file for
 * the whole call: another thread closing the fd meanwhile neither fails nor tears down the wait).
 */
interface EnterState {
  submitted: number;
  timeoutsFired: number;
  ring: IoRing;
  held: boolean;
}

/** Drops the ring reference a sleeping enter took (at its end, interrupted or abandoned). */
function dropRing(st: EnterState): void {
  if (!st.held) return;
  st.held = false;
  filePut(st.ring);
}

/** Puts the enter to sleep on queues, holding its ring until the call ends; onInterrupt gives the result a signal ends it with. */
function enterSleep(r: Request, st: EnterState, queues: WaitList[], onInterrupt: () => number): Blocked {
  if (!st.held) {
    fileGet(st.ring);
    st.held = true;
  }
  return r.block(queues, EINTR, () => {
    const v = onInterrupt();
    dropRing(st);
    return v;
  }, () => dropRing(st));
}

/**
 * io_uring_enter(fd, to_submit, min_complete, flags, arg, argsz): submits, then (GETEVENTS) waits
 * until min_complete CQEs are in the ring, a TIMEOUT fires, the EXT_ARG timeout passes (-ETIME) or
 * a signal comes (-EINTR, never restarted). Returns the SQEs consumed if any, else the wait's error.
 */
function sysIoUringEnter(t: Task, a: SysArgs, r: Request): SysResult {
  const res = enter(t, a, r);
  const st = r.state as EnterState | null;
  if (!(res instanceof Blocked) && st !== null) dropRing(st);
  return res;
}

/** One run of io_uring_enter (the first, or after a wake-up); see sysIoUringEnter. */
function enter(t: Task, a: SysArgs, r: Request): SysResult {
  const toSubmit = a.u32(1), minComplete = a.u32(2), flags = a.u32(3), arg = a.addr(4), argsz = a.num(5);
  if (flags & ~ENTER_KNOWN) return -EINVAL;
  const held = r.resumed ? (r.state as EnterState | null) : null;
  const ring = held !== null ? held.ring : ringOf(t, a.int(0), (flags & ENTER_REGISTERED_RING) !== 0);
  if (typeof ring === 'number') return ring;
  if (!ring.enabled) return -EBADFD;
  // SINGLE_ISSUER: only the submitter task submits (SQPOLL rings excepted: the poller submits);
  // with DEFER_TASKRUN only it waits for completions, since only it runs their task work.
  const foreign = ring.setupFlags & SETUP_SINGLE_ISSUER && ring.submitter !== t;
  if (foreign && !(ring.setupFlags & SETUP_SQPOLL) && toSubmit > 0) return -EEXIST;
  if (foreign && ring.setupFlags & SETUP_DEFER_TASKRUN && flags & ENTER_GETEVENTS) return -EEXIST;
  let st = r.state as EnterState | null;
  if (!r.resumed || st === null) {
    if (flags & ENTER_GETEVENTS) {
      // The wait's arguments are checked before anything is submitted.
      const err = waitArgs(t, r, flags, arg, argsz);
      if (err) return err;
    }
    let submitted = 0;
    if (ring.setupFlags & SETUP_SQPOLL) {
      if (flags & ENTER_SQ_WAKEUP) sqpollWake(ring);
      sqpollRun(ring);
      submitted = toSubmit;
    } else if (toSubmit > 0) {
      submitted = submitSqes(ring, t, toSubmit);
    }
    st = { submitted, timeoutsFired: ring.timeoutsFired, ring, held: false };
    r.state = st;
    if (!(flags & ENTER_GETEVENTS) && !(flags & ENTER_SQ_WAIT && ring.setupFlags & SETUP_SQPOLL)) return submitted;
  }
  const submitted = st.submitted;
  if (!(ring.setupFlags & SETUP_DEFER_TASKRUN) || flags & ENTER_GETEVENTS) ring.runReady();
  if (flags & ENTER_SQ_WAIT && ring.setupFlags & SETUP_SQPOLL && ring.sqPending() >= ring.layout.sqEntries) {
    return enterSleep(r, st, [ring.sqWait], () => (submitted > 0 ? submitted : -EINTR));
  }
  if (!(flags & ENTER_GETEVENTS)) return submitted;
  ring.flushOverflow();
  if (ring.cqReady() >= minComplete || ring.timeoutsFired !== st.timeoutsFired) return submitted;
  // A wait that ends early (timeout, signal) still succeeds when some CQE is there to reap.
  const ended = (err: number): number => (submitted > 0 ? submitted : ring.cqReady() > 0 ? 0 : err);
  if (r.wakeReason === WakeReason.Timeout || (r.deadline !== null && r.deadline.ns <= t.kernel.monotonicNs())) {
    return ended(-ETIME);
  }
  return enterSleep(r, st, [ring.cqWait], () => ended(-EINTR));
}

/** The wait arguments of io_uring_enter: a sigset (arg, argsz), or with EXT_ARG io_uring_getevents_arg. */
function waitArgs(t: Task, r: Request, flags: number, arg: number, argsz: number): number {
  if (!(flags & ENTER_EXT_ARG)) return arg === 0 ? 0 : setUserSigmask(t, arg, argsz);
  if (arg === 0) return 0;
  if (argsz !== GETEVENTS_ARG_SIZE) return -EINVAL;
  const raw = t.mm.mem.read(arg, GETEVENTS_ARG_SIZE);
  const dv = new DataView(raw.buffer, raw.byteOffset, GETEVENTS_ARG_SIZE);
  const sigmask = Number(dv.getBigUint64(0, true)), sigsz = dv.getUint32(8, true), ts = Number(dv.getBigUint64(16, true));
  if (ts !== 0) {
    const v = readTimespec(t.mm.mem, ts);
    if (!timespecValid(v)) return -EINVAL;
    r.deadline = monotonicDeadline(t.kernel.monotonicNs() + timespecToNs(v));
  }
  return sigmask === 0 ? 0 : setUserSigmask(t, sigmask, sigsz);
}

/** io_uring_register(fd, opcode, arg, nr_args). */
function sysIoUringRegister(t: Task, a: SysArgs): SysResult {
  const ring = ringOf(t, a.int(0), false);
  if (typeof ring === 'number') return ring;
  return ringRegister(ring, t, a.u32(1), a.addr(2), a.u32(3));
}

export const defs: SyscallDef[] = [
  {
    nr: 425, name: 'io_uring_setup', handler: sysIoUringSetup, status: 'partial',
    note: 'no SQE128 or CQE32; IOPOLL rings refuse READ/WRITE (no O_DIRECT devices); SQPOLL is a timer-driven poller', args: ['uint', 'ptr'],
  },
  {
    nr: 426, name: 'io_uring_enter', handler: sysIoUringEnter, status: 'full',
    args: ['fd', 'uint', 'uint', 'hex', 'ptr', 'size'],
  },
  {
    nr: 427, name: 'io_uring_register', handler: sysIoUringRegister, status: 'partial',
    note: 'no personalities, io-wq tuning, buffer rings or sync cancel', args: ['fd', 'uint', 'ptr', 'uint'],
  },
];

