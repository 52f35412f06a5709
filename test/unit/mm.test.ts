// Mm: mmap/munmap/mprotect/mremap/madvise/brk semantics, placement, maps text, lazy zeroing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Mm, type MmapFile } from '../../src/mem/mm.js';
import { PAGE_MAPPED, PAGE_SIZE, TASK_SIZE } from '../../src/mem/guest_memory.js';
import { MMAP_MIN_ADDR, STACK_GUARD_GAP, STACK_SIZE_DEFAULT, STACK_TOP, mmapBaseFor } from '../../src/mem/layout.js';
import { EEXIST, EFAULT, EINVAL, ENOMEM, EOPNOTSUPP, EPERM } from '../../src/abi/errno.js';
import { fill, peek, peekBytes, poke } from './mem_helpers.js';

const R = 1, X = 4, RW = 3;
const SHARED = 0x1, PRIVATE = 0x2, SHARED_VALIDATE = 0x3, FIXED = 0x10, ANON = 0x20, NOREPLACE = 0x100000;
const PA = PRIVATE | ANON;
const P = PAGE_SIZE;
const MiB = 1024 * 1024;

/** An MmapFile over fixed bytes. */
function fileOf(bytes: Uint8Array, path = '/bin/prog', dev = 0xfe01, ino = 1234): MmapFile {
  return {
    path, dev, ino,
    read(offset: number, buf: Uint8Array): number {
      if (offset >= bytes.length) return 0;
      const n = Math.min(buf.length, bytes.length - offset);
      buf.set(bytes.subarray(offset, offset + n));
      return n;
    },
  };
}

/** Returns [start, end, prot, name] of every VMA. */
function layout(mm: Mm): [number, number, number, string][] {
  return mm.vmas().map((v) => [v.start, v.end, v.prot, v.name]);
}

test('mmap of length 0 fails with EINVAL', () => {
  assert.equal(new Mm().mmap(0, 0, RW, PA, null, 0), -EINVAL);
});

test('MAP_FIXED with an unaligned address fails with EINVAL', () => {
  const mm = new Mm();
  assert.equal(mm.mmap(0x100001, P, RW, PA | FIXED, null, 0), -EINVAL);
  assert.equal(mm.mmap(0x100001, P, RW, PA | NOREPLACE, null, 0), -EINVAL);
});

test('an offset that is not page-aligned fails with EINVAL', () => {
  const mm = new Mm();
  assert.equal(mm.mmap(0, P, R, PRIVATE, fileOf(new Uint8Array(10)), 100), -EINVAL);
  assert.equal(mm.mmap(0, P, R, PA, null, 1), -EINVAL);
});

test('flags need exactly one mapping type: none (0) or an unknown type fails with EINVAL', () => {
  const mm = new Mm();
  assert.equal(mm.mmap(0, P, RW, ANON, null, 0), -EINVAL);
  assert.equal(mm.mmap(0, P, RW, ANON | 0x4, null, 0), -EINVAL);
  assert.ok(mm.mmap(0, P, RW, SHARED | ANON, null, 0) > 0);
});

test('MAP_SHARED_VALIDATE of a file refuses unknown flags (and MAP_FIXED_NOREPLACE) with EOPNOTSUPP', () => {
  const mm = new Mm();
  const f = fileOf(new Uint8Array([1]));
  assert.equal(mm.mmap(0, P, R, SHARED_VALIDATE | 0x200, f, 0), -EOPNOTSUPP);
  assert.equal(mm.mmap(0, P, R, SHARED_VALIDATE | NOREPLACE, f, 0), -EOPNOTSUPP);
  assert.ok(mm.mmap(0, P, R, SHARED_VALIDATE | 0x4000 | 0x20000, f, 0) > 0);
  assert.match(mm.mapsText(), / r--s /);
});

test('anonymous MAP_SHARED_VALIDATE fails with EINVAL, as on Linux', () => {
  assert.equal(new Mm().mmap(0, P, RW, SHARED_VALIDATE | ANON, null, 0), -EINVAL);
});

test('plain MAP_PRIVATE ignores unknown flag bits, as Linux does', () => {
  assert.ok(new Mm().mmap(0, P, RW, PA | 0x200, null, 0) > 0);
});

test('unknown prot bits fail with EINVAL (as qemu-riscv64); PROT_SEM is accepted', () => {
  const mm = new Mm();
  assert.equal(mm.mmap(0, P, 0x10, PA, null, 0), -EINVAL);
  const a = mm.mmap(0, P, RW | 8, PA, null, 0);
  assert.equal(mm.findVma(a)!.prot, RW);
  assert.equal(mm.mmap(0, P, 0x1000000, PA, null, 0), -EINVAL);
});

test('page protections are mirrored into mem.prot with the mapped bit', () => {
  const mm = new Mm();
  const a = mm.mmap(0, 2 * P, R | X, PA, null, 0);
  assert.equal(mm.mem.protAt(a), R | X | PAGE_MAPPED);
  assert.equal(mm.mem.protAt(a + P), R | X | PAGE_MAPPED);
  assert.equal(mm.mem.protAt(a + 2 * P), 0);
  const n = mm.mmap(0, P, 0, PA, null, 0);
  assert.equal(mm.mem.protAt(n), PAGE_MAPPED);
});

test('MAP_FIXED replaces existing mappings and the new pages read as zero', () => {
  const mm = new Mm();
  const a = mm.mmap(0x200000, 4 * P, RW, PA | FIXED, null, 0);
  assert.equal(a, 0x200000);
  fill(mm.mem, a, a + 4 * P, 0xaa);
  assert.equal(mm.mmap(a + P, P, R, PA | FIXED, null, 0), a + P);
  assert.deepEqual(layout(mm), [[a, a + P, RW, ''], [a + P, a + 2 * P, R, ''], [a + 2 * P, a + 4 * P, RW, '']]);
  assert.equal(peek(mm.mem, a + P), 0);
  assert.equal(peek(mm.mem, a + 2 * P - 1), 0);
  assert.equal(peek(mm.mem, a), 0xaa);
});

test('MAP_FIXED_NOREPLACE over an existing mapping fails with EEXIST and keeps it', () => {
  const mm = new Mm();
  mm.mmap(0x200000, 2 * P, RW, PA | FIXED, null, 0);
  poke(mm.mem, 0x201000, 7);
  assert.equal(mm.mmap(0x201000, 2 * P, RW, PA | NOREPLACE, null, 0), -EEXIST);
  assert.equal(peek(mm.mem, 0x201000), 7);
  assert.equal(mm.mmap(0x202000, P, RW, PA | NOREPLACE, null, 0), 0x202000);
});

test('MAP_FIXED below mmap_min_addr fails with EPERM; past TASK_SIZE with ENOMEM', () => {
  const mm = new Mm();
  assert.equal(mm.mmap(0, P, RW, PA | FIXED, null, 0), -EPERM);
  assert.equal(mm.mmap(TASK_SIZE - P, 2 * P, RW, PA | FIXED, null, 0), -ENOMEM);
  assert.equal(mm.mmap(TASK_SIZE - P, P, RW, PA | FIXED, null, 0), TASK_SIZE - P);
});

test('a length beyond the address space fails with ENOMEM', () => {
  const mm = new Mm();
  assert.equal(mm.mmap(0, TASK_SIZE + P, RW, PA, null, 0), -ENOMEM);
  assert.equal(mm.mmap(0, -1, RW, PA, null, 0), -ENOMEM);
});

test('a free non-fixed hint is used; a taken hint falls back to top-down placement', () => {
  const mm = new Mm();
  assert.equal(mm.mmap(0x4000_0000, P, RW, PA, null, 0), 0x4000_0000);
  assert.equal(mm.mmap(0x4000_0000, P, RW, PA, null, 0), mm.mmapBase - P);
  assert.equal(mm.mmap(0x1234_5678, P, RW, PA, null, 0), 0x1234_6000, 'hint rounded up to a page');
});

test('top-down placement stacks mappings downward from mmap_base and reuses the highest gap that fits', () => {
  const mm = new Mm();
  const base = mm.mmapBase;
  assert.equal(base, mmapBaseFor(STACK_SIZE_DEFAULT));
  const a = mm.mmap(0, 2 * P, RW, PA, null, 0);
  const b = mm.mmap(0, 4 * P, RW, PA, null, 0);
  const c = mm.mmap(0, P, RW, PA, null, 0);
  assert.deepEqual([a, b, c], [base - 2 * P, base - 6 * P, base - 7 * P]);
  assert.equal(mm.munmap(b, 4 * P), 0);
  assert.equal(mm.mmap(0, 3 * P, RW, PA, null, 0), base - 5 * P, 'highest fit within the 4-page hole');
  assert.equal(mm.mmap(0, 8 * P, RW, PA, null, 0), base - 15 * P, 'too big for the hole: below everything');
});

test('placement keeps the stack guard gap below a MAP_GROWSDOWN mapping', () => {
  const mm = new Mm();
  const top = mm.mapStack(STACK_SIZE_DEFAULT);
  assert.equal(top, STACK_TOP);
  const stackStart = STACK_TOP - STACK_SIZE_DEFAULT;
  assert.equal(mm.mmap(stackStart - P, P, RW, PA, null, 0) < stackStart - STACK_GUARD_GAP, true);
});

test('the stack sits below an unmapped guard page at the top, labelled [stack], with mmap_base below its gap', () => {
  const mm = new Mm();
  mm.mapStack(STACK_SIZE_DEFAULT);
  const v = mm.findVma(STACK_TOP - 1)!;
  assert.equal(v.name, '[stack]');
  assert.equal(v.start, STACK_TOP - 8 * MiB);
  assert.equal(mm.findVma(TASK_SIZE - 1), undefined);
  assert.ok(STACK_TOP <= TASK_SIZE - PAGE_SIZE);
  assert.ok(mm.mmapBase <= STACK_TOP - 128 * MiB);
});

test('ENOMEM when no gap fits', () => {
  const mm = new Mm();
  assert.ok(mm.mmap(0, TASK_SIZE - 1024 * MiB, 0, PA, null, 0) > 0);
  assert.equal(mm.mmap(0, 1024 * MiB, 0, PA, null, 0), -ENOMEM);
});

test('a new anonymous mapping reads as zero over pages that an earlier mapping wrote', () => {
  const mm = new Mm();
  const a = mm.mmap(0, 4 * P, RW, PA, null, 0);
  fill(mm.mem, a, a + 4 * P, 0x55);
  assert.equal(mm.munmap(a, 4 * P), 0);
  const b = mm.mmap(a, 4 * P, RW, PA, null, 0);
  assert.equal(b, a);
  assert.ok(peekBytes(mm.mem, b, 4 * P).every((x) => x === 0));
});

test('a private file mapping copies the file and zero-fills past EOF in the last page', () => {
  const mm = new Mm();
  const data = new Uint8Array(P + 100).map((_, i) => (i % 251) + 1);
  const a = mm.mmap(0, 2 * P, R, PRIVATE, fileOf(data), 0);
  assert.deepEqual(peekBytes(mm.mem, a, P + 100), data);
  assert.ok(peekBytes(mm.mem, a + P + 100, P - 100).every((x) => x === 0));
});

test('a file mapping at an offset starts at that file byte', () => {
  const mm = new Mm();
  const data = new Uint8Array(3 * P).map((_, i) => i >> 12 | 0x10);
  const a = mm.mmap(0, P, R, PRIVATE, fileOf(data), 2 * P);
  assert.equal(peek(mm.mem, a), 0x12);
  assert.equal(mm.findVma(a)!.offset, 2 * P);
});

test('a MAP_SHARED file mapping shows the file bytes, zero past EOF in its last page', () => {
  const mm = new Mm();
  const a = mm.mmap(0, P, R, SHARED, fileOf(new Uint8Array([9, 8, 7])), 0);
  assert.deepEqual([...peekBytes(mm.mem, a, 4)], [9, 8, 7, 0]);
});

test('adjacent compatible anonymous mappings merge into one VMA; different prot does not', () => {
  const mm = new Mm();
  mm.mmap(0x300000, P, RW, PA | FIXED, null, 0);
  mm.mmap(0x301000, P, RW, PA | FIXED, null, 0);
  mm.mmap(0x2ff000, P, RW, PA | FIXED, null, 0);
  mm.mmap(0x302000, P, R, PA | FIXED, null, 0);
  assert.deepEqual(layout(mm), [[0x2ff000, 0x302000, RW, ''], [0x302000, 0x303000, R, '']]);
});

test('munmap of a partial range splits the VMA and zeroes the unmapped pages', () => {
  const mm = new Mm();
  const a = mm.mmap(0x400000, 4 * P, RW, PA | FIXED, null, 0);
  fill(mm.mem, a, a + 4 * P, 1);
  assert.equal(mm.munmap(a + P, 2 * P), 0);
  assert.deepEqual(layout(mm), [[a, a + P, RW, ''], [a + 3 * P, a + 4 * P, RW, '']]);
  assert.equal(mm.mem.protAt(a + P), 0);
  assert.equal(peek(mm.mem, a + P), 0);
  assert.equal(peek(mm.mem, a + 3 * P), 1);
});

test('munmap keeps file offsets of the right-hand piece', () => {
  const mm = new Mm();
  const a = mm.mmap(0x400000, 4 * P, R, PRIVATE | FIXED, fileOf(new Uint8Array(4 * P)), 0);
  mm.munmap(a, P);
  assert.equal(mm.findVma(a + P)!.offset, P);
});

test('munmap validates: unaligned or zero length is EINVAL, an unmapped range is fine', () => {
  const mm = new Mm();
  assert.equal(mm.munmap(0x400001, P), -EINVAL);
  assert.equal(mm.munmap(0x400000, 0), -EINVAL);
  assert.equal(mm.munmap(TASK_SIZE - P, 2 * P), -EINVAL);
  assert.equal(mm.munmap(0x400000, 10 * P), 0);
});

test('mprotect of the middle of a mapping splits it in three, and restoring the prot merges it back', () => {
  const mm = new Mm();
  const a = mm.mmap(0x500000, 3 * P, RW, PA | FIXED, null, 0);
  assert.equal(mm.mprotect(a + P, P, R), 0);
  assert.deepEqual(layout(mm), [[a, a + P, RW, ''], [a + P, a + 2 * P, R, ''], [a + 2 * P, a + 3 * P, RW, '']]);
  assert.equal(mm.mem.protAt(a + P), R | PAGE_MAPPED);
  assert.equal(mm.mprotect(a + P, P, RW), 0);
  assert.deepEqual(layout(mm), [[a, a + 3 * P, RW, '']]);
});

test('mprotect over a hole changes the part before the hole and fails with ENOMEM', () => {
  const mm = new Mm();
  mm.mmap(0x500000, P, RW, PA | FIXED, null, 0);
  mm.mmap(0x502000, P, RW, PA | FIXED, null, 0);
  assert.equal(mm.mprotect(0x500000, 3 * P, R), -ENOMEM);
  assert.equal(mm.findVma(0x500000)!.prot, R);
  assert.equal(mm.findVma(0x502000)!.prot, RW);
  assert.equal(mm.mprotect(0x501000, P, R), -ENOMEM);
});

test('mprotect validates: unaligned or unknown prot is EINVAL; length 0 succeeds; PROT_SEM is accepted', () => {
  const mm = new Mm();
  mm.mmap(0x500000, P, RW, PA | FIXED, null, 0);
  assert.equal(mm.mprotect(0x500001, P, R), -EINVAL);
  assert.equal(mm.mprotect(0x500000, P, 0x10), -EINVAL);
  assert.equal(mm.mprotect(0x500000, 0, R), 0);
  assert.equal(mm.mprotect(0x500000, P, R | 8), 0);
  assert.equal(mm.findVma(0x500000)!.prot, R);
});

test('mprotect with PROT_GROWSDOWN extends down to the start of a stack mapping', () => {
  const mm = new Mm();
  mm.mapStack(16 * P);
  assert.equal(mm.mprotect(STACK_TOP - P, P, R | 0x1000000), 0);
  assert.deepEqual(layout(mm), [[STACK_TOP - 16 * P, STACK_TOP, R, '[stack]']]);
  assert.equal(mm.mprotect(0x600000, P, R | 0x1000000), -ENOMEM, 'nothing mapped there');
});

test('brk grows a [heap] VMA that reads as zero, and brk(0) returns the current break', () => {
  const mm = new Mm();
  mm.initBrk(0x85000);
  assert.equal(mm.setBrk(0), 0x85000);
  assert.equal(mm.setBrk(0x85b10), 0x85b10);
  assert.deepEqual(layout(mm), [[0x85000, 0x86000, RW, '[heap]']]);
  assert.equal(mm.setBrk(0xa6b10), 0xa6b10);
  assert.deepEqual(layout(mm), [[0x85000, 0xa7000, RW, '[heap]']]);
  assert.equal(peek(mm.mem, 0xa6000), 0);
  assert.equal(mm.brk, 0xa6b10);
});

test('brk below the start of the heap returns the current break unchanged', () => {
  const mm = new Mm();
  mm.initBrk(0x85000);
  mm.setBrk(0x90000);
  assert.equal(mm.setBrk(0x84000), 0x90000);
});

test('brk refuses to grow into another mapping (keeping a guard page) and returns the old break', () => {
  const mm = new Mm();
  mm.initBrk(0x85000);
  mm.mmap(0x90000, P, RW, PA | FIXED, null, 0);
  assert.equal(mm.setBrk(0x8f000), 0x8f000);
  assert.equal(mm.setBrk(0x8f001), 0x8f000);
  assert.equal(mm.setBrk(0x91000), 0x8f000);
});

test('shrinking brk unmaps the released pages, and growing again reads zero', () => {
  const mm = new Mm();
  mm.initBrk(0x85000);
  mm.setBrk(0x88000);
  fill(mm.mem, 0x85000, 0x88000, 3);
  assert.equal(mm.setBrk(0x86010), 0x86010);
  assert.deepEqual(layout(mm), [[0x85000, 0x87000, RW, '[heap]']]);
  assert.equal(mm.mem.protAt(0x87000), 0);
  mm.setBrk(0x88000);
  assert.equal(peek(mm.mem, 0x87000), 0);
  assert.equal(peek(mm.mem, 0x86fff), 3);
});

test('MADV_DONTNEED zeroes private anonymous pages but keeps the mapping', () => {
  const mm = new Mm();
  const a = mm.mmap(0, 4 * P, RW, PA, null, 0);
  fill(mm.mem, a, a + 4 * P, 9);
  assert.equal(mm.madvise(a + P, 2 * P, 4), 0);
  assert.equal(peek(mm.mem, a), 9);
  assert.ok(peekBytes(mm.mem, a + P, a + 3 * P - (a + P)).every((x) => x === 0));
  assert.equal(peek(mm.mem, a + 3 * P), 9);
  assert.equal(mm.vmas().length, 1);
});

test('MADV_DONTNEED on a private file mapping brings back the file contents', () => {
  const mm = new Mm();
  const a = mm.mmap(0, P, RW, PRIVATE, fileOf(new Uint8Array([5, 6, 7])), 0);
  fill(mm.mem, a, a + P, 1);
  assert.equal(mm.madvise(a, P, 4), 0);
  assert.deepEqual([...peekBytes(mm.mem, a, 4)], [5, 6, 7, 0]);
  assert.equal(peek(mm.mem, a + P - 1), 0);
});

test('MADV_FREE zeroes private anonymous pages and refuses file mappings with EINVAL', () => {
  const mm = new Mm();
  const a = mm.mmap(0, P, RW, PA, null, 0);
  poke(mm.mem, a, 1);
  assert.equal(mm.madvise(a, P, 8), 0);
  assert.equal(peek(mm.mem, a), 0);
  const f = mm.mmap(0, P, R, PRIVATE, fileOf(new Uint8Array(1)), 0);
  assert.equal(mm.madvise(f, P, 8), -EINVAL);
});

test('advisory madvise values return 0; unknown advice or unaligned start is EINVAL; unmapped range is ENOMEM', () => {
  const mm = new Mm();
  const a = mm.mmap(0, P, RW, PA, null, 0);
  for (const adv of [0, 1, 2, 3, 10, 11, 14, 15, 16, 17]) assert.equal(mm.madvise(a, P, adv), 0, `advice ${adv}`);
  assert.equal(mm.madvise(a, P, 5), -EINVAL);
  assert.equal(mm.madvise(a, P, 999), -EINVAL);
  assert.equal(mm.madvise(a + 1, P, 0), -EINVAL);
  assert.equal(mm.madvise(a, 2 * P, 0), -ENOMEM);
  assert.equal(mm.madvise(0x10000, P, 4), -ENOMEM);
  assert.equal(mm.madvise(a, 0, 4), 0);
});

test('mremap shrinks in place and unmaps the tail', () => {
  const mm = new Mm();
  const a = mm.mmap(0x600000, 4 * P, RW, PA | FIXED, null, 0);
  assert.equal(mm.mremap(a, 4 * P, P, 0, 0), a);
  assert.deepEqual(layout(mm), [[a, a + P, RW, '']]);
});

test('mremap grows in place when the space after the mapping is free', () => {
  const mm = new Mm();
  const a = mm.mmap(0x600000, P, RW, PA | FIXED, null, 0);
  poke(mm.mem, a, 4);
  assert.equal(mm.mremap(a, P, 3 * P, 0, 0), a);
  assert.deepEqual(layout(mm), [[a, a + 3 * P, RW, '']]);
  assert.equal(peek(mm.mem, a), 4);
});

test('mremap that cannot grow in place fails with ENOMEM, or moves the bytes with MREMAP_MAYMOVE', () => {
  const mm = new Mm();
  const a = mm.mmap(0x600000, 2 * P, RW, PA | FIXED, null, 0);
  mm.mmap(0x602000, P, R, PA | FIXED, null, 0);
  poke(mm.mem, a, 1); poke(mm.mem, a + P + 5, 2);
  assert.equal(mm.mremap(a, 2 * P, 4 * P, 0, 0), -ENOMEM);
  const b = mm.mremap(a, 2 * P, 4 * P, 1, 0);
  assert.ok(b > 0 && b !== a);
  assert.equal(peek(mm.mem, b), 1);
  assert.equal(peek(mm.mem, b + P + 5), 2);
  assert.equal(peek(mm.mem, b + 3 * P), 0);
  assert.equal(mm.findVma(a), undefined);
  assert.equal(peek(mm.mem, a), 0, 'old range is unmapped and zero');
  assert.equal(mm.findVma(b)!.end, b + 4 * P);
});

test('mremap with MREMAP_FIXED moves to the given address, replacing what was there', () => {
  const mm = new Mm();
  const a = mm.mmap(0x600000, P, RW, PA | FIXED, null, 0);
  mm.mmap(0x700000, P, R, PA | FIXED, null, 0);
  poke(mm.mem, a, 6);
  assert.equal(mm.mremap(a, P, 2 * P, 3, 0x700000), 0x700000);
  assert.deepEqual(layout(mm), [[0x700000, 0x702000, RW, '']]);
  assert.equal(peek(mm.mem, 0x700000), 6);
});

test('mremap validates: FIXED without MAYMOVE, DONTUNMAP without MAYMOVE or with a new size, unknown flags, overlap and zero new length are EINVAL; unmapped source is EFAULT', () => {
  const mm = new Mm();
  const a = mm.mmap(0x600000, 2 * P, RW, PA | FIXED, null, 0);
  assert.equal(mm.mremap(a, P, P, 2, 0x700000), -EINVAL);
  assert.equal(mm.mremap(a, P, P, 4, 0), -EINVAL);
  assert.equal(mm.mremap(a, P, 2 * P, 5, 0), -EINVAL);
  assert.equal(mm.mremap(a, P, P, 8, 0), -EINVAL);
  assert.equal(mm.mremap(a + 1, P, P, 0, 0), -EINVAL);
  assert.equal(mm.mremap(a, P, 0, 0, 0), -EINVAL);
  assert.equal(mm.mremap(a, 2 * P, 2 * P, 3, a + P), -EINVAL);
  assert.equal(mm.mremap(0x800000, P, 2 * P, 1, 0), -EFAULT);
  assert.equal(mm.mremap(a, 3 * P, 4 * P, 1, 0), -EFAULT, 'old range crosses the end of the VMA');
});

test('maps text uses Linux format: 8-digit hex, perms with p/s, path padded to column 74, trailing space when anonymous', () => {
  const mm = new Mm();
  mm.mmap(0x10000, 0x69000, R | X, PRIVATE | FIXED, fileOf(new Uint8Array(0x70000), '/bin/prog', 0xfe01, 1234), 0);
  mm.mmap(0x79000, 0x2000, RW, PRIVATE | FIXED, fileOf(new Uint8Array(0x70000), '/bin/prog', 0xfe01, 1234), 0x69000);
  mm.initBrk(0x85000);
  mm.setBrk(0xa6000);
  mm.mmap(0x4000_0000, P, RW, SHARED | ANON | FIXED, null, 0);
  const lines = mm.mapsText().split('\n');
  assert.equal(lines[0], '00010000-00079000 r-xp 00000000 fe:01 1234' + ' '.repeat(73 - 42) + '/bin/prog');
  assert.equal(lines[1]!.slice(0, 43), '00079000-0007b000 rw-p 00069000 fe:01 1234 ');
  assert.equal(lines[2], '00085000-000a6000 rw-p 00000000 00:00 0' + ' '.repeat(73 - 39) + '[heap]');
  assert.equal(lines[3], '40000000-40001000 rw-s 00000000 00:00 0 ');
  assert.equal(lines[4], '');
  assert.equal(lines[0]!.indexOf('/'), 73);
});

test('maps shows major:minor decoded from a user-space st_dev', () => {
  const mm = new Mm();
  // makedev(259, 0x12345) in glibc's encoding: minor low byte, major, minor high bits.
  const dev = 0x45 | (259 << 8) | (0x123 << 20);
  mm.mmap(0x10000, P, R, PRIVATE | FIXED, fileOf(new Uint8Array(1), '/x', dev, 7), 0);
  assert.match(mm.mapsText(), / 103:12345 7 /);
});

test('mapping 1 GiB, touching 10 MiB and unmapping does not commit the untouched pages', () => {
  const mm = new Mm();
  const before = process.memoryUsage().rss;
  const a = mm.mmap(0, 1024 * MiB, RW, PA, null, 0);
  assert.ok(a > 0);
  for (let off = 0; off < 10 * MiB; off += P) poke(mm.mem, a + 512 * MiB + off, 1);
  assert.equal(mm.madvise(a, 1024 * MiB, 4), 0);
  poke(mm.mem, a + 3 * P, 1);
  assert.equal(mm.munmap(a, 1024 * MiB), 0);
  const b = mm.mmap(0, 1024 * MiB, RW, PA, null, 0);
  assert.equal(peek(mm.mem, b + 3 * P), 0);
  assert.equal(mm.munmap(b, 1024 * MiB), 0);
  const grown = process.memoryUsage().rss - before;
  if (process.env.MM_TEST_VERBOSE) console.log(`rss growth ${grown >> 20} MiB`);
  assert.ok(grown < 200 * MiB, `rss grew by ${grown >> 20} MiB`);
});

test('fork copies VMAs, bytes and protections into an independent address space', () => {
  const mm = new Mm();
  mm.initBrk(0x85000);
  mm.setBrk(0x86000);
  const a = mm.mmap(0, 2 * P, R, PA, null, 0);
  poke(mm.mem, 0x85000, 42);
  const child = mm.fork()!;
  assert.deepEqual(layout(child), layout(mm));
  assert.equal(child.brk, 0x86000);
  assert.equal(peek(child.mem, 0x85000), 42);
  assert.equal(child.mem.protAt(a), R | PAGE_MAPPED);
  poke(child.mem, 0x85000, 1);
  assert.equal(peek(mm.mem, 0x85000), 42);
});

test('MMAP_MIN_ADDR is the lowest address placement may use', () => {
  const mm = new Mm();
  assert.equal(mm.mmap(0x1000, P, RW, PA, null, 0), MMAP_MIN_ADDR, 'low hint rounded up to mmap_min_addr');
});

test('when nothing fits below mmap_base, placement falls back to bottom-up above it', () => {
  const mm = new Mm();
  assert.equal(mm.mmap(MMAP_MIN_ADDR, mm.mmapBase - MMAP_MIN_ADDR, 0, PA | FIXED, null, 0), MMAP_MIN_ADDR);
  assert.equal(mm.mmap(0, P, RW, PA, null, 0), mm.mmapBase);
});

test('a non-fixed mapping never overlaps an existing one, whatever the hint', () => {
  const mm = new Mm();
  const a = mm.mmap(0x300000, 8 * P, RW, PA | FIXED, null, 0);
  const b = mm.mmap(a + 4 * P, 8 * P, RW, PA, null, 0);
  assert.ok(b >= a + 8 * P || b + 8 * P <= a);
  assert.equal(mm.vmas().length, 2);
});
