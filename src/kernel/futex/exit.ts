// Thread exit: the robust-list walk (Linux's exit_robust_list / handle_futex_death) and the
// clear_child_tid store and wake (mm_release). Both ignore guest faults: a dying thread's bad
// pointers are its own problem, never the kernel's.
import { GuestFaultError, PROT_READ, PROT_WRITE, TASK_SIZE } from '../../mem/guest_memory.js';
import { FUTEX_OWNER_DIED, FUTEX_TID_MASK, FUTEX_WAITERS, FUTEX_WORD_SIZE } from './abi.js';
import { exitPiState } from './pi.js';
import { futexWake } from './wake.js';
import { TaskState, type Task } from '../task.js';

/** Entries walked at most: bounds long and circular lists (Linux's ROBUST_LIST_LIMIT). */
export const ROBUST_LIST_LIMIT = 2048;
/** struct robust_list_head: list.next @0, futex_offset @8, list_op_pending @16. */
const HEAD_FUTEX_OFFSET = 8, HEAD_LIST_OP_PENDING = 16;
/** sizeof(long) and pointers on riscv64. */
const PTR_SIZE = 8;
const U64 = 64;

/** Returns read(), or null if the access faulted (a page that cannot be brought in: SIGBUS or no frame). */
function readOrNull<T>(read: () => T): T | null {
  try {
    return read();
  } catch (e) {
    if (e instanceof GuestFaultError) return null;
    throw e;
  }
}

/** Reads a u64 list pointer at addr: [address without bit 0, bit 0 (PI)], or null on a fault. */
function fetchEntry(t: Task, addr: bigint): [bigint, boolean] | null {
  if (addr + BigInt(PTR_SIZE) > BigInt(TASK_SIZE)) return null;
  const a = Number(addr);
  if (!t.mm.mem.accessible(a, PTR_SIZE, PROT_READ)) return null;
  const v = readOrNull(() => t.mm.mem.readBig64(a));
  return v === null ? null : [v & ~1n, (v & 1n) !== 0n];
}

/**
 * handle_futex_death for the word at uaddr: if t owns it, store WAITERS-bit | OWNER_DIED and,
 * for a non-PI futex with waiters, wake one (shared). A pending non-PI entry whose word has no
 * owner still wakes one. Returns false if the word cannot be read or written (the walk stops).
 */
function futexDeath(t: Task, uaddr: bigint, pi: boolean, pending: boolean): boolean {
  if (uaddr % BigInt(FUTEX_WORD_SIZE) !== 0n || uaddr + BigInt(FUTEX_WORD_SIZE) > BigInt(TASK_SIZE)) return false;
  const a = Number(uaddr);
  const mem = t.mm.mem;
  if (!mem.accessible(a, FUTEX_WORD_SIZE, PROT_READ)) return false;
  const uval = readOrNull(() => mem.readU32(a));
  if (uval === null) return false;
  const owner = uval & FUTEX_TID_MASK;
  if (pending && !pi && owner === 0) {
    futexWake(t, a, 1, true);
    return true;
  }
  if (owner !== t.tid) return true;
  if (!mem.accessible(a, FUTEX_WORD_SIZE, PROT_WRITE)) return false;
  if (readOrNull(() => { mem.writeU32(a, (uval & FUTEX_WAITERS) | FUTEX_OWNER_DIED); return 0; }) === null) return false;
  if (!pi && (uval & FUTEX_WAITERS) !== 0) futexWake(t, a, 1, true);
  return true;
}

/** Walks t's robust list (set_robust_list head), at most ROBUST_LIST_LIMIT entries. */
function walkRobustList(t: Task, head: bigint): void {
  const first = fetchEntry(t, head);
  if (first === null) return;
  // fetchEntry(head) succeeded, so head < TASK_SIZE; the offset field must be readable too.
  if (!t.mm.mem.accessible(Number(head) + HEAD_FUTEX_OFFSET, PTR_SIZE, PROT_READ)) return;
  const raw = readOrNull(() => t.mm.mem.readBig64(Number(head) + HEAD_FUTEX_OFFSET));
  if (raw === null) return;
  const offset = BigInt.asIntN(U64, raw);
  const pend = fetchEntry(t, head + BigInt(HEAD_LIST_OP_PENDING));
  if (pend === null) return;
  const [pending, pendingPi] = pend;
  let [entry, pi] = first;
  let limit = ROBUST_LIST_LIMIT;
  while (entry !== head) {
    const next = fetchEntry(t, entry); // fetched first: the death handling may change it
    if (entry !== pending && !futexDeath(t, BigInt.asUintN(U64, entry + offset), pi, false)) return;
    if (next === null) return;
    [entry, pi] = next;
    if (--limit === 0) break;
  }
  if (pending !== 0n) futexDeath(t, BigInt.asUintN(U64, pending + offset), pendingPi, true);
}

/**
 * Thread exit (and exec): the robust-list walk of t's registered list, marking futexes it
 * still holds OWNER_DIED and waking a waiter of each, then the handoff of every PI futex it
 * owns to its first sleeper. Guest faults are ignored.
 */
export function exitRobustList(t: Task): void {
  if (t.robustList !== 0) walkRobustList(t, BigInt(t.robustList));
  exitPiState(t);
}

/**
 * Thread exit: if t has a clear_child_tid address and other tasks still use its mm, stores
 * u32 0 there and does a shared FUTEX_WAKE of 1 (what pthread_join waits for). Clears the
 * address. Faults are ignored.
 */
export function clearChildTid(t: Task): void {
  const addr = t.clearChildTid;
  if (addr === 0) return;
  t.clearChildTid = 0;
  let shared = false;
  for (const o of t.kernel.tasks.values()) {
    if (o !== t && o.mm === t.mm && o.state !== TaskState.Exited) { shared = true; break; }
  }
  if (!shared) return;
  if (addr + FUTEX_WORD_SIZE <= TASK_SIZE && t.mm.mem.accessible(addr, FUTEX_WORD_SIZE, PROT_WRITE)) {
    readOrNull(() => { t.mm.mem.writeU32(addr, 0); return 0; });
  }
  futexWake(t, addr, 1, true);
}
