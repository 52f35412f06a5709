// Look-ups the identity, prctl and scheduling syscalls share: a task by pid, the caller's
// privilege, and a task's comm. The state itself lives on Task and ThreadGroup.
import type { Task } from '../task.js';
import { strToBytes } from '../../util/bytestr.js';

/** Size of task->comm including its NUL (include/linux/sched.h TASK_COMM_LEN). */
export const TASK_COMM_LEN = 16;

/** Returns t's comm as bytes without NUL: the PR_SET_NAME value or the exe's basename, truncated. */
export function taskComm(t: Task): Uint8Array {
  if (t.comm) return t.comm;
  const path = t.tg.exePath;
  const base = strToBytes(path.slice(path.lastIndexOf('/') + 1));
  return base.subarray(0, TASK_COMM_LEN - 1);
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
