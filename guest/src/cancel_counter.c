/* cancel_counter: the cancellation workload (include/cancel_workload.h) with the syscall-counter
 * design (seed 000, ecall extension "syscall-counter"): the consumer marks itself inside a
 * cancellable call (Niels Möller's in_hurd_ipc) and saves its kernel-maintained count of completed
 * system calls before each read; the cancellation signal's handler leaves the thread (siglongjmp)
 * only inside such a call and when the count has not moved, that is when the read has not completed.
 * Otherwise it returns, the record is counted, and the thread stops at its next flag check.
 * Needs `--ext syscall-counter` (exit status 1 without it). */
#define _GNU_SOURCE
#include "../include/cancel_workload.h"
#include "../include/cancel_signal.h"
#include <setjmp.h>
#include <stdint.h>

#define NR_ecall_syscall_counter 0x45434c01

static volatile uint64_t calls_done;
static volatile uint64_t before;
/* Non-zero from before the flag check to after the read: a cancellable call is in progress. */
static __thread volatile int in_call;
static sigjmp_buf cancel_jump;
static volatile int registered = -1;

/* The cancellation signal: leaves the thread if its read has not completed. */
static void on_cancel(int sig)
{
	(void)sig;
	if (!cancel_requested()) return;
	if (in_call && calls_done == before) siglongjmp(cancel_jump, 1);
}

/* The design's cancellable read (the calling thread's counter must be registered): -1 when
 * cancelled before the call. */
static long cancellable_read(void *buf, long n)
{
	before = calls_done;
	in_call = 1;
	__asm__ volatile("" ::: "memory");
	if (cancel_flag) { in_call = 0; return -1; }
	long r = raw_read(fds[0], buf, n);
	__asm__ volatile("" ::: "memory");
	in_call = 0;
	return r;
}

static void *consumer(void *arg)
{
	(void)arg;
	note_consumer_tid();
	registered = syscall(NR_ecall_syscall_counter, &calls_done, 0) == 0;
	if (!registered) { sem_post(&first_counted); return NULL; }
	if (sigsetjmp(cancel_jump, 1)) return NULL;
	long rec;
	for (;;)
		if (cancellable_read(&rec, sizeof rec) == sizeof rec) note_record();
		else if (cancel_flag) return NULL;
}

/* The printf loop's worker registers its own counter and its siglongjmp target. */
#define WORKER_START() (syscall(NR_ecall_syscall_counter, &calls_done, 0) != 0)
#define WORKER_SIGSETJMP cancel_jump
#include "../include/cancel_printf.h"

int main(int argc, char **argv)
{
	struct sigaction sa = { 0 };
	sa.sa_handler = on_cancel;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGCANCEL, &sa, NULL);
	if (argc == 3 && strcmp(argv[1], "cost") == 0 && syscall(NR_ecall_syscall_counter, &calls_done, 0) != 0) return 1;
	int st = run_cancel_program(argc, argv, NULL);
	if (!registered) { printf("the syscall counter is absent: run with --ext syscall-counter\n"); return 1; }
	return st;
}
