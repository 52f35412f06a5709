// Structured mutations of real ELF executables: header fields, program headers (types, flags,
// offsets, addresses, sizes, alignments), PT_INTERP and PT_GNU_STACK entries, overlapping and huge
// segments, added, dropped and reordered entries, truncations and random byte flips. Every choice
// comes from the Prng, so (seed, index) names a mutant exactly.
import { EHDR_SIZE, PHDR_SIZE, PT_GNU_STACK, PT_INTERP, PT_LOAD, PT_NULL, PT_PHDR, PT_TLS, PT_DYNAMIC, PT_NOTE, ET_DYN, ET_EXEC, ET_REL, ET_CORE, MAX_PHNUM, PF_R, PF_W, PF_X } from '../../src/loader/elf.js';
import { EHDR_OFF, PHDR_OFF, writePhdr } from '../../src/loader/elf_builder.js';
import { LOAD_LIMIT } from '../../src/loader/layout.js';
import { Prng } from './prng.js';

const PAGE = 0x1000;
/** Most mutations stacked on one mutant: several at once reach combinations single ones cannot. */
const MAX_OPS = 4;
/** Longest PT_INTERP path a mutation writes (longer than PATH_MAX, which the loader truncates). */
const LONG_INTERP = 5000;
/** Largest number of copies a duplicated program header gets (past Linux's 64 KiB table limit). */
const MAX_DUP = MAX_PHNUM + 10;
/** Bytes of random junk a mutation appends at most. */
const MAX_APPEND = 8192;
const U64_MAX = (1n << 64n) - 1n;

/** One mutant: its bytes and what was done to the base, in order. */
export interface Mutant {
  image: Uint8Array;
  ops: string[];
}

/** Returns the generator of mutant index of a run with seed (independent streams per index). */
export function mutantRng(seed: number, index: number): Prng {
  return new Prng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
}

/** A growable image with bounds-checked little-endian field access (writes outside are dropped). */
class Image {
  constructor(public bytes: Uint8Array) {}

  private dv(): DataView {
    return new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }

  get length(): number { return this.bytes.length; }

  get(off: number, width: 1 | 2 | 4 | 8): bigint {
    if (off < 0 || off + width > this.bytes.length) return 0n;
    const dv = this.dv();
    if (width === 1) return BigInt(this.bytes[off]!);
    if (width === 2) return BigInt(dv.getUint16(off, true));
    if (width === 4) return BigInt(dv.getUint32(off, true));
    return dv.getBigUint64(off, true);
  }

  set(off: number, width: 1 | 2 | 4 | 8, v: bigint): void {
    if (off < 0 || off + width > this.bytes.length) return;
    const dv = this.dv();
    const x = BigInt.asUintN(width * 8, v);
    if (width === 1) this.bytes[off] = Number(x);
    else if (width === 2) dv.setUint16(off, Number(x), true);
    else if (width === 4) dv.setUint32(off, Number(x), true);
    else dv.setBigUint64(off, x, true);
  }

  /** Appends bytes; returns the offset they start at. */
  append(extra: Uint8Array): number {
    const at = this.bytes.length;
    const grown = new Uint8Array(at + extra.length);
    grown.set(this.bytes);
    grown.set(extra, at);
    this.bytes = grown;
    return at;
  }

  truncate(len: number): void {
    this.bytes = this.bytes.slice(0, Math.max(0, Math.min(len, this.bytes.length)));
  }

  get phoff(): number {
    const v = this.get(EHDR_OFF.phoff, 8);
    return v < BigInt(this.bytes.length) ? Number(v) : -1;
  }

  /** Number of program-header entries that lie inside the file (at most e_phnum). */
  get phCount(): number {
    const off = this.phoff;
    if (off < 0) return 0;
    const n = Number(this.get(EHDR_OFF.phnum, 2));
    return Math.max(0, Math.min(n, Math.floor((this.bytes.length - off) / PHDR_SIZE)));
  }

  /** Byte offset of program header i (i < phCount). */
  ph(i: number): number {
    return this.phoff + i * PHDR_SIZE;
  }

  /** Indices of the in-file program headers of type t. */
  phOfType(t: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.phCount; i++) if (Number(this.get(this.ph(i) + PHDR_OFF.type, 4)) === t) out.push(i);
    return out;
  }
}

const hex = (v: bigint | number): string => `0x${v.toString(16)}`;

/** Returns an "interesting" 64-bit value: boundaries, sizes of this file, old value nudged, random. */
function interesting(rng: Prng, old: bigint, fileLen: number): bigint {
  const choices: Array<() => bigint> = [
    () => 0n, () => 1n, () => BigInt(PAGE - 1), () => BigInt(PAGE), () => BigInt(PAGE + 1),
    () => BigInt(fileLen), () => BigInt(fileLen - 1), () => BigInt(fileLen + 1),
    () => 0x7fff_ffffn, () => 0x8000_0000n, () => 0xffff_ffffn, () => 0x1_0000_0000n,
    () => BigInt(LOAD_LIMIT), () => BigInt(LOAD_LIMIT - PAGE), () => (1n << 53n) + 1n,
    () => (1n << 63n) - 1n, () => 1n << 63n, () => U64_MAX, () => U64_MAX - BigInt(PAGE) + 1n,
    () => old + 1n, () => old - 1n, () => old + BigInt(PAGE), () => old - BigInt(PAGE), () => old * 2n, () => old / 2n,
    () => old ^ (1n << BigInt(rng.below(64))), () => rng.u64(), () => BigInt(rng.u32()),
  ];
  return BigInt.asUintN(64, rng.pick(choices)());
}

/** A small value for 16- and 32-bit fields. */
function interestingSmall(rng: Prng, old: bigint, bits: number): bigint {
  const max = (1n << BigInt(bits)) - 1n;
  const choices = [0n, 1n, 2n, max, max - 1n, old + 1n, old - 1n, BigInt(rng.u32()) & max, 1n << BigInt(rng.below(bits))];
  return BigInt.asUintN(bits, rng.pick(choices));
}

type Op = (img: Image, rng: Prng) => string | null;

const EHDR_FIELDS: Array<[string, number, 1 | 2 | 4 | 8]> = [
  ['e_ident[EI_CLASS]', EHDR_OFF.class, 1], ['e_ident[EI_DATA]', EHDR_OFF.data, 1], ['e_ident[EI_VERSION]', EHDR_OFF.identVersion, 1],
  ['e_ident[EI_OSABI]', EHDR_OFF.osabi, 1], ['e_type', EHDR_OFF.type, 2], ['e_machine', EHDR_OFF.machine, 2],
  ['e_version', EHDR_OFF.version, 4], ['e_entry', EHDR_OFF.entry, 8], ['e_phoff', EHDR_OFF.phoff, 8], ['e_shoff', EHDR_OFF.shoff, 8],
  ['e_flags', EHDR_OFF.flags, 4], ['e_ehsize', EHDR_OFF.ehsize, 2], ['e_phentsize', EHDR_OFF.phentsize, 2], ['e_phnum', EHDR_OFF.phnum, 2],
  ['e_shnum', EHDR_OFF.shnum, 2],
];

const PHDR_FIELDS: Array<[string, number, 4 | 8]> = [
  ['p_type', PHDR_OFF.type, 4], ['p_flags', PHDR_OFF.flags, 4], ['p_offset', PHDR_OFF.offset, 8], ['p_vaddr', PHDR_OFF.vaddr, 8],
  ['p_filesz', PHDR_OFF.filesz, 8], ['p_memsz', PHDR_OFF.memsz, 8], ['p_align', PHDR_OFF.align, 8],
];

const PT_TYPES = [PT_NULL, PT_LOAD, PT_DYNAMIC, PT_INTERP, PT_NOTE, PT_PHDR, PT_TLS, PT_GNU_STACK, 0x6474e550 /* PT_GNU_EH_FRAME */,
  0x6474e552 /* PT_GNU_RELRO */, 0x70000003 /* PT_RISCV_ATTRIBUTES */];

/** Picks a program header index, preferring PT_LOAD entries (the ones the loader maps). */
function pickPh(img: Image, rng: Prng): number {
  const loads = img.phOfType(PT_LOAD);
  if (loads.length > 0 && rng.chance(0.7)) return rng.pick(loads);
  return img.phCount > 0 ? rng.below(img.phCount) : -1;
}

const OPS: Array<[number, Op]> = [
  // An ELF header field set to a boundary or random value.
  [3, (img, rng) => {
    const [name, off, width] = rng.pick(EHDR_FIELDS);
    const old = img.get(off, width);
    let v: bigint;
    if (name === 'e_type') v = BigInt(rng.pick([ET_EXEC, ET_DYN, ET_REL, ET_CORE, 0, 0xfe00, rng.below(0x10000)]));
    else if (width === 8) v = interesting(rng, old, img.length);
    else v = interestingSmall(rng, old, width * 8);
    img.set(off, width, v);
    return `${name}=${hex(v)}`;
  }],
  // A program header field set to a boundary or random value.
  [6, (img, rng) => {
    const i = pickPh(img, rng);
    if (i < 0) return null;
    const [name, off, width] = rng.pick(PHDR_FIELDS);
    const old = img.get(img.ph(i) + off, width);
    let v: bigint;
    if (name === 'p_type') v = BigInt(rng.chance(0.8) ? rng.pick(PT_TYPES) : rng.u32());
    else if (name === 'p_flags') v = BigInt(rng.chance(0.8) ? rng.below(8) : rng.u32());
    else if (width === 8) v = interesting(rng, old, img.length);
    else v = interestingSmall(rng, old, 32);
    img.set(img.ph(i) + off, width, v);
    return `ph[${i}].${name}=${hex(v)}`;
  }],
  // A PT_INTERP entry whose path is appended to the file: valid, unterminated, empty, binary, long.
  [2, (img, rng) => {
    const i = pickPh(img, rng);
    if (i < 0) return null;
    const kind = rng.below(6);
    let path: Uint8Array;
    if (kind === 0) path = new TextEncoder().encode('/lib/ld-linux-riscv64-lp64d.so.1\0');
    else if (kind === 1) path = new TextEncoder().encode('/lib/ld.so');
    else if (kind === 2) path = new Uint8Array(1);
    else if (kind === 3) { path = new Uint8Array(64); rng.fill(path); }
    else if (kind === 4) path = new Uint8Array(LONG_INTERP).fill(0x61);
    else path = new TextEncoder().encode('line\nbreak\r\x1b[31m\0');
    const at = img.append(path);
    const filesz = rng.chance(0.8) ? BigInt(path.length) : interesting(rng, BigInt(path.length), img.length);
    writePhdr(new DataView(img.bytes.buffer, img.bytes.byteOffset), img.ph(i), { type: PT_INTERP, flags: PF_R, offset: at, vaddr: 0, filesz, memsz: filesz, align: 1 });
    return `ph[${i}]=PT_INTERP(kind ${kind}, filesz ${hex(filesz)})`;
  }],
  // A PT_GNU_STACK entry: executable, read-only, no permissions or random flags.
  [2, (img, rng) => {
    const i = rng.chance(0.5) && img.phOfType(PT_GNU_STACK).length > 0 ? rng.pick(img.phOfType(PT_GNU_STACK)) : pickPh(img, rng);
    if (i < 0) return null;
    const flags = rng.pick([PF_R | PF_W | PF_X, PF_R, 0, PF_R | PF_W, rng.u32()]);
    img.set(img.ph(i) + PHDR_OFF.type, 4, BigInt(PT_GNU_STACK));
    img.set(img.ph(i) + PHDR_OFF.flags, 4, BigInt(flags));
    if (rng.chance(0.3)) img.set(img.ph(i) + PHDR_OFF.memsz, 8, interesting(rng, 0n, img.length));
    return `ph[${i}]=PT_GNU_STACK(flags ${hex(flags)})`;
  }],
  // Two PT_LOAD segments made to overlap (offset congruence kept, so only the overlap is wrong).
  [2, (img, rng) => {
    const loads = img.phOfType(PT_LOAD);
    if (loads.length < 2) return null;
    const a = rng.pick(loads), b = rng.pick(loads.filter((x) => x !== a));
    const va = img.get(img.ph(a) + PHDR_OFF.vaddr, 8), memA = img.get(img.ph(a) + PHDR_OFF.memsz, 8);
    const offB = img.get(img.ph(b) + PHDR_OFF.offset, 8);
    const into = memA > 0n ? BigInt(rng.below(Number(memA < 1n << 32n ? memA : 1n << 32n))) : 0n;
    const vb = ((va + into) & ~BigInt(PAGE - 1)) + (offB % BigInt(PAGE));
    img.set(img.ph(b) + PHDR_OFF.vaddr, 8, vb);
    return `ph[${b}].p_vaddr=${hex(vb)} (inside ph[${a}])`;
  }],
  // A huge segment: p_memsz up to and past the loadable range, or past 2^64.
  [2, (img, rng) => {
    const i = pickPh(img, rng);
    if (i < 0) return null;
    const va = img.get(img.ph(i) + PHDR_OFF.vaddr, 8);
    const lim = BigInt(LOAD_LIMIT);
    const v = BigInt.asUintN(64, rng.pick([1n << 30n, 3n << 30n, lim - va, lim - va + 1n, lim - va - BigInt(PAGE), 1n << 63n, U64_MAX - va + 1n, U64_MAX]));
    img.set(img.ph(i) + PHDR_OFF.memsz, 8, v);
    if (rng.chance(0.3)) img.set(img.ph(i) + PHDR_OFF.filesz, 8, v);
    return `ph[${i}].p_memsz=${hex(v)} (huge)`;
  }],
  // A segment moved: p_vaddr or p_offset shifted by a page, a byte or far.
  [2, (img, rng) => {
    const i = pickPh(img, rng);
    if (i < 0) return null;
    const field = rng.chance(0.5) ? PHDR_OFF.vaddr : PHDR_OFF.offset;
    const delta = BigInt(rng.pick([PAGE, -PAGE, 1, -1, 16 * PAGE, -16 * PAGE, rng.u32()]));
    const v = BigInt.asUintN(64, img.get(img.ph(i) + field, 8) + delta);
    img.set(img.ph(i) + field, 8, v);
    return `ph[${i}].${field === PHDR_OFF.vaddr ? 'p_vaddr' : 'p_offset'}+=${delta}`;
  }],
  // An odd alignment: 0, 1, not a power of two, huge.
  [1, (img, rng) => {
    const i = pickPh(img, rng);
    if (i < 0) return null;
    const v = rng.pick([0n, 1n, 3n, 0x1001n, 0x10000n, 0x20_0000n, 1n << 63n, U64_MAX, BigInt(rng.u32())]);
    img.set(img.ph(i) + PHDR_OFF.align, 8, v);
    return `ph[${i}].p_align=${hex(v)}`;
  }],
  // The program-header table copied to the end of the file with one entry repeated (up to past the limit).
  [1, (img, rng) => {
    const n = img.phCount;
    if (n === 0) return null;
    const i = rng.below(n);
    const copies = rng.chance(0.8) ? 1 : rng.below(MAX_DUP) + 1;
    const total = n + copies;
    const table = new Uint8Array(total * PHDR_SIZE);
    table.set(img.bytes.subarray(img.phoff, img.phoff + n * PHDR_SIZE));
    for (let k = 0; k < copies; k++) table.set(img.bytes.subarray(img.ph(i), img.ph(i) + PHDR_SIZE), (n + k) * PHDR_SIZE);
    const at = img.append(table);
    img.set(EHDR_OFF.phoff, 8, BigInt(at));
    img.set(EHDR_OFF.phnum, 2, BigInt(total));
    return `ph[${i}] repeated ${copies}x (e_phnum ${total})`;
  }],
  // An entry removed (the rest moved up) or two entries swapped.
  [1, (img, rng) => {
    const n = img.phCount;
    if (n < 2) return null;
    const i = rng.below(n), j = rng.below(n);
    const a = img.bytes.slice(img.ph(i), img.ph(i) + PHDR_SIZE);
    if (rng.chance(0.5)) {
      img.bytes.copyWithin(img.ph(i), img.ph(i) + PHDR_SIZE, img.ph(n));
      img.set(EHDR_OFF.phnum, 2, BigInt(n - 1));
      return `ph[${i}] dropped`;
    }
    img.bytes.copyWithin(img.ph(i), img.ph(j), img.ph(j) + PHDR_SIZE);
    img.bytes.set(a, img.ph(j));
    return `ph[${i}] and ph[${j}] swapped`;
  }],
  // The entry point moved: 0, unaligned, into data, past the image, the stack, kernel space.
  [1, (img, rng) => {
    const old = img.get(EHDR_OFF.entry, 8);
    const v = BigInt.asUintN(64, rng.pick([0n, old + 1n, old + 2n, old - 2n, 0x10000n, BigInt(LOAD_LIMIT - 4), 0xffff_f000n, 0xffff_ffc0_0000_0000n, rng.u64()]));
    img.set(EHDR_OFF.entry, 8, v);
    return `e_entry=${hex(v)}`;
  }],
  // The file cut short: in the ELF header, in the program headers, inside a segment, anywhere.
  [2, (img, rng) => {
    const tableEnd = img.phoff >= 0 ? img.phoff + img.phCount * PHDR_SIZE : EHDR_SIZE;
    const at = rng.pick([rng.below(EHDR_SIZE), EHDR_SIZE + rng.below(Math.max(1, tableEnd - EHDR_SIZE)), rng.below(img.length), img.length - 1, img.length - PAGE]);
    img.truncate(at);
    return `truncated to ${Math.max(0, at)} bytes`;
  }],
  // Random bytes overwritten: mostly in the headers, sometimes anywhere (code and data included).
  [4, (img, rng) => {
    const headers = Math.min(img.length, Math.max(EHDR_SIZE, img.phoff + img.phCount * PHDR_SIZE));
    const n = 1 + rng.below(8);
    const where = rng.chance(0.6) ? headers : img.length;
    for (let k = 0; k < n && img.length > 0; k++) img.bytes[rng.below(where)] = rng.below(256);
    return `${n} random bytes in the first ${where}`;
  }],
  // Junk appended after the last segment.
  [1, (img, rng) => {
    const junk = new Uint8Array(1 + rng.below(MAX_APPEND));
    if (rng.chance(0.5)) rng.fill(junk);
    img.append(junk);
    return `${junk.length} bytes appended`;
  }],
];

const TOTAL_WEIGHT = OPS.reduce((s, [w]) => s + w, 0);

/** Returns a mutant of base made by 1..MAX_OPS structured mutations. base is not modified. */
export function mutateElf(base: Uint8Array, rng: Prng): Mutant {
  const img = new Image(base.slice());
  const ops: string[] = [];
  const count = 1 + rng.below(MAX_OPS);
  for (let tries = 0; ops.length < count && tries < 4 * MAX_OPS; tries++) {
    let r = rng.below(TOTAL_WEIGHT);
    let k = 0;
    while (r >= OPS[k]![0]) r -= OPS[k++]![0];
    const what = OPS[k]![1](img, rng);
    if (what !== null) ops.push(what);
  }
  return { image: img.bytes, ops };
}
