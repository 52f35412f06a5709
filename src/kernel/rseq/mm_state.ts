// Per-process (per-mm) rseq and membarrier state: the concurrency ids handed out as rseq's mm_cid,
// and the membarrier registrations. Linux keeps both in mm_struct; ecall has one mm per thread
// group, so they live on the ThreadGroup.

/** membarrier registration state bits (kernel/sched/membarrier.c's MEMBARRIER_STATE_*). */
export const MEMBARRIER_STATE_PRIVATE_EXPEDITED_READY = 1 << 0, MEMBARRIER_STATE_PRIVATE_EXPEDITED = 1 << 1,
  MEMBARRIER_STATE_GLOBAL_EXPEDITED_READY = 1 << 2, MEMBARRIER_STATE_GLOBAL_EXPEDITED = 1 << 3,
  MEMBARRIER_STATE_PRIVATE_EXPEDITED_SYNC_CORE_READY = 1 << 4, MEMBARRIER_STATE_PRIVATE_EXPEDITED_SYNC_CORE = 1 << 5,
  MEMBARRIER_STATE_PRIVATE_EXPEDITED_RSEQ_READY = 1 << 6, MEMBARRIER_STATE_PRIVATE_EXPEDITED_RSEQ = 1 << 7;

/** What the ids are computed from: the CPU each live task of the process is on. */
export interface CidTask {
  readonly cpu: number;
  readonly live: boolean;
}

export class RseqMm {
  /** membarrier's MEMBARRIER_STATE_* bits for this process. */
  membarrierState = 0;
  /** Concurrency id by virtual CPU: one per CPU that a live task of the process occupies. */
  private readonly cidByCpu = new Map<number, number>();

  /**
   * Returns the mm_cid of a task on `cpu`: the id already held by that CPU, else the lowest id no
   * other occupied CPU holds. So ids are dense (below both the thread count and the CPU count)
   * and two tasks that can run at the same time (on different CPUs) never share one.
   */
  cid(cpu: number, tasks: Iterable<CidTask>): number {
    const held = this.cidByCpu.get(cpu);
    if (held !== undefined) return held;
    const occupied = new Set<number>();
    for (const t of tasks) if (t.live) occupied.add(t.cpu);
    for (const c of [...this.cidByCpu.keys()]) if (!occupied.has(c)) this.cidByCpu.delete(c);
    const used = new Set(this.cidByCpu.values());
    let id = 0;
    while (used.has(id)) id++;
    this.cidByCpu.set(cpu, id);
    return id;
  }
}
