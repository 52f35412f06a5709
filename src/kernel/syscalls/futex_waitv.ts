// futex_waitv(2): sleep on up to FUTEX_WAITV_MAX futex words at once; a wake on any of them ends
// the wait and returns its index. Each word gets its own waiter in the futex table
// (../futex/queue.ts), so FUTEX_WAKE on any address finds it as it finds a FUTEX_WAIT.
import { EAGAIN, EINVAL, ERESTARTSYS, ETIMEDOUT } from '../../abi/errno.js';
import { futexKey, readWord } from '../futex/key.js';
import { futexTable, FutexWaiter } from '../futex/queue.js';
import type { Request } from '../request.js';
import { readTimespec, timespecToNs, timespecValid } from '../structs.js';
import type { Task } from '../task.js';
import { CLOCK_MONOTONIC, CLOCK_REALTIME } from '../time/clocks.js';
import { type Deadline, deadlinePassed } from '../time/deadline.js';
import type { SysArgs, SysResult, SyscallDef } from './types.js';

/** Most words one call may wait on (Linux's FUTEX_WAITV_MAX). */
const FUTEX_WAITV_MAX = 128;
/** sizeof(struct futex_waitv): u64 val, u64 uaddr, u32 flags, u32 __reserved. */
const FUTEX_WAITV_SIZE = 24;
/** Per-word flags: the word size (only 32 bits exists) and the private flag. */
const FUTEX_32 = 2, FUTEX_PRIVATE_FLAG = 128;
/** Every bit that may be set in a futex_waitv's flags. */
const FUTEXV_WAITER_MASK = FUTEX_32 | FUTEX_PRIVATE_FLAG;
/** Any bitset: a futex_waitv waiter is woken by every FUTEX_WAKE* on its word. */
const MATCH_ANY = 0xffffffff;

/** One parsed struct futex_waitv. */
interface WaitvEntry {
  val: bigint;
  uaddr: number;
  shared: boolean;
}

/** The request's state while it sleeps: the waiters, in the caller's order, and the entries. */
interface WaitvState {
  entries: WaitvEntry[];
  waiters: FutexWaiter[];
}

/** Reads nr entries at addr: EINVAL for flags other than FUTEX_32 (| FUTEX_PRIVATE_FLAG) or a reserved field set. */
function parseWaiters(t: Task, addr: number, nr: number): WaitvEntry[] | number {
  const raw = t.mm.mem.read(addr, nr * FUTEX_WAITV_SIZE);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out: WaitvEntry[] = [];
  for (let i = 0; i < nr; i++) {
    const o = i * FUTEX_WAITV_SIZE;
    const flags = dv.getUint32(o + 16, true);
    if ((flags & ~FUTEXV_WAITER_MASK) || dv.getUint32(o + 20, true) !== 0 || !(flags & FUTEX_32)) return -EINVAL;
    out.push({ val: dv.getBigUint64(o, true), uaddr: Number(dv.getBigUint64(o + 8, true)), shared: !(flags & FUTEX_PRIVATE_FLAG) });
  }
  return out;
}

/** Queues a waiter per entry after comparing every word: the state, or -EAGAIN if a word changed (EINVAL/EFAULT from the keys). */
function setup(t: Task, r: Request, entries: WaitvEntry[]): WaitvState | number {
  const waiters: FutexWaiter[] = [];
  for (const e of entries) {
    const key = futexKey(t, e.uaddr, e.shared, false);
    if (typeof key === 'number') return key;
    waiters.push(new FutexWaiter(futexTable(t), key, t, r, MATCH_ANY, false, e.uaddr));
  }
  for (const e of entries) if (BigInt(readWord(t, e.uaddr)) !== e.val) return -EAGAIN;
  return { entries, waiters };
}

/** Sleeps on every waiter of st; a signal gives ERESTARTSYS (the deadline is absolute, so a restart keeps it). */
function sleep(r: Request, st: WaitvState): SysResult {
  r.state = st;
  return r.block(st.waiters, ERESTARTSYS, (ir) => {
    for (const w of st.waiters) w.remove(ir);
    return -ERESTARTSYS;
  });
}

/** A re-run after a wake-up: the highest index woken (as Linux's unqueue_multiple), ETIMEDOUT, or sleep again. */
function resume(t: Task, r: Request, st: WaitvState): SysResult {
  let woken = -1;
  for (let i = 0; i < st.waiters.length; i++) {
    st.waiters[i]!.remove(r);
    if (st.waiters[i]!.woken) woken = i;
  }
  if (woken >= 0) return woken;
  if (r.deadline !== null && deadlinePassed(t.kernel, r.deadline)) return -ETIMEDOUT;
  const again = setup(t, r, st.entries);
  return typeof again === 'number' ? again : sleep(r, again);
}

/**
 * futex_waitv(waiters, nr_futexes, flags, timeout, clockid): EINVAL for flags, a count outside
 * [1, FUTEX_WAITV_MAX] or a NULL array, a clock other than MONOTONIC/REALTIME or a bad timespec
 * (timeout is absolute), bad entries or misaligned words; EAGAIN if a word differs from its val.
 */
function sysFutexWaitv(t: Task, a: SysArgs, r: Request): SysResult {
  if (r.resumed && r.state !== null) return resume(t, r, r.state as WaitvState);
  const addr = a.addr(0), nr = a.u32(1), utime = a.addr(3), clockid = a.int(4);
  if (a.u32(2) !== 0) return -EINVAL;
  if (nr === 0 || nr > FUTEX_WAITV_MAX || addr === 0) return -EINVAL;
  let deadline: Deadline | null = null;
  if (utime !== 0) {
    if (clockid !== CLOCK_MONOTONIC && clockid !== CLOCK_REALTIME) return -EINVAL;
    const ts = readTimespec(t.mm.mem, utime);
    if (!timespecValid(ts)) return -EINVAL;
    deadline = { realtime: clockid === CLOCK_REALTIME, ns: timespecToNs(ts) };
  }
  const entries = parseWaiters(t, addr, nr);
  if (typeof entries === 'number') return entries;
  const st = setup(t, r, entries);
  if (typeof st === 'number') return st;
  if (deadline !== null && deadlinePassed(t.kernel, deadline)) return -ETIMEDOUT;
  r.deadline = deadline;
  return sleep(r, st);
}

export const futexWaitvDefs: SyscallDef[] = [
  { nr: 449, name: 'futex_waitv', handler: sysFutexWaitv, status: 'full', args: ['ptr', 'uint', 'hex', 'ptr', 'clockid'] },
];
