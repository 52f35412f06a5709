// The futex ABI (include/uapi/linux/futex.h): operation numbers and flags, word bits, FUTEX_WAKE_OP's
// encoding, the decoded arguments of a call, and the strace-style name of an op word.
import type { Deadline } from '../time/deadline.js';

export const FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_FD = 2, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4,
  FUTEX_WAKE_OP = 5, FUTEX_LOCK_PI = 6, FUTEX_UNLOCK_PI = 7, FUTEX_TRYLOCK_PI = 8,
  FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10, FUTEX_WAIT_REQUEUE_PI = 11,
  FUTEX_CMP_REQUEUE_PI = 12, FUTEX_LOCK_PI2 = 13;
export const FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256;
/** The command is op without the two flag bits; any other bit makes an unknown command (ENOSYS). */
export const FUTEX_CMD_MASK = ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
export const FUTEX_BITSET_MATCH_ANY = 0xffffffff;
/** PI and robust futex word bits: owner TID in the low 30 bits. */
export const FUTEX_WAITERS = 0x80000000, FUTEX_OWNER_DIED = 0x40000000, FUTEX_TID_MASK = 0x3fffffff;
/** sizeof(u32): futex words are 4-byte aligned. */
export const FUTEX_WORD_SIZE = 4;

/** Operations on *uaddr2: SET, ADD, OR, ANDN, XOR. */
export const FUTEX_OP_SET = 0, FUTEX_OP_ADD = 1, FUTEX_OP_OR = 2, FUTEX_OP_ANDN = 3, FUTEX_OP_XOR = 4;
/** Flag in the op nibble: the operand is 1 << oparg. */
export const FUTEX_OP_OPARG_SHIFT = 8;
/** Comparisons of the old value with cmparg. */
export const FUTEX_OP_CMP_EQ = 0, FUTEX_OP_CMP_NE = 1, FUTEX_OP_CMP_LT = 2, FUTEX_OP_CMP_LE = 3,
  FUTEX_OP_CMP_GT = 4, FUTEX_OP_CMP_GE = 5;

/** The arguments of one futex call, decoded (timeout already read and made absolute). */
export interface FutexArgs {
  uaddr: number;
  op: number;
  /** a2 as u32: the expected value, or a count (read as int where Linux does). */
  val: number;
  deadline: Deadline | null;
  uaddr2: number;
  /** a3 as int: nr_requeue / nr_wake2. */
  val2: number;
  val3: number;
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
