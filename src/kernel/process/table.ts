// The process table: every process that has not been reaped yet (live ones and zombies), by pid,
// in creation order, which makes kill(-1), process-group walks and /proc listings deterministic.
import { TaskState, type ThreadGroup } from '../task.js';
import { ExitState } from './node.js';

export class ProcessTable {
  private readonly byPid = new Map<number, ThreadGroup>();

  /** Adds a new process. */
  add(tg: ThreadGroup): void {
    this.byPid.set(tg.pid, tg);
  }

  /** Removes a reaped process (its pid is free). */
  remove(tg: ThreadGroup): void {
    if (this.byPid.get(tg.pid) === tg) this.byPid.delete(tg.pid);
  }

  /** Returns the process with this pid (live or zombie), or undefined. */
  get(pid: number): ThreadGroup | undefined {
    return this.byPid.get(pid);
  }

  /** Every process not yet reaped, oldest first. */
  all(): IterableIterator<ThreadGroup> {
    return this.byPid.values();
  }

  /** Processes in process group pgid (zombies included, as Linux's pid hash keeps them). */
  inGroup(pgid: number): ThreadGroup[] {
    const out: ThreadGroup[] = [];
    for (const tg of this.byPid.values()) if (tg.pgid === pgid) out.push(tg);
    return out;
  }

  /** True if some process belongs to process group pgid in session sid. */
  groupInSession(pgid: number, sid: number): boolean {
    for (const tg of this.byPid.values()) if (tg.pgid === pgid && tg.sid === sid) return true;
    return false;
  }

  /** Returns how many tasks real uid `uid` has (threads, and zombies until reaped): RLIMIT_NPROC's count. */
  tasksOfUser(uid: number): number {
    let n = 0;
    for (const tg of this.byPid.values()) {
      if (tg.cred.ruid !== uid) continue;
      if (tg.node.exitState !== ExitState.Live) { n++; continue; }
      for (const t of tg.tasks) if (t.state !== TaskState.Exited) n++;
    }
    return n;
  }
}
