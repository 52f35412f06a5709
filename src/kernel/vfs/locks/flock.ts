// flock(2) locks on one file's context: whole-file, owned by the open file description, and
// independent of POSIX locks (Linux keeps them on a list of their own).
import { EAGAIN } from '../../../abi/errno.js';
import type { Blocked, Request } from '../../request.js';
import type { OpenFile } from '../file.js';
import type { FileLockContext } from './context.js';
import { F_UNLCK, F_WRLCK } from './range.js';

/**
 * Sets f's flock lock to type (F_RDLCK, F_WRLCK, or F_UNLCK to drop it); returns 0, -EAGAIN
 * (a conflict without wait) or r's sleep. As in Linux a conversion is not atomic: the old lock
 * is dropped first, so a LOCK_NB upgrade that fails has lost the shared lock.
 */
export function flockSet(r: Request, ctx: FileLockContext, f: OpenFile, type: number, pid: number, wait: boolean): number | Blocked {
  const i = ctx.flocks.findIndex((l) => l.file === f);
  if (i >= 0) {
    if (ctx.flocks[i]!.type === type) return 0;
    ctx.flocks.splice(i, 1);
    ctx.lockWaiters.wake();
  }
  if (type === F_UNLCK) return 0;
  const conflict = ctx.flocks.some((l) => l.file !== f && (l.type === F_WRLCK || type === F_WRLCK));
  if (conflict) return wait ? r.block([ctx.lockWaiters]) : -EAGAIN;
  ctx.flocks.push({ file: f, type, pid });
  return 0;
}

/** Drops f's flock lock (its last close). */
export function flockRemoveFile(ctx: FileLockContext, f: OpenFile): void {
  const i = ctx.flocks.findIndex((l) => l.file === f);
  if (i < 0) return;
  ctx.flocks.splice(i, 1);
  ctx.lockWaiters.wake();
}
