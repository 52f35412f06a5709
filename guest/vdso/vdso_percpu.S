/* ecall extension "percpu": Andy Lutomirski's "set *A=B and *X=Y if we're on cpu N and *X=Z"
 * (seed 002) as a vDSO function. The kernel knows this function's critical section
 * [__ecall_percpu_start, __ecall_percpu_end): a preemption, migration or signal before the commit
 * store sends the thread back to __ecall_percpu_start, which checks again; a stop at the commit
 * store itself (after *A was stored) is completed by the kernel at once, before anything else runs
 * on that CPU. Both stores are preceded by write probes (amoor with zero changes nothing), so a bad
 * pointer faults before anything is stored: the operation is never half done. No rseq registration
 * is needed. The CPU number comes from ecall's custom user CSR 0xcc0, readable only when the
 * extension is enabled. */

#define CSR_ECALL_CPU 0xcc0
#define EINVAL 22
#define PERCPU_WRONG_CPU 1
#define PERCPU_CHANGED 2

	.text
	.option norvc

/* unsigned int __vdso_percpu_cpu(void): the virtual CPU the thread runs on now. */
	.globl __vdso_percpu_cpu
	.type __vdso_percpu_cpu, @function
__vdso_percpu_cpu:
	.cfi_startproc
	csrr a0, CSR_ECALL_CPU
	ret
	.cfi_endproc
	.size __vdso_percpu_cpu, . - __vdso_percpu_cpu

/* long __vdso_percpu_cmpxchg(unsigned int cpu, uint64_t *x, uint64_t z, uint64_t y,
 *                            uint64_t *a, uint64_t b)
 * On CPU cpu with *x == z: stores *a = b (unless a is NULL), then *x = y, and returns 0.
 * Returns PERCPU_WRONG_CPU (1) on another CPU and PERCPU_CHANGED (2) if *x != z, storing
 * nothing; -EINVAL if x or a is not 8-byte aligned. */
	.globl __vdso_percpu_cmpxchg
	.type __vdso_percpu_cmpxchg, @function
__vdso_percpu_cmpxchg:
	.cfi_startproc
	or t0, a1, a4
	andi t0, t0, 7
	bnez t0, 3f
	slli a0, a0, 32
	srli a0, a0, 32
__ecall_percpu_start:
	csrr t1, CSR_ECALL_CPU
	bne t1, a0, 1f
	amoor.d t2, zero, (a1)
	bne t2, a2, 2f
	beqz a4, __ecall_percpu_commit
	amoor.d zero, zero, (a4)
	sd a5, 0(a4)
__ecall_percpu_commit:
	sd a3, 0(a1)
__ecall_percpu_end:
	li a0, 0
	ret
1:	li a0, PERCPU_WRONG_CPU
	ret
2:	li a0, PERCPU_CHANGED
	ret
3:	li a0, -EINVAL
	ret
	.cfi_endproc
	.size __vdso_percpu_cmpxchg, . - __vdso_percpu_cmpxchg
