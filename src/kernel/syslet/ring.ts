// The completion ring of an async_head_user, as the kernel keeps it. The ring lives in user
// memory (struct async_completion slots, an empty slot has atom == 0, user space consumes a slot
// by storing 0 back); the kernel's own index (kernel_ring_idx, wrapped at the entry count) is
// kept here and copied out after each post, so a user store to it changes nothing. A completion
// that finds its slot still full waits in `overflow` and is posted when the slot empties: never
// dropped (the v5 ring lost it). Sleepers in async_wait park on `waiters`.
import { EINVAL } from '../../abi/errno.js';
import type { GuestMemory } from '../../mem/guest_memory.js';
import type { ThreadGroup } from '../task.js';
import { WaitQueue } from '../wait.js';
import { COMPLETION_SIZE, decodeHead, HEAD_KERNEL_IDX, HEAD_SIZE, type HeadDesc } from './abi.js';
import { ProcessSlot } from './state.js';

/** One completion on its way to the ring. */
export interface Completion {
  atom: number;
  result: bigint;
  flags: number;
  private: bigint;
}

/** The kernel's side of one async_head_user. */
export class AsyncHead {
  /** The next slot the kernel fills, 0..entries-1. */
  kernelIdx = 0;
  /** Completions whose slot was still full, oldest first. */
  readonly overflow: Completion[] = [];
  /** async_wait sleepers. */
  readonly waiters = new WaitQueue();
  /** Chains and threadlets that will still post here. */
  inflight = 0;

  constructor(readonly addr: number, public ring: number, public entries: number) {}

  /** Posts c (after any overflow, in order); keeps it if its slot is full or unwritable. */
  post(mem: GuestMemory, c: Completion): void {
    this.overflow.push(c);
    this.flush(mem);
  }

  /** Moves overflowed completions into empty slots, in order; wakes async_wait sleepers if any moved. */
  flush(mem: GuestMemory): void {
    let moved = false;
    while (this.overflow.length > 0) {
      const slot = this.ring + this.kernelIdx * COMPLETION_SIZE;
      try {
        if (mem.readBig64(slot) !== 0n) break;
        const c = this.overflow[0]!;
        const out = new Uint8Array(COMPLETION_SIZE);
        const dv = new DataView(out.buffer);
        dv.setBigInt64(8, c.result, true);
        dv.setUint32(16, c.flags, true);
        dv.setBigUint64(24, c.private, true);
        dv.setBigUint64(0, BigInt(c.atom), true);
        mem.write(slot, out);
        this.overflow.shift();
        this.kernelIdx = (this.kernelIdx + 1) % this.entries;
        mem.writeU64(this.addr + HEAD_KERNEL_IDX, this.kernelIdx);
        moved = true;
      } catch {
        break; // an unwritable ring keeps the completion until a later flush finds it writable
      }
    }
    if (moved) this.waiters.wake();
  }

  /**
   * Completions beyond user index uidx: the ring's (with the wraparound the v5 code missed: a
   * kernel index below the user index has wrapped, so entries are added) plus the overflow.
   * Equal indices mean a full ring when that slot is taken, an empty one otherwise.
   */
  pending(mem: GuestMemory, uidx: number): number {
    const k = this.kernelIdx;
    let n: number;
    if (k > uidx) n = k - uidx;
    else if (k < uidx) n = k + this.entries - uidx;
    else n = readSlotAtom(mem, this.ring + k * COMPLETION_SIZE) !== 0n ? this.entries : 0;
    return n + this.overflow.length;
  }
}

/** The atom field of a slot, or 0 when it cannot be read. */
function readSlotAtom(mem: GuestMemory, slot: number): bigint {
  try {
    return mem.readBig64(slot);
  } catch {
    return 0n;
  }
}

/** The kernel's side of each async_head_user a process uses, by its address. */
const heads = new ProcessSlot(() => new Map<number, AsyncHead>());

/**
 * tg's head at addr, made or updated from the user struct (read with one checked copy):
 * -EFAULT (via the copy) or -EINVAL for a bad struct; -EINVAL if the ring changes size while
 * completions are still owed to the old one.
 */
export function headAt(tg: ThreadGroup, addr: number): AsyncHead | number {
  const mm = tg.mm;
  const desc = decodeHead(mm.mem.read(addr, HEAD_SIZE));
  if (typeof desc === 'number') return desc;
  const byAddr = heads.get(tg);
  const h = byAddr.get(addr);
  if (h === undefined) {
    const fresh = new AsyncHead(addr, desc.ring, desc.entries);
    mm.mem.writeU64(addr + HEAD_KERNEL_IDX, 0); // the kernel's index starts at slot 0 (EFAULT if read-only)
    byAddr.set(addr, fresh);
    return fresh;
  }
  return retarget(h, desc);
}

/** Points h at the ring desc describes; a move is refused while completions are owed. */
function retarget(h: AsyncHead, desc: HeadDesc): AsyncHead | number {
  if (h.ring === desc.ring && h.entries === desc.entries) return h;
  if (h.inflight > 0 || h.overflow.length > 0) return -EINVAL;
  h.ring = desc.ring;
  h.entries = desc.entries;
  h.kernelIdx = 0;
  return h;
}
