// Random operation sequences (fixed seed) keep the Mm invariants: sorted, disjoint, page-aligned VMAs,
// mem.prot mirroring the VMAs, zero bytes outside mappings, and no host exceptions on garbage input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Mm } from '../../src/mem/mm.js';
import { PAGE_MAPPED, PAGE_SIZE } from '../../src/mem/guest_memory.js';
import { fill, poke } from './mem_helpers.js';

/** A small deterministic PRNG (xorshift32). */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 2 ** 32;
  };
}

/** Area the random operations aim at (64 pages) so that they collide often. */
const BASE = 0x1000_0000;
const SPAN_PAGES = 64;

function checkInvariants(mm: Mm): void {
  const vmas = mm.vmas();
  for (let i = 0; i < vmas.length; i++) {
    const v = vmas[i]!;
    assert.ok(v.start < v.end && v.start % PAGE_SIZE === 0 && v.end % PAGE_SIZE === 0, 'aligned, non-empty');
    if (i > 0) assert.ok(vmas[i - 1]!.end <= v.start, 'sorted and disjoint');
  }
  for (let p = BASE / PAGE_SIZE - 1; p < BASE / PAGE_SIZE + SPAN_PAGES + 1; p++) {
    const v = mm.findVma(p * PAGE_SIZE);
    const want = v ? (v.prot & 7) | PAGE_MAPPED : 0;
    assert.equal(mm.mem.protAt((p) * 4096) & ~8, want, `prot of page ${p.toString(16)}`);
    if (!v) assert.ok(!mm.mem.present(p * PAGE_SIZE), 'unmapped page has no frame');
  }
}

test('random mmap/munmap/mprotect/mremap/madvise/brk sequences keep the address-space invariants', () => {
  const r = rng(12345);
  const mm = new Mm();
  mm.initBrk(BASE + SPAN_PAGES * PAGE_SIZE);
  const pick = (xs: number[]): number => xs[Math.floor(r() * xs.length)]!;
  const addr = (): number => (r() < 0.1 ? pick([0, 1, -1, 2 ** 40, 0xffff_ffff]) : BASE + Math.floor(r() * SPAN_PAGES) * PAGE_SIZE + (r() < 0.05 ? 1 : 0));
  const len = (): number => (r() < 0.05 ? pick([0, -1, 2 ** 33, NaN]) : Math.floor(r() * 12 * PAGE_SIZE));
  for (let i = 0; i < 3000; i++) {
    switch (Math.floor(r() * 7)) {
      case 0: {
        const prot = pick([0, 1, 3, 5, 9, 0x10]);
        const a = mm.mmap(addr(), len(), prot, pick([0x22, 0x32, 0x21, 0x100022, 0x3, 0x2]), null, pick([0, 0, 4096, 1]));
        // Like a guest store: only a writable mapping can be written (the kernel marks what it writes itself).
        if (a > 0 && (prot & 2)) poke(mm.mem, a, 0xee);
        break;
      }
      case 1: mm.munmap(addr(), len()); break;
      case 2: mm.mprotect(addr(), len(), pick([0, 1, 3, 7, 8, 0x1000001, 0x40])); break;
      case 3: mm.mremap(addr(), len(), len(), pick([0, 1, 3, 2, 4, 9]), addr()); break;
      case 4: mm.madvise(addr(), len(), pick([0, 4, 8, 9, 18, 5, 100])); break;
      case 5: mm.setBrk(mm.brkStart + Math.floor(r() * 8 * PAGE_SIZE)); break;
      default: {
        const v = mm.findVma(addr());
        if (v && v.prot & 2) fill(mm.mem, v.start, Math.min(v.end, v.start + 2 * PAGE_SIZE), 0x77);
      }
    }
    if (i % 50 === 0) checkInvariants(mm);
  }
  checkInvariants(mm);
  assert.ok(mm.vmas().length > 1, 'the sequence left several mappings to check');
});
