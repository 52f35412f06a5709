// Futex wait queues: per key a FIFO of waiters (request, bitset). A waiter is itself the WaitList
// a sleeping request's Blocked marker holds, so requeueing (which moves a waiter to another key)
// needs no help from the kernel: the kernel's add/remove always act on the waiter's current key.
import { EINVAL } from '../../abi/errno.js';
import type { Caller, Request } from '../request.js';
import { type WaitList, type Waiter, WakeReason } from '../wait.js';

/** One sleeping task on one futex (Linux's futex_q). */
export class FutexWaiter implements WaitList {
  /** Set when a FUTEX_WAKE (or PI handoff, or requeue wake) chose this waiter. */
  woken = false;
  /** True while the waiter is on its key's queue. */
  queued = false;

  constructor(
    readonly table: FutexTable,
    /** The key it waits on now (requeue changes it). */
    public key: string,
    readonly task: Caller,
    /** The sleeping request: a wake-up resumes it. */
    readonly req: Request,
    /** Wait bitset (MATCH_ANY for FUTEX_WAIT). */
    readonly bitset: number,
    /** Waiting in LOCK_PI: plain wakes and requeues refuse such a waiter (EINVAL). */
    readonly pi: boolean,
    /** The address the task waits on, in its own mm (for the PI owner-death fixup). */
    public uaddr: number,
  ) {}

  /** Called by the kernel when the task goes to sleep: joins the tail of its key's queue. */
  add(_w: Waiter): void {
    this.table.enqueue(this);
  }

  /** Called by the kernel when the task wakes for any reason: leaves whatever queue it is on. */
  remove(_w: Waiter): void {
    this.table.dequeue(this);
  }
}

/** All futex queues of one kernel (Linux's futex hash table, without the hashing). */
export class FutexTable {
  private readonly queues = new Map<string, FutexWaiter[]>();
  /** Owner of each PI futex that has kernel waiters (Linux's pi_state->owner). */
  readonly piOwners = new Map<string, Caller>();

  /** Appends w to the queue of w.key (no-op if already queued). */
  enqueue(w: FutexWaiter): void {
    if (w.queued) return;
    let q = this.queues.get(w.key);
    if (q === undefined) { q = []; this.queues.set(w.key, q); }
    q.push(w);
    w.queued = true;
  }

  /** Takes w off its queue (no-op if not queued); a PI state with no waiters left is dropped. */
  dequeue(w: FutexWaiter): void {
    if (!w.queued) return;
    w.queued = false;
    const q = this.queues.get(w.key);
    if (q === undefined) return;
    const i = q.indexOf(w);
    if (i >= 0) q.splice(i, 1);
    if (q.length === 0) {
      this.queues.delete(w.key);
      this.piOwners.delete(w.key);
    }
  }

  /** The waiters on key in FIFO order (a copy: waking changes the queue). */
  waiters(key: string): FutexWaiter[] {
    return [...(this.queues.get(key) ?? [])];
  }

  /** Dequeues w, marks it woken and makes its task runnable. */
  wakeWaiter(w: FutexWaiter): void {
    this.dequeue(w);
    w.woken = true;
    w.req.wake(WakeReason.Event);
  }

  /** Moves w to the tail of key2's queue. */
  requeue(w: FutexWaiter, key2: string): void {
    this.dequeue(w);
    w.key = key2;
    this.enqueue(w);
  }

  /**
   * Wakes up to n waiters on key whose bitset shares a bit with `bitset`, as futex_wake: the
   * count is checked after each wake, so n <= 0 still wakes one. A PI waiter gives -EINVAL
   * (waiters woken before it stay woken). Returns the number woken.
   */
  wake(key: string, n: number, bitset: number): number {
    let woken = 0;
    for (const w of this.waiters(key)) {
      if (w.pi) return -EINVAL;
      if ((w.bitset & bitset) === 0) continue;
      this.wakeWaiter(w);
      if (++woken >= n) break;
    }
    return woken;
  }

  /**
   * FUTEX_REQUEUE's body: wakes up to nWake waiters on key1 and moves up to nRequeue of the
   * rest to key2; returns woken + moved, or -EINVAL on meeting a PI waiter (what was done stays).
   */
  requeueWaiters(key1: string, key2: string, nWake: number, nRequeue: number): number {
    let count = 0;
    for (const w of this.waiters(key1)) {
      if (count - nWake >= nRequeue) break;
      if (w.pi) return -EINVAL;
      if (++count <= nWake) {
        this.wakeWaiter(w);
        continue;
      }
      this.requeue(w, key2);
    }
    return count;
  }
}

/** The futex table of the kernel that runs t. */
export function futexTable(t: { readonly kernel: { readonly futexes: FutexTable } }): FutexTable {
  return t.kernel.futexes;
}
