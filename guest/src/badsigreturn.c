/* badsigreturn: calls rt_sigreturn outside any signal handler with sp pointing at unmapped
 * memory. The kernel cannot read a frame there, so it must kill the process with SIGSEGV
 * (status 139) rather than resume with garbage registers. */
#include <stdio.h>
#include <sys/syscall.h>

/* Low addresses are never mapped (vm.mmap_min_addr); a "frame" here cannot be read. */
#define GARBAGE_SP 0x1000

int main(void)
{
	printf("calling rt_sigreturn with sp = %#x\n", GARBAGE_SP);
	fflush(stdout);
	__asm__ volatile("li sp, %0\n"
			 "li a7, %1\n"
			 "ecall\n"
			 :
			 : "i"(GARBAGE_SP), "i"(SYS_rt_sigreturn)
			 : "memory");
	printf("rt_sigreturn returned (wrong)\n");
	return 0;
}
