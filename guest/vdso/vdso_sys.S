/* The vDSO entries that are system calls: the signal trampoline, and getcpu and flush_icache,
 * which Linux's riscv64 vDSO also implements as plain system calls. */

#define NR_rt_sigreturn 139
#define NR_getcpu 168
#define NR_riscv_flush_icache 259

/* Where the interrupted registers lie in struct rt_sigframe (abi-riscv64.md section 3.1): the
 * trampoline runs with sp at the frame, uc_mcontext.sc_regs (pc, then x1..x31) is at 304 and the
 * D-state f0..f31 follows 256 bytes later. */
#define SC_REGS 304
#define SC_FPREGS 256
/* A DWARF column that names no register: it carries the interrupted pc (the return column). */
#define PC_COLUMN 64

	.text
	.option norvc

/* The FDE starts one instruction before __vdso_rt_sigreturn: an unwinder looks up the caller's
 * frame at its return address minus one, which must fall inside this FDE. The 'S' augmentation
 * marks the frame as a signal frame; the CFA is the saved register block, and every register,
 * the pc included, is restored from it. libgcc's fallback (the li a7,139; ecall pattern at the
 * return address) reads the same block. */
	.cfi_startproc
	.cfi_signal_frame
	.cfi_def_cfa sp, SC_REGS
	.cfi_return_column PC_COLUMN
	.cfi_offset PC_COLUMN, 0
	.irp n, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.cfi_offset \n, \n * 8
	.endr
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.cfi_offset \n + 32, SC_FPREGS + \n * 8
	.endr
	nop
	.globl __vdso_rt_sigreturn
	.type __vdso_rt_sigreturn, @function
__vdso_rt_sigreturn:
	li a7, NR_rt_sigreturn
	ecall
	.cfi_endproc
	.size __vdso_rt_sigreturn, . - __vdso_rt_sigreturn

/* int __vdso_getcpu(unsigned *cpu, unsigned *node, void *cache) */
	.globl __vdso_getcpu
	.type __vdso_getcpu, @function
__vdso_getcpu:
	.cfi_startproc
	li a7, NR_getcpu
	ecall
	ret
	.cfi_endproc
	.size __vdso_getcpu, . - __vdso_getcpu

/* int __vdso_flush_icache(void *start, void *end, unsigned long flags) */
	.globl __vdso_flush_icache
	.type __vdso_flush_icache, @function
__vdso_flush_icache:
	.cfi_startproc
	li a7, NR_riscv_flush_icache
	ecall
	ret
	.cfi_endproc
	.size __vdso_flush_icache, . - __vdso_flush_icache
