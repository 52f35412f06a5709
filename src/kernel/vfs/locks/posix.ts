// POSIX record locks and open file description locks on one file's context: F_GETLK's test,
// F_SETLK's apply, F_SETLKW's sleep with deadlock detection, and the releases on close.
import { EAGAIN, EDEADLK } from '../../../abi/errno.js';
import type { Blocked, Request } from '../../request.js';
import type { Waiter, WaitList } from '../../wait.js';
import type { OpenFile } from '../file.js';
import type { FileLockContext, LockedFile } from './context.js';
import type { WaitForGraph } from './deadlock.js';
import { applyPosix, F_UNLCK, firstConflict, type PosixLock, removeOwner } from './range.js';

/**
 * The sleep of a POSIX F_SETLKW: parks on the context's lock waiters and, while parked, stands
 * in the wait-for graph as "owner waits for blocker" (the kernel adds and removes it with the
 * request, whatever ends the sleep: a wake-up, a signal or the task's death).
 */
class PosixWait implements WaitList {
  constructor(private readonly ctx: FileLockContext, private readonly graph: WaitForGraph,
    private readonly owner: object, private readonly blocker: PosixLock) {}

  add(w: Waiter): void {
    this.graph.add(this.owner, this.blocker);
    this.ctx.lockWaiters.add(w);
  }

  remove(w: Waiter): void {
    this.graph.remove(this.owner, this.blocker);
    this.ctx.lockWaiters.remove(w);
  }
}

/** F_GETLK / F_OFD_GETLK: the first lock that would conflict with request, or null. */
export function posixTest(ctx: FileLockContext, request: PosixLock): PosixLock | null {
  return firstConflict(ctx.posix, request);
}

/**
 * F_SETLK / F_SETLKW and the OFD forms: applies request (a lock or an unlock), or returns -EAGAIN
 * on a conflict without wait, -EDEADLK if a POSIX caller's sleep would close a cycle, or r's
 * sleep (interruptible: -ERESTARTSYS). Nothing changes before a sleep.
 */
export function posixSet(r: Request, ctx: FileLockContext, request: PosixLock, wait: boolean): number | Blocked {
  if (request.type !== F_UNLCK) {
    const c = firstConflict(ctx.posix, request);
    if (c !== null) {
      if (!wait) return -EAGAIN;
      if (request.ofd) return r.block([ctx.lockWaiters]);
      const graph = ctx.table.graph;
      if (graph.wouldDeadlock(request.owner, c)) return -EDEADLK;
      return r.block([new PosixWait(ctx, graph, request.owner, c)]);
    }
  }
  ctx.posix = applyPosix(ctx.posix, request);
  ctx.lockWaiters.wake();
  return 0;
}

/** Drops every lock owner holds on f's file (a close of any fd of it, or the last close of an OFD owner). */
export function posixRemoveOwner(f: OpenFile, owner: object): void {
  const ctx = (f as LockedFile).lockCtx;
  if (!ctx || ctx.posix.length === 0) return;
  const kept = removeOwner(ctx.posix, owner);
  if (kept.length === ctx.posix.length) return;
  ctx.posix = kept;
  ctx.lockWaiters.wake();
}
