// The syslet and threadlet system calls (ecall extension numbers, abi-riscv64.md §6 and README
// "Syslets and threadlets"): async_exec runs a chain of atoms (syslet/chain.ts), async_wait
// sleeps for completions in an async_head_user's ring (syslet/ring.ts), threadlet_exec runs a
// function that moves to a new thread only if it would block (syslet/threadlet.ts), and umem_add
// is the atoms' loop counter. All four give ENOSYS unless the syslet extension is on (--ext syslet).
import { EFAULT, EINTR, EINVAL, ENOSYS, ERESTARTSYS, isRestartCode } from '../../abi/errno.js';
import type { Request, SysResult } from '../request.js';
import { NR_ASYNC_EXEC, NR_ASYNC_WAIT, NR_THREADLET_EXEC, NR_UMEM_ADD, SYSLET_SYNC } from '../syslet/abi.js';
import { type Step, SYNC_ATOM_BATCH, SysletRun } from '../syslet/chain.js';
import { headAt } from '../syslet/ring.js';
import { threadletExec } from '../syslet/threadlet.js';
import type { Task } from '../task.js';
import type { SyscallDef, SysArgs } from './types.js';

/**
 * async_exec(atom, ahu): runs the chain from atom in the caller. Returns the final atom's address
 * if it ended without blocking (its result is at its ret_ptr; nothing is posted), 0 if it went on
 * asynchronously (its end will be posted to ahu's ring), or -errno if an atom could not run
 * (EFAULT, EINVAL: atoms before it ran). A SYSLET_SYNC atom that would block makes this call sleep
 * instead; a signal then ends the chain there with -EINTR as that atom's result.
 */
function sysAsyncExec(t: Task, a: SysArgs, r: Request): SysResult {
  if (!t.kernel.extensions.syslet) return -ENOSYS;
  if (r.resumed && r.state instanceof SysletRun) {
    const run = r.state;
    run.syncBlocked = null;
    return settle(r, run, run.resume(r.wakeReason, SYNC_ATOM_BATCH));
  }
  const first = a.addr(0);
  const head = headAt(t.tg, a.addr(1));
  if (typeof head === 'number') return head;
  if (first === 0) return -EFAULT;
  const run = new SysletRun(t, head, first);
  return settle(r, run, run.start(SYNC_ATOM_BATCH));
}

/** async_exec's answer for a chain's step in the caller. */
function settle(r: Request, run: SysletRun, step: Step): SysResult {
  switch (step.kind) {
    case 'done': return step.atom;
    case 'error': return -step.errno;
    case 'async': run.goAsync(null); return 0;
    case 'dead': return 0; // the process is gone; nothing reads this

    case 'blocked':
      if (run.atom !== null && (run.atom.flags & SYSLET_SYNC)) {
        run.syncBlocked = step.b;
        r.state = run;
        r.deadline = run.req.deadline;
        return r.block(step.b.queues, ERESTARTSYS, () => interruptSync(run), () => abandonSync(run));
      }
      run.goAsync(step.b);
      return 0;
  }
}

/** A signal ended a SYSLET_SYNC atom's sleep: the atom completes with its interrupt value (never a restart) and the chain ends there. */
function interruptSync(run: SysletRun): number {
  const b = run.syncBlocked!;
  run.syncBlocked = null;
  let v = b.onInterrupt ? b.onInterrupt(run.req) : -b.restart;
  if (isRestartCode(v)) v = -EINTR;
  run.atom = { ...run.atom!, next: 0 };
  const step = run.complete(BigInt(v));
  return step !== null && step.kind === 'error' ? -step.errno : run.atomAddr;
}

/** The caller died while a SYSLET_SYNC atom slept: the atom gives back what it holds. */
function abandonSync(run: SysletRun): void {
  const b = run.syncBlocked;
  run.syncBlocked = null;
  b?.onAbandon?.(run.req);
}

/**
 * async_wait(min_wait_events, user_ring_idx, ahu): flushes completions kept while the ring was
 * full, then returns how many completions lie beyond user_ring_idx (wraparound included) once
 * there are at least min_wait_events, sleeping until then; or at once, with fewer, when nothing
 * that could post is in flight. EINVAL for an index or count beyond the ring (all 64 bits).
 */
function sysAsyncWait(t: Task, a: SysArgs, r: Request): SysResult {
  if (!t.kernel.extensions.syslet) return -ENOSYS;
  const min = a.big(0), uidx = a.big(1);
  const head = headAt(t.tg, a.addr(2));
  if (typeof head === 'number') return head;
  if (uidx >= BigInt(head.entries) || min > BigInt(head.entries)) return -EINVAL;
  head.flush(t.mm.mem);
  const n = head.pending(t.mm.mem, Number(uidx));
  if (n >= Number(min) || head.inflight === 0) return n;
  return r.block([head.waiters], ERESTARTSYS);
}

/** threadlet_exec(th, ahu): see syslet/threadlet.ts. */
function sysThreadletExec(t: Task, a: SysArgs): SysResult {
  if (!t.kernel.extensions.syslet) return -ENOSYS;
  return threadletExec(t, a.addr(0), a.addr(1));
}

/**
 * umem_add(uptr, inc): adds inc to the u64 at uptr (8-byte aligned, else EINVAL) and returns the
 * new value, which is a success whatever its sign (force_noerror, as the review asked: only after
 * the store succeeded).
 */
function sysUmemAdd(t: Task, a: SysArgs, r: Request): SysResult {
  if (!t.kernel.extensions.syslet) return -ENOSYS;
  const p = a.addr(0);
  if (p % 8 !== 0) return -EINVAL;
  const mem = t.mm.mem;
  const v = BigInt.asUintN(64, mem.readBig64(p) + a.big(1));
  mem.writeBig64(p, v);
  r.forceNoError = true;
  return BigInt.asIntN(64, v);
}

export const defs: SyscallDef[] = [
  {
    nr: NR_ASYNC_EXEC, name: 'async_exec', handler: sysAsyncExec, status: 'full',
    note: 'ecall extension (--ext syslet): a syslet (a chain of syscall atoms) that goes on asynchronously when an atom would block (README "Syslets and threadlets")',
    args: ['ptr', 'ptr'], ret: 'hex',
  },
  {
    nr: NR_ASYNC_WAIT, name: 'async_wait', handler: sysAsyncWait, status: 'full',
    note: 'ecall extension (--ext syslet): waits for syslet and threadlet completions in an async_head_user ring',
    args: ['uint', 'uint', 'ptr'],
  },
  {
    nr: NR_THREADLET_EXEC, name: 'threadlet_exec', handler: sysThreadletExec, status: 'full',
    note: 'ecall extension (--ext syslet): runs a function on its own stack; it moves to a new thread only if it would block',
    args: ['ptr', 'ptr'],
  },
  {
    nr: NR_UMEM_ADD, name: 'umem_add', handler: sysUmemAdd, status: 'full',
    note: 'ecall extension (--ext syslet): adds to a user u64 and returns the new value (a syslet loop counter)',
    args: ['ptr', 'uint'], ret: 'hex',
  },
];
