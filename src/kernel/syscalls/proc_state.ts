// Per-process and per-thread state that the identity, prctl and scheduling syscalls keep
// (credentials, process group and session, nice value, comm, pdeathsig, no_new_privs).
// Held in WeakMaps until the lead moves it onto Task / ThreadGroup; created lazily with Linux's
// defaults for a freshly exec'd process.
import type { Task, ThreadGroup } from '../task.js';

/** Process-wide state. */
export interface ProcState {
  /** Process group and session ids (ecall runs one session: both start as the pid). */
  pgid: number;
  sid: number;
  /** Nice value, -20..19. */
  nice: number;
  /** PR_SET_DUMPABLE value: 0 or 1. */
  dumpable: number;
}

/** Thread-level state. */
export interface ThreadState {
  /** PR_SET_NAME name, without NUL (at most TASK_COMM_LEN-1 bytes); null = the exe's basename. */
  comm: Uint8Array | null;
  /** PR_SET_PDEATHSIG signal, or 0. */
  pdeathsig: number;
  /** PR_SET_NO_NEW_PRIVS: once set it stays set. */
  noNewPrivs: boolean;
}

/** Size of task->comm including its NUL (include/linux/sched.h TASK_COMM_LEN). */
export const TASK_COMM_LEN = 16;

const procs = new WeakMap<ThreadGroup, ProcState>();
const threads = new WeakMap<Task, ThreadState>();

/** Returns tg's process state, creating it with pgid = sid = pid. */
export function procState(tg: ThreadGroup): ProcState {
  let p = procs.get(tg);
  if (!p) {
    p = {
      pgid: tg.pid,
      sid: tg.pid,
      nice: 0,
      dumpable: 1,
    };
    procs.set(tg, p);
  }
  return p;
}

/** Returns t's thread state, creating it with Linux's defaults. */
export function threadState(t: Task): ThreadState {
  let s = threads.get(t);
  if (!s) {
    s = { comm: null, pdeathsig: 0, noNewPrivs: false };
    threads.set(t, s);
  }
  return s;
}

/** Returns t's comm as bytes without NUL: the PR_SET_NAME value or the exe's basename, truncated. */
export function taskComm(t: Task): Uint8Array {
  const s = threadState(t);
  if (s.comm) return s.comm;
  const path = t.tg.exePath;
  const base = new TextEncoder().encode(path.slice(path.lastIndexOf('/') + 1));
  return base.subarray(0, TASK_COMM_LEN - 1);
}

/** For clone/fork: copies the inheritable state from parent to child (call once per new task). */
export function inheritProcState(parent: Task, child: Task): void {
  const ps = threadState(parent);
  // pdeathsig is cleared in children (prctl(2)); comm and no_new_privs are inherited.
  threads.set(child, { comm: ps.comm ? ps.comm.slice() : null, pdeathsig: 0, noNewPrivs: ps.noNewPrivs });
  if (child.tg !== parent.tg && !procs.has(child.tg)) {
    const p = procState(parent.tg);
    procs.set(child.tg, { ...p });
  }
}

/** For execve: the new image's comm comes from its file name, and the process is dumpable again. */
export function execProcState(t: Task): void {
  threadState(t).comm = null;
  procState(t.tg).dumpable = 1;
}

/** Returns the live task with id `pid` (0 means t itself), or null (Linux's find_task_by_vpid). */
export function findTask(t: Task, pid: number): Task | null {
  if (pid === 0) return t;
  if (pid < 0) return null;
  return t.kernel.tasks.get(pid) ?? null;
}

/** True if t's effective uid is 0, which ecall treats as holding every capability. */
export function privileged(t: Task): boolean {
  return t.tg.cred.euid === 0;
}
