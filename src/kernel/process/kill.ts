// kill(2)'s targets and permission (Linux's kill_something_info and check_kill_permission): one
// process, a process group, or every process the caller may signal.
import { EPERM, ESRCH } from '../../abi/errno.js';
import { SIGCONT, type SigInfo } from '../signal.js';
import { sendGroupSignal } from '../signal_deliver.js';
import type { Task, ThreadGroup } from '../task.js';

/** True if t may send sig to process tg: same real or effective uid as tg's real or saved uid,
 *  uid 0 (CAP_KILL), or SIGCONT within the session. */
export function mayKill(t: Task, tg: ThreadGroup, sig: number): boolean {
  if (tg === t.tg) return true;
  const s = t.tg.cred, d = tg.cred;
  if (s.euid === 0) return true;
  if (s.euid === d.suid || s.euid === d.ruid || s.ruid === d.suid || s.ruid === d.ruid) return true;
  return sig === SIGCONT && tg.sid === t.tg.sid;
}

/** Sends info to tg after the permission check (sig 0 only checks); returns 0 or -EPERM. */
export function signalProcess(t: Task, tg: ThreadGroup, info: SigInfo): number {
  if (!mayKill(t, tg, info.signo)) return -EPERM;
  if (info.signo !== 0) sendGroupSignal(tg, info);
  return 0;
}

/** Returns the process a pid names: a live task's thread group (any tid counts), or a zombie. */
export function processByPid(t: Task, pid: number): ThreadGroup | undefined {
  return t.kernel.tasks.get(pid)?.tg ?? t.kernel.procs.get(pid);
}

/** Sends to every process in `targets`: 0 if any send succeeded, else the last error (ESRCH if none). */
function signalEach(t: Task, targets: Iterable<ThreadGroup>, info: SigInfo): number {
  let found = false, ok = false, err = -ESRCH;
  for (const tg of targets) {
    found = true;
    const r = signalProcess(t, tg, info);
    if (r === 0) ok = true; else err = r;
  }
  return !found ? -ESRCH : ok ? 0 : err;
}

/** kill(pid, sig) with the sender's info: pid > 0 one process, 0 the caller's group, -1 all but
 *  the tree roots and the caller, < -1 the group -pid. Returns 0 or -errno. */
export function killSomething(t: Task, pid: number, info: SigInfo): number {
  if (pid > 0) {
    const tg = processByPid(t, pid);
    return tg === undefined ? -ESRCH : signalProcess(t, tg, info);
  }
  if (pid === 0) return signalEach(t, t.kernel.procs.inGroup(t.tg.pgid), info);
  if (pid === -1) {
    const targets = [...t.kernel.procs.all()].filter((tg) => tg !== t.tg && !tg.node.root);
    return signalEach(t, targets, info);
  }
  if (pid === -0x80000000) return -ESRCH;
  return signalEach(t, t.kernel.procs.inGroup(-pid), info);
}
