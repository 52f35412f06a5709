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

/** Returns an ELF image built from spec (little-endian fields, riscv64 defaults). */
export function buildElf(spec: ElfSpec): Uint8Array {
  const phoff = BigInt(spec.phoff ?? EHDR_SIZE);
  const phTableEnd = phoff < 1n << 32n ? Number(phoff) + spec.phdrs.length * PHDR_SIZE : EHDR_SIZE;
  let size = Math.max(EHDR_SIZE, phTableEnd, spec.size ?? 0);
  for (const b of spec.blobs ?? []) size = Math.max(size, b.offset + b.bytes.length);
  const img = new Uint8Array(size);
  const dv = new DataView(img.buffer);
  img.set([0x7f, 0x45, 0x4c, 0x46, spec.cls ?? ELFCLASS64, spec.data ?? ELFDATA2LSB, 1 /* EV_CURRENT */]);
  dv.setUint16(16, spec.type ?? ET_EXEC, true);
  dv.setUint16(18, spec.machine ?? EM_RISCV, true);
  dv.setUint32(20, 1, true);
  dv.setBigUint64(24, BigInt(spec.entry), true);
  dv.setBigUint64(32, phoff, true);
  dv.setUint32(48, 0x5, true); // EF_RISCV_RVC | EF_RISCV_FLOAT_ABI_DOUBLE
  dv.setUint16(52, EHDR_SIZE, true);
  dv.setUint16(54, spec.phentsize ?? PHDR_SIZE, true);
  dv.setUint16(56, spec.phnum ?? spec.phdrs.length, true);
  if (phTableEnd > EHDR_SIZE || phoff === BigInt(EHDR_SIZE)) {
    spec.phdrs.forEach((p, i) => {
      const o = Number(phoff) + i * PHDR_SIZE;
      dv.setUint32(o, p.type ?? PT_LOAD, true);
      dv.setUint32(o + 4, p.flags, true);
      dv.setBigUint64(o + 8, BigInt(p.offset), true);
      dv.setBigUint64(o + 16, BigInt(p.vaddr), true);
      dv.setBigUint64(o + 24, BigInt(p.vaddr), true);
      dv.setBigUint64(o + 32, BigInt(p.filesz), true);
      dv.setBigUint64(o + 40, BigInt(p.memsz), true);
      dv.setBigUint64(o + 48, BigInt(p.align ?? 0x1000), true);
    });
  }
  for (const b of spec.blobs ?? []) img.set(b.bytes, b.offset);
  return img;
}
