// Futex keys, the first step of every futex operation: which waiters a futex address names, and
// the checked reads and writes of the futex word.
import { ACCESS_READ, GuestFaultError, PAGE_SIZE, PROT_READ, PROT_WRITE, TASK_SIZE } from '../../mem/guest_memory.js';
import { MAP_SHARED } from '../../mem/mman.js';
import { EFAULT, EINVAL } from '../../abi/errno.js';
import type { Task } from '../task.js';
import { FUTEX_WORD_SIZE } from './abi.js';

/**
 * Returns the key of the futex word at uaddr as Linux's get_futex_key does, or -errno:
 * EINVAL if misaligned, EFAULT if beyond TASK_SIZE. Private keys are (mm, address) and need
 * no mapping. Shared keys need the page mapped (writable when `write`) and live in their own
 * namespace, so private and shared operations on one address never match. On a shared mapping
 * the key is (frame, offset): every address space mapping the page, at any address, finds the
 * same waiters. On private memory it is (mm, address), as in Linux (a copy-on-write frame is
 * not the same futex in a forked child).
 */
export function futexKey(t: Task, uaddr: number, shared: boolean, write: boolean): string | number {
  if (uaddr % FUTEX_WORD_SIZE !== 0) return -EINVAL;
  if (!(uaddr >= 0) || uaddr + FUTEX_WORD_SIZE > TASK_SIZE) return -EFAULT;
  const mem = t.mm.mem;
  if (!shared) return `p${mem.id}:${uaddr}`;
  if (!mem.accessible(uaddr, FUTEX_WORD_SIZE, write ? PROT_WRITE : PROT_READ)) return -EFAULT;
  const v = mem.vmas.find(uaddr);
  if (v === undefined || !(v.flags & MAP_SHARED) || !v.obj) return `s${mem.id}:${uaddr}`;
  let pa: number;
  try {
    pa = mem.pa(uaddr, ACCESS_READ); // brings the page in, as get_user_pages does
  } catch (e) {
    if (e instanceof GuestFaultError) return -EFAULT;
    throw e;
  }
  return `f${Math.floor(pa / PAGE_SIZE)}:${pa % PAGE_SIZE}`;
}

/** Reads the futex word at uaddr (checked: throws GuestFaultError, i.e. EFAULT). */
export function readWord(t: Task, uaddr: number): number {
  return t.mm.mem.readU32(uaddr);
}

/** Writes the futex word at uaddr (checked for write). */
export function writeWord(t: Task, uaddr: number, v: number): void {
  t.mm.mem.writeU32(uaddr, v >>> 0);
}
