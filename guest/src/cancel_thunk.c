/* cancel_thunk: the cancellation workload (include/cancel_workload.h) with musl's design, as our
 * own small runtime: cancellable calls go through a thunk that checks the cancel flag and then
 * makes the system call; the cancellation signal's handler acts only when the interrupted pc is
 * inside the thunk up to and including its ecall (the call has not started, or was interrupted
 * and is about to restart), and then makes the thunk return -ECANCELED. Anywhere else (the call
 * completed and its result is on its way) the handler does nothing, and the thread stops at its
 * next cancellation point: the flag check at the thunk's entry. */
#define _GNU_SOURCE
#include "../include/cancel_workload.h"
#include "../include/cancel_signal.h"
#include <errno.h>
#include <ucontext.h>

/* long thunk_read(fd, buf, n, flag): -ECANCELED if *flag is set on entry or the handler cancels
 * before the call completes, else read(2)'s raw result. */
long thunk_read(long fd, void *buf, long n, volatile int *flag);
extern const char thunk_begin[], thunk_ecall[], thunk_cancelled[];
__asm__(
	".text\n"
	".globl thunk_read\n"
	".type thunk_read, @function\n"
	"thunk_read:\n"
	"thunk_begin:\n"
	"	lw t0, 0(a3)\n"
	"	bnez t0, thunk_cancelled\n"
	"	li a7, 63\n" /* SYS_read */
	"thunk_ecall:\n"
	"	ecall\n"
	"	ret\n"
	"thunk_cancelled:\n"
	"	li a0, -125\n" /* -ECANCELED */
	"	ret\n"
	".size thunk_read, . - thunk_read\n");

/* The cancellation signal: cancels the call only while it has produced nothing. */
static void on_cancel(int sig, siginfo_t *si, void *ctx)
{
	(void)sig; (void)si;
	ucontext_t *uc = ctx;
	if (!cancel_requested()) return;
	unsigned long pc = uc->uc_mcontext.__gregs[REG_PC];
	if (cancel_flag && pc >= (unsigned long)thunk_begin && pc <= (unsigned long)thunk_ecall)
		uc->uc_mcontext.__gregs[REG_PC] = (unsigned long)thunk_cancelled;
}

static void *consumer(void *arg)
{
	(void)arg;
	note_consumer_tid();
	long rec;
	for (;;) {
		long r = thunk_read(fds[0], &rec, sizeof rec, &cancel_flag);
		if (r == -ECANCELED) return NULL;
		if (r == sizeof rec) note_record();
	}
}

static long cancellable_read(void *buf, long n)
{
	return thunk_read(fds[0], buf, n, &cancel_flag);
}

#include "../include/cancel_printf.h"

int main(int argc, char **argv)
{
	install_cancel_action(on_cancel);
	return run_cancel_program(argc, argv, NULL);
}
