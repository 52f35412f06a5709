// The memory of one io_uring instance: the SQ and CQ rings (one region, FEAT_SINGLE_MMAP) and the
// SQE array, in one anonymous shared memory object whose frames both the kernel and every
// mapping of the ring fd use, so a store by either side is seen by the other at once (§5.4).
// Offsets here are "canonical": the rings region from byte 0, the SQE array from the next page.
// A mapping at IORING_OFF_CQ_RING or IORING_OFF_SQES reaches the same frames: the object turns
// the page indexes of those mmap offsets into canonical ones.
import { MemObject, OBJ_BUS } from '../../mem/mem_object.js';
import { PAGE_SIZE, type PhysMem } from '../../mem/phys.js';
import { CQE_SIZE, OFF_CQ_RING, OFF_SQES, SQE_SIZE } from './abi.js';

/** Page index of each mmap offset. */
const CQ_PAGE = OFF_CQ_RING / PAGE_SIZE, SQES_PAGE = OFF_SQES / PAGE_SIZE;

/** Byte offsets of the ring fields in the rings region (head and tail on separate cache lines, as Linux). */
export const R_SQ_HEAD = 0, R_SQ_TAIL = 64, R_CQ_HEAD = 128, R_CQ_TAIL = 192, R_SQ_MASK = 256, R_CQ_MASK = 260,
  R_SQ_ENTRIES = 264, R_CQ_ENTRIES = 268, R_SQ_DROPPED = 272, R_SQ_FLAGS = 276, R_CQ_FLAGS = 280,
  R_CQ_OVERFLOW = 284, R_CQES = 320;

/** Where the parts of a ring with these sizes lie (canonical offsets and sizes in bytes). */
export interface RingLayout {
  sqEntries: number;
  cqEntries: number;
  /** Byte offset of the SQ index array in the rings region. */
  sqArray: number;
  /** Size of the rings region (what an mmap at OFF_SQ_RING or OFF_CQ_RING may cover). */
  ringsBytes: number;
  /** Canonical byte offset and size of the SQE array. */
  sqesAt: number;
  sqesBytes: number;
}

/** Returns the layout for sq and cq entry counts (powers of two). */
export function ringLayout(sqEntries: number, cqEntries: number): RingLayout {
  const sqArray = R_CQES + cqEntries * CQE_SIZE;
  const ringsBytes = sqArray + sqEntries * 4;
  const sqesAt = Math.ceil(ringsBytes / PAGE_SIZE) * PAGE_SIZE;
  return { sqEntries, cqEntries, sqArray, ringsBytes, sqesAt, sqesBytes: sqEntries * SQE_SIZE };
}

/** The shared object: mmap page indexes of the CQ and SQE offsets map onto canonical pages. */
class RingObject extends MemObject {
  constructor(phys: PhysMem, private readonly layout: RingLayout, key: string) {
    super(phys, null, Math.ceil((layout.sqesAt + layout.sqesBytes) / PAGE_SIZE), key);
  }

  /** Returns the frame behind mmap page index i (OBJ_BUS beyond the region it falls in). */
  override frame(i: number): number {
    const L = this.layout;
    if (i >= SQES_PAGE) {
      const j = i - SQES_PAGE;
      return j * PAGE_SIZE < L.sqesBytes ? super.frame(L.sqesAt / PAGE_SIZE + j) : OBJ_BUS;
    }
    if (i >= CQ_PAGE) i -= CQ_PAGE;
    return i * PAGE_SIZE < L.ringsBytes ? super.frame(i) : OBJ_BUS;
  }
}

/** Kernel-side access to a ring's shared memory (every frame allocated up front). */
export class RingMemory {
  readonly obj: MemObject;
  /** Frame of each canonical page. */
  private readonly frames: Int32Array;
  /** The physical memory's view (SQEs are decoded straight from it). */
  readonly dv: DataView;

  /** Allocates the object for layout under key (phys.objects); throws RangeError when frames run out. */
  constructor(readonly phys: PhysMem, readonly layout: RingLayout, readonly key: string) {
    const obj = new RingObject(phys, layout, key);
    obj.pin();
    const pages = Math.ceil((layout.sqesAt + layout.sqesBytes) / PAGE_SIZE);
    this.frames = new Int32Array(pages);
    for (let i = 0; i < pages; i++) {
      const f = obj.frame(i < layout.sqesAt / PAGE_SIZE ? i : SQES_PAGE + i - layout.sqesAt / PAGE_SIZE);
      if (f < 0) {
        obj.unpin();
        throw new RangeError('io_uring: allocation failed');
      }
      this.frames[i] = f;
    }
    this.obj = obj;
    this.dv = phys.dv;
  }

  /** Physical byte address of canonical offset off (fields never cross a page). */
  private pa(off: number): number {
    return this.frames[off >>> 12]! * PAGE_SIZE + (off & (PAGE_SIZE - 1));
  }

  /** The u32 at canonical offset off. */
  u32(off: number): number {
    return this.dv.getUint32(this.pa(off), true);
  }

  /** Stores the u32 v at canonical offset off. */
  setU32(off: number, v: number): void {
    const p = this.pa(off);
    this.phys.noteWrite(p >>> 12);
    this.dv.setUint32(p, v >>> 0, true);
  }

  /** Physical byte address of SQE number i (an SQE never crosses a page: 64 divides PAGE_SIZE). */
  sqeAddr(i: number): number {
    return this.pa(this.layout.sqesAt + i * SQE_SIZE);
  }

  /** Writes CQE slot i: user_data, res, flags. */
  writeCqe(i: number, userData: bigint, res: number, flags: number): void {
    const p = this.pa(R_CQES + i * CQE_SIZE);
    this.phys.noteWrite(p >>> 12);
    this.dv.setBigUint64(p, userData, true);
    this.dv.setInt32(p + 8, res, true);
    this.dv.setUint32(p + 12, flags >>> 0, true);
  }

  /** Lets the object go (it dies now, or with the last mapping of it). */
  release(): void {
    this.obj.unpin();
  }
}
