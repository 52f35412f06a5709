// SysV IPC identifiers and permissions (Linux's ipc/util.c): each kind (shm, sem, msg) keeps its
// objects by index; an id is seq * IPCMNI_SEQ + index so that a reused index gets a new id, and
// a key other than IPC_PRIVATE finds an object again. Access is checked with the effective ids.
import { EACCES, EEXIST, ENOENT } from '../../abi/errno.js';
import type { Cred } from '../cred.js';
import type { GuestMemory } from '../../mem/guest_memory.js';

/** IPC_PRIVATE: a key that always makes a new object. */
export const IPC_PRIVATE = 0;
/** Flags of the *get calls. */
export const IPC_CREAT = 0o1000, IPC_EXCL = 0o2000, IPC_NOWAIT = 0o4000;
/** Control commands shared by shmctl, semctl and msgctl. */
export const IPC_RMID = 0, IPC_SET = 1, IPC_STAT = 2, IPC_INFO = 3;
/** The flag glibc may add to ctl commands for the 64-bit structures (every riscv64 layout is that one). */
export const IPC_64 = 0x100;
/** Ids per sequence step: Linux's IPCMNI (32768) without ipcmni_extend. */
export const IPCMNI = 32768;
/** Most objects of one kind, whatever the sysctl says (IPCMNI). */
export const IPC_MAX_INDEX = IPCMNI;
/** sizeof(struct ipc64_perm) on riscv64. */
export const IPC64_PERM_SIZE = 48;

/** struct kern_ipc_perm: the owner, creator and mode of one object. */
export interface IpcPerm {
  key: number;
  uid: number;
  gid: number;
  cuid: number;
  cgid: number;
  /** The low 9 bits are the rwx permissions; kinds add their own flags above (SHM_DEST, SHM_LOCKED). */
  mode: number;
  /** Sequence number the object's id was made with. */
  seq: number;
  /** Set once the object is removed (IPC_RMID): sleepers wake to EIDRM. */
  deleted: boolean;
}

/** Returns a new perm for key made by cred with the permission bits of flag. */
export function newPerm(key: number, flag: number, cred: Cred): IpcPerm {
  return { key, uid: cred.euid, gid: cred.egid, cuid: cred.euid, cgid: cred.egid, mode: flag & 0o777, seq: 0, deleted: false };
}

/**
 * Returns true if cred may access perm for flag's requested bits (S_IRUGO 0o444 read, S_IWUGO
 * 0o222 write, or 0 for none): owner or creator, group, then other, as Linux's ipcperms; root
 * (CAP_IPC_OWNER) passes.
 */
export function ipcPermitted(perm: IpcPerm, flag: number, cred: Cred): boolean {
  const requested = (flag >> 6) | (flag >> 3) | flag;
  let granted = perm.mode;
  if (cred.euid === perm.cuid || cred.euid === perm.uid) granted >>= 6;
  else if (inGroup(cred, perm.cgid) || inGroup(cred, perm.gid)) granted >>= 3;
  if ((requested & ~granted & 0o7) === 0) return true;
  return cred.euid === 0;
}

/**
 * The common part of the *get calls: finds key's object in ids (checking IPC_EXCL, cred's access
 * for flag's permission bits, then the kind's own check) or reports that one must be made.
 * Returns the id, -errno (EEXIST, EACCES, ENOENT, or check's), or null to create.
 */
export function ipcFind<T extends { perm: IpcPerm }>(ids: IpcIds<T>, key: number, flag: number, cred: Cred,
  check: (obj: T) => number = () => 0): number | null {
  if (key === IPC_PRIVATE) return null;
  const found = ids.findKey(key);
  if (found === undefined) return flag & IPC_CREAT ? null : -ENOENT;
  const [id, obj] = found;
  if ((flag & IPC_CREAT) && (flag & IPC_EXCL)) return -EEXIST;
  if (!ipcPermitted(obj.perm, flag & 0o777, cred)) return -EACCES;
  const c = check(obj);
  return c < 0 ? c : id;
}

/** True if gid is cred's effective group or a supplementary one. */
function inGroup(cred: Cred, gid: number): boolean {
  return cred.egid === gid || cred.groups.includes(gid);
}

/** True if cred owns perm or created it, or is root (who may IPC_SET and IPC_RMID). */
export function ipcOwner(perm: IpcPerm, cred: Cred): boolean {
  return cred.euid === 0 || cred.euid === perm.uid || cred.euid === perm.cuid;
}

/** Writes struct ipc64_perm at addr. */
export function writePerm(mem: GuestMemory, addr: number, p: IpcPerm): void {
  const b = new Uint8Array(IPC64_PERM_SIZE);
  const dv = new DataView(b.buffer);
  dv.setInt32(0, p.key, true);
  dv.setUint32(4, p.uid, true);
  dv.setUint32(8, p.gid, true);
  dv.setUint32(12, p.cuid, true);
  dv.setUint32(16, p.cgid, true);
  dv.setUint32(20, p.mode, true);
  dv.setUint16(24, p.seq, true);
  mem.write(addr, b);
}

/** The fields IPC_SET takes from a struct ipc64_perm: uid, gid and the permission bits. */
export function readPermSet(mem: GuestMemory, addr: number): { uid: number; gid: number; mode: number } {
  const dv = new DataView(mem.read(addr, IPC64_PERM_SIZE).buffer);
  return { uid: dv.getUint32(4, true), gid: dv.getUint32(8, true), mode: dv.getUint32(20, true) & 0o777 };
}

/** The objects of one kind: by index, and by key. */
export class IpcIds<T extends { perm: IpcPerm }> {
  private readonly byIndex = new Map<number, T>();
  private seq = 0;

  /** Number of live objects. */
  get size(): number {
    return this.byIndex.size;
  }

  /** Highest index in use, or -1 (what IPC_INFO returns). */
  maxIndex(): number {
    let m = -1;
    for (const i of this.byIndex.keys()) if (i > m) m = i;
    return m;
  }

  /** Objects with their ids, in index order. */
  entries(): [number, T][] {
    return [...this.byIndex].sort((a, b) => a[0] - b[0]).map(([i, o]) => [o.perm.seq * IPCMNI + i, o]);
  }

  /** The object at index i (for *_STAT, which take an index). */
  atIndex(i: number): T | undefined {
    return this.byIndex.get(i);
  }

  /** The object with key (not IPC_PRIVATE), if any. */
  findKey(key: number): [number, T] | undefined {
    for (const [i, o] of this.byIndex) if (o.perm.key === key && !o.perm.deleted) return [o.perm.seq * IPCMNI + i, o];
    return undefined;
  }

  /** The object with id, or undefined (a stale or malformed id). */
  get(id: number): T | undefined {
    if (id < 0) return undefined;
    const o = this.byIndex.get(id % IPCMNI);
    return o !== undefined && o.perm.seq === Math.floor(id / IPCMNI) ? o : undefined;
  }

  /** Adds obj at the lowest free index (below limit); returns its id, or -1 when full. */
  add(obj: T, limit: number): number {
    const max = Math.min(limit, IPC_MAX_INDEX);
    for (let i = 0; i < max; i++) {
      if (this.byIndex.has(i)) continue;
      obj.perm.seq = this.seq;
      this.seq = (this.seq + 1) % Math.floor(0x7fffffff / IPCMNI);
      this.byIndex.set(i, obj);
      return obj.perm.seq * IPCMNI + i;
    }
    return -1;
  }

  /** Removes the object with id. */
  remove(id: number): void {
    this.byIndex.delete(id % IPCMNI);
  }
}
