// Malformed ELF files: each gives a one-line LoadError with exit code 126 and never throws.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Mm } from '../../src/mem/mm.js';
import { buildElf, type ElfSpec } from '../../src/loader/elf_builder.js';
import { ELFCLASS32, ELFDATA2MSB, PF_R, PF_W, PF_X, PT_GNU_STACK, PT_INTERP } from '../../src/loader/elf.js';
import { isLoadError, loadElf, type LoadOptions } from '../../src/loader/index.js';

const ENOEXEC = 8;
const RX = PF_R | PF_X, RW = PF_R | PF_W;

const OPTS: LoadOptions = {
  argv: ['p'], envp: [], execfn: 'p', random: new Uint8Array(16), uid: 0, gid: 0, euid: 0, egid: 0,
};

/** A valid two-segment executable spec; cases override parts of it. */
function good(over: Partial<ElfSpec> = {}): Uint8Array {
  return buildElf({
    entry: 0x10078,
    phdrs: [
      { flags: RX, offset: 0, vaddr: 0x10000, filesz: 0x100, memsz: 0x100 },
      { flags: RW, offset: 0x100, vaddr: 0x11100, filesz: 0x10, memsz: 0x20 },
    ],
    size: 0x200,
    ...over,
  });
}

const seg = (vaddr: number | bigint, filesz: number | bigint, memsz: number | bigint, offset: number | bigint = 0) =>
  ({ flags: RW, offset, vaddr, filesz, memsz });

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

const CASES: Array<[string, () => Uint8Array, RegExp]> = [
  ['empty file', () => new Uint8Array(0), /empty/],
  ['shell script', () => enc('#!/bin/sh\necho hi\n'), /script/],
  ['random text', () => enc('hello world, not an elf'), /not an ELF/],
  ['truncated header', () => good().subarray(0, 40), /truncated ELF header/],
  ['only the magic', () => good().subarray(0, 4), /truncated/],
  ['ELFCLASS32', () => good({ cls: ELFCLASS32 }), /ELFCLASS32/],
  ['bad class 7', () => good({ cls: 7 }), /class/],
  ['big-endian', () => good({ data: ELFDATA2MSB }), /big-endian/],
  ['wrong machine x86-64', () => good({ machine: 62 }), /e_machine 62 \(x86-64\)/],
  ['relocatable object', () => good({ type: 1 }), /ET_REL/],
  ['e_phentsize 32', () => good({ phentsize: 32 }), /e_phentsize/],
  ['no program headers', () => good({ phdrs: [], phnum: 0 }), /e_phnum 0/],
  ['e_phoff past EOF', () => good({ phoff: 0x10000, phdrs: [], phnum: 2 }), /outside the file/],
  ['e_phoff near 2^64', () => good({ phoff: 0xffff_ffff_ffff_ff00n, phdrs: [], phnum: 1 }), /outside the file/],
  ['phnum huge (0xffff)', () => good({ phnum: 0xffff }), /too many program headers/],
  ['phnum beyond the table', () => good({ phnum: 50 }), /outside the file/],
  ['no PT_LOAD', () => good({ phdrs: [{ type: 4, flags: PF_R, offset: 0, vaddr: 0, filesz: 0, memsz: 0 }] }), /no loadable/],
  ['overlapping segments', () => good({ phdrs: [seg(0x10000, 0x100, 0x2000), seg(0x11000, 0x10, 0x10, 0x1000)], size: 0x1100 }), /overlapping/],
  ['filesz > memsz', () => good({ phdrs: [seg(0x10000, 0x100, 0x80)] }), /p_filesz .* > p_memsz/],
  ['file bytes past EOF', () => good({ phdrs: [seg(0x10000, 0x10000, 0x10000)] }), /past the end of the file/],
  ['p_offset near 2^64', () => good({ phdrs: [seg(0x10000, 0x10, 0x10, 0xffff_ffff_ffff_fff0n)] }), /past the end/],
  ['huge p_memsz near 2^64', () => good({ phdrs: [seg(0x10000, 0x10, 0xffff_ffff_ffff_f000n)] }), /outside/],
  ['vaddr beyond the 2^38-byte address space', () => good({ phdrs: [seg(0x40_0000_0000n, 0x10, 0x10)] }), /outside/],
  ['vaddr + memsz wraps 2^64', () => good({ phdrs: [seg(0xffff_ffff_ffff_f000n, 0, 0x2000)] }), /outside/],
  ['segment reaching into the stack', () => good({ phdrs: [seg(0x3f_ff70_0000n, 0, 0x10000)] }), /outside/],
  ['vaddr/offset misaligned', () => good({ phdrs: [seg(0x10010, 0x10, 0x10, 0x20)] }), /modulo the page size/],
  ['segment at page 0', () => good({ phdrs: [seg(0, 0x10, 0x10)] }), /below vm\.mmap_min_addr/],
  ['entry beyond the 2^38-byte address space', () => good({ entry: 0x40_2345_0000n }), /entry point/],
  ['PT_INTERP present', () => good({
    phdrs: [
      { type: PT_INTERP, flags: PF_R, offset: 0x180, vaddr: 0x10180, filesz: 12, memsz: 12 },
      { flags: RX, offset: 0, vaddr: 0x10000, filesz: 0x200, memsz: 0x200 },
    ],
    blobs: [{ offset: 0x180, bytes: enc('/lib/ld.so\n\0') }],
  }), /^dynamically linked \(needs \/lib\/ld\.so\?\), and no interpreter was given$/],
  ['PT_INTERP longer than PATH_MAX', () => good({
    phdrs: [
      { type: PT_INTERP, flags: PF_R, offset: 0x200, vaddr: 0, filesz: 5000, memsz: 5000 },
      { flags: RX, offset: 0, vaddr: 0x10000, filesz: 0x100, memsz: 0x100 },
    ],
    blobs: [{ offset: 0x200, bytes: new Uint8Array(5000).fill(0x61) }],
  }), /^dynamically linked \(needs a{4096}\), and no interpreter was given$/],
  ['PT_INTERP with a terminal escape sequence', () => good({
    phdrs: [
      { type: PT_INTERP, flags: PF_R, offset: 0x180, vaddr: 0, filesz: 12, memsz: 12 },
      { flags: RX, offset: 0, vaddr: 0x10000, filesz: 0x100, memsz: 0x100 },
    ],
    blobs: [{ offset: 0x180, bytes: enc('\x1b[31mld\r\0') }],
  }), /^dynamically linked \(needs \?\[31mld\?\)/],
  ['one program header past the 64 KiB table limit (e_phnum 1171)', () => good({ phnum: 1171, size: 64 + 1171 * 56 }), /too many program headers \(e_phnum 1171, limit 1170\)/],
  ['PT_INTERP outside the file', () => good({
    phdrs: [
      { type: PT_INTERP, flags: PF_R, offset: 0x9999_9999n, vaddr: 0, filesz: 0xffff_ffff_ffffn, memsz: 0 },
      { flags: RX, offset: 0, vaddr: 0x10000, filesz: 0x100, memsz: 0x100 },
    ],
  }), /dynamically linked \(needs \?\)/],
];

for (const [name, make, pattern] of CASES) {
  test(`malformed ELF (${name}) gives a one-line cannot-execute error`, () => {
    const mm = new Mm();
    const r = loadElf(mm, make(), OPTS);
    assert.ok(isLoadError(r), 'expected a LoadError');
    assert.match(r.error, pattern);
    assert.ok(!/[\n\r]/.test(r.error), 'message is one line');
    assert.equal(r.exitCode, 126);
    assert.equal(r.errno, ENOEXEC);
  });
}

test('the unmodified base image of the malformed cases loads (so each case fails for its own reason)', () => {
  const r = loadElf(new Mm(), good(), OPTS);
  assert.ok(!isLoadError(r), isLoadError(r) ? r.error : '');
});

test('odd p_align values (0, 3, 2^63) and PT_GNU_STACK entries do not stop an ET_EXEC image from loading', () => {
  for (const align of [0n, 3n, 1n << 63n]) {
    const img = good({
      phdrs: [
        { flags: RX, offset: 0, vaddr: 0x10000, filesz: 0x100, memsz: 0x100, align },
        { flags: RW, offset: 0x100, vaddr: 0x11100, filesz: 0x10, memsz: 0x20, align },
        { type: PT_GNU_STACK, flags: RW | PF_X, offset: 0, vaddr: 0, filesz: 0, memsz: 0 },
      ],
    });
    const r = loadElf(new Mm(), img, OPTS);
    assert.ok(!isLoadError(r), `p_align ${align}: ${isLoadError(r) ? r.error : ''}`);
  }
});

// Random and structured mutations of real binaries, run through the whole kernel, are the ELF
// fuzzer's job: test/fuzz/elf.test.ts (and `npm run fuzz:elf` for longer runs).
