/* cancel_vdso: the cancellation workload (include/cancel_workload.h) with the vDSO-helper design
 * (seed 003, ecall extension "cancel"): reads go through __vdso_cancellable_syscall with the
 * cancel flag; the cancellation signal's handler calls __vdso_cancel_pending_syscall, which makes
 * the call return -EINTR only if it has not started or was stopped with nothing done. A call that
 * completed keeps its result, and the thread stops at its next call (the helper sees the flag).
 * Needs `--ext cancel` (exit status 1 without it). */
#define _GNU_SOURCE
#include "../include/cancel_workload.h"
#include "../include/cancel_signal.h"
#include "../include/vdso_lookup.h"
#include <errno.h>

#define CANCEL_ABORT 1

static long (*cancellable)(long nr, long, long, long, long, long, long, const volatile int *cancel);
static long (*pending)(void *uc, unsigned long flags);

/* The cancellation signal: aborts the call if it has produced nothing. */
static void on_cancel(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)si;
	if (cancel_requested()) pending(uc, CANCEL_ABORT);
}

static void *consumer(void *arg)
{
	(void)arg;
	note_consumer_tid();
	long rec;
	for (;;) {
		long r = cancellable(SYS_read, fds[0], (long)&rec, sizeof rec, 0, 0, 0, &cancel_flag);
		if (r == -EINTR && cancel_flag) return NULL;
		if (r == sizeof rec) note_record();
	}
}

static long cancellable_read(void *buf, long n)
{
	return cancellable(SYS_read, fds[0], (long)buf, n, 0, 0, 0, &cancel_flag);
}

#include "../include/cancel_printf.h"

int main(int argc, char **argv)
{
	struct vdso_info vi;
	if (vdso_init(&vi) != 0) return 1;
	cancellable = (void *)vdso_sym(&vi, "__vdso_cancellable_syscall", "ECALL_1");
	pending = (void *)vdso_sym(&vi, "__vdso_cancel_pending_syscall", "ECALL_1");
	if (!cancellable || !pending) { printf("the vDSO cancellation helpers are absent: run with --ext cancel\n"); return 1; }
	install_cancel_action(on_cancel);
	return run_cancel_program(argc, argv, NULL);
}
