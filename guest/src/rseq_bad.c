/* A critical section whose descriptor or area is bad kills the thread with SIGSEGV the next time
 * the kernel looks at it (abi-riscv64.md §4.3 step 2 and 4): here a timer signal arrives while the
 * thread spins inside the section. Usage: rseq_bad MODE, where MODE is one of
 *   ok            a valid descriptor: the signal aborts the section (exit 0)
 *   badsig        the 4 bytes before abort_ip are not the registered signature
 *   version       rseq_cs.version is 1
 *   abort-inside  abort_ip lies inside [start_ip, start_ip + post_commit_offset)
 *   csflags       rseq_cs.flags has RSEQ_CS_FLAG_NO_RESTART_ON_PREEMPT (deprecated)
 *   rseqflags     struct rseq's flags has RSEQ_CS_FLAG_NO_RESTART_ON_PREEMPT
 *   bigptr        rseq_cs points beyond the user address space
 * Each bad mode dies of SIGSEGV (status 139 from a shell). Portable to x86_64. */
#include "../include/rseq_lib.h"
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

/* spin_in(area, cs): stores cs into area->rseq_cs and spins at spin_start for ever; an abort to
 * good_abort or wrong_abort returns 1. */
extern int spin_in(struct rs_area *rs, const struct rs_cs *cs);
extern const char spin_start[], spin_end[], good_abort[], wrong_abort[];
#if defined(__riscv)
__asm__(".text\n"
	".globl spin_in, spin_start, spin_end\n"
	"spin_in: sd a1, 8(a0)\n"
	"spin_start: j spin_start\n"
	"spin_end: ret\n"
	".pushsection __rseq_failure, \"ax\"\n"
	".option push\n.option norvc\n"
	".globl good_abort, wrong_abort\n"
	RS_SIG_ASM
	"good_abort: li a0, 1\n ret\n"
	".long 0x12345678\n"
	"wrong_abort: li a0, 1\n ret\n"
	".option pop\n"
	".popsection\n");
#else
__asm__(".text\n"
	".globl spin_in, spin_start, spin_end\n"
	"spin_in: movq %rsi, 8(%rdi)\n"
	"spin_start: jmp spin_start\n"
	"spin_end: ret\n"
	".pushsection __rseq_failure, \"ax\"\n"
	".globl good_abort, wrong_abort\n"
	RS_SIG_ASM
	"good_abort: movl $1, %eax\n ret\n"
	".byte 0x0f, 0xb9, 0x3d\n.long 0x12345678\n"
	"wrong_abort: movl $1, %eax\n ret\n"
	".popsection\n");
#endif

static void on_alarm(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "ok";
	struct rs_area *rs = rs_thread_area();
	if (!rs) { perror("rseq"); return 1; }
	static struct rs_cs cs;
	cs.start_ip = (uintptr_t)spin_start;
	cs.post_commit_offset = (uintptr_t)spin_end - (uintptr_t)spin_start;
	cs.abort_ip = (uintptr_t)good_abort;
	const struct rs_cs *p = &cs;
	if (strcmp(mode, "badsig") == 0) cs.abort_ip = (uintptr_t)wrong_abort;
	else if (strcmp(mode, "version") == 0) cs.version = 1;
	else if (strcmp(mode, "abort-inside") == 0) cs.abort_ip = (uintptr_t)spin_start;
	else if (strcmp(mode, "csflags") == 0) cs.flags = 1;
	else if (strcmp(mode, "rseqflags") == 0) rs->flags = 1;
	else if (strcmp(mode, "bigptr") == 0) p = (const struct rs_cs *)(uintptr_t)0xffffffffffffff00ULL;
	else if (strcmp(mode, "ok") != 0) { fprintf(stderr, "rseq_bad: unknown mode %s\n", mode); return 2; }
	printf("%s: entering the section\n", mode);
	fflush(stdout);
	signal(SIGALRM, on_alarm);
	struct itimerval it = { { 0, 0 }, { 0, 2000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	int r = spin_in(rs, p);
	rs->flags = 0;
	printf("%s: the signal aborted the section (%d)\n", mode, r);
	return 0;
}
