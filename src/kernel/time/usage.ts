// What a thread group's CPU-time accounting keeps beyond its live tasks, and the nominal rate at
// which retired instructions become CPU time (cputime.ts computes the figures).

/** Nominal hart speed: one instruction per nanosecond (a 1 GHz, one-IPC core). */
export const NS_PER_INSN = 1;

/** A thread group's totals that outlive the tasks that produced them (signal_struct's cutime, cmaxrss, maxrss). */
export class GroupUsage {
  /** User time of reaped children (and their reaped children), ns: RUSAGE_CHILDREN. */
  childrenNs = 0n;
  /** Largest maxrss among reaped children, KiB. */
  childrenMaxrssKiB = 0;
  /** Largest mapped size seen for this group, KiB. */
  maxrssKiB = 0;
}
