// The vDSO: ecall's own ELF shared object (guest/vdso/, built by guest/Makefile and embedded in
// vdso_images.ts), mapped into every process with the vvar data page right below it, as Linux
// lays out [vvar] and [vdso]. The kernel writes the vvar page (kernel/vdso/vvar.ts); the loader
// only maps both and reports where the symbols the kernel needs ended up.
import { errnoName } from '../abi/errno.js';
import { PAGE_SIZE, PROT_EXEC, PROT_READ } from '../mem/guest_memory.js';
import { type LoadError, noexec } from './elf.js';
import { MAP_ANONYMOUS, MAP_FIXED, MAP_PRIVATE } from './layout.js';
import type { LoaderMm } from './segments.js';
import { VDSO_IMAGES } from './vdso_images.js';

/** The vDSO extensions; each selects the image that has its symbols. */
export interface VdsoExtensions {
  cancel: boolean;
  percpu: boolean;
}

/** Pages of vvar data below the vDSO (guest/vdso/vvar.h: one page). */
export const VVAR_PAGES = 1;

/** Where a process's vDSO is: the vvar page, the image, and the kernel's symbols as addresses. */
export interface VdsoMapping {
  /** Address of the vvar page. */
  vvar: number;
  /** Address of the image's ELF header (AT_SYSINFO_EHDR). */
  base: number;
  sigreturn: number;
  /** The per-CPU operation's critical section, when the image has one. */
  percpu: { start: number; commit: number; end: number } | null;
}

/** Returns the name of the embedded image that has exactly the enabled extensions. */
export function vdsoImageName(ext: VdsoExtensions): string {
  return `vdso${ext.cancel ? '-cancel' : ''}${ext.percpu ? '-percpu' : ''}`;
}

const decoded = new Map<string, Uint8Array>();

/** Returns the bytes of embedded image `name` (decoded once). */
export function vdsoBytes(name: string): Uint8Array {
  let bytes = decoded.get(name);
  if (bytes === undefined) {
    const img = VDSO_IMAGES[name];
    if (img === undefined) throw new Error(`no vDSO image ${name}`);
    const text = atob(img.base64);
    bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    decoded.set(name, bytes);
  }
  return bytes;
}

/**
 * Maps the vvar page (read-only, "[vvar]") and image `name` right above it (read+execute,
 * "[vdso]") wherever mm places them; returns the addresses, or a LoadError.
 */
export function mapVdso(mm: LoaderMm, name: string): VdsoMapping | LoadError {
  const img = VDSO_IMAGES[name];
  if (img === undefined) return noexec(`no vDSO image ${name}`);
  const bytes = vdsoBytes(name);
  const vvarLen = VVAR_PAGES * PAGE_SIZE;
  const imageLen = Math.ceil(bytes.length / PAGE_SIZE) * PAGE_SIZE;
  // One reservation for both, so that they are adjacent, then the image over its upper part.
  const vvar = mm.mmap(0, vvarLen + imageLen, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, null, 0, '[vvar]');
  if (vvar < 0) return noexec(`cannot map the vdso: ${errnoName(-vvar)}`, -vvar);
  const base = vvar + vvarLen;
  const r = mm.mmap(base, imageLen, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, null, 0, '[vdso]');
  if (r < 0) return noexec(`cannot map the vdso: ${errnoName(-r)}`, -r);
  mm.mem.writeForce(base, bytes);
  const s = img.symbols;
  const percpu = s.percpuStart !== undefined && s.percpuCommit !== undefined && s.percpuEnd !== undefined
    ? { start: base + s.percpuStart, commit: base + s.percpuCommit, end: base + s.percpuEnd }
    : null;
  return { vvar, base, sigreturn: base + s.sigreturn, percpu };
}
