// File pages through the page cache: fault-around maps the cached neighbours of a faulting page
// (still copy-on-write for a private mapping), and the file's size is asked again only when a
// page lies past the size last seen or reads as empty.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Mm, type MmapFile } from '../../src/mem/mm.js';
import { ACCESS_READ, FAULT_BUS, FAULT_OK, PAGE_SIZE } from '../../src/mem/guest_memory.js';
import { FAULT_AROUND_PAGES } from '../../src/mem/fault.js';
import { peek, poke } from './mem_helpers.js';

const R = 1, RW = 3;
const SHARED = 0x1, PRIVATE = 0x2, FIXED = 0x10;
/** A mapping address aligned to the fault-around window (the window is aligned in the address space). */
const BASE = 0x1000_0000;
const P = PAGE_SIZE;

/** A file whose bytes can change under the mappings (as a host file can); counts size() calls and writes. */
class FakeFile {
  bytes: Uint8Array;
  sizeCalls = 0;
  writes = 0;
  constructor(pages: number) {
    this.bytes = new Uint8Array(pages * P);
    for (let i = 0; i < pages; i++) this.bytes.fill(i + 1, i * P, (i + 1) * P);
  }
  /** A new mapping source for this file (every source has the same key, so they share frames). */
  source(): MmapFile {
    return {
      path: '/f', dev: 1, ino: 2, key: 'fake:1:2',
      read: (offset, buf) => {
        if (offset >= this.bytes.length) return 0;
        const n = Math.min(buf.length, this.bytes.length - offset);
        buf.set(this.bytes.subarray(offset, offset + n));
        return n;
      },
      write: () => { this.writes++; return 0; },
      size: () => { this.sizeCalls++; return this.bytes.length; },
    };
  }
}

test('a read fault maps the neighbours already in the page cache (fault-around); a write to one still copies it', () => {
  const file = new FakeFile(FAULT_AROUND_PAGES);
  const a = new Mm();
  const b = new Mm(a.phys);
  const at = a.mmap(0, FAULT_AROUND_PAGES * P, R, SHARED, file.source(), 0);
  for (let i = 0; i < FAULT_AROUND_PAGES; i++) assert.equal(peek(a.mem, at + i * P), i + 1);
  const bt = b.mmap(BASE, FAULT_AROUND_PAGES * P, RW, PRIVATE | FIXED, file.source(), 0);
  assert.equal(peek(b.mem, bt + 3 * P), 4);
  for (let i = 0; i < FAULT_AROUND_PAGES; i++) {
    assert.equal(b.mem.present(bt + i * P), true, `page ${i} mapped by the one fault`);
    assert.equal(b.mem.frameAt(bt + i * P), a.mem.frameAt(at + i * P), `page ${i} shares the cached frame`);
  }
  poke(b.mem, bt + 5 * P, 0xee);
  assert.notEqual(b.mem.frameAt(bt + 5 * P), a.mem.frameAt(at + 5 * P));
  assert.equal(peek(b.mem, bt + 5 * P), 0xee);
  assert.equal(peek(a.mem, at + 5 * P), 6, 'the shared page cache is untouched');
  a.release();
  b.release();
  assert.equal(file.writes, 0, 'nothing was written back to the file');
  assert.equal(file.bytes[5 * P], 6);
});

test('fault-around stays inside the VMA: pages of the file outside it are not mapped', () => {
  const file = new FakeFile(FAULT_AROUND_PAGES);
  const a = new Mm();
  const all = a.mmap(0, FAULT_AROUND_PAGES * P, R, SHARED, file.source(), 0);
  for (let i = 0; i < FAULT_AROUND_PAGES; i++) peek(a.mem, all + i * P);
  const b = new Mm(a.phys);
  const part = b.mmap(BASE + 4 * P, 4 * P, R, PRIVATE | FIXED, file.source(), 4 * P); // file pages 4..7 only
  assert.equal(peek(b.mem, part + P), 6);
  const vmas = b.vmas().filter((v) => v.file !== null);
  assert.equal(vmas.length, 1);
  assert.equal(b.mem.rss, 4, 'the four pages of the mapping, and nothing around it');
});

test('a file mapping asks the file size once, not at every fault', () => {
  const file = new FakeFile(8);
  const mm = new Mm();
  const at = mm.mmap(0, 8 * P, R, PRIVATE, file.source(), 0);
  for (let i = 0; i < 8; i += 2) assert.equal(peek(mm.mem, at + i * P), i + 1);
  assert.equal(file.sizeCalls, 1);
});

test('a page past EOF after the file shrank behind the mapping faults with SIGBUS; one after it grew reads the new bytes', () => {
  const file = new FakeFile(3);
  const mm = new Mm();
  const at = mm.mmap(0, 6 * P, R, PRIVATE, file.source(), 0);
  assert.equal(peek(mm.mem, at), 1);
  file.bytes = file.bytes.slice(0, P); // shrunk by someone else: no truncate reached the kernel
  assert.equal(mm.mem.fault(at / P + 2, ACCESS_READ), FAULT_BUS);
  const grown = new FakeFile(5);
  file.bytes = grown.bytes;
  assert.equal(mm.mem.fault(at / P + 4, ACCESS_READ), FAULT_OK);
  assert.equal(peek(mm.mem, at + 4 * P), 5);
});
