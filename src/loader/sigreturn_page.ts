// The "[vdso]" page: not an ELF vDSO, just the rt_sigreturn trampoline that signal delivery puts
// in ra (abi-riscv64.md §3.4). libgcc's unwinder recognises signal frames by these exact words.
import { errnoName } from '../abi/errno.js';
import { PAGE_SIZE, PROT_EXEC, PROT_READ } from '../mem/guest_memory.js';
import { type LoadError, noexec } from './elf.js';
import { MAP_ANONYMOUS, MAP_PRIVATE } from './layout.js';
import type { LoaderMm } from './segments.js';

/** `li a7, 139` (addi a7, zero, __NR_rt_sigreturn) and `ecall`. */
export const SIGRETURN_CODE = [0x08b00893, 0x00000073] as const;
/** Offset of __vdso_rt_sigreturn inside the page. */
export const SIGRETURN_OFFSET = 0;

/** Maps one R+X "[vdso]" page wherever mm places it (after the stack, so top-down placement puts
 *  it below the stack gap) and writes the trampoline; returns the page address or a LoadError. */
export function mapSigreturnPage(mm: LoaderMm): number | LoadError {
  const base = mm.mmap(0, PAGE_SIZE, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, null, 0, '[vdso]');
  if (base < 0) return noexec(`cannot map the vdso page: ${errnoName(-base)}`, -base);
  // The page is read-only to the guest, so checked writes would fault: a forced write, as ptrace does.
  const code = new Uint8Array(4 * SIGRETURN_CODE.length);
  const dv = new DataView(code.buffer);
  SIGRETURN_CODE.forEach((word, i) => dv.setUint32(4 * i, word, true));
  mm.mem.writeForce(base + SIGRETURN_OFFSET, code);
  return base;
}
