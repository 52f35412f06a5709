// A process's syslet state belongs to one address space: after an exec the process starts with
// none. The completion rings it uses (ring.ts) and its chains waiting for the event point
// (chain.ts) are each kept in a ProcessSlot, which gives a fresh value once the mm has changed.
import type { Mm } from '../../mem/mm.js';
import type { ThreadGroup } from '../task.js';

/** One kind of per-process syslet state, kept by ThreadGroup for its current address space. */
export class ProcessSlot<T> {
  private readonly byTg = new WeakMap<ThreadGroup, { mm: Mm; value: T }>();

  constructor(private readonly make: () => T) {}

  /** tg's value for its current address space (made on first use, and again after an exec). */
  get(tg: ThreadGroup): T {
    let e = this.byTg.get(tg);
    if (e === undefined || e.mm !== tg.mm) this.byTg.set(tg, e = { mm: tg.mm, value: this.make() });
    return e.value;
  }
}
