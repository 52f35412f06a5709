// SysV semaphores (Linux's ipc/sem.c): sets of counters changed atomically by semop. A semop
// that cannot complete sleeps on its set's queue and tries again, from the start, whenever the
// set changes; SEM_UNDO records the opposite of each change in the process's undo list, which
// exit applies (exit_sem).
import { ERANGE } from '../../abi/errno.js';
import type { IpcPerm } from './ids.js';
import { WaitQueue } from '../wait.js';

/** Largest semaphore value (SEMVMX) and largest undo adjustment (SEMAEM). */
export const SEMVMX = 32767;
export const SEMAEM = SEMVMX;
/** semop flag: undo at exit. */
export const SEM_UNDO = 0x1000;
/** semctl commands beyond the IPC_* ones. */
export const GETPID = 11, GETVAL = 12, GETALL = 13, GETNCNT = 14, GETZCNT = 15, SETVAL = 16, SETALL = 17,
  SEM_STAT = 18, SEM_INFO = 19, SEM_STAT_ANY = 20;

/** One semaphore. */
export interface Sem {
  val: number;
  /** pid of the last process that changed it. */
  pid: number;
}

/** One struct sembuf. */
export interface SemOp {
  num: number;
  op: number;
  flg: number;
}

/** A request sleeping in semop: which semaphore it waits on, and whether for zero. */
export interface SemWaiter {
  num: number;
  zero: boolean;
}

/** One semaphore set. */
export class SemSet {
  readonly sems: Sem[];
  otime = 0n;
  ctime: bigint;
  /** Woken whenever a value changes or the set is removed. */
  readonly queue = new WaitQueue();
  /** Sleepers by request, for GETNCNT and GETZCNT. */
  readonly waiters = new Map<object, SemWaiter>();

  constructor(readonly perm: IpcPerm, nsems: number, now: bigint) {
    this.sems = Array.from({ length: nsems }, () => ({ val: 0, pid: 0 }));
    this.ctime = now;
  }

  /** Sleepers waiting for semaphore num to grow (zero false) or to reach zero. */
  count(num: number, zero: boolean): number {
    let n = 0;
    for (const w of this.waiters.values()) if (w.num === num && w.zero === zero) n++;
    return n;
  }
}

/**
 * Tries ops on set as one atomic step: returns 0 having applied them, or the op that must wait
 * (its index), or -ERANGE when a value would leave [0, SEMVMX]. Nothing changes unless all apply.
 */
export function trySemops(set: SemSet, ops: SemOp[], pid: number): { blockedAt: number } | { err: number } | null {
  const vals = set.sems.map((s) => s.val);
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i]!;
    const cur = vals[o.num]!;
    if (o.op === 0) {
      if (cur !== 0) return { blockedAt: i };
    } else if (cur + o.op < 0) {
      return { blockedAt: i };
    } else if (cur + o.op > SEMVMX) {
      return { err: ERANGE };
    } else {
      vals[o.num] = cur + o.op;
    }
  }
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i]!;
    if (o.op !== 0) set.sems[o.num] = { val: vals[o.num]!, pid };
    else set.sems[o.num]!.pid = pid;
  }
  return null;
}

/** A process's undo adjustments: set id -> adjustment per semaphore (Linux's sem_undo list). */
export type UndoList = Map<number, number[]>;
