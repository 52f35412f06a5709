// CPU-time accounting for clock_gettime's CPU clocks, times(2) and getrusage(2).
// User CPU time is the task's retired-instruction count at a nominal rate, so it is
// deterministic (the same binary and input give the same CPU times on any host). System time is
// reported as zero: kernel work is host work, which the guest cannot meaningfully be charged for.
import { TaskState, type Task, type ThreadGroup } from '../task.js';
import { NS_PER_INSN } from './usage.js';

/** Returns the user CPU time of one task in ns (instret at the nominal rate). */
export function taskCpuNs(t: Task): bigint {
  return BigInt(Math.trunc(t.hart.instret)) * BigInt(NS_PER_INSN);
}

/** Returns the user CPU time of a whole thread group in ns: live tasks plus tg.instret (exited ones). */
export function groupCpuNs(tg: ThreadGroup): bigint {
  let insns = tg.instret;
  for (const t of tg.tasks) if (t.state !== TaskState.Exited) insns += t.hart.instret;
  return BigInt(Math.trunc(insns)) * BigInt(NS_PER_INSN);
}

/** Returns the CPU time of the group's reaped children in ns. */
export function childrenCpuNs(tg: ThreadGroup): bigint {
  return tg.usage.childrenNs;
}

/** For wait4: adds a reaped child group's CPU time and maxrss to its parent's RUSAGE_CHILDREN. */
export function addChildUsage(parent: ThreadGroup, child: ThreadGroup): void {
  const p = parent.usage;
  const c = child.usage;
  p.childrenNs += groupCpuNs(child) + c.childrenNs;
  p.childrenMaxrssKiB = Math.max(p.childrenMaxrssKiB, groupMaxrssKiB(child), c.childrenMaxrssKiB);
}

/** Returns the group's maxrss in KiB: the high-water mark of its resident pages. */
export function groupMaxrssKiB(tg: ThreadGroup): number {
  const u = tg.usage;
  u.maxrssKiB = Math.max(u.maxrssKiB, tg.mm.mem.rssPeak * 4);
  return u.maxrssKiB;
}

/** Returns the largest maxrss among reaped children, KiB. */
export function childrenMaxrssKiB(tg: ThreadGroup): number {
  return tg.usage.childrenMaxrssKiB;
}
