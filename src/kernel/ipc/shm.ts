// SysV shared memory (Linux's ipc/shm.c): a segment is a memory object of anonymous shared
// frames, as MAP_SHARED|MAP_ANONYMOUS memory is; shmat maps it like a shared file mapping (so
// fork shares it and maps shows "/SYSV<key> (deleted)"), and the segment outlives its attaches
// until IPC_RMID, after which it dies with its last attach.
import { EACCES, EEXIST, EIDRM, EINVAL, ENOMEM, ENOSPC } from '../../abi/errno.js';
import { MemObject } from '../../mem/mem_object.js';
import type { MmapFile } from '../../mem/mm.js';
import { PAGE_SIZE } from '../../mem/guest_memory.js';
import type { Task } from '../task.js';
import { IPC_PRIVATE, ipcFind, type IpcIds, ipcPermitted, newPerm, type IpcPerm } from './ids.js';
import { ipcNow } from './ctl.js';

/** Flags in shm_perm.mode: removed while attached, and SHM_LOCK'ed. */
export const SHM_DEST = 0o1000, SHM_LOCKED = 0o2000;
/** shmat flags. */
export const SHM_RDONLY = 0o10000, SHM_RND = 0o20000, SHM_REMAP = 0o40000, SHM_EXEC = 0o100000;
/** Smallest segment (SHMMIN). */
export const SHMMIN = 1;
/** SHMLBA on riscv64: attach addresses are multiples of a page. */
export const SHMLBA = PAGE_SIZE;
/** Fake device number maps shows for SysV segments (the shm mount's, as an anonymous 0:N). */
const SHM_DEV = 0x1;

/** Numbers the segments' memory objects (their keys in the page-cache map must never repeat). */
let shmSerial = 0;

/** One shared memory segment. */
export class ShmSegment {
  atime = 0n;
  dtime = 0n;
  ctime: bigint;
  lpid = 0;

  constructor(readonly perm: IpcPerm, readonly size: number, readonly obj: MemObject, readonly cpid: number, now: bigint) {
    this.ctime = now;
    obj.pin();
  }

  /** Attaches: the VMAs that map the segment, over every address space (Linux's shm_nattch). */
  get nattch(): number {
    let n = 0;
    for (const c of this.obj.mappers.values()) n += c;
    return n;
  }
}

/**
 * shmget(key, size, flag): finds or creates a segment; returns its id or -errno (EINVAL for a
 * size outside the limits or larger than an existing segment, EEXIST, ENOENT, EACCES, ENOSPC).
 */
export function shmGet(t: Task, ids: IpcIds<ShmSegment>, key: number, size: number, flag: number): number {
  const s = t.kernel.sysctl;
  const found = ipcFind(ids, key, flag, t.tg.cred, (seg) => (size > seg.size ? -EINVAL : 0));
  if (found !== null) return found;
  if (size < SHMMIN || BigInt(size) > s.shmmax) return -EINVAL;
  const pages = Math.ceil(size / PAGE_SIZE);
  let total = pages;
  for (const [, seg] of ids.entries()) total += Math.ceil(seg.size / PAGE_SIZE);
  if (BigInt(total) > s.shmall) return -ENOSPC;
  if (ids.size >= s.shmmni) return -ENOSPC;
  const perm = newPerm(key, flag, t.tg.cred);
  const obj = new MemObject(t.mm.phys, null, pages, `sysvshm:${++shmSerial}`);
  const seg = new ShmSegment(perm, size, obj, t.tg.pid, ipcNow(t));
  const id = ids.add(seg, s.shmmni);
  if (id < 0) { obj.unpin(); return -ENOSPC; }
  return id;
}

/** The mapping source shmat hands the memory layer: the segment's object under a key of its own. */
function shmFile(seg: ShmSegment, id: number, writable: boolean): MmapFile {
  return {
    path: `/SYSV${(seg.perm.key >>> 0).toString(16).padStart(8, '0')} (deleted)`,
    dev: SHM_DEV, ino: id, key: seg.obj.key!, writable,
    read: () => 0,
  };
}

/**
 * shmat(id, addr, flag): maps the segment at addr (0: anywhere; SHM_RND rounds down to SHMLBA;
 * SHM_REMAP may replace mappings) and returns the address, or -errno.
 */
export function shmAt(t: Task, ids: IpcIds<ShmSegment>, id: number, addr: number, flag: number): number {
  const seg = ids.get(id);
  if (seg === undefined) return -EINVAL;
  if (addr % SHMLBA !== 0) {
    if (!(flag & SHM_RND)) return -EINVAL;
    addr -= addr % SHMLBA;
  }
  if ((flag & SHM_REMAP) && addr === 0) return -EINVAL;
  const ro = (flag & SHM_RDONLY) !== 0;
  const want = ro ? 0o444 : 0o666;
  if (!ipcPermitted(seg.perm, want, t.tg.cred)) return -EACCES;
  if (seg.perm.deleted && seg.nattch === 0) return -EIDRM;
  const prot = (ro ? 1 : 3) | (flag & SHM_EXEC ? 4 : 0);
  // MAP_SHARED; MAP_FIXED with SHM_REMAP, else MAP_FIXED_NOREPLACE (an overlap is EINVAL).
  let mflags = 0x01;
  if (addr !== 0) mflags |= flag & SHM_REMAP ? 0x10 : 0x100000;
  const len = Math.ceil(seg.size / PAGE_SIZE) * PAGE_SIZE;
  const r = t.mm.mmap(addr, len, prot, mflags, shmFile(seg, id, !ro), 0);
  if (r < 0) return r === -EEXIST ? -EINVAL : r === -ENOMEM ? -ENOMEM : r;
  seg.atime = ipcNow(t);
  seg.lpid = t.tg.pid;
  return r;
}

/** shmdt(addr): unmaps the attach that starts at addr; -EINVAL if none does. */
export function shmDt(t: Task, ids: IpcIds<ShmSegment>, addr: number): number {
  if (addr % SHMLBA !== 0) return -EINVAL;
  const v = t.mm.findVma(addr);
  if (v === undefined || v.start !== addr || v.offset !== 0) return -EINVAL;
  const hit = ids.entries().find(([, seg]) => seg.obj === v.obj);
  if (hit === undefined) return -EINVAL;
  const [, seg] = hit;
  const len = Math.ceil(seg.size / PAGE_SIZE) * PAGE_SIZE;
  // Every VMA of this segment within the attach's length goes (an attach split by mprotect included).
  for (let at = addr; at < addr + len;) {
    const w = t.mm.findVma(at);
    if (w === undefined || w.start >= addr + len) break;
    const end = Math.min(w.end, addr + len);
    if (w.obj === seg.obj) t.mm.munmap(Math.max(w.start, at), end - Math.max(w.start, at));
    at = end;
  }
  seg.dtime = ipcNow(t);
  seg.lpid = t.tg.pid;
  return 0;
}

/** Marks seg removed: it loses its key and dies with its last attach (now, if none). */
export function shmRemove(ids: IpcIds<ShmSegment>, id: number, seg: ShmSegment): void {
  if (seg.perm.deleted) return;
  seg.perm.deleted = true;
  seg.perm.mode |= SHM_DEST;
  seg.perm.key = IPC_PRIVATE;
  seg.obj.unpin();
  if (seg.nattch === 0) ids.remove(id);
}

/** Drops removed segments whose last attach has gone. */
export function shmReap(ids: IpcIds<ShmSegment>): void {
  for (const [id, seg] of ids.entries()) if (seg.perm.deleted && seg.nattch === 0) ids.remove(id);
}
