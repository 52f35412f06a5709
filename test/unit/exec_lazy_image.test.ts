// exec maps the program file instead of reading it: only the headers are read at exec, pages come
// from the file (through the page cache) on first touch, the mapping holds the file open, and
// private pages the program writes are copies: the file itself never changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kernel } from '../../src/kernel/kernel.js';
import { NodeHost } from '../../src/host/node.js';
import { elfBytesNeeded } from '../../src/loader/index.js';
import { EHDR_SIZE, PHDR_SIZE, PT_INTERP, PT_LOAD } from '../../src/loader/elf.js';

/** Runs guest/bin/hello copied into a fresh host directory (mounted at the same path); between
 *  the exec and the first guest instruction, `meanwhile(path)` runs on the host, and `atEnd(path)`
 *  after the kernel shut down; returns the exit status, stdout and the file's bytes before. */
async function runHelloCopy(meanwhile: (path: string) => void, atEnd: (path: string) => void = () => {}):
  Promise<{ code: number; out: string; before: Buffer }> {
  const dir = mkdtempSync(join(tmpdir(), 'ecall-lazy-'));
  const path = join(dir, 'hello');
  copyFileSync('guest/bin/hello', path);
  const before = readFileSync(path);
  try {
    const kernel = new Kernel({ host: new NodeHost(), mounts: [{ host: dir, guest: dir, readonly: false }] });
    const p = kernel.spawn(path, [], { env: {}, stdio: ['ignore', 'pipe', 'ignore'] });
    meanwhile(path); // the image is built (spawn execs synchronously); no page of it has run yet
    const [out, r] = await Promise.all([new Response(p.stdout).text(), p.exited]);
    await kernel.shutdown();
    atEnd(path);
    return { code: r.code, out, before };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a program whose file is replaced on the host after exec runs on from the old file (its mapping holds the file open)', async () => {
  const r = await runHelloCopy((path) => {
    const junk = path + '.new';
    writeFileSync(junk, new Uint8Array(readFileSync(path).length).fill(0xff)); // not runnable code
    renameSync(junk, path);
  });
  assert.equal(r.code, 0);
  assert.match(r.out, /Hello from riscv64!/);
});

test('the pages a program writes (data, bss tail, relocations) are private copies: its file is unchanged after it ran', async () => {
  let after: Buffer | null = null;
  const r = await runHelloCopy(() => {}, (path) => { after = readFileSync(path); });
  assert.equal(r.code, 0);
  assert.deepEqual(after, r.before);
});

/** A 64-bit little-endian RISC-V ELF header with phnum program headers at phoff, file size `size`. */
function elfHead(size: number, phoff: number, phnum: number): Uint8Array {
  const b = new Uint8Array(size);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  const dv = new DataView(b.buffer);
  dv.setUint16(16, 2, true); // ET_EXEC
  dv.setUint16(18, 243, true); // EM_RISCV
  dv.setBigUint64(32, BigInt(phoff), true);
  dv.setUint16(54, PHDR_SIZE, true);
  dv.setUint16(56, phnum, true);
  return b;
}

test('exec asks for the ELF header, then the program headers, then the PT_INTERP path, wherever they lie in the file', () => {
  const size = 100_000, phoff = 20_000, interpAt = 70_000;
  const file = elfHead(size, phoff, 2);
  const dv = new DataView(file.buffer);
  dv.setUint32(phoff, PT_LOAD, true);
  dv.setUint32(phoff + PHDR_SIZE, PT_INTERP, true);
  dv.setBigUint64(phoff + PHDR_SIZE + 8, BigInt(interpAt), true);
  dv.setBigUint64(phoff + PHDR_SIZE + 32, 20n, true);
  assert.equal(elfBytesNeeded(file.subarray(0, 10), size), EHDR_SIZE);
  assert.equal(elfBytesNeeded(file.subarray(0, 4096), size), phoff + 2 * PHDR_SIZE);
  assert.equal(elfBytesNeeded(file.subarray(0, phoff + 2 * PHDR_SIZE), size), interpAt + 20);
  assert.equal(elfBytesNeeded(file.subarray(0, interpAt + 20), size), interpAt + 20, 'nothing more once the path is read');
});

test('exec reads no more than a page of a file that is not a well-formed ELF (a script, a table past EOF)', () => {
  const script = new TextEncoder().encode('#!/bin/sh\necho hi\n');
  assert.equal(elfBytesNeeded(script, script.length), script.length);
  const bad = elfHead(4096, 1 << 20, 4); // program headers past the end of the file
  assert.equal(elfBytesNeeded(bad, bad.length), bad.length);
});
