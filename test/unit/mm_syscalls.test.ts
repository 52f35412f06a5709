// The memory syscall handlers (src/kernel/syscalls/mm.ts): argument decoding, fd lookup, validation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defs } from '../../src/kernel/syscalls/mm.js';
import type { SysArgs, SyscallDef } from '../../src/kernel/syscalls/types.js';
import type { Task } from '../../src/kernel/task.js';
import type { OpenFile } from '../../src/kernel/vfs/file.js';
import { Mm, type MmapFile } from '../../src/mem/mm.js';
import { PAGE_SIZE } from '../../src/mem/guest_memory.js';
import { EACCES, EBADF, EINVAL, ENODEV, ENOMEM, EOPNOTSUPP } from '../../src/abi/errno.js';
import { peek, peekBytes, poke } from './mem_helpers.js';

const P = PAGE_SIZE;
const PA = 0x22, FIXED = 0x10;

/** SysArgs over raw 64-bit register values. */
function argsOf(vals: (number | bigint)[]): SysArgs {
  const reg = (i: number): bigint => BigInt.asUintN(64, BigInt(vals[i] ?? 0));
  return {
    int: (i) => Number(BigInt.asIntN(32, reg(i))),
    u32: (i) => Number(BigInt.asUintN(32, reg(i))),
    num: (i) => Number(BigInt.asIntN(64, reg(i))),
    big: (i) => reg(i),
    addr: (i) => Number(reg(i)),
  };
}

/** A task-shaped object with an mm and an fd table holding `files`. */
function taskWith(files: Record<number, OpenFile> = {}): Task {
  return { mm: new Mm(), files: { get: (fd: number) => files[fd] } } as unknown as Task;
}

function call(name: string, t: Task, ...vals: (number | bigint)[]): number {
  const def = defs.find((d: SyscallDef) => d.name === name)!;
  return def.handler!(t, argsOf(vals), t.syscall) as number;
}

/** An open file with the given access mode whose mmapSource yields `bytes` (or an errno). */
function openFile(flags: number, src: Uint8Array | number): OpenFile {
  const mf: MmapFile | number = typeof src === 'number' ? src : {
    path: '/data', dev: 0x801, ino: 9,
    read(off: number, buf: Uint8Array) { const n = Math.max(0, Math.min(buf.length, src.length - off)); buf.set(src.subarray(off, off + n)); return n; },
  };
  return { flags, path: '/data', stat: () => { throw new Error('unused'); }, mmapSource: () => mf } as OpenFile;
}

test('every memory syscall def has a handler, a name, and strace argument formats', () => {
  const nrs = defs.map((d) => d.nr).sort((a, b) => a - b);
  assert.deepEqual(nrs, [214, 215, 216, 222, 226, 227, 228, 229, 230, 231, 232, 233, 259, 284]);
  for (const d of defs) {
    assert.equal(typeof d.handler, 'function', d.name);
    assert.ok(Array.isArray(d.args), d.name);
  }
  assert.deepEqual(defs.find((d) => d.nr === 222)!.args, ['ptr', 'size', 'prot', 'mapflags', 'fd', 'off']);
});

test('mmap of a file maps its bytes; a bad fd is EBADF; an unmappable file gives its errno', () => {
  const t = taskWith({ 3: openFile(0, new Uint8Array([1, 2, 3])), 4: openFile(0, -ENODEV) });
  const a = call('mmap', t, 0, P, 1, 2, 3, 0);
  assert.ok(a > 0);
  assert.deepEqual([...peekBytes(t.mm.mem, a, 3)], [1, 2, 3]);
  assert.equal(call('mmap', t, 0, P, 1, 2, 7, 0), -EBADF);
  assert.equal(call('mmap', t, 0, P, 1, 2, 4, 0), -ENODEV);
});

test('mmap of a write-only fd is EACCES; MAP_SHARED with PROT_WRITE needs O_RDWR', () => {
  const t = taskWith({ 3: openFile(1, new Uint8Array(1)), 4: openFile(0, new Uint8Array(1)), 5: openFile(2, new Uint8Array(1)) });
  assert.equal(call('mmap', t, 0, P, 1, 2, 3, 0), -EACCES);
  assert.equal(call('mmap', t, 0, P, 3, 1, 4, 0), -EACCES);
  assert.ok(call('mmap', t, 0, P, 3, 2, 4, 0) > 0, 'private writable copy of a read-only fd is fine');
  assert.ok(call('mmap', t, 0, P, 3, 1, 5, 0) > 0);
});

test('anonymous mmap ignores the fd; MAP_SHARED_VALIDATE of a file with a flag above bit 31 is EOPNOTSUPP', () => {
  const t = taskWith();
  assert.ok(call('mmap', t, 0, P, 3, PA, -1, 0) > 0);
  const f = taskWith({ 3: openFile(0, new Uint8Array(1)) });
  assert.equal(call('mmap', f, 0, P, 1, (1n << 40n) | 0x3n, 3, 0), -EOPNOTSUPP);
  assert.ok(call('mmap', f, 0, P, 1, 0x3n, 3, 0) > 0);
  assert.equal(call('mmap', t, 0, P, 3, PA, -1, 1), -EINVAL);
  assert.equal(call('mmap', t, 0, -1n, 3, PA, -1, 0), -ENOMEM, 'size_t length near 2^64');
});

test('brk, munmap, mprotect, mremap and madvise handlers reach the Mm', () => {
  const t = taskWith();
  t.mm.initBrk(0x85000);
  assert.equal(call('brk', t, 0), 0x85000);
  assert.equal(call('brk', t, 0x90000), 0x90000);
  const a = call('mmap', t, 0x200000, 4 * P, 3, PA | FIXED, -1, 0);
  assert.equal(call('mprotect', t, a, P, 1), 0);
  assert.equal(t.mm.findVma(a)!.prot, 1);
  assert.equal(call('mprotect', t, a, P, 1n << 40n), -EINVAL);
  assert.equal(call('munmap', t, a + 3 * P, P), 0);
  assert.equal(call('mremap', t, a + P, 2 * P, P, 0, 0), a + P);
  poke(t.mm.mem, a, 5);
  assert.equal(call('madvise', t, a, P, 4), 0);
  assert.equal(peek(t.mm.mem, a), 0);
  assert.equal(call('mremap', t, a, P, P, 1n << 33n, 0), -EINVAL);
});

test('msync validates flags and alignment and needs a mapped range', () => {
  const t = taskWith();
  const a = call('mmap', t, 0, P, 3, PA, -1, 0);
  assert.equal(call('msync', t, a, P, 4), 0);
  assert.equal(call('msync', t, a, P, 5), -EINVAL);
  assert.equal(call('msync', t, a, P, 8), -EINVAL);
  assert.equal(call('msync', t, a + 1, P, 4), -EINVAL);
  assert.equal(call('msync', t, a, 2 * P, 4), -ENOMEM);
});

test('mlock family validates ranges and flags', () => {
  const t = taskWith();
  const a = call('mmap', t, 0, P, 3, PA, -1, 0);
  assert.equal(call('mlock', t, a + 10, 100), 0);
  assert.equal(call('munlock', t, a, P), 0);
  assert.equal(call('mlock', t, a, 2 * P), -ENOMEM);
  assert.equal(call('mlock2', t, a, P, 1), 0);
  assert.equal(call('mlock2', t, a, P, 2), -EINVAL);
  assert.equal(call('mlockall', t, 3), 0);
  assert.equal(call('mlockall', t, 0), -EINVAL);
  assert.equal(call('mlockall', t, 4), -EINVAL);
  assert.equal(call('mlockall', t, 8), -EINVAL);
  assert.equal(call('munlockall', t), 0);
});

test('mincore reports written pages as resident and needs mapped pages and a writable vector', () => {
  const t = taskWith();
  const a = call('mmap', t, 0, 3 * P, 3, PA, -1, 0);
  const vec = call('mmap', t, 0, P, 3, PA, -1, 0);
  poke(t.mm.mem, a + P, 1);
  assert.equal(call('mincore', t, a, 3 * P, vec), 0);
  assert.deepEqual([...peekBytes(t.mm.mem, vec, 3)], [0, 1, 0]);
  assert.equal(call('mincore', t, a + 1, P, vec), -EINVAL);
  assert.equal(call('mincore', t, a, 4 * P, vec), -ENOMEM);
  assert.throws(() => call('mincore', t, a, P, 0x1000), /EFAULT/);
});

test('riscv_flush_icache accepts flags 0 and SYS_RISCV_FLUSH_ICACHE_LOCAL only', () => {
  const t = taskWith();
  assert.equal(call('riscv_flush_icache', t, 0, 0x1000, 0), 0);
  assert.equal(call('riscv_flush_icache', t, 0, 0x1000, 1), 0);
  assert.equal(call('riscv_flush_icache', t, 0, 0x1000, 2), -EINVAL);
});
