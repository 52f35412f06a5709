// process_vm_readv(2)/process_vm_writev(2): copy between the caller's memory and another
// process's, iovec by iovec, without either process's file descriptors. kcmp(2): whether two
// processes share a kernel resource.
import { EBADF, EFAULT, EINVAL, EPERM, ESRCH } from '../../abi/errno.js';
import { PAGE_SIZE, PROT_READ, PROT_WRITE, type GuestMemory } from '../../mem/guest_memory.js';
import type { Task } from '../task.js';
import { UIO_MAXIOV } from '../vfs/constants.js';
import { readIovecs } from './fs_rw.js';
import { mayAttach } from './pidfd.js';
import type { SysArgs, SysResult, SyscallDef } from './types.js';

/** The live task with thread id pid (any thread, as find_task_by_vpid; 0 names none), or null. */
function liveTask(t: Task, pid: number): Task | null {
  const target = pid > 0 ? t.kernel.tasks.get(pid) : undefined;
  return target !== undefined && target.tg.exitCode === null ? target : null;
}

/** Bytes from addr that stay within one page and n. */
function pageChunk(addr: number, n: number): number {
  return Math.min(n, PAGE_SIZE - (addr % PAGE_SIZE));
}

/**
 * Copies along the two iovec lists from src to dst memory, a page piece at a time: the bytes
 * copied, stopping at the first piece either side cannot access (EFAULT if that is the first).
 */
function copyVectors(src: GuestMemory, srcIov: [number, number][], dst: GuestMemory, dstIov: [number, number][]): number {
  let done = 0, si = 0, di = 0, so = 0, dOff = 0;
  while (si < srcIov.length && di < dstIov.length) {
    const [sb, sl] = srcIov[si]!, [db, dl] = dstIov[di]!;
    if (so >= sl) { si++; so = 0; continue; }
    if (dOff >= dl) { di++; dOff = 0; continue; }
    const n = Math.min(pageChunk(sb + so, sl - so), pageChunk(db + dOff, dl - dOff));
    if (!src.accessible(sb + so, n, PROT_READ) || !dst.accessible(db + dOff, n, PROT_WRITE)) break;
    dst.write(db + dOff, src.read(sb + so, n));
    done += n; so += n; dOff += n;
  }
  return done === 0 && srcIov.some(([, l]) => l > 0) && dstIov.some(([, l]) => l > 0) ? -EFAULT : done;
}

/**
 * process_vm_readv/writev(pid, local_iov, liovcnt, remote_iov, riovcnt, flags): EINVAL for flags
 * or counts over UIO_MAXIOV or negative lengths, ESRCH for no such live process, EPERM without
 * ptrace access; otherwise the bytes moved (short at the first unmapped or protected piece).
 */
function processVm(write: boolean) {
  return (t: Task, a: SysArgs): SysResult => {
    if (a.big(5) !== 0n) return -EINVAL;
    const lcnt = a.num(2), rcnt = a.num(4);
    if (lcnt < 0 || lcnt > UIO_MAXIOV || rcnt < 0 || rcnt > UIO_MAXIOV) return -EINVAL;
    const local = readIovecs(t, a.addr(1), lcnt);
    if (typeof local === 'number') return local;
    const remote = readIovecs(t, a.addr(3), rcnt);
    if (typeof remote === 'number') return remote;
    if (local.every(([, l]) => l === 0)) return 0;
    const target = liveTask(t, a.int(0));
    if (target === null) return -ESRCH;
    if (!mayAttach(t, target.tg)) return -EPERM;
    const mine = t.mm.mem, theirs = target.mm.mem;
    return write ? copyVectors(mine, local, theirs, remote) : copyVectors(theirs, remote, mine, local);
  };
}

/** kcmp types (include/uapi/linux/kcmp.h). */
const KCMP_FILE = 0, KCMP_VM = 1, KCMP_FILES = 2, KCMP_FS = 3, KCMP_SIGHAND = 4;

/** Stable per-object ranks for kcmp's ordering (Linux orders obfuscated kernel pointers). */
const ranks = new WeakMap<object, number>();
let nextRank = 1;

/** Returns obj's rank, giving it the next one on first sight. */
function rankOf(obj: object): number {
  let r = ranks.get(obj);
  if (r === undefined) ranks.set(obj, r = nextRank++);
  return r;
}

/** kcmp's answer for two objects: 0 the same, else 1 or 2 by a fixed arbitrary order. */
function order(a: object, b: object): number {
  if (a === b) return 0;
  return rankOf(a) < rankOf(b) ? 1 : 2;
}

/** The resource of type `type` that task x holds (idx: an fd for KCMP_FILE), or -errno. */
function resourceOf(x: Task, type: number, idx: number): object | number {
  switch (type) {
    case KCMP_FILE: return x.files.get(idx) ?? -EBADF;
    case KCMP_VM: return x.mm;
    case KCMP_FILES: return x.files;
    case KCMP_FS: return x.fs;
    case KCMP_SIGHAND: return x.tg.actions;
    // KCMP_IO and KCMP_SYSVSEM compare an I/O context and a semaphore undo list that ecall does not
    // keep per task (Linux compares them even while both are still unallocated): EINVAL, as KCMP_EPOLL_TFD.
    default: return -EINVAL;
  }
}

/**
 * kcmp(pid1, pid2, type, idx1, idx2): 0 if the two tasks share the resource, 1 or 2 (a
 * consistent order) if not; ESRCH for an unknown pid, EPERM without ptrace access to both, EBADF
 * for a closed fd, EINVAL for an unknown type and for KCMP_IO, KCMP_SYSVSEM and KCMP_EPOLL_TFD.
 */
function sysKcmp(t: Task, a: SysArgs): SysResult {
  const t1 = liveTask(t, a.int(0)), t2 = liveTask(t, a.int(1));
  if (t1 === null || t2 === null) return -ESRCH;
  if (!mayAttach(t, t1.tg) || !mayAttach(t, t2.tg)) return -EPERM;
  const type = a.int(2);
  const r1 = resourceOf(t1, type, a.int(3));
  if (typeof r1 === 'number') return r1;
  const r2 = resourceOf(t2, type, a.int(4));
  if (typeof r2 === 'number') return r2;
  return order(r1, r2);
}


export const processVmDefs: SyscallDef[] = [
  { nr: 270, name: 'process_vm_readv', handler: processVm(false), status: 'full', args: ['int', 'ptr', 'uint', 'ptr', 'uint', 'hex'] },
  { nr: 271, name: 'process_vm_writev', handler: processVm(true), status: 'full', args: ['int', 'ptr', 'uint', 'ptr', 'uint', 'hex'] },
  { nr: 272, name: 'kcmp', handler: sysKcmp, status: 'partial', note: 'KCMP_IO, KCMP_SYSVSEM and KCMP_EPOLL_TFD give EINVAL', args: ['int', 'int', 'int', 'hex', 'hex'] },
];
