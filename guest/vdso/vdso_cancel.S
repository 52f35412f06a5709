/* ecall extension "cancel": Andy Lutomirski's AT_SYSINFO cancellation helpers (seed 003), for
 * riscv64. A libc makes its cancellable system calls through __vdso_cancellable_syscall; its
 * cancellation signal handler asks __vdso_cancel_pending_syscall whether the interrupted context
 * is inside the thunk's window, which ends at (and includes) the ecall instruction, and, if so,
 * has it rewrite the context to return -EINTR without making the call: musl's design, without the
 * libc knowing the vDSO's layout or reading its unwind tables. */

#define EINTR 4
#define EINVAL 22
/* ucontext_t offsets (abi-riscv64.md section 3.1): uc_mcontext.__gregs[0] is the pc, [10] is a0. */
#define UC_PC 176
#define UC_A0 (176 + 10 * 8)
#define CANCEL_ABORT 1

	.text
	.option norvc

/* long __vdso_cancellable_syscall(long nr, long a0, long a1, long a2, long a3, long a4, long a5,
 *                                 const volatile int *cancel)
 * If cancel is not NULL and *cancel is non-zero, returns -EINTR without making the call;
 * otherwise makes system call nr and returns its result. Touches neither ra nor the stack, so a
 * context rewritten to __ecall_cancel_end returns to the caller. */
	.globl __vdso_cancellable_syscall
	.type __vdso_cancellable_syscall, @function
__vdso_cancellable_syscall:
	.cfi_startproc
__ecall_cancel_begin:
	beqz a7, 1f
	lw t0, 0(a7)
	bnez t0, 2f
1:	mv a7, a0
	mv a0, a1
	mv a1, a2
	mv a2, a3
	mv a3, a4
	mv a4, a5
	mv a5, a6
__ecall_cancel_ecall:
	ecall
__ecall_cancel_end:
	ret
2:	li a0, -EINTR
	ret
	.cfi_endproc
	.size __vdso_cancellable_syscall, . - __vdso_cancellable_syscall

/* long __vdso_cancel_pending_syscall(void *uc, unsigned long flags)
 * uc is a signal handler's third argument. Returns 1 if the interrupted pc is in
 * [__ecall_cancel_begin, __ecall_cancel_ecall]: the system call has not started, or was stopped
 * and set to restart with nothing done; with CANCEL_ABORT (1) in flags it then sets the context's
 * pc to the thunk's return and its a0 to -EINTR. Returns 0 when the context is elsewhere (the call
 * completed, or returned -EINTR or a partial result itself), -EINVAL for unknown flags. */
	.globl __vdso_cancel_pending_syscall
	.type __vdso_cancel_pending_syscall, @function
__vdso_cancel_pending_syscall:
	.cfi_startproc
	andi t0, a1, ~CANCEL_ABORT
	bnez t0, 3f
	ld t1, UC_PC(a0)
	lla t2, __ecall_cancel_begin
	lla t3, __ecall_cancel_end
	bltu t1, t2, 2f
	bgeu t1, t3, 2f
	beqz a1, 1f
	sd t3, UC_PC(a0)
	li t4, -EINTR
	sd t4, UC_A0(a0)
1:	li a0, 1
	ret
2:	li a0, 0
	ret
3:	li a0, -EINVAL
	ret
	.cfi_endproc
	.size __vdso_cancel_pending_syscall, . - __vdso_cancel_pending_syscall
