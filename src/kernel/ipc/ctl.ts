// What shmctl, semctl and msgctl share (Linux's ipcctl_obtain_check and the *_STAT paths of
// ipc/util.c): finding the object by id (or by index for the *_STAT commands), the read check of
// IPC_STAT, the ownership check of IPC_SET and IPC_RMID, and IPC_SET's uid, gid, mode and ctime.
// Each kind says how it writes its structure, what else IPC_SET takes, and how it is removed.
import { EACCES, EINVAL, EPERM } from '../../abi/errno.js';
import type { Task } from '../task.js';
import { IPC_RMID, IPC_SET, IPC_STAT, IPCMNI, type IpcIds, ipcOwner, type IpcPerm, ipcPermitted, readPermSet } from './ids.js';

/** An object every ctl command may act on: its permissions and its last-change time. */
export interface CtlObject {
  readonly perm: IpcPerm;
  ctime: bigint;
}

/** How one kind (shm, sem, msg) answers the commands that every kind has. */
export interface CtlKind<T extends CtlObject> {
  /** The kind's *_STAT and *_STAT_ANY commands: they take an index and return the id. */
  readonly stat: number;
  readonly statAny: number;
  /** Writes the kind's struct *id64_ds for obj at addr. */
  writeDs(t: Task, addr: number, obj: T): void;
  /**
   * Reads and checks what IPC_SET takes beyond the perm from the structure at addr, before
   * anything changes: returns -errno, or a function that applies it. Absent: nothing more.
   */
  readSet?(t: Task, obj: T, addr: number): number | (() => void);
  /** IPC_RMID: removes obj, whose id is id, from ids. */
  remove(t: Task, ids: IpcIds<T>, id: number, obj: T): void;
}

/** Returns the current realtime in seconds, as the ipc structures keep times. */
export function ipcNow(t: Task): bigint {
  return t.kernel.realtimeNs() / 1_000_000_000n;
}

/**
 * Returns 0 if t may run cmd on perm, else -errno: IPC_SET and IPC_RMID need the owner or
 * creator (or root), -EPERM; anything else needs read access, -EACCES.
 */
export function ctlAllowed(t: Task, perm: IpcPerm, cmd: number): number {
  if (cmd === IPC_SET || cmd === IPC_RMID) return ipcOwner(perm, t.tg.cred) ? 0 : -EPERM;
  return ipcPermitted(perm, 0o444, t.tg.cred) ? 0 : -EACCES;
}

/** Returns the object and its id for a *_STAT command (by index) or any other command (by id). */
function lookup<T extends CtlObject>(ids: IpcIds<T>, idOrIndex: number, byIndex: boolean): [number, T] | undefined {
  if (byIndex) {
    const o = ids.atIndex(idOrIndex);
    return o === undefined ? undefined : [o.perm.seq * IPCMNI + idOrIndex, o];
  }
  const o = ids.get(idOrIndex);
  return o === undefined ? undefined : [idOrIndex, o];
}

/**
 * Runs ctl command cmd (without IPC_64) on the object idOrIndex of ids, with the structure at addr.
 * Returns the result or -errno (EINVAL for no such object) for IPC_STAT, the kind's *_STAT pair,
 * IPC_SET and IPC_RMID; for any other command, the id and object found, for the kind to go on.
 */
export function ipcCtl<T extends CtlObject>(t: Task, ids: IpcIds<T>, kind: CtlKind<T>, cmd: number,
  idOrIndex: number, addr: number): number | [number, T] {
  const byIndex = cmd === kind.stat || cmd === kind.statAny;
  const hit = lookup(ids, idOrIndex, byIndex);
  if (hit === undefined) return -EINVAL;
  const [id, obj] = hit;
  if (cmd === IPC_STAT || byIndex) {
    if (cmd !== kind.statAny) {
      const p = ctlAllowed(t, obj.perm, IPC_STAT);
      if (p < 0) return p;
    }
    kind.writeDs(t, addr, obj);
    return byIndex ? id : 0;
  }
  if (cmd !== IPC_SET && cmd !== IPC_RMID) return hit;
  const p = ctlAllowed(t, obj.perm, cmd);
  if (p < 0) return p;
  if (cmd === IPC_RMID) {
    kind.remove(t, ids, id, obj);
    return 0;
  }
  const more = kind.readSet?.(t, obj, addr);
  if (typeof more === 'number' && more < 0) return more;
  const s = readPermSet(t.mm.mem, addr);
  obj.perm.uid = s.uid;
  obj.perm.gid = s.gid;
  obj.perm.mode = (obj.perm.mode & ~0o777) | s.mode;
  obj.ctime = ipcNow(t);
  if (typeof more === 'function') more();
  return 0;
}
