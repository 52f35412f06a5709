// FUTEX_WAKE_OP's encoded operation (include/uapi/linux/futex.h FUTEX_OP) and the strace-style
// name of a futex op word.
import { ENOSYS } from '../abi/errno.js';
import {
  FUTEX_CLOCK_REALTIME, FUTEX_CMD_MASK, FUTEX_PRIVATE_FLAG,
} from './futex_key.js';

/** Operations on *uaddr2: SET, ADD, OR, ANDN, XOR. */
export const FUTEX_OP_SET = 0, FUTEX_OP_ADD = 1, FUTEX_OP_OR = 2, FUTEX_OP_ANDN = 3, FUTEX_OP_XOR = 4;
/** Flag in the op nibble: the operand is 1 << oparg. */
export const FUTEX_OP_OPARG_SHIFT = 8;
/** Comparisons of the old value with cmparg. */
export const FUTEX_OP_CMP_EQ = 0, FUTEX_OP_CMP_NE = 1, FUTEX_OP_CMP_LT = 2, FUTEX_OP_CMP_LE = 3,
  FUTEX_OP_CMP_GT = 4, FUTEX_OP_CMP_GE = 5;
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

const CMD_NAMES = [
  'FUTEX_WAIT', 'FUTEX_WAKE', 'FUTEX_FD', 'FUTEX_REQUEUE', 'FUTEX_CMP_REQUEUE', 'FUTEX_WAKE_OP',
  'FUTEX_LOCK_PI', 'FUTEX_UNLOCK_PI', 'FUTEX_TRYLOCK_PI', 'FUTEX_WAIT_BITSET', 'FUTEX_WAKE_BITSET',
  'FUTEX_WAIT_REQUEUE_PI', 'FUTEX_CMP_REQUEUE_PI', 'FUTEX_LOCK_PI2',
];

/** The futex op word as strace prints it: FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME. */
export function formatFutexOp(op: number): string {
  const cmd = op & FUTEX_CMD_MASK;
  const name = CMD_NAMES[cmd];
  let s = name === undefined ? `0x${(cmd >>> 0).toString(16)} /* FUTEX_??? */`
    : name + ((op & FUTEX_PRIVATE_FLAG) !== 0 ? '_PRIVATE' : '');
  if (name === undefined && (op & FUTEX_PRIVATE_FLAG) !== 0) s = `FUTEX_PRIVATE_FLAG|${s}`;
  if ((op & FUTEX_CLOCK_REALTIME) !== 0) s += '|FUTEX_CLOCK_REALTIME';
  return s;
}
