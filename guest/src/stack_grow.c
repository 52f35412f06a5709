/* stack_grow: the main stack grows on demand up to RLIMIT_STACK (8 MiB here): recursion 7 MiB
 * deep works, and going past the limit is SIGSEGV (caught on an alternate stack). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define KiB 1024l
#define MiB (1024 * KiB)
/* Stack bytes each recursion level takes (its frame holds a buffer of this size). */
#define FRAME (64 * KiB)

static char *top;
static volatile long deepest;

/* Recurses until `depth` bytes of stack below `top` are in use; returns a checksum of the frames. */
static long __attribute__((noinline)) dive(long depth)
{
	volatile char buf[FRAME];
	long used = top - (char *)buf;
	memset((char *)buf, (int)((used >> 16) & 0x7f), sizeof buf);
	if (used > deepest) deepest = used;
	if (used >= depth) return buf[0];
	return dive(depth) + buf[FRAME - 1];
}

static void on_segv(int sig)
{
	(void)sig;
	/* deepest is in whole frames; the fault came within one frame of the limit. */
	printf("SIGSEGV past the limit: deepest frame at %s\n",
		deepest > 7 * MiB && deepest <= 8 * MiB ? "7..8 MiB" : "an unexpected depth");
	fflush(stdout);
	_exit(0);
}

int main(void)
{
	struct rlimit rl = { 8 * MiB, RLIM_INFINITY };
	getrlimit(RLIMIT_STACK, &rl);
	rl.rlim_cur = 8 * MiB;
	setrlimit(RLIMIT_STACK, &rl);
	char here;
	top = &here;
	long sum = dive(7 * MiB);
	printf("recursed 7 MiB deep: checksum %ld\n", sum);

	static char alt[64 * 1024];
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0 };
	sigaltstack(&ss, NULL);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_segv;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGSEGV, &sa, NULL);
	dive(16 * MiB);
	printf("recursed 16 MiB deep (wrong)\n");
	return 1;
}
