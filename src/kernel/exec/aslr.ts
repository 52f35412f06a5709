// Address-space layout randomisation for exec: the random page offset of an ET_DYN (PIE) image.
// Real-time mode draws it from the host's randomness; deterministic mode from a PRNG stream of
// the run's seed, so a seeded run places every image the same way each time.
import type { Host } from '../../host/host.js';
import { MMAP_RND_BITS } from '../../loader/index.js';
import { PAGE_SIZE } from '../../mem/guest_memory.js';
import { Prng } from '../../util/prng.js';

/** The seed's PRNG stream reserved for exec placement (the scheduler uses stream 2). */
const ASLR_STREAM = 7;

export class ExecRandom {
  private readonly prng: Prng | null;

  constructor(private readonly host: Host, seed: number | bigint | undefined) {
    this.prng = seed === undefined ? null : new Prng(seed, ASLR_STREAM);
  }

  /** Returns a page-aligned offset below 2^MMAP_RND_BITS pages (Linux's arch_mmap_rnd). */
  pageOffset(): number {
    let v: number;
    if (this.prng !== null) v = this.prng.u32();
    else {
      const b = new Uint8Array(4);
      this.host.randomFill(b);
      v = new DataView(b.buffer).getUint32(0, true);
    }
    return (v % 2 ** MMAP_RND_BITS) * PAGE_SIZE;
  }
}
