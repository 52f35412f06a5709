// loadElf: builds a fresh process image (segments, the PT_INTERP interpreter, brk, stack, vDSO)
// in an empty Mm.
import { ELIBBAD, ENOMEM, errnoName } from '../abi/errno.js';
import { GuestFaultError, PROT_NONE } from '../mem/guest_memory.js';
import type { MmapFile } from '../mem/mm.js';
import { type ElfInfo, type LoadError, ET_DYN, interpPath, isLoadError, noexec, parseElf } from './elf.js';
import { type ArgString, setupStack } from './initial_stack.js';
import { ELF_ET_DYN_BASE, MAP_ANONYMOUS, MAP_PRIVATE, STATIC_PIE_BASE } from './layout.js';
import { type Layout, type LoaderMm, imageFile, loadSpan, mapSegments, planLayout } from './segments.js';
import { mapVdso, vdsoImageName, type VdsoMapping } from './vdso_image.js';

export type { LoadError } from './elf.js';
export { isLoadError, elfBytesNeeded } from './elf.js';
export type { LoaderMm } from './segments.js';
export type { ArgString } from './initial_stack.js';
export { STACK_TOP, STACK_SIZE, STACK_BOTTOM, STACK_EXPAND, STATIC_PIE_BASE, ELF_ET_DYN_BASE, MMAP_RND_BITS } from './layout.js';
export { checkArgs } from './initial_stack.js';
export { mapVdso, vdsoBytes, vdsoImageName, type VdsoExtensions, type VdsoMapping, VVAR_PAGES } from './vdso_image.js';

/**
 * Makes a mapping source for the pages of an image file: each call returns a new MmapFile (each
 * mapping's release() is its own), all reading the same file. Mappings read pages on first touch.
 */
export type ImageSource = () => MmapFile;

/** The program interpreter (PT_INTERP) as the kernel read it from the guest's file system. */
export interface InterpImage {
  /** Its first bytes (at least elfBytesNeeded of them), or the whole file. */
  image: Uint8Array;
  /** The file's size (default image.length) and where its pages come from (default: image). */
  size?: number;
  source?: ImageSource;
  /** Its guest path (for /proc/self/maps) and identity. */
  path: string;
  dev?: number;
  ino?: number;
}

export interface LoadOptions {
  /** The program file's size (default: the image's length; the image may hold only its first
   *  bytes, at least elfBytesNeeded of them) and where its pages come from (default: the image). */
  fileSize?: number;
  source?: ImageSource;
  argv: ArgString[];
  envp: ArgString[];
  /** AT_EXECFN string: the path as given to execve. */
  execfn: ArgString;
  /** 16 bytes for AT_RANDOM (take them from the host, so deterministic mode can seed them). */
  random: Uint8Array;
  uid: number;
  gid: number;
  euid: number;
  egid: number;
  /** Identity of the executable in /proc/self/maps (defaults: execfn, dev 0, ino 0). */
  exePath?: string;
  dev?: number;
  ino?: number;
  /** The vDSO image to map (vdsoImageName; default: the one without extensions). */
  vdso?: string;
  /** The interpreter named by the program's PT_INTERP; required for a dynamic program. */
  interp?: InterpImage;
  /** Page-aligned random offset added to an ET_DYN program's base (ASLR; default 0). */
  randomOffset?: number;
  /** AT_SECURE: the exec changed the effective ids. */
  secure?: boolean;
}

export interface LoadResult {
  /** Initial pc: the interpreter's entry for a dynamic program, else the program's. */
  entry: number;
  /** Initial sp: the address of argc. */
  sp: number;
  /** Initial program break (page-aligned end of the image). */
  brk: number;
  /** Guest address of the program headers (AT_PHDR). */
  phdr: number;
  /** The program's own entry (AT_ENTRY). */
  progEntry: number;
  /** Load address of the interpreter (AT_BASE), or 0. */
  interpBase: number;
  /** Where the vDSO and its vvar page are (signal delivery puts vdso.sigreturn in ra). */
  vdso: VdsoMapping;
}

/** Returns the ELF's PT_INTERP path (null for a static program) or the LoadError that makes it
 *  unloadable: what the kernel needs to know before it opens the interpreter. */
export function elfInterp(image: Uint8Array, fileSize: number = image.length): string | null | LoadError {
  const elf = parseElf(image, fileSize);
  return isLoadError(elf) ? elf : interpPath(image, elf, fileSize);
}

/** Loads a riscv64 ELF image (and, for a dynamic program, its interpreter) into mm, which must be
 *  fresh; returns the entry state or a one-line LoadError. Never throws on malformed input. On
 *  error mm is half-built: discard it. */
export function loadElf(mm: LoaderMm, image: Uint8Array, opts: LoadOptions): LoadResult | LoadError {
  const fileSize = opts.fileSize ?? image.length;
  const elf = parseElf(image, fileSize);
  if (isLoadError(elf)) return elf;
  if (elf.interp !== null && opts.interp === undefined) {
    return noexec(`dynamically linked (needs ${elf.interp}), and no interpreter was given`);
  }
  let interp: { elf: ElfInfo; img: InterpImage } | null = null;
  if (elf.interp !== null && opts.interp !== undefined) {
    const ie = parseElf(opts.interp.image, opts.interp.size ?? opts.interp.image.length);
    // Linux refuses an interpreter that is not an ELF for this machine with ELIBBAD.
    if (isLoadError(ie)) return noexec(`bad interpreter ${elf.interp}: ${ie.error}`, ELIBBAD);
    interp = { elf: ie, img: opts.interp };
  }
  const offset = opts.randomOffset ?? 0;
  const layout = planLayout(elf, fileSize, (interp !== null ? ELF_ET_DYN_BASE : STATIC_PIE_BASE) + offset);
  if (isLoadError(layout)) return layout;
  try {
    return buildImage(mm, image, opts, elf.phnum, layout, interp);
  } catch (e) {
    // The image's pages could not be brought in: the machine is out of frames.
    if (e instanceof GuestFaultError) return noexec('out of memory while loading the image', ENOMEM);
    throw e;
  }
}

/**
 * Maps the interpreter wherever mm's top-down placement puts an mmap of its size (as Linux maps an
 * ET_DYN interpreter; an ET_EXEC one stays at its link address); returns its layout or a LoadError.
 */
function mapInterp(mm: LoaderMm, ie: ElfInfo, img: InterpImage): Layout | LoadError {
  let base = STATIC_PIE_BASE;
  if (ie.type === ET_DYN) {
    const span = loadSpan(ie);
    if (span === 0) return noexec('interpreter has no loadable segments', ELIBBAD);
    const at = mm.mmap(0, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, null, 0);
    if (at < 0) return noexec(`cannot place the interpreter: ${errnoName(-at)}`, -at);
    mm.munmap(at, span);
    base = at;
  }
  const layout = planLayout(ie, img.size ?? img.image.length, base);
  if (isLoadError(layout)) return noexec(`interpreter ${img.path}: ${layout.error}`, ELIBBAD);
  const source = img.source ?? ((): MmapFile => imageFile(img.image, img.path, img.dev ?? 0, img.ino ?? 0));
  const mapped = mapSegments(mm, layout, source, false);
  return mapped ?? layout;
}

/** Maps the segments, the interpreter, the vDSO and the stack of a validated image; throws
 *  GuestFaultError when out of frames. */
function buildImage(mm: LoaderMm, image: Uint8Array, opts: LoadOptions, phnum: number, layout: Layout,
  interp: { elf: ElfInfo; img: InterpImage } | null): LoadResult | LoadError {
  const execfnText = typeof opts.execfn === 'string' ? opts.execfn : new TextDecoder().decode(opts.execfn);
  const source = opts.source ?? ((): MmapFile => imageFile(image, opts.exePath ?? execfnText, opts.dev ?? 0, opts.ino ?? 0));
  const mapped = mapSegments(mm, layout, source);
  if (mapped) return mapped;
  let entry = layout.entry, interpBase = 0;
  if (interp !== null) {
    const il = mapInterp(mm, interp.elf, interp.img);
    if (isLoadError(il)) return il;
    entry = il.entry;
    interpBase = il.bias; // Linux's AT_BASE is the interpreter's load bias (0 for an ET_EXEC one)
  }
  // The vDSO before the stack, whose auxv names it (top-down placement puts it below mmap_base,
  // so the order does not change where either lands).
  const vdso = mapVdso(mm, opts.vdso ?? vdsoImageName({ cancel: false, percpu: false }));
  if (isLoadError(vdso)) return vdso;
  const sp = setupStack(mm, {
    argv: opts.argv, envp: opts.envp, execfn: opts.execfn, random: opts.random,
    aux: {
      sysinfoEhdr: vdso.base, phdr: layout.phdr, phnum, entry: layout.entry, base: interpBase, secure: opts.secure ? 1 : 0,
      uid: opts.uid, euid: opts.euid, gid: opts.gid, egid: opts.egid,
    },
  });
  if (isLoadError(sp)) return sp;
  return { entry, sp, brk: layout.brk, phdr: layout.phdr, progEntry: layout.entry, interpBase, vdso };
}
