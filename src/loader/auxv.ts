// Auxiliary-vector entry types (include/uapi/linux/auxvec.h, arch/riscv/include/uapi/asm/auxvec.h)
// and the riscv64 values ecall reports (abi-riscv64.md §1.4).
import { RSEQ_ALIGN, RSEQ_FEATURE_SIZE } from '../abi/rseq.js';
export const AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7,
  AT_FLAGS = 8, AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14, AT_HWCAP = 16,
  AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25, AT_EXECFN = 31, AT_SYSINFO_EHDR = 33,
  AT_RSEQ_FEATURE_SIZE = 27, AT_RSEQ_ALIGN = 28, AT_MINSIGSTKSZ = 51;

/** Single-letter ISA bits (bit = letter - 'A') for rv64gc = IMAFDC (arch/riscv/include/uapi/asm/hwcap.h). */
export const HWCAP_RV64GC = 0x112d;
/** USER_HZ: the tick rate that times()/clock_t use. */
export const CLKTCK = 100;
/** sizeof(struct rt_sigframe) on riscv64 without the vector extension (abi-riscv64.md §3.1). */
export const MINSIGSTKSZ_RV64 = 1088;
/** Linux ≥ 6.3: offsetofend(struct rseq, mm_cid) and the rseq area's alignment. */
export { RSEQ_ALIGN, RSEQ_FEATURE_SIZE } from '../abi/rseq.js';

/** Inputs that vary per exec. */
export interface AuxvInputs {
  /** Address of the vDSO's ELF header. */
  sysinfoEhdr: number;
  phdr: number;
  phnum: number;
  entry: number;
  uid: number;
  euid: number;
  gid: number;
  egid: number;
  random: number;
  execfn: number;
}

/** Returns the auxv (type, value) pairs in Linux's order (ARCH_DLINFO first: the vDSO, then
 *  AT_MINSIGSTKSZ), ending with AT_NULL. */
export function buildAuxv(a: AuxvInputs): Array<[number, number]> {
  return [
    [AT_SYSINFO_EHDR, a.sysinfoEhdr],
    [AT_MINSIGSTKSZ, MINSIGSTKSZ_RV64],
    [AT_HWCAP, HWCAP_RV64GC],
    [AT_PAGESZ, 4096],
    [AT_CLKTCK, CLKTCK],
    [AT_PHDR, a.phdr],
    [AT_PHENT, 56],
    [AT_PHNUM, a.phnum],
    [AT_BASE, 0],
    [AT_FLAGS, 0],
    [AT_ENTRY, a.entry],
    [AT_UID, a.uid],
    [AT_EUID, a.euid],
    [AT_GID, a.gid],
    [AT_EGID, a.egid],
    [AT_SECURE, 0],
    [AT_RANDOM, a.random],
    [AT_EXECFN, a.execfn],
    [AT_RSEQ_FEATURE_SIZE, RSEQ_FEATURE_SIZE],
    [AT_RSEQ_ALIGN, RSEQ_ALIGN],
    [AT_NULL, 0],
  ];
}
