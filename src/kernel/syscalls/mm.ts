// Memory syscalls: brk, mmap, munmap, mprotect, mremap, madvise, msync, mlock family, mincore,
// riscv_flush_icache. The address-space logic lives in src/mem/mm.ts.
import { EACCES, EBADF, EINVAL, ENODEV, ENOMEM } from '../../abi/errno.js';
import { PAGE_SIZE, TASK_SIZE } from '../../mem/guest_memory.js';
import {
  MAP_ANONYMOUS, MAP_PRIVATE, MAP_SHARED, MAP_SHARED_VALIDATE, MAP_TYPE, MCL_CURRENT, MCL_FUTURE, MCL_ONFAULT,
  MLOCK_ONFAULT, MS_ASYNC, MS_INVALIDATE, MS_SYNC, SYS_RISCV_FLUSH_ICACHE_LOCAL,
} from '../../mem/mman.js';
import type { MmapFile } from '../../mem/mm.js';
import type { Task } from '../task.js';
import { privileged } from './proc_state.js';
import type { SyscallDef, SysArgs } from './types.js';

/** open(2) access-mode field and its values (include/uapi/asm-generic/fcntl.h). */
const O_ACCMODE = 3, O_WRONLY = 1, O_RDWR = 2, O_PATH = 0x200000;
const PROT_WRITE = 2;
/** mincore writes its vector in pieces of this many pages (bounds the temporary array). */
const MINCORE_CHUNK = 64 * 1024;

/** True if a(i) has bits set above the low 32 (flag words where Linux takes unsigned long). */
function highBits(a: SysArgs, i: number): boolean {
  return a.big(i) >> 32n !== 0n;
}

/** Returns [start, end) with start rounded down and end rounded up to pages (mlock/munlock style), or null on overflow. */
function pageSpan(addr: number, len: number): [number, number] | null {
  const start = addr - (addr % PAGE_SIZE);
  const end = Math.ceil((addr + len) / PAGE_SIZE) * PAGE_SIZE;
  return end < start || !Number.isFinite(end) ? null : [start, end];
}

/** True if every page of [start, end) belongs to a VMA. */
function fullyMapped(t: Task, start: number, end: number): boolean {
  for (let at = start; at < end;) {
    const v = t.mm.findVma(at);
    if (!v) return false;
    at = v.end;
  }
  return true;
}

/** mmap(2): resolves the fd for file mappings, then defers to Mm.mmap. */
function sysMmap(t: Task, a: SysArgs): number {
  const addr = a.addr(0), len = a.addr(1), prot = a.num(2), fd = a.int(4), off = a.num(5);
  let flags = a.u32(3);
  // Bits above 32 are unknown flags: MAP_SHARED_VALIDATE must refuse them, so keep one as a marker.
  if ((flags & MAP_TYPE) === MAP_SHARED_VALIDATE && highBits(a, 3)) flags |= 0x8000_0000;
  if (off % PAGE_SIZE !== 0) return -EINVAL;
  let file: MmapFile | null = null;
  if (!(flags & MAP_ANONYMOUS)) {
    const f = t.files.get(fd);
    // fget: an O_PATH descriptor holds no open file to map.
    if (!f || (f.flags & O_PATH)) return -EBADF;
    // do_mmap checks the length and the mapping type before the file's access mode.
    const type = flags & MAP_TYPE;
    if (len === 0 || (type !== MAP_PRIVATE && type !== MAP_SHARED && type !== MAP_SHARED_VALIDATE)) return -EINVAL;
    const acc = f.flags & O_ACCMODE;
    if (acc === O_WRONLY) return -EACCES;
    if ((type === MAP_SHARED || type === MAP_SHARED_VALIDATE) && prot & PROT_WRITE && acc !== O_RDWR) return -EACCES;
    const src = f.mmapSource ? f.mmapSource(off, len) : -ENODEV;
    if (typeof src === 'number') return src;
    file = acc === O_RDWR ? src : { ...src, writable: false };
  }
  return t.mm.mmap(addr, len, prot, flags, file, off);
}

/** msync(2): writes back the pages of shared file mappings in the range that were written. */
function sysMsync(t: Task, a: SysArgs): number {
  const addr = a.addr(0), len = a.addr(1), flags = a.num(2);
  if (flags < 0 || flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) return -EINVAL;
  if (addr % PAGE_SIZE !== 0) return -EINVAL;
  if (flags & MS_ASYNC && flags & MS_SYNC) return -EINVAL;
  const end = addr + Math.ceil(len / PAGE_SIZE) * PAGE_SIZE;
  if (end < addr || end > TASK_SIZE) return -ENOMEM;
  return t.mm.msync(addr, end - addr);
}

/** How mlock treats a range: unlock it, lock and fault it in, or lock it as it faults (MLOCK_ONFAULT). */
const enum LockMode { Unlock, Lock, OnFault }

/**
 * mlock(2)/mlock2(2) and munlock(2): the range must be mapped (ENOMEM). Locking counts against
 * RLIMIT_MEMLOCK (ENOMEM beyond it, pages already locked not counted twice, unless privileged:
 * CAP_IPC_LOCK) and faults every page in unless MLOCK_ONFAULT (EAGAIN when frames run out).
 * Pages are never swapped here; the lock is the accounting VmLck shows.
 */
function lockRange(t: Task, addr: number, len: number, mode: LockMode): number {
  if (len === 0) return 0;
  const span = pageSpan(addr, len);
  if (!span || span[1] > TASK_SIZE) return -ENOMEM;
  const [start, end] = span;
  if (!fullyMapped(t, start, end)) return -ENOMEM;
  if (mode === LockMode.Unlock) {
    t.mm.setLocked(start, end, false);
    return 0;
  }
  const after = t.mm.lockedBytes() + (end - start) - t.mm.lockedBytes(start, end);
  if (after > t.mm.mem.limits.memlock && !privileged(t)) return -ENOMEM;
  if (mode === LockMode.Lock) {
    const r = t.mm.lock(start, end);
    if (r < 0) return r;
  }
  t.mm.setLocked(start, end, true);
  return 0;
}

/**
 * mlockall(2): MCL_CURRENT locks every mapping (ENOMEM if the whole address space exceeds
 * RLIMIT_MEMLOCK, unless privileged), MCL_FUTURE locks mappings made from now on.
 */
function sysMlockall(t: Task, a: SysArgs): number {
  const f = a.num(0);
  if (f <= 0 || f & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) || f === MCL_ONFAULT) return -EINVAL;
  const mem = t.mm.mem;
  if ((f & MCL_CURRENT) && mem.totalVm() > mem.limits.memlock && !privileged(t)) return -ENOMEM;
  t.mm.lockFuture = (f & MCL_FUTURE) !== 0;
  if (f & MCL_CURRENT) {
    for (const v of [...mem.vmas.list]) {
      if (!(f & MCL_ONFAULT)) t.mm.lock(v.start, v.end);
      t.mm.setLocked(v.start, v.end, true);
    }
  }
  return 0;
}

/** munlockall(2): unlocks every mapping and ends MCL_FUTURE. */
function sysMunlockall(t: Task): number {
  t.mm.lockFuture = false;
  t.mm.setLocked(0, TASK_SIZE, false);
  return 0;
}

/** mincore(2): writes one byte per page, 1 if the page is present in the page table. */
function sysMincore(t: Task, a: SysArgs): number {
  const addr = a.addr(0), len = a.addr(1), vec = a.addr(2);
  if (addr % PAGE_SIZE !== 0) return -EINVAL;
  const pages = Math.ceil(len / PAGE_SIZE);
  if (addr >= TASK_SIZE || addr + pages * PAGE_SIZE > TASK_SIZE) return -ENOMEM;
  if (pages === 0) return 0;
  if (!fullyMapped(t, addr, addr + pages * PAGE_SIZE)) return -ENOMEM;
  for (let done = 0; done < pages; done += MINCORE_CHUNK) {
    const out = new Uint8Array(Math.min(MINCORE_CHUNK, pages - done));
    for (let i = 0; i < out.length; i++) out[i] = t.mm.mem.present(addr + (done + i) * PAGE_SIZE) ? 1 : 0;
    t.mm.mem.write(vec + done, out);
  }
  return 0;
}

export const defs: SyscallDef[] = [
  {
    nr: 214, name: 'brk', status: 'full', args: ['ptr'], ret: 'hex',
    handler: (t, a) => t.mm.setBrk(a.addr(0)),
  },
  {
    nr: 215, name: 'munmap', status: 'full', args: ['ptr', 'size'],
    handler: (t, a) => t.mm.munmap(a.addr(0), a.addr(1)),
  },
  {
    nr: 216, name: 'mremap', status: 'partial', args: ['ptr', 'size', 'size', 'hex', 'ptr'], ret: 'hex',
    note: 'MREMAP_DONTUNMAP and old_size 0 (duplicating a shared mapping) give EINVAL',
    handler: (t, a) => {
      if (highBits(a, 3)) return -EINVAL;
      return t.mm.mremap(a.addr(0), a.addr(1), a.addr(2), a.u32(3), a.addr(4));
    },
  },
  {
    nr: 222, name: 'mmap', status: 'partial', args: ['ptr', 'size', 'prot', 'mapflags', 'fd', 'off'], ret: 'hex',
    note: 'MAP_HUGETLB is refused; one private writable mapping larger than --memory is ENOMEM (overcommit heuristic)',
    handler: sysMmap,
  },
  {
    nr: 226, name: 'mprotect', status: 'full', args: ['ptr', 'size', 'prot'],
    handler: (t, a) => t.mm.mprotect(a.addr(0), a.addr(1), a.num(2)),
  },
  {
    nr: 227, name: 'msync', status: 'full', args: ['ptr', 'size', 'hex'],
    note: 'MS_ASYNC writes back at once, like MS_SYNC', handler: sysMsync,
  },
  {
    nr: 228, name: 'mlock', status: 'full', args: ['ptr', 'size'], note: 'faults the range in and counts it in VmLck (pages are never swapped)',
    handler: (t, a) => lockRange(t, a.addr(0), a.addr(1), LockMode.Lock),
  },
  {
    nr: 229, name: 'munlock', status: 'full', args: ['ptr', 'size'],
    handler: (t, a) => lockRange(t, a.addr(0), a.addr(1), LockMode.Unlock),
  },
  {
    nr: 230, name: 'mlockall', status: 'full', args: ['hex'], handler: sysMlockall,
  },
  { nr: 231, name: 'munlockall', status: 'full', args: [], handler: sysMunlockall },
  {
    nr: 232, name: 'mincore', status: 'partial', args: ['ptr', 'size', 'ptr'],
    note: 'a page counts as resident when it is in the page table (the zero page included, as on Linux)', handler: sysMincore,
  },
  {
    nr: 233, name: 'madvise', status: 'partial', args: ['ptr', 'size', 'int'],
    note: 'DONTNEED and FREE drop pages (they refault as zero or from the file); REMOVE gives EOPNOTSUPP',
    handler: (t, a) => t.mm.madvise(a.addr(0), a.addr(1), a.int(2)),
  },
  {
    nr: 259, name: 'riscv_flush_icache', status: 'full', args: ['ptr', 'ptr', 'hex'],
    note: 'the CPU drops decoded code on writes already',
    handler: (_t, a) => (a.big(2) & ~BigInt(SYS_RISCV_FLUSH_ICACHE_LOCAL)) !== 0n ? -EINVAL : 0,
  },
  {
    nr: 284, name: 'mlock2', status: 'full', args: ['ptr', 'size', 'hex'], note: 'as mlock; MLOCK_ONFAULT faults nothing in',
    handler: (t, a) => {
      const f = a.big(2);
      if ((f & ~BigInt(MLOCK_ONFAULT)) !== 0n) return -EINVAL;
      return lockRange(t, a.addr(0), a.addr(1), f === 0n ? LockMode.Lock : LockMode.OnFault);
    },
  },
];
