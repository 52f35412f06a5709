// The memory machine: frames in one pool with reference counts, page tables, the zero frame,
// copy-on-write, shared objects, the TLB's shootdowns, stack growth, rlimits and populate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../src/cpu/run.js';
import { Access, Hart, Stop } from '../../src/cpu/hart.js';
import {
  ACCESS_READ, ACCESS_WRITE, FAULT_ACCERR, FAULT_BUS, FAULT_MAPERR, GuestFaultError, PAGE_SIZE, TASK_SIZE,
} from '../../src/mem/guest_memory.js';
import { Mm, type MmapFile } from '../../src/mem/mm.js';
import { MAX_MEMORY_BYTES, MIN_MEMORY_BYTES, PhysMem, ZERO_FRAME } from '../../src/mem/phys.js';
import { pageCache } from '../../src/mem/mem_object.js';
import { STACK_TOP } from '../../src/mem/layout.js';
import { EACCES, ENOMEM } from '../../src/abi/errno.js';
import { peek, poke, pokeU32 } from './mem_helpers.js';
import * as E from './rv_encode.js';

const P = PAGE_SIZE, MiB = 1024 * 1024, GiB = 1024 * MiB;
const R = 1, W = 2, X = 4, RW = 3;
const SHARED = 0x1, PRIVATE = 0x2, FIXED = 0x10, ANON = 0x20, POPULATE = 0x8000;
const PA = PRIVATE | ANON;
const A0 = 10, A1 = 11;

/** An MmapFile over a growable byte array that records write-backs. */
function memFile(initial: Uint8Array, key?: string): MmapFile & { bytes: Uint8Array; writes: number } {
  const f = {
    path: '/data', dev: 1, ino: 2, key, bytes: initial, writes: 0,
    read(offset: number, buf: Uint8Array): number {
      if (offset >= f.bytes.length) return 0;
      const n = Math.min(buf.length, f.bytes.length - offset);
      buf.set(f.bytes.subarray(offset, offset + n));
      return n;
    },
    write(offset: number, data: Uint8Array): number {
      f.writes++;
      f.bytes.set(data, offset);
      return data.length;
    },
    size: (): number => f.bytes.length,
  };
  return f;
}

test('frames come in a fixed order: never-used ones in order, then the most recently freed first', () => {
  const phys = new PhysMem(MIN_MEMORY_BYTES);
  const a = phys.alloc(), b = phys.alloc(), c = phys.alloc();
  assert.deepEqual([b - a, c - b], [1, 1]);
  assert.ok(a >= phys.reserved, 'the zero frame and the bookkeeping are never handed out');
  phys.u8[b * P + 5] = 9;
  phys.unref(b);
  phys.unref(a);
  assert.equal(phys.alloc(), a, 'last freed, first reused');
  assert.equal(phys.alloc(), b);
  assert.equal(phys.u8[b * P + 5], 0, 'a reused frame comes back zeroed');
  assert.equal(phys.alloc(), c + 1);
});

test('reading untouched private memory maps the zero frame and allocates nothing; a write allocates one frame', () => {
  const mm = new Mm(new PhysMem(MIN_MEMORY_BYTES));
  const a = mm.mmap(0, 64 * P, RW, PA, null, 0);
  const used = mm.phys.usedFrames;
  assert.equal(mm.mem.readU32(a + 10 * P), 0);
  assert.equal(mm.mem.frameAt(a + 10 * P), ZERO_FRAME);
  assert.equal(mm.mem.rss, 0);
  assert.ok(mm.phys.usedFrames - used <= 3, 'page-table nodes only: root, middle, leaf');
  const nodes = mm.phys.usedFrames;
  mm.mem.writeU32(a + 10 * P, 7);
  assert.equal(mm.phys.usedFrames, nodes + 1);
  assert.notEqual(mm.mem.frameAt(a + 10 * P), ZERO_FRAME);
  assert.equal(mm.mem.rss, 1);
  assert.equal(mm.mem.readU32(a + 10 * P), 7);
});

test('fork shares private frames copy-on-write until a write; the last user takes its frame over', () => {
  const mm = new Mm();
  const a = mm.mmap(0, 2 * P, RW, PA, null, 0);
  mm.mem.writeU32(a, 1);
  mm.mem.writeU32(a + P, 2);
  const f0 = mm.mem.frameAt(a), f1 = mm.mem.frameAt(a + P);
  const child = mm.fork()!;
  assert.equal(child.mem.frameAt(a), f0, 'the child maps the same frame');
  assert.equal(mm.phys.refCount(f0), 2);
  child.mem.writeU32(a, 10);
  assert.notEqual(child.mem.frameAt(a), f0, 'the child wrote: it got a copy');
  assert.equal(mm.mem.readU32(a), 1, 'the parent still sees its value');
  assert.equal(child.mem.readU32(a), 10);
  assert.equal(mm.phys.refCount(f0), 1);
  mm.mem.writeU32(a, 5);
  assert.equal(mm.mem.frameAt(a), f0, 'the parent, now the only user, writes in place');
  child.release();
  assert.equal(mm.phys.refCount(f1), 1, 'the child gave back its references');
  mm.mem.writeU32(a + P, 3);
  assert.equal(mm.mem.frameAt(a + P), f1);
});

test('shared anonymous memory stays shared across fork', () => {
  const mm = new Mm();
  const a = mm.mmap(0, P, RW, SHARED | ANON, null, 0);
  mm.mem.writeU32(a, 1);
  const child = mm.fork()!;
  child.mem.writeU32(a, 2);
  assert.equal(mm.mem.readU32(a), 2);
  assert.equal(child.mem.frameAt(a), mm.mem.frameAt(a));
});

test('munmap returns the frames of the touched pages and the page-table leaves of the range', () => {
  const mm = new Mm(new PhysMem(64 * MiB));
  const free0 = mm.phys.freeFrames;
  const a = mm.mmap(0, 32 * MiB, RW, PA, null, 0);
  for (let off = 0; off < 8 * MiB; off += P) mm.mem.writeU8(a + off, 1);
  assert.ok(free0 - mm.phys.freeFrames >= 2048);
  assert.equal(mm.munmap(a, 32 * MiB), 0);
  assert.ok(free0 - mm.phys.freeFrames <= 5, 'only the root, middle nodes and the partial leaves at both ends stay');
  assert.equal(mm.mem.rss, 0);
});

test('a write through the TLB after munmap or mprotect in another hart of the same space faults', () => {
  const mm = new Mm();
  const code = mm.mmap(0, P, R | X, PA, null, 0);
  const data = mm.mmap(0, P, RW, PA, null, 0);
  // sw a1, 0(a0); ecall
  pokeU32(mm.mem, code, E.SW(A1, A0, 0));
  pokeU32(mm.mem, code + 4, E.ECALL);
  const [h1, h2] = [new Hart(), new Hart()];
  for (const h of [h1, h2]) { h.pc = code; h.setX(A0, data); h.setX(A1, 77); }
  assert.equal(run(h1, mm.mem, 10), Stop.Ecall);
  assert.equal(run(h2, mm.mem, 10), Stop.Ecall, 'both TLBs now hold a write tag for the page');
  assert.equal(mm.mprotect(data, P, R), 0);
  h1.pc = code;
  assert.equal(run(h1, mm.mem, 10), Stop.Fault);
  assert.equal(h1.faultKind, FAULT_ACCERR);
  assert.equal(mm.munmap(data, P), 0);
  h2.pc = code;
  assert.equal(run(h2, mm.mem, 10), Stop.Fault);
  assert.equal(h2.faultKind, FAULT_MAPERR);
  assert.equal(h2.faultAddr, data);
  assert.equal(h2.faultAccess, Access.Write);
});

test('code and data above 4 GiB, and a 4 GiB pool whose high frames have the sign bit set', () => {
  const phys = new PhysMem(MAX_MEMORY_BYTES);
  while (phys.alloc() < (1 << 19) + 10); // the next frames' addresses are >= 2^31
  const mm = new Mm(phys);
  const code = mm.mmap(100 * GiB, P, R | X, PA | FIXED, null, 0);
  const data = mm.mmap(200 * GiB + 8, 2 * P, RW, PA, null, 0);
  assert.equal(data, 200 * GiB + 8 - 8 + P, 'a free hint above 4 GiB is used (rounded up)');
  // ld a1, 2046(a0) with a0 = data + 2048 (a load that straddles two pages); sd a1, -2032(a0); ecall
  pokeU32(mm.mem, code, E.LD(A1, A0, 2046));
  pokeU32(mm.mem, code + 4, E.SD(A1, A0, -2032));
  pokeU32(mm.mem, code + 8, E.ECALL);
  mm.mem.writeBig64(data + 4094, 0x1122334455667788n);
  assert.ok(mm.mem.frameAt(data) >= 1 << 19);
  const h = new Hart();
  h.pc = code;
  h.setX(A0, data + 2048);
  assert.equal(run(h, mm.mem, 10), Stop.Ecall);
  assert.equal(h.pc, code + 8);
  assert.equal(h.getXU(A1), 0x1122334455667788n);
  assert.equal(mm.mem.readBig64(data + 16), 0x1122334455667788n);
  assert.equal(peek(mm.mem, data + 16), 0x88);
});

test('the stack grows on demand up to RLIMIT_STACK, and never into the guard gap of the mapping below', () => {
  const mm = new Mm();
  mm.mapStack(16 * P);
  const v = mm.findVma(STACK_TOP - 1)!;
  mm.mem.writeU8(STACK_TOP - 100 * P, 1);
  assert.equal(v.start, STACK_TOP - 100 * P, 'a write below the stack grew it');
  assert.throws(() => mm.mem.writeU8(STACK_TOP - 8 * MiB - P, 1), GuestFaultError, 'past the 8 MiB limit');
  mm.mem.limits.stack = 64 * MiB;
  mm.mem.writeU8(STACK_TOP - 8 * MiB - P, 1);
  assert.equal(v.start, STACK_TOP - 8 * MiB - P);
  // A mapping just below: the stack stops a guard gap (256 pages) above its end.
  const below = mm.mmap(v.start - 300 * P, P, RW, PA | FIXED, null, 0);
  assert.ok(below > 0);
  assert.ok(mm.mem.accessible(v.start - 40 * P, 1, W));
  assert.ok(!mm.mem.accessible(v.start - 100 * P, 1, W), 'within 256 pages of the mapping below');
  assert.equal(mm.mem.fault((v.start - 100 * P) / P, ACCESS_WRITE), FAULT_MAPERR);
});

test('RLIMIT_AS and RLIMIT_DATA make mmap, mremap, brk and mprotect fail with ENOMEM', () => {
  const mm = new Mm();
  mm.mem.limits.as = 64 * MiB;
  assert.equal(mm.mmap(0, 65 * MiB, 0, PA, null, 0), -ENOMEM);
  const a = mm.mmap(0, 60 * MiB, 0, PA, null, 0);
  assert.ok(a > 0);
  assert.equal(mm.mremap(a, 60 * MiB, 70 * MiB, 1, 0), -ENOMEM);
  mm.mem.limits.as = Infinity;
  mm.mem.limits.data = 16 * MiB;
  assert.equal(mm.mmap(0, 17 * MiB, RW, PA, null, 0), -ENOMEM, 'private writable memory is data');
  assert.ok(mm.mmap(0, 17 * MiB, R, PA, null, 0) > 0, 'read-only memory is not');
  assert.ok(mm.mmap(0, 17 * MiB, RW, SHARED | ANON, null, 0) > 0, 'shared memory is not');
  assert.equal(mm.mprotect(a, 17 * MiB, RW), -ENOMEM, 'turning memory into data counts');
  mm.initBrk(0x100000);
  assert.equal(mm.setBrk(0x100000 + 17 * MiB), 0x100000, 'brk refuses to grow past the limit');
  assert.equal(mm.setBrk(0x100000 + MiB), 0x100000 + MiB);
});

test('one private writable mapping larger than the machine is ENOMEM (the overcommit heuristic); a reservation is not', () => {
  const mm = new Mm(new PhysMem(64 * MiB));
  assert.equal(mm.mmap(0, 65 * MiB, RW, PA, null, 0), -ENOMEM);
  assert.ok(mm.mmap(0, 6 * GiB, 0, PA, null, 0) > 0);
  assert.ok(mm.mmap(0, 65 * MiB, RW, PA | 0x4000 /* MAP_NORESERVE */, null, 0) > 0);
});

test('MAP_POPULATE faults every page in, or fails with ENOMEM allocating nothing when frames are short', () => {
  const mm = new Mm(new PhysMem(MIN_MEMORY_BYTES));
  const a = mm.mmap(0, 64 * P, RW, PA | POPULATE, null, 0);
  assert.ok(a > 0);
  assert.equal(mm.mem.rss, 64);
  const free = mm.phys.freeFrames;
  assert.equal(mm.mmap(0, (free + 1) * P, RW, PA | POPULATE | 0x4000, null, 0), -ENOMEM);
  assert.equal(mm.phys.freeFrames, free);
  assert.equal(mm.phys.oomPending, false, 'no process is killed for it');
});

test('running out of frames is FAULT_OOM for the CPU and EFAULT (with oomPending) for a kernel copy', () => {
  const mm = new Mm(new PhysMem(MIN_MEMORY_BYTES));
  const a = mm.mmap(0, 32 * MiB, RW, PA | 0x4000, null, 0);
  let off = 0;
  assert.throws(() => { for (; off < 32 * MiB; off += P) mm.mem.writeU8(a + off, 1); }, GuestFaultError);
  assert.equal(mm.phys.oomPending, true);
  assert.ok(off > 12 * MiB, 'most of the 16 MiB pool was usable');
});

test('a file object is shared by every mapping of one key, written back on msync and munmap, and freed with its last mapping', () => {
  const mm = new Mm();
  const file = memFile(new Uint8Array(2 * P).fill(0x61), 'k1');
  const a = mm.mmap(0, 2 * P, RW, SHARED, file, 0);
  const b = mm.mmap(0, 2 * P, RW, SHARED, memFile(file.bytes, 'k1'), 0);
  mm.mem.writeU8(a + 5, 0x42);
  assert.equal(mm.mem.readU8(b + 5), 0x42, 'one object, two mappings');
  assert.equal(mm.mem.frameAt(a + 5), mm.mem.frameAt(b + 5));
  assert.equal(file.bytes[5], 0x61, 'not written back yet');
  assert.equal(mm.msync(a, 2 * P), 0);
  assert.equal(file.bytes[5], 0x42);
  const writes = file.writes;
  assert.equal(mm.msync(a, 2 * P), 0);
  assert.equal(file.writes, writes, 'a clean page is not written again');
  mm.mem.writeU8(b + P, 0x43);
  assert.equal(mm.munmap(a, 2 * P), 0);
  assert.equal(file.bytes[P], 0x43, 'munmap wrote back the range');
  assert.ok(pageCache(mm.phys).has('k1'));
  assert.equal(mm.munmap(b, 2 * P), 0);
  assert.ok(!pageCache(mm.phys).has('k1'), 'the last mapping took the object with it');
});

test('pages of a file mapping past EOF are SIGBUS, and truncating a mapped file takes its pages away', () => {
  const mm = new Mm();
  const file = memFile(new Uint8Array(P + 10).fill(1), 'k2');
  const a = mm.mmap(0, 3 * P, RW, SHARED, file, 0);
  assert.equal(mm.mem.readU8(a + P + 9), 1);
  assert.equal(mm.mem.readU8(a + P + 10), 0, 'the last page reads zero past EOF');
  assert.equal(mm.mem.fault((a + 2 * P) / P, ACCESS_READ), FAULT_BUS);
  file.bytes = file.bytes.slice(0, 10);
  pageCache(mm.phys).get('k2')!.truncated(10);
  assert.equal(mm.mem.present(a + P), false);
  assert.equal(mm.mem.fault((a + P) / P, ACCESS_READ), FAULT_BUS);
});

test('mremap with MREMAP_DONTUNMAP moves the pages and leaves the old range mapped but empty', () => {
  const mm = new Mm();
  const a = mm.mmap(0, 2 * P, RW, PA, null, 0);
  mm.mem.writeU32(a, 0x1234);
  const frame = mm.mem.frameAt(a);
  const b = mm.mremap(a, 2 * P, 2 * P, 1 | 4, 0);
  assert.ok(b > 0 && b !== a);
  assert.equal(mm.mem.frameAt(b), frame, 'the frame moved, not a copy');
  assert.equal(mm.mem.readU32(b), 0x1234);
  assert.equal(mm.mem.readU32(a), 0, 'the old range refaults as zero');
  assert.ok(mm.findVma(a));
});

test('kernel reads fault pages in like the CPU, and writes into read-only pages need force', () => {
  const mm = new Mm();
  const a = mm.mmap(0, P, R, PA, null, 0);
  assert.throws(() => mm.mem.writeU8(a, 1), GuestFaultError);
  poke(mm.mem, a, 5);
  assert.equal(mm.mem.readU8(a), 5);
  assert.equal(mm.findVma(a)!.prot, R, 'the forced write did not change the protection');
  assert.throws(() => mm.mem.readU8(TASK_SIZE + 8), GuestFaultError);
});

test('mprotect cannot make a shared mapping of a file opened read-only writable (EACCES); a private one it can', () => {
  const mm = new Mm();
  const ro = { ...memFile(new Uint8Array(P), 'k3'), writable: false };
  const a = mm.mmap(0, P, R, SHARED, ro, 0);
  assert.equal(mm.mprotect(a, P, RW), -EACCES);
  assert.equal(mm.findVma(a)!.prot, R);
  const b = mm.mmap(0, P, R, PRIVATE, ro, 0);
  assert.equal(mm.mprotect(b, P, RW), 0);
});
