// The SysV IPC objects of one kernel (Linux's ipc_namespace): shared memory segments, semaphore
// sets, message queues and the processes' semaphore undo lists; /proc/sysvipc lists them.
import { IpcIds } from './ids.js';
import type { ShmSegment } from './shm.js';
import { shmReap } from './shm.js';
import type { SemSet, UndoList } from './sem.js';
import { SEMVMX } from './sem.js';
import type { MsgQueue } from './msg.js';

export class IpcNamespace {
  readonly shm = new IpcIds<ShmSegment>();
  readonly sem = new IpcIds<SemSet>();
  readonly msg = new IpcIds<MsgQueue>();
  /** Semaphore undo lists by process (keyed by its thread group). */
  readonly undo = new Map<object, UndoList>();
}

const namespaces = new WeakMap<object, IpcNamespace>();

/** Returns the IPC namespace of kernel (made on first use). */
export function ipcOf(kernel: object): IpcNamespace {
  let ns = namespaces.get(kernel);
  if (ns === undefined) namespaces.set(kernel, ns = new IpcNamespace());
  return ns;
}

/**
 * A process (owner: its thread group) has ended (exit_sem): applies its SEM_UNDO adjustments to the sets that still exist,
 * clamped to [0, SEMVMX] as Linux does, and wakes their sleepers; pid is its process id.
 */
export function ipcExit(kernel: object, owner: object, pid: number): void {
  const ns = namespaces.get(kernel);
  if (ns === undefined) return;
  const list = ns.undo.get(owner);
  ns.undo.delete(owner);
  if (list !== undefined) {
    for (const [id, adj] of list) {
      const set = ns.sem.get(id);
      if (set === undefined) continue;
      for (let i = 0; i < adj.length && i < set.sems.length; i++) {
        if (adj[i] === 0) continue;
        const s = set.sems[i]!;
        s.val = Math.min(SEMVMX, Math.max(0, s.val + adj[i]!));
        s.pid = pid;
      }
      set.queue.wake();
    }
  }
  shmReap(ns.shm);
}

/** Pads v to width on the left (the %Nd columns of /proc/sysvipc). */
function col(v: number | bigint | string, width: number): string {
  return String(v).padStart(width);
}

/** Returns /proc/sysvipc/shm. */
export function sysvipcShm(ns: IpcNamespace): string {
  shmReap(ns.shm);
  let out = '       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap\n';
  for (const [id, s] of ns.shm.entries()) {
    const p = s.perm;
    out += `${col(p.key, 10)} ${col(id, 10)}  ${col((p.mode & 0o7777).toString(8), 4)} ${col(s.size, 21)} ${col(s.cpid, 5)} ${col(s.lpid, 5)}  ` +
      `${col(s.nattch, 5)} ${col(p.uid, 5)} ${col(p.gid, 5)} ${col(p.cuid, 5)} ${col(p.cgid, 5)} ${col(s.atime, 10)} ${col(s.dtime, 10)} ` +
      `${col(s.ctime, 10)} ${col(s.obj.residentPages * 4096, 21)} ${col(0, 21)}\n`;
  }
  return out;
}

/** Returns /proc/sysvipc/sem. */
export function sysvipcSem(ns: IpcNamespace): string {
  let out = '       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n';
  for (const [id, s] of ns.sem.entries()) {
    const p = s.perm;
    out += `${col(p.key, 10)} ${col(id, 10)}  ${col((p.mode & 0o777).toString(8), 4)} ${col(s.sems.length, 10)} ${col(p.uid, 5)} ` +
      `${col(p.gid, 5)} ${col(p.cuid, 5)} ${col(p.cgid, 5)} ${col(s.otime, 10)} ${col(s.ctime, 10)}\n`;
  }
  return out;
}

/** Returns /proc/sysvipc/msg. */
export function sysvipcMsg(ns: IpcNamespace): string {
  let out = '       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime\n';
  for (const [id, q] of ns.msg.entries()) {
    const p = q.perm;
    out += `${col(p.key, 10)} ${col(id, 10)}  ${col((p.mode & 0o777).toString(8), 4)}  ${col(q.cbytes, 10)} ${col(q.msgs.length, 10)} ` +
      `${col(q.lspid, 5)} ${col(q.lrpid, 5)} ${col(p.uid, 5)} ${col(p.gid, 5)} ${col(p.cuid, 5)} ${col(p.cgid, 5)} ` +
      `${col(q.stime, 10)} ${col(q.rtime, 10)} ${col(q.ctime, 10)}\n`;
  }
  return out;
}
