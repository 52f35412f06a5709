// The waking operations: FUTEX_WAKE, WAKE_BITSET, REQUEUE, CMP_REQUEUE and WAKE_OP (with its
// encoded operation on the second word), and the plain wake that thread exit uses.
import { EAGAIN, EINVAL, ENOSYS } from '../../abi/errno.js';
import type { Task } from '../task.js';
import {
  FUTEX_BITSET_MATCH_ANY, FUTEX_OP_CMP_EQ, FUTEX_OP_CMP_GE, FUTEX_OP_CMP_GT, FUTEX_OP_CMP_LE, FUTEX_OP_CMP_LT,
  FUTEX_OP_CMP_NE, FUTEX_OP_ADD, FUTEX_OP_ANDN, FUTEX_OP_OPARG_SHIFT, FUTEX_OP_OR, FUTEX_OP_SET, FUTEX_OP_XOR,
  FUTEX_WORD_SIZE, type FutexArgs,
} from './abi.js';
import { futexKey, readWord } from './key.js';
import { futexTable } from './queue.js';

/** Shift counts are taken modulo the width of the u32 word (Linux masks bad ones and warns). */
const SHIFT_MASK = 31;

/** A decoded FUTEX_WAKE_OP operation. */
export interface WakeOp {
  op: number;
  cmp: number;
  /** The operand after the OPARG_SHIFT conversion. */
  oparg: number;
  cmparg: number;
}

/** Sign-extends the low 12 bits of v. */
function sext12(v: number): number {
  return (v << 20) >> 20;
}

/** Decodes val3 of FUTEX_WAKE_OP: bits 31:28 op, 27:24 cmp, 23:12 oparg, 11:0 cmparg (signed). */
export function decodeWakeOp(enc: number): WakeOp {
  let oparg = sext12(enc >>> 12);
  if ((enc >>> 28) & FUTEX_OP_OPARG_SHIFT) oparg = (1 << (oparg & SHIFT_MASK)) | 0;
  return { op: (enc >>> 28) & 7, cmp: (enc >>> 24) & 15, oparg, cmparg: sext12(enc) };
}

/** The new word value for old OP oparg, or -ENOSYS for an unknown op (nothing is written then). */
export function applyWakeOp(w: WakeOp, old: number): number {
  switch (w.op) {
    case FUTEX_OP_SET: return w.oparg >>> 0;
    case FUTEX_OP_ADD: return (old + w.oparg) >>> 0;
    case FUTEX_OP_OR: return (old | w.oparg) >>> 0;
    case FUTEX_OP_ANDN: return (old & ~w.oparg) >>> 0;
    case FUTEX_OP_XOR: return (old ^ w.oparg) >>> 0;
    default: return -ENOSYS;
  }
}

/** Compares the old value (as a signed int) with cmparg: 1 or 0, or -ENOSYS for an unknown cmp. */
export function compareWakeOp(w: WakeOp, old: number): number {
  const o = old | 0;
  switch (w.cmp) {
    case FUTEX_OP_CMP_EQ: return o === w.cmparg ? 1 : 0;
    case FUTEX_OP_CMP_NE: return o !== w.cmparg ? 1 : 0;
    case FUTEX_OP_CMP_LT: return o < w.cmparg ? 1 : 0;
    case FUTEX_OP_CMP_LE: return o <= w.cmparg ? 1 : 0;
    case FUTEX_OP_CMP_GT: return o > w.cmparg ? 1 : 0;
    case FUTEX_OP_CMP_GE: return o >= w.cmparg ? 1 : 0;
    default: return -ENOSYS;
  }
}

/**
 * Wakes up to n waiters (any bitset) on the futex at uaddr, private or shared; returns how
 * many were woken, or -errno (EINVAL misaligned, EFAULT bad address).
 */
export function futexWake(t: Task, uaddr: number, n: number, shared: boolean): number {
  const key = futexKey(t, uaddr, shared, false);
  if (typeof key === 'number') return key;
  return futexTable(t).wake(key, n, FUTEX_BITSET_MATCH_ANY);
}

/** FUTEX_WAKE / WAKE_BITSET. */
export function wake(t: Task, uaddr: number, shared: boolean, n: number, bitset: number): number {
  if (bitset === 0) return -EINVAL;
  const key = futexKey(t, uaddr, shared, false);
  if (typeof key === 'number') return key;
  return futexTable(t).wake(key, n, bitset);
}

/** FUTEX_REQUEUE and FUTEX_CMP_REQUEUE (cmp = the expected *uaddr). */
export function requeue(t: Task, a: FutexArgs, shared: boolean, cmp: number | null): number {
  const nWake = a.val | 0, nRequeue = a.val2;
  if (nWake < 0 || nRequeue < 0) return -EINVAL;
  const key1 = futexKey(t, a.uaddr, shared, false);
  if (typeof key1 === 'number') return key1;
  const key2 = futexKey(t, a.uaddr2, shared, false);
  if (typeof key2 === 'number') return key2;
  if (cmp !== null && readWord(t, a.uaddr) !== cmp >>> 0) return -EAGAIN;
  return futexTable(t).requeueWaiters(key1, key2, nWake, nRequeue);
}

/** FUTEX_WAKE_OP: *uaddr2 = old OP oparg; wake nr_wake on uaddr and, if old CMP cmparg, nr_wake2 on uaddr2. */
export function wakeOp(t: Task, a: FutexArgs, shared: boolean): number {
  const key1 = futexKey(t, a.uaddr, shared, false);
  if (typeof key1 === 'number') return key1;
  const key2 = futexKey(t, a.uaddr2, shared, true);
  if (typeof key2 === 'number') return key2;
  const w = decodeWakeOp(a.val3);
  const mem = t.mm.mem;
  if (applyWakeOp(w, 0) < 0) return -ENOSYS; // unknown op: nothing is written
  mem.checkWrite(a.uaddr2, FUTEX_WORD_SIZE); // EFAULT

  const old = mem.readU32(a.uaddr2);
  mem.writeU32(a.uaddr2, applyWakeOp(w, old));
  const cond = compareWakeOp(w, old); // an unknown cmp is reported after the store, as in Linux
  if (cond < 0) return cond;
  const table = futexTable(t);
  const woken = table.wake(key1, a.val | 0, FUTEX_BITSET_MATCH_ANY);
  if (woken < 0 || cond === 0) return woken;
  const woken2 = table.wake(key2, a.val2, FUTEX_BITSET_MATCH_ANY);
  return woken2 < 0 ? woken2 : woken + woken2;
}
