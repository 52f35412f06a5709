/* Unwinding through a signal handler with libgcc's _Unwind_Backtrace: the handler returns to
 * __vdso_rt_sigreturn, whose unwind entry marks it as a signal frame and says where every register
 * of the interrupted code was saved, so the unwinder continues into the interrupted function (at
 * the exact pc of a faulting instruction) and on to main. Built with unwind tables (Makefile).
 * Expected output: test/e2e/vdso.test.ts. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <unwind.h>

#define MAX_FRAMES 32

static uintptr_t ips[MAX_FRAMES], starts[MAX_FRAMES];
static int before[MAX_FRAMES];
static int nframes;
static sigjmp_buf back;
static volatile int *volatile bad_pointer;

static _Unwind_Reason_Code record(struct _Unwind_Context *ctx, void *arg)
{
	(void)arg;
	if (nframes >= MAX_FRAMES) return _URC_END_OF_STACK;
	ips[nframes] = _Unwind_GetIPInfo(ctx, &before[nframes]);
	starts[nframes] = _Unwind_GetRegionStart(ctx); /* the start of the function its unwind entry covers */
	nframes++;
	return _URC_NO_REASON;
}

static void handler(int sig, siginfo_t *si, void *uc)
{
	(void)si; (void)uc;
	nframes = 0;
	_Unwind_Backtrace(record, NULL);
	if (sig == SIGSEGV) siglongjmp(back, 1);
}

__attribute__((noinline)) void raise_in_victim(void) { raise(SIGUSR1); __asm__ volatile(""); }
__attribute__((noinline)) void fault_in_victim(void) { *bad_pointer = 1; __asm__ volatile(""); }

int main(void);

/* Prints what the recorded backtrace shows. */
static void report(const char *what, void (*victim)(void))
{
	uintptr_t vdso = getauxval(AT_SYSINFO_EHDR);
	int tramp = -1, vic = -1, mainf = -1;
	for (int i = 0; i < nframes; i++) {
		if (tramp < 0 && vdso && ips[i] >= vdso && ips[i] < vdso + 8192) tramp = i;
		if (vic < 0 && starts[i] == (uintptr_t)victim) vic = i;
		if (mainf < 0 && starts[i] == (uintptr_t)main) mainf = i;
	}
	printf("%s: the handler returns to the vDSO's signal trampoline: %s\n", what, tramp >= 0 ? "yes" : "no");
	printf("%s: unwinding crosses the signal frame into the interrupted code: %s\n", what, vic > tramp ? "yes" : "no");
	printf("%s: and goes on to main: %s\n", what, mainf > vic && vic >= 0 ? "yes" : "no");
	if (tramp >= 0 && tramp + 1 < nframes)
		printf("%s: the frame after the trampoline has an exact pc (not a return address): %s\n", what, before[tramp + 1] ? "yes" : "no");
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	raise_in_victim();
	report("raise", raise_in_victim);
	if (sigsetjmp(back, 1) == 0) fault_in_victim();
	report("fault", fault_in_victim);
	return 0;
}
