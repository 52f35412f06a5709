// The ELF loader: segment mapping, bss zeroing, brk, the initial stack and auxv, the vDSO.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { Mm } from '../../src/mem/mm.js';
import { PAGE_SIZE, PROT_EXEC, PROT_READ, PROT_WRITE } from '../../src/mem/guest_memory.js';
import { MAP_ANONYMOUS, MAP_FIXED, MAP_GROWSDOWN } from '../../src/mem/mman.js';
import { buildElf, type PhdrSpec } from '../../src/loader/elf_builder.js';
import { ET_DYN, PF_R, PF_W, PF_X, PT_INTERP } from '../../src/loader/elf.js';
import {
  isLoadError, loadElf, type LoadOptions, type LoadResult, STACK_EXPAND, STACK_SIZE, STACK_TOP, STATIC_PIE_BASE, vdsoBytes,
  vdsoImageName,
} from '../../src/loader/index.js';
import { peekBytes } from './mem_helpers.js';
import { MIN_MEMORY_BYTES, PhysMem } from '../../src/mem/phys.js';
import { ENOMEM } from '../../src/abi/errno.js';

const RX = PF_R | PF_X, RW = PF_R | PF_W;
const MAPPED = 16; // PAGE_MAPPED in guest_memory.ts

/** A two-segment ET_EXEC like a glibc static binary: text at 0x10000 covering the headers, data
 *  at an unaligned vaddr with bss spilling over two more pages; garbage follows the data. */
function twoSegmentImage(): Uint8Array {
  const code = Uint8Array.from([0x13, 0x05, 0x00, 0x00, 0x73, 0x00, 0x00, 0x00]);
  const phdrs: PhdrSpec[] = [
    { flags: RX, offset: 0, vaddr: 0x10000, filesz: 0x108, memsz: 0x108 },
    { flags: RW, offset: 0x1f80, vaddr: 0x12f80, filesz: 0x100, memsz: 0x3000 },
  ];
  return buildElf({
    entry: 0x10100, phdrs,
    blobs: [
      { offset: 0x100, bytes: code },
      { offset: 0x1f80, bytes: new Uint8Array(0x100).fill(0xaa) },
      { offset: 0x2080, bytes: new Uint8Array(0x400).fill(0xbb) },
    ],
  });
}

function opts(over: Partial<LoadOptions> = {}): LoadOptions {
  return {
    argv: ['prog', 'a1'], envp: ['A=1', 'BB=22'], execfn: '/bin/prog',
    random: Uint8Array.from({ length: 16 }, (_, i) => i + 1), uid: 1000, gid: 100, euid: 1001, egid: 101,
    ...over,
  };
}

function load(image: Uint8Array, o = opts()): { mm: Mm; r: LoadResult } {
  const mm = new Mm();
  const r = loadElf(mm, image, o);
  if (isLoadError(r)) assert.fail(r.error);
  return { mm, r };
}

const protAt = (mm: Mm, addr: number): number => mm.mem.protAt(addr) & 0x17;

test('ET_EXEC text and data segments are mapped at their vaddrs with p_flags protections', () => {
  const { mm, r } = load(twoSegmentImage());
  assert.equal(r.entry, 0x10100);
  assert.equal(protAt(mm, 0x10000), PROT_READ | PROT_EXEC | MAPPED);
  for (const a of [0x12000, 0x13000, 0x14000, 0x15000]) assert.equal(protAt(mm, a), PROT_READ | PROT_WRITE | MAPPED);
  assert.equal(protAt(mm, 0x11000), 0, 'hole between segments stays unmapped');
  assert.equal(protAt(mm, 0x16000), 0, 'nothing past the bss');
  assert.deepEqual([...mm.mem.read(0x10100, 8)], [0x13, 0x05, 0x00, 0x00, 0x73, 0x00, 0x00, 0x00]);
  assert.deepEqual(mm.mem.read(0x10000, 4), Uint8Array.from([0x7f, 0x45, 0x4c, 0x46]));
});

test('data bytes come from the file and the bss after p_filesz is zero, including the file page tail', () => {
  const { mm } = load(twoSegmentImage());
  assert.ok(mm.mem.read(0x12f80, 0x100).every((b) => b === 0xaa));
  assert.ok(mm.mem.read(0x13080, 0x3000 - 0x100 - 0x80 + 0x80).every((b) => b === 0), 'bss zeroed (file garbage 0xbb hidden)');
  assert.equal(mm.mem.readU8(0x12f7f), 0, 'bytes before vaddr in the first data page come from the file (zeros here)');
});

test('initial brk is the page-aligned end of the highest segment', () => {
  const { mm, r } = load(twoSegmentImage());
  assert.equal(r.brk, 0x16000);
  assert.equal(mm.brkStart, 0x16000);
  assert.equal(mm.brk, 0x16000);
});

test('AT_PHDR is the vaddr of the program headers inside the first PT_LOAD', () => {
  const { r } = load(twoSegmentImage());
  assert.equal(r.phdr, 0x10040);
});

/** Reads the initial stack at sp into { argc, argv, envp, auxv } (auxv as [type, value] pairs). */
function readStack(mm: Mm, sp: number) {
  const m = mm.mem;
  let p = sp;
  const next = (): number => { const v = m.readU64(p); p += 8; return v; };
  const argc = next();
  const argv: number[] = [];
  for (let i = 0; i < argc; i++) argv.push(next());
  assert.equal(next(), 0, 'argv is NULL-terminated');
  const envp: number[] = [];
  for (let v = next(); v !== 0; v = next()) envp.push(v);
  const auxv: Array<[number, number]> = [];
  for (;;) {
    const t = next(), v = next();
    auxv.push([t, v]);
    if (t === 0) break;
  }
  return { argc, argv, envp, auxv, auxvEnd: p };
}

test('initial stack holds argc, argv, envp and auxv in Linux order with a 16-byte aligned sp', () => {
  const { mm, r } = load(twoSegmentImage());
  assert.equal(r.sp % 16, 0);
  const s = readStack(mm, r.sp);
  assert.equal(s.argc, 2);
  assert.deepEqual(s.argv.map((a) => mm.mem.readCString(a, 100)), ['prog', 'a1']);
  assert.deepEqual(s.envp.map((a) => mm.mem.readCString(a, 100)), ['A=1', 'BB=22']);
  const random = s.auxv.find(([t]) => t === 25)![1];
  const execfn = s.auxv.find(([t]) => t === 31)![1];
  assert.deepEqual(s.auxv, [
    [33, r.vdso.base], [51, 1088], [16, 0x112d], [6, 4096], [17, 100], [3, 0x10040], [4, 56], [5, 2], [7, 0], [8, 0],
    [9, 0x10100], [11, 1000], [12, 1001], [13, 100], [14, 101], [23, 0], [25, random], [31, execfn],
    [27, 28], [28, 32], [0, 0],
  ]);
  assert.deepEqual([...mm.mem.read(random, 16)], Array.from({ length: 16 }, (_, i) => i + 1));
  assert.equal(mm.mem.readCString(execfn, 100), '/bin/prog');
});

test('stack strings sit at the top: 8 zero bytes, execfn, envp, argv, then AT_RANDOM below them', () => {
  const { mm, r } = load(twoSegmentImage());
  const s = readStack(mm, r.sp);
  const execfn = s.auxv.find(([t]) => t === 31)![1];
  const random = s.auxv.find(([t]) => t === 25)![1];
  assert.deepEqual([...mm.mem.read(STACK_TOP - 8, 8)], [0, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(execfn, STACK_TOP - 8 - '/bin/prog\0'.length);
  assert.equal(s.envp[1], execfn - 'BB=22\0'.length);
  assert.equal(s.envp[0], s.envp[1]! - 'A=1\0'.length);
  assert.equal(s.argv[1], s.envp[0]! - 'a1\0'.length);
  assert.equal(s.argv[0], s.argv[1]! - 'prog\0'.length);
  const alignedStrings = s.argv[0]! - (s.argv[0]! % 16);
  assert.equal(random, alignedStrings - 16);
  assert.ok(s.auxvEnd <= random && random - s.auxvEnd < 16, 'only alignment padding between auxv and AT_RANDOM');
});

test('the stack is a grows-down [stack] VMA ending at STACK_TOP: the arguments plus 128 KiB, growing on demand', () => {
  const { mm, r } = load(twoSegmentImage());
  const v = mm.findVma(STACK_TOP - 1)!;
  assert.equal(v.name, '[stack]');
  assert.equal(v.end, STACK_TOP);
  const argv0 = mm.mem.readU64(r.sp + 8); // the lowest string
  assert.equal(v.start, Math.floor(argv0 / PAGE_SIZE) * PAGE_SIZE - STACK_EXPAND);
  assert.ok(v.end - v.start < STACK_SIZE);
  assert.ok(v.flags & MAP_GROWSDOWN);
  assert.equal(protAt(mm, STACK_TOP), 0, 'top page unmapped');
});

test('the vDSO image is mapped read+exec with the read-only vvar page right below it', () => {
  const { mm, r } = load(twoSegmentImage());
  const v = r.vdso;
  assert.equal(v.base % PAGE_SIZE, 0);
  assert.equal(v.vvar, v.base - PAGE_SIZE);
  const image = vdsoBytes(vdsoImageName({ cancel: false, percpu: false }));
  assert.deepEqual(mm.mem.read(v.base, image.length), image);
  assert.equal(protAt(mm, v.base), PROT_READ | PROT_EXEC | MAPPED);
  assert.equal(protAt(mm, v.vvar), PROT_READ | MAPPED);
  assert.equal(mm.findVma(v.base)!.name, '[vdso]');
  assert.equal(mm.findVma(v.vvar)!.name, '[vvar]');
  // __vdso_rt_sigreturn is `li a7, 139; ecall`, the pattern libgcc's unwinder recognises.
  assert.equal(mm.mem.readU32(v.sigreturn), 0x08b00893);
  assert.equal(mm.mem.readU32(v.sigreturn + 4), 0x00000073);
  assert.equal(v.percpu, null, 'no per-CPU section without the percpu extension');
});

test('each vDSO extension selects the image that has its symbols', () => {
  const names = [false, true].flatMap((cancel) => [false, true].map((percpu) => vdsoImageName({ cancel, percpu })));
  assert.deepEqual(names, ['vdso', 'vdso-percpu', 'vdso-cancel', 'vdso-cancel-percpu']);
  const { r } = load(twoSegmentImage(), opts({ vdso: 'vdso-percpu' }));
  const p = r.vdso.percpu!;
  assert.ok(r.vdso.base < p.start && p.start < p.commit && p.commit < p.end, 'the section lies in the image, commit inside it');
  assert.equal(p.end - p.commit, 4, 'the commit is one store, the last instruction of the section');
});

test('a read-only segment with memsz > filesz gets its file-page tail zeroed and stays read-only', () => {
  const img = buildElf({
    entry: 0x10000,
    phdrs: [{ flags: PF_R | PF_X, offset: 0, vaddr: 0x10000, filesz: 0x80, memsz: 0x2000 }],
    blobs: [{ offset: 0x80, bytes: new Uint8Array(0x200).fill(0xcc) }],
  });
  const { mm } = load(img);
  assert.ok(peekBytes(mm.mem, 0x10080, 0x12000 - 0x10080).every((b) => b === 0));
  assert.equal(protAt(mm, 0x10000), PROT_READ | PROT_EXEC | MAPPED);
  assert.equal(protAt(mm, 0x11000), PROT_READ | PROT_EXEC | MAPPED);
});

test('a static-PIE (ET_DYN without PT_INTERP) is loaded at STATIC_PIE_BASE with entry and AT_PHDR biased', () => {
  const img = buildElf({
    type: ET_DYN, entry: 0x100, size: 0x200,
    phdrs: [{ flags: RX, offset: 0, vaddr: 0, filesz: 0x200, memsz: 0x200 }],
  });
  const { mm, r } = load(img);
  assert.equal(r.entry, STATIC_PIE_BASE + 0x100);
  assert.equal(r.phdr, STATIC_PIE_BASE + 0x40);
  assert.equal(r.brk, STATIC_PIE_BASE + PAGE_SIZE);
  assert.equal(mm.mem.readU32(STATIC_PIE_BASE), 0x464c457f);
  const aux = readStack(mm, r.sp).auxv;
  assert.deepEqual(aux.find(([t]) => t === 9), [9, STATIC_PIE_BASE + 0x100]);
});

test('argv/envp bytes (non-UTF-8) are copied verbatim', () => {
  const raw = Uint8Array.from([0xff, 0xfe, 0x41]);
  const { mm, r } = load(twoSegmentImage(), opts({ argv: [raw], envp: [] }));
  const s = readStack(mm, r.sp);
  assert.deepEqual([...mm.mem.readCStringBytes(s.argv[0]!, 10)!], [0xff, 0xfe, 0x41]);
  assert.equal(s.envp.length, 0);
});

test('an oversized argument list gives E2BIG with exit code 126', () => {
  const big = 'x'.repeat(100_000);
  const r = loadElf(new Mm(), twoSegmentImage(), opts({ argv: Array.from({ length: 30 }, () => big) }));
  assert.ok(isLoadError(r));
  assert.equal(r.errno, 7);
  assert.equal(r.exitCode, 126);
});

test('PT_INTERP is refused with a one-line "dynamically linked" message naming the interpreter', () => {
  const interp = new TextEncoder().encode('/lib/ld-linux-riscv64-lp64d.so.1\0');
  const img = buildElf({
    entry: 0x10000,
    phdrs: [
      { type: PT_INTERP, flags: PF_R, offset: 0x200, vaddr: 0x10200, filesz: interp.length, memsz: interp.length },
      { flags: RX, offset: 0, vaddr: 0x10000, filesz: 0x300, memsz: 0x300 },
    ],
    blobs: [{ offset: 0x200, bytes: interp }],
  });
  const r = loadElf(new Mm(), img, opts());
  assert.ok(isLoadError(r));
  assert.equal(r.error, 'dynamically linked (needs /lib/ld-linux-riscv64-lp64d.so.1); only static binaries are supported');
  assert.equal(r.exitCode, 126);
});

test('segment mappings use MAP_FIXED file maps then anonymous bss pages', () => {
  const mm = new Mm();
  const calls: Array<[number, number, number, boolean]> = [];
  const orig = mm.mmap.bind(mm);
  mm.mmap = (addr, len, prot, flags, file, offset, name) => {
    calls.push([addr, len, flags & (MAP_FIXED | MAP_ANONYMOUS), file !== null]);
    return orig(addr, len, prot, flags, file, offset, name);
  };
  const r = loadElf(mm, twoSegmentImage(), opts());
  assert.ok(!isLoadError(r));
  assert.deepEqual(calls.slice(0, 3), [
    [0x10000, 0x1000, MAP_FIXED, true],
    [0x12000, 0x2000, MAP_FIXED, true],
    [0x14000, 0x2000, MAP_FIXED | MAP_ANONYMOUS, false],
  ]);
});

test('a glibc static binary from guest/bin loads: text at 0x10000, AT_PHDR 0x10040, brk after its bss', (t) => {
  const path = new URL('../../../guest/bin/hello', import.meta.url);
  if (!existsSync(path)) { t.skip('guest/bin/hello not built'); return; }
  const image = new Uint8Array(readFileSync(path));
  const entry = Number(new DataView(image.buffer).getBigUint64(24, true));
  const { mm, r } = load(image);
  assert.equal(r.entry, entry);
  assert.equal(r.phdr, 0x10040);
  assert.equal(mm.findVma(0x10000)!.prot, PROT_READ | PROT_EXEC);
  const vmas = mm.vmas().filter((v) => v.end <= r.brk);
  assert.equal(vmas[vmas.length - 1]!.end, r.brk, 'the highest image VMA ends at the initial break');
  assert.equal(vmas[vmas.length - 1]!.prot, PROT_READ | PROT_WRITE);
});

test('a machine with no free frames gives a one-line out-of-memory error, not an exception', () => {
  const phys = new PhysMem(MIN_MEMORY_BYTES);
  while (phys.alloc() >= 0);
  const r = loadElf(new Mm(phys), twoSegmentImage(), opts());
  assert.ok(isLoadError(r));
  assert.equal(r.error, 'out of memory while loading the image');
  assert.equal(r.errno, ENOMEM);
});
