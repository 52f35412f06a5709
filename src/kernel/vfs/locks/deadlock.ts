// The wait-for graph of POSIX lock waiters (Linux's blocked_hash): which lock each sleeping
// F_SETLKW of a lock owner waits on. F_SETLKW consults it before sleeping and fails with EDEADLK
// when the chain "the owner of the lock I wait for waits for a lock whose owner waits ..." comes
// back to the caller. Open file description locks take no part, as in Linux: an OFD waiter is
// never recorded and an OFD caller is never checked.
import type { PosixLock } from './range.js';

/** How many links of the chain are followed before giving up (Linux's MAX_DEADLK_ITERATIONS). */
export const MAX_DEADLK_ITERATIONS = 10;

export class WaitForGraph {
  /** Owner -> the locks its sleeping requests wait on, most recent last. */
  private readonly waiting = new Map<object, PosixLock[]>();

  /** Records that a request of owner sleeps until blocker goes. */
  add(owner: object, blocker: PosixLock): void {
    const list = this.waiting.get(owner);
    if (list) list.push(blocker);
    else this.waiting.set(owner, [blocker]);
  }

  /** Forgets one record made by add (the request woke, was interrupted or died). */
  remove(owner: object, blocker: PosixLock): void {
    const list = this.waiting.get(owner);
    if (!list) return;
    const i = list.indexOf(blocker);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.waiting.delete(owner);
  }

  /** The lock some sleeping request of owner waits on (the most recent one), or null. */
  waitsFor(owner: object): PosixLock | null {
    const list = this.waiting.get(owner);
    return list ? list[list.length - 1]! : null;
  }

  /**
   * True if caller sleeping on blocker would close a cycle: following "blocker's owner waits for
   * a lock" from blocker reaches a lock of caller's within MAX_DEADLK_ITERATIONS links.
   */
  wouldDeadlock(caller: object, blocker: PosixLock): boolean {
    let cur = blocker;
    for (let i = 0; ; i++) {
      const next = this.waitsFor(cur.owner);
      if (next === null) return false;
      if (i > MAX_DEADLK_ITERATIONS) return false;
      if (next.owner === caller) return true;
      cur = next;
    }
  }

  /** Number of owners with a sleeping request (for tests). */
  get size(): number {
    return this.waiting.size;
  }
}
