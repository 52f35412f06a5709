// A raw ELF64 image writer for tests and fuzzers: every header field can be set, including to
// invalid values, so malformed files can be generated as easily as good ones.
import { EHDR_SIZE, ELFCLASS64, ELFDATA2LSB, EM_RISCV, ET_EXEC, PHDR_SIZE, PT_LOAD } from './elf.js';

/** One program header; 64-bit fields accept bigint for values beyond 2^53. */
export interface PhdrSpec {
  type?: number;
  flags: number;
  offset: number | bigint;
  vaddr: number | bigint;
  filesz: number | bigint;
  memsz: number | bigint;
  align?: number | bigint;
}

export interface ElfSpec {
  /** Defaults: ELFCLASS64, ELFDATA2LSB, ET_EXEC, EM_RISCV, e_phoff 64, e_phentsize 56. */
  cls?: number;
  data?: number;
  type?: number;
  machine?: number;
  entry: number | bigint;
  phoff?: number | bigint;
  phentsize?: number;
  /** e_phnum; defaults to phdrs.length. */
  phnum?: number;
  phdrs: PhdrSpec[];
  /** Bytes placed at file offsets (after the headers are written). */
  blobs?: Array<{ offset: number; bytes: Uint8Array }>;
  /** Minimum file size (the file grows to hold all headers and blobs). */
  size?: number;
}

/** Byte offsets of the Elf64_Ehdr fields (elf(5)), for tools that edit an existing image. */
export const EHDR_OFF = {
  class: 4, data: 5, identVersion: 6, osabi: 7, type: 16, machine: 18, version: 20, entry: 24, phoff: 32,
  shoff: 40, flags: 48, ehsize: 52, phentsize: 54, phnum: 56, shentsize: 58, shnum: 60, shstrndx: 62,
} as const;

/** Byte offsets of the Elf64_Phdr fields within one table entry. */
export const PHDR_OFF = { type: 0, flags: 4, offset: 8, vaddr: 16, paddr: 24, filesz: 32, memsz: 40, align: 48 } as const;

/** Writes program header p at byte offset at of dv (p_paddr = p_vaddr); assumes the entry fits. */
export function writePhdr(dv: DataView, at: number, p: PhdrSpec): void {
  dv.setUint32(at + PHDR_OFF.type, p.type ?? PT_LOAD, true);
  dv.setUint32(at + PHDR_OFF.flags, p.flags, true);
  dv.setBigUint64(at + PHDR_OFF.offset, BigInt(p.offset), true);
  dv.setBigUint64(at + PHDR_OFF.vaddr, BigInt(p.vaddr), true);
  dv.setBigUint64(at + PHDR_OFF.paddr, BigInt(p.vaddr), true);
  dv.setBigUint64(at + PHDR_OFF.filesz, BigInt(p.filesz), true);
  dv.setBigUint64(at + PHDR_OFF.memsz, BigInt(p.memsz), true);
  dv.setBigUint64(at + PHDR_OFF.align, BigInt(p.align ?? 0x1000), true);
}

/** Returns an ELF image built from spec (little-endian fields, riscv64 defaults). */
export function buildElf(spec: ElfSpec): Uint8Array {
  const phoff = BigInt(spec.phoff ?? EHDR_SIZE);
  const phTableEnd = phoff < 1n << 32n ? Number(phoff) + spec.phdrs.length * PHDR_SIZE : EHDR_SIZE;
  let size = Math.max(EHDR_SIZE, phTableEnd, spec.size ?? 0);
  for (const b of spec.blobs ?? []) size = Math.max(size, b.offset + b.bytes.length);
  const img = new Uint8Array(size);
  const dv = new DataView(img.buffer);
  img.set([0x7f, 0x45, 0x4c, 0x46, spec.cls ?? ELFCLASS64, spec.data ?? ELFDATA2LSB, 1 /* EV_CURRENT */]);
  dv.setUint16(EHDR_OFF.type, spec.type ?? ET_EXEC, true);
  dv.setUint16(EHDR_OFF.machine, spec.machine ?? EM_RISCV, true);
  dv.setUint32(EHDR_OFF.version, 1, true);
  dv.setBigUint64(EHDR_OFF.entry, BigInt(spec.entry), true);
  dv.setBigUint64(EHDR_OFF.phoff, phoff, true);
  dv.setUint32(EHDR_OFF.flags, 0x5, true); // EF_RISCV_RVC | EF_RISCV_FLOAT_ABI_DOUBLE
  dv.setUint16(EHDR_OFF.ehsize, EHDR_SIZE, true);
  dv.setUint16(EHDR_OFF.phentsize, spec.phentsize ?? PHDR_SIZE, true);
  dv.setUint16(EHDR_OFF.phnum, spec.phnum ?? spec.phdrs.length, true);
  if (phTableEnd > EHDR_SIZE || phoff === BigInt(EHDR_SIZE)) {
    spec.phdrs.forEach((p, i) => writePhdr(dv, Number(phoff) + i * PHDR_SIZE, p));
  }
  for (const b of spec.blobs ?? []) img.set(b.bytes, b.offset);
  return img;
}
