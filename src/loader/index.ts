// loadElf: builds a fresh process image (segments, brk, stack, vDSO) in an empty Mm.
import { ENOMEM } from '../abi/errno.js';
import { GuestFaultError } from '../mem/guest_memory.js';
import { type LoadError, isLoadError, noexec, parseElf } from './elf.js';
import { type ArgString, setupStack } from './initial_stack.js';
import { type Layout, type LoaderMm, imageFile, mapSegments, planLayout } from './segments.js';
import { mapVdso, vdsoImageName, type VdsoMapping } from './vdso_image.js';

export type { LoadError } from './elf.js';
export { isLoadError } from './elf.js';
export type { LoaderMm } from './segments.js';
export type { ArgString } from './initial_stack.js';
export { STACK_TOP, STACK_SIZE, STACK_BOTTOM, STACK_EXPAND, STATIC_PIE_BASE } from './layout.js';
export { mapVdso, vdsoBytes, vdsoImageName, type VdsoExtensions, type VdsoMapping, VVAR_PAGES } from './vdso_image.js';

export interface LoadOptions {
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
}

export interface LoadResult {
  /** Initial pc. */
  entry: number;
  /** Initial sp: the address of argc. */
  sp: number;
  /** Initial program break (page-aligned end of the image). */
  brk: number;
  /** Guest address of the program headers (AT_PHDR). */
  phdr: number;
  /** Where the vDSO and its vvar page are (signal delivery puts vdso.sigreturn in ra). */
  vdso: VdsoMapping;
}

/** Loads a static riscv64 ELF image into mm (which must be fresh); returns the entry state or a
 *  one-line LoadError. Never throws on malformed input. On error mm is half-built: discard it. */
export function loadElf(mm: LoaderMm, image: Uint8Array, opts: LoadOptions): LoadResult | LoadError {
  const elf = parseElf(image);
  if (isLoadError(elf)) return elf;
  if (elf.interp !== null) {
    return noexec(`dynamically linked (needs ${elf.interp}); only static binaries are supported`);
  }
  const layout = planLayout(elf, image.length);
  if (isLoadError(layout)) return layout;
  try {
    return buildImage(mm, image, opts, elf.phnum, layout);
  } catch (e) {
    // The image's pages could not be brought in: the machine is out of frames.
    if (e instanceof GuestFaultError) return noexec('out of memory while loading the image', ENOMEM);
    throw e;
  }
}

/** Maps the segments, the vDSO and the stack of a validated image; throws GuestFaultError when out of frames. */
function buildImage(mm: LoaderMm, image: Uint8Array, opts: LoadOptions, phnum: number, layout: Layout): LoadResult | LoadError {
  const execfnText = typeof opts.execfn === 'string' ? opts.execfn : new TextDecoder().decode(opts.execfn);
  const file = imageFile(image, opts.exePath ?? execfnText, opts.dev ?? 0, opts.ino ?? 0);
  const mapped = mapSegments(mm, layout, file);
  if (mapped) return mapped;
  // The vDSO before the stack, whose auxv names it (top-down placement puts it below mmap_base,
  // so the order does not change where either lands).
  const vdso = mapVdso(mm, opts.vdso ?? vdsoImageName({ cancel: false, percpu: false }));
  if (isLoadError(vdso)) return vdso;
  const sp = setupStack(mm, {
    argv: opts.argv, envp: opts.envp, execfn: opts.execfn, random: opts.random,
    aux: {
      sysinfoEhdr: vdso.base, phdr: layout.phdr, phnum, entry: layout.entry,
      uid: opts.uid, euid: opts.euid, gid: opts.gid, egid: opts.egid,
    },
  });
  if (isLoadError(sp)) return sp;
  return { entry: layout.entry, sp, brk: layout.brk, phdr: layout.phdr, vdso };
}
