// ELF64 header and program-header parsing for the loader. Every read is bounds-checked and
// every 64-bit field is read as a bigint, so no input can throw or lose precision.
// Field offsets and constants: include/uapi/linux/elf.h, elf(5).
import { ENOEXEC } from '../abi/errno.js';

export const ELFMAG = [0x7f, 0x45, 0x4c, 0x46]; // "\x7fELF"
export const EI_CLASS = 4, EI_DATA = 5;
export const ELFCLASS32 = 1, ELFCLASS64 = 2;
export const ELFDATA2LSB = 1, ELFDATA2MSB = 2;
export const ET_REL = 1, ET_EXEC = 2, ET_DYN = 3, ET_CORE = 4;
export const EM_RISCV = 243;
export const PT_NULL = 0, PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_NOTE = 4, PT_PHDR = 6, PT_TLS = 7;
export const PT_GNU_STACK = 0x6474e551;
export const PF_X = 1, PF_W = 2, PF_R = 4;

/** sizeof(Elf64_Ehdr). */
export const EHDR_SIZE = 64;
/** sizeof(Elf64_Phdr); Linux rejects any other e_phentsize. */
export const PHDR_SIZE = 56;
/** Linux refuses program-header tables larger than 64 KiB (fs/binfmt_elf.c), i.e. 1170 entries. */
export const MAX_PHNUM = Math.floor(65536 / PHDR_SIZE);
/** Longest PT_INTERP path we quote in an error message (PATH_MAX). */
const MAX_INTERP_LEN = 4096;

/** Why a load failed: a one-line message (the CLI prefixes "ecall: <path>: "), the shell-style
 *  exit status (126 cannot execute, 127 not found) and the errno execve(2) would return. */
export interface LoadError {
  error: string;
  exitCode: 126 | 127;
  errno: number;
}

/** One program header, with 64-bit fields kept as bigints. */
export interface Phdr {
  type: number;
  flags: number;
  offset: bigint;
  vaddr: bigint;
  filesz: bigint;
  memsz: bigint;
  align: bigint;
}

/** The parts of an ELF file the loader needs. */
export interface ElfInfo {
  type: number;
  entry: bigint;
  phoff: bigint;
  phnum: number;
  phdrs: Phdr[];
  /** PT_INTERP path, or null for a static binary. */
  interp: string | null;
}

/** Returns a LoadError that means "cannot execute" (ENOEXEC, exit status 126). */
export function noexec(error: string, errno = ENOEXEC): LoadError {
  return { error, exitCode: 126, errno };
}

/** Returns true if v is a LoadError rather than a successful result. */
export function isLoadError(v: unknown): v is LoadError {
  return typeof v === 'object' && v !== null && typeof (v as LoadError).error === 'string';
}

const MACHINE_NAMES: Record<number, string> = {
  3: 'i386', 8: 'MIPS', 20: 'PowerPC', 21: 'PowerPC64', 22: 's390', 40: 'ARM', 62: 'x86-64',
  183: 'AArch64', 258: 'LoongArch',
};

const ET_NAMES: Record<number, string> = {
  [ET_REL]: 'a relocatable object (ET_REL)', [ET_CORE]: 'a core file (ET_CORE)',
};

/**
 * Returns how many bytes from the start of a file of fileSize bytes parseElf and interpPath need
 * to see, given its first bytes `head`: the header, then the program headers, then the PT_INTERP
 * path, as far as head shows them (call again after reading more). Never more than fileSize;
 * head.length when nothing more is needed or the file is not a well-formed ELF.
 */
export function elfBytesNeeded(head: Uint8Array, fileSize: number): number {
  let need = Math.min(EHDR_SIZE, fileSize);
  if (head.length < need || need < EHDR_SIZE) return Math.max(head.length, need);
  for (let i = 0; i < 4; i++) if (head[i] !== ELFMAG[i]) return head.length;
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const phoff = dv.getBigUint64(32, true), phentsize = dv.getUint16(54, true), phnum = dv.getUint16(56, true);
  if (phentsize !== PHDR_SIZE || phnum === 0 || phnum > MAX_PHNUM) return head.length;
  const tableEnd = phoff + BigInt(phnum * PHDR_SIZE);
  if (tableEnd > BigInt(fileSize)) return head.length;
  need = Number(tableEnd);
  if (head.length < need) return need;
  for (let o = Number(phoff); o < need; o += PHDR_SIZE) {
    if (dv.getUint32(o, true) !== PT_INTERP) continue;
    const off = dv.getBigUint64(o + 8, true), filesz = dv.getBigUint64(o + 32, true);
    const len = filesz > BigInt(MAX_INTERP_LEN) ? BigInt(MAX_INTERP_LEN) : filesz;
    if (off < BigInt(fileSize)) need = Math.max(need, Math.min(fileSize, Number(off + len)));
    break;
  }
  return Math.max(head.length, need);
}

/**
 * Returns the parsed header and program headers of image, or a LoadError; never throws. image
 * holds the file's first bytes (at least elfBytesNeeded of them, or the whole file); fileSize is
 * the whole file's length.
 */
export function parseElf(image: Uint8Array, fileSize: number = image.length): ElfInfo | LoadError {
  if (image.length === 0) return noexec('empty file: not an ELF executable');
  for (let i = 0; i < 4; i++) {
    if (image[i] !== ELFMAG[i]) {
      if (image[0] === 0x23 && image[1] === 0x21) {
        return noexec('is a script (#!), not an ELF executable; only ELF binaries are supported');
      }
      return noexec('not an ELF executable (bad magic)');
    }
  }
  if (image.length < EHDR_SIZE) return noexec(`truncated ELF header (${image.length} of ${EHDR_SIZE} bytes)`);
  const cls = image[EI_CLASS]!;
  if (cls === ELFCLASS32) return noexec('32-bit ELF (ELFCLASS32); only riscv64 ELFCLASS64 is supported');
  if (cls !== ELFCLASS64) return noexec(`bad ELF class ${cls}`);
  const data = image[EI_DATA]!;
  if (data === ELFDATA2MSB) return noexec('big-endian ELF (ELFDATA2MSB); riscv64 is little-endian');
  if (data !== ELFDATA2LSB) return noexec(`bad ELF data encoding ${data}`);

  const dv = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const type = dv.getUint16(16, true);
  const machine = dv.getUint16(18, true);
  if (machine !== EM_RISCV) {
    const name = MACHINE_NAMES[machine];
    return noexec(`wrong machine: e_machine ${machine}${name ? ` (${name})` : ''}, expected ${EM_RISCV} (RISC-V)`);
  }
  if (type !== ET_EXEC && type !== ET_DYN) {
    return noexec(`not an executable: ${ET_NAMES[type] ?? `e_type ${type}`}`);
  }
  const entry = dv.getBigUint64(24, true);
  const phoff = dv.getBigUint64(32, true);
  const phentsize = dv.getUint16(54, true);
  const phnum = dv.getUint16(56, true);
  if (phentsize !== PHDR_SIZE) return noexec(`bad e_phentsize ${phentsize} (expected ${PHDR_SIZE})`);
  if (phnum === 0) return noexec('no program headers (e_phnum 0)');
  if (phnum > MAX_PHNUM) return noexec(`too many program headers (e_phnum ${phnum}, limit ${MAX_PHNUM})`);
  const tableEnd = phoff + BigInt(phnum * PHDR_SIZE);
  if (tableEnd > BigInt(fileSize)) {
    return noexec(`program headers outside the file (e_phoff 0x${phoff.toString(16)}, file size ${fileSize})`);
  }
  if (tableEnd > BigInt(image.length)) return noexec('program headers could not be read');

  const phdrs: Phdr[] = [];
  let interp: string | null = null;
  const base = Number(phoff);
  for (let i = 0; i < phnum; i++) {
    const o = base + i * PHDR_SIZE;
    const ph: Phdr = {
      type: dv.getUint32(o, true),
      flags: dv.getUint32(o + 4, true),
      offset: dv.getBigUint64(o + 8, true),
      vaddr: dv.getBigUint64(o + 16, true),
      filesz: dv.getBigUint64(o + 32, true),
      memsz: dv.getBigUint64(o + 40, true),
      align: dv.getBigUint64(o + 48, true),
    };
    phdrs.push(ph);
    if (ph.type === PT_INTERP && interp === null) interp = readInterp(image, ph);
  }
  return { type, entry, phoff, phnum, phdrs, interp };
}

/**
 * Returns the path PT_INTERP names, as a byte string, for opening it: Linux requires the segment to
 * lie in the file, hold at most PATH_MAX bytes and end in a NUL (else ENOEXEC). null: no PT_INTERP.
 */
export function interpPath(image: Uint8Array, elf: ElfInfo, fileSize: number = image.length): string | null | LoadError {
  const ph = elf.phdrs.find((p) => p.type === PT_INTERP);
  if (ph === undefined) return null;
  if (ph.filesz < 2n || ph.filesz > BigInt(MAX_INTERP_LEN) || ph.offset > BigInt(fileSize) - ph.filesz) {
    return noexec(`bad PT_INTERP segment (${ph.filesz} bytes at offset 0x${ph.offset.toString(16)})`);
  }
  const bytes = image.subarray(Number(ph.offset), Number(ph.offset + ph.filesz));
  if (bytes[bytes.length - 1] !== 0) return noexec('PT_INTERP path is not NUL-terminated');
  let s = '';
  for (let i = 0; i < bytes.length - 1 && bytes[i] !== 0; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

/** Returns the PT_INTERP path (bounded, NUL stripped), or "?" if it lies outside the file. */
function readInterp(image: Uint8Array, ph: Phdr): string {
  if (ph.offset >= BigInt(image.length)) return '?';
  const start = Number(ph.offset);
  const len = ph.filesz > BigInt(MAX_INTERP_LEN) ? MAX_INTERP_LEN : Number(ph.filesz);
  const bytes = image.subarray(start, Math.min(image.length, start + len));
  const nul = bytes.indexOf(0);
  const text = new TextDecoder().decode(nul >= 0 ? bytes.subarray(0, nul) : bytes);
  // One-line messages: control characters from a hostile file must not break the line.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x1f\x7f]/g, '?') || '?';
}
