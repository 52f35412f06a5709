// The process table: every process that has not been reaped yet (live ones and zombies), by pid,
// in creation order, which makes kill(-1), process-group walks and /proc listings deterministic.
import { TaskState } from '../task_state.js';
import { ExitState } from './node.js';

/** What the table reads of a process (task.ts's ThreadGroup is the one kind it holds). */
export interface ProcEntry {
  readonly pid: number;
  readonly pgid: number;
  readonly sid: number;
  readonly cred: { readonly ruid: number };
  readonly node: { readonly exitState: ExitState };
  readonly tasks: readonly { readonly state: TaskState }[];
}

/** Every process not yet reaped, by pid; P is the process (task.ts's ThreadGroup). */
export class ProcessTable<P extends ProcEntry> {
  private readonly byPid = new Map<number, P>();

  /** Adds a new process. */
  add(tg: P): void {
    this.byPid.set(tg.pid, tg);
  }

  /** Removes a reaped process (its pid is free). */
  remove(tg: P): void {
    if (this.byPid.get(tg.pid) === tg) this.byPid.delete(tg.pid);
  }

  /** Returns the process with this pid (live or zombie), or undefined. */
  get(pid: number): P | undefined {
    return this.byPid.get(pid);
  }

  /** Every process not yet reaped, oldest first. */
  all(): IterableIterator<P> {
    return this.byPid.values();
  }

  /** Processes in process group pgid (zombies included, as Linux's pid hash keeps them). */
  inGroup(pgid: number): P[] {
    const out: P[] = [];
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
