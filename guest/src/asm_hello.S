/* asm_hello: no libc. _start reads argc from the initial stack, writes a greeting and the argc
 * digit with raw write(2) calls, checks that an invalid fd gives -EBADF, and exits with exit_group(7). */
	.file "asm_hello.S"
#define SYS_write 64
#define SYS_exit_group 94
#define EBADF 9

	.section .rodata
greeting:
	.ascii "hello from assembly, argc="
greeting_end:
ebadf_ok:
	.ascii "write(-1) returned -EBADF\n"
ebadf_ok_end:
ebadf_bad:
	.ascii "write(-1) returned something else\n"
ebadf_bad_end:
	.equ GREETING_LEN, greeting_end - greeting
	.equ EBADF_OK_LEN, ebadf_ok_end - ebadf_ok
	.equ EBADF_BAD_LEN, ebadf_bad_end - ebadf_bad

	.bss
digit:
	.skip 2

	.text
	.globl _start
_start:
	ld	s0, 0(sp)		/* argc */
	li	a0, 1
	la	a1, greeting
	li	a2, GREETING_LEN
	li	a7, SYS_write
	ecall
	la	a1, digit
	addi	t0, s0, '0'
	sb	t0, 0(a1)
	li	t0, '\n'
	sb	t0, 1(a1)
	li	a0, 1
	li	a2, 2
	li	a7, SYS_write
	ecall
	li	a0, -1
	la	a1, digit
	li	a2, 1
	li	a7, SYS_write
	ecall
	li	t0, -EBADF
	la	a1, ebadf_ok
	li	a2, EBADF_OK_LEN
	beq	a0, t0, 1f
	la	a1, ebadf_bad
	li	a2, EBADF_BAD_LEN
1:	li	a0, 1
	li	a7, SYS_write
	ecall
	li	a0, 7
	li	a7, SYS_exit_group
	ecall
	ebreak
