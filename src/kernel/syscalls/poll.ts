// ppoll(2) and pselect6(2): wait until one of a set of fds is ready, a timeout passes or a
// signal arrives. Each run polls every fd; if none is ready the handler sleeps on all their
// poll queues and runs again from scratch when one is woken (the deadline is kept across runs).
// A signal ends the sleep with ERESTARTNOHAND (EINTR when a handler runs, else a restart that
// re-reads the remaining time written back to *tsp), after one last pass over the fds, as
// Linux's do_poll/do_select loop makes one.
import { EBADF, EFAULT, EINTR, EINVAL, ERESTARTNOHAND } from '../../abi/errno.js';
import { GuestFaultError } from '../../mem/guest_memory.js';
import { Blocked, type Request } from '../request.js';
import type { Task } from '../task.js';
import {
  type OpenFile, POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, POLLPRI, POLLRDNORM, POLLWRNORM,
} from '../vfs/file.js';
import { pollFile, pollQueuesOf } from '../vfs/poll_util.js';
import { readTimeoutTimespec, setUserSigmask, startTimeout, timedOut, writeRemaining } from './call_timeout.js';
import { ioFileAt, nofileLimit } from './fs_common.js';
import type { SysArgs, SysResult, SyscallDef } from './types.js';

const NR_PSELECT6 = 72, NR_PPOLL = 73;
/** sizeof(struct pollfd): i32 fd @0, i16 events @4, i16 revents @6. */
const POLLFD_SIZE = 8;
/** POLLRDBAND and POLLWRBAND (asm-generic/poll.h), which only select's sets use here. */
const POLLRDBAND = 0x80, POLLWRBAND = 0x200;
/** Events that make an fd "readable", "writable" and "exceptional" for select (fs/select.c). */
const POLLIN_SET = POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR;
const POLLOUT_SET = POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR;
const POLLEX_SET = POLLPRI;
/** Bits per fd_set word (unsigned long on riscv64). */
const BITS_PER_LONG = 64;
/** Slots in a new process's fd table (Linux's NR_OPEN_DEFAULT = BITS_PER_LONG). */
const FDTABLE_INITIAL_FDS = 64;
/** Fd tables grow in multiples of this many slots (1024 / sizeof(struct file *)). */
const FDTABLE_GROW_UNIT = 128;
/** sizeof(struct { const sigset_t *ss; size_t ss_len; }), pselect6's 6th argument. */
const SIGSET_ARGPACK_SIZE = 16;

/** Runs body, turning a guest fault into -EFAULT (for code the dispatcher does not wrap). */
function faultToErrno(body: () => number): number {
  try {
    return body();
  } catch (e) {
    if (e instanceof GuestFaultError) return -EFAULT;
    throw e;
  }
}

/** Writes the remaining time back (poll_select_finish); an unwritable *tsp makes a restart an EINTR. */
function pollSelectFinish(t: Task, r: Request, tsp: number, ret: number): number {
  if (!writeRemaining(t, r, tsp) && ret === -ERESTARTNOHAND) return -EINTR;
  return ret;
}

// --- ppoll ----------------------------------------------------------------------------------

/**
 * One pass of poll over the pollfd array (do_sys_poll): writes revents and returns the number of
 * ready entries; sleeps if none (unless timed out or `interrupted`, which gives ERESTARTNOHAND).
 */
function doPoll(t: Task, r: Request, fdsAddr: number, nfds: number, tsp: number, interrupted: boolean): number | Blocked {
  if (nfds > nofileLimit(t)) return -EINVAL;
  const mem = t.mm.mem;
  const raw = mem.read(fdsAddr, nfds * POLLFD_SIZE);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const revents = new Uint16Array(nfds);
  const files: OpenFile[] = [];
  let count = 0;
  for (let i = 0; i < nfds; i++) {
    const fd = dv.getInt32(i * POLLFD_SIZE, true);
    if (fd < 0) continue;
    const f = ioFileAt(t, fd);
    let mask: number;
    if (typeof f === 'number') {
      mask = POLLNVAL;
    } else {
      mask = pollFile(f) & (dv.getUint16(i * POLLFD_SIZE + 4, true) | POLLERR | POLLHUP);
      files.push(f);
    }
    revents[i] = mask;
    if (mask) count++;
  }
  let ret = count;
  if (count === 0) {
    if (interrupted) ret = -ERESTARTNOHAND;
    else if (!timedOut(t, r)) {
      return r.block(pollQueuesOf(files), ERESTARTNOHAND,
        (rr) => pollSelectFinish(t, rr, tsp, faultToErrno(() => doPoll(t, rr, fdsAddr, nfds, tsp, true) as number)));
    }
  }
  for (let i = 0; i < nfds; i++) mem.writeU16(fdsAddr + i * POLLFD_SIZE + 6, revents[i]!);
  return ret;
}

/** ppoll(fds, nfds, tsp, sigmask, sigsetsize): the number of ready entries, 0 on timeout, or -errno. */
export function sysPpoll(t: Task, a: SysArgs, r: Request): SysResult {
  const fdsAddr = a.addr(0), nfds = a.u32(1), tsp = a.addr(2);
  const bad = startTimeout(t, r, () => readTimeoutTimespec(t, tsp));
  if (bad) return bad;
  const err = setUserSigmask(t, a.addr(3), a.num(4));
  if (err) return err;
  let ret: number | Blocked;
  try {
    ret = doPoll(t, r, fdsAddr, nfds, tsp, false);
  } catch (e) {
    if (!(e instanceof GuestFaultError)) throw e;
    ret = -EFAULT;
  }
  return ret instanceof Blocked ? ret : pollSelectFinish(t, r, tsp, ret);
}

// --- pselect6 -------------------------------------------------------------------------------

/**
 * Returns the number of fds select looks at (Linux's fdt->max_fds: 64 slots, grown to a power
 * of two times 128 to cover the highest open fd). Linux never shrinks its table; this is computed
 * from the fds open now, so after closing a high fd it can be smaller than Linux's.
 */
function selectMaxFds(t: Task): number {
  const fds = t.files.fds();
  const hi = fds.length > 0 ? fds[fds.length - 1]! : -1;
  if (hi < FDTABLE_INITIAL_FDS) return FDTABLE_INITIAL_FDS;
  let units = 1;
  while (units < Math.floor(hi / FDTABLE_GROW_UNIT) + 1) units *= 2;
  return units * FDTABLE_GROW_UNIT;
}

/** True if bit fd is set in an fd_set (little-endian 64-bit words, so bytes in order). */
function fdIsSet(set: Uint8Array, fd: number): boolean {
  return ((set[fd >> 3]! >> (fd & 7)) & 1) !== 0;
}

function fdSet(set: Uint8Array, fd: number): void {
  set[fd >> 3]! |= 1 << (fd & 7);
}

/** The select arguments that stay fixed across passes. */
interface SelectArgs {
  n: number;
  inp: number;
  outp: number;
  exp: number;
  tsp: number;
}

/**
 * One pass of select (core_sys_select): returns the number of set bits in the result sets
 * (written back to the non-NULL sets), 0 on timeout, -EBADF if a set names a closed fd, or a
 * sleep; with `interrupted`, -ERESTARTNOHAND instead of a sleep (the sets are then left alone).
 */
function doSelect(t: Task, r: Request, s: SelectArgs, interrupted: boolean): number | Blocked {
  if (s.n < 0) return -EINVAL;
  const n = Math.min(s.n, selectMaxFds(t));
  const bytes = Math.ceil(n / BITS_PER_LONG) * 8;
  const mem = t.mm.mem;
  const ptrs = [s.inp, s.outp, s.exp];
  const sets = ptrs.map((p) => (p !== 0 ? mem.read(p, bytes) : new Uint8Array(bytes)));
  const [inSet, outSet, exSet] = sets as [Uint8Array, Uint8Array, Uint8Array];
  const wanted: number[] = [];
  for (let byte = 0; byte < bytes; byte++) {
    const any = inSet[byte]! | outSet[byte]! | exSet[byte]!;
    if (any === 0) continue;
    for (let bit = 0; bit < 8; bit++) {
      const fd = byte * 8 + bit;
      if (fd >= n || !(any & (1 << bit))) continue;
      if (t.files.get(fd) === undefined) return -EBADF;
      wanted.push(fd);
    }
  }
  const res = [new Uint8Array(bytes), new Uint8Array(bytes), new Uint8Array(bytes)] as const;
  const files: OpenFile[] = [];
  let count = 0;
  for (const fd of wanted) {
    const f = ioFileAt(t, fd);
    if (typeof f === 'number') continue; // O_PATH: POLLNVAL, which no set reports
    files.push(f);
    const mask = pollFile(f);
    if ((mask & POLLIN_SET) && fdIsSet(inSet, fd)) { fdSet(res[0], fd); count++; }
    if ((mask & POLLOUT_SET) && fdIsSet(outSet, fd)) { fdSet(res[1], fd); count++; }
    if ((mask & POLLEX_SET) && fdIsSet(exSet, fd)) { fdSet(res[2], fd); count++; }
  }
  if (count === 0) {
    if (interrupted) return -ERESTARTNOHAND;
    if (!timedOut(t, r)) {
      return r.block(pollQueuesOf(files), ERESTARTNOHAND,
        (rr) => pollSelectFinish(t, rr, s.tsp, faultToErrno(() => doSelect(t, rr, s, true) as number)));
    }
  }
  ptrs.forEach((p, i) => { if (p !== 0) mem.write(p, res[i]!); });
  return count;
}

/** pselect6(n, in, out, ex, tsp, {sigmask*, size}*): the number of ready bits, 0 on timeout, or -errno. */
export function sysPselect6(t: Task, a: SysArgs, r: Request): SysResult {
  const mem = t.mm.mem;
  const pack = a.addr(5);
  let maskAddr = 0, maskSize = 0;
  if (pack !== 0) {
    mem.checkRead(pack, SIGSET_ARGPACK_SIZE);
    maskAddr = mem.readU64(pack);
    maskSize = mem.readI64(pack + 8);
  }
  const tsp = a.addr(4);
  const bad = startTimeout(t, r, () => readTimeoutTimespec(t, tsp));
  if (bad) return bad;
  const err = setUserSigmask(t, maskAddr, maskSize);
  if (err) return err;
  const s: SelectArgs = { n: a.int(0), inp: a.addr(1), outp: a.addr(2), exp: a.addr(3), tsp };
  let ret: number | Blocked;
  try {
    ret = doSelect(t, r, s, false);
  } catch (e) {
    if (!(e instanceof GuestFaultError)) throw e;
    ret = -EFAULT;
  }
  return ret instanceof Blocked ? ret : pollSelectFinish(t, r, tsp, ret);
}

export const defs: SyscallDef[] = [
  {
    nr: NR_PSELECT6, name: 'pselect6', handler: sysPselect6, status: 'full',
    note: 'sets cover the fds open now (Linux: the fd table size, which never shrinks)',
    args: ['int', 'ptr', 'ptr', 'ptr', 'ptr', 'ptr'],
  },
  {
    nr: NR_PPOLL, name: 'ppoll', handler: sysPpoll, status: 'full',
    args: ['ptr', 'uint', 'ptr', 'sigset', 'size'],
  },
];
