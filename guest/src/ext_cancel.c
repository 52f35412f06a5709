/* ecall extension "cancel" (seed 003): musl's cancellation design on top of the vDSO helpers,
 * without knowing the vDSO's layout. The thread makes its cancellable calls through
 * __vdso_cancellable_syscall; the cancellation signal's handler asks
 * __vdso_cancel_pending_syscall whether the call has not started (or was stopped to restart with
 * nothing done) and, if so, has it return -EINTR instead. A cancel that finds the call blocked
 * consumes nothing; a call that completed keeps its result. Absent without `--ext cancel`.
 * Expected output: test/e2e/ecall_ext.test.ts. */
#define _GNU_SOURCE
#include "../include/vdso_lookup.h"
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#define CANCEL_ABORT 1
#define SIGCANCEL SIGUSR2

static long (*cancellable)(long nr, long, long, long, long, long, long, const volatile int *cancel);
static long (*pending)(void *uc, unsigned long flags);

static volatile int cancel_flag;
static volatile long handler_result = -99;
static volatile int in_call;
static int fds[2];
static pid_t pid;

static void on_cancel(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)si;
	if (cancel_flag) handler_result = pending(uc, CANCEL_ABORT);
}

static long cread(int fd, void *buf, long n)
{
	return cancellable(SYS_read, fd, (long)buf, n, 0, 0, 0, &cancel_flag);
}

static const char *res(long r)
{
	static char buf[24];
	if (r == -EINTR) return "-EINTR";
	snprintf(buf, sizeof buf, "%ld", r);
	return buf;
}

static pid_t worker_tid;
static volatile long worker_result;

/* Blocks in a cancellable read of the pipe. */
static void *worker(void *arg)
{
	(void)arg;
	worker_tid = (pid_t)syscall(SYS_gettid);
	char c = 0;
	in_call = 1;
	worker_result = cread(fds[0], &c, 1);
	if (worker_result == 1) worker_result = 1000 + c;
	return NULL;
}

/* Waits until the worker is (very likely) blocked in its read. */
static void let_it_block(void)
{
	while (!in_call) sched_yield();
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	nanosleep(&ts, NULL);
}

int main(void)
{
	struct vdso_info vi;
	if (vdso_init(&vi) != 0) return 1;
	cancellable = (void *)vdso_sym(&vi, "__vdso_cancellable_syscall", "ECALL_1");
	pending = (void *)vdso_sym(&vi, "__vdso_cancel_pending_syscall", "ECALL_1");
	printf("__vdso_cancellable_syscall: %s, __vdso_cancel_pending_syscall: %s\n", cancellable ? "found" : "absent", pending ? "found" : "absent");
	if (!cancellable || !pending) return 0;
	pid = getpid();
	if (pipe(fds) != 0) return 1;
	struct sigaction sa = { 0 };
	sa.sa_sigaction = on_cancel;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigaction(SIGCANCEL, &sa, NULL);

	printf("a plain call through the thunk: getppid() == %s\n", cancellable(SYS_getppid, 0, 0, 0, 0, 0, 0, NULL) == getppid() ? "getppid()" : "something else");
	cancel_flag = 1;
	char c;
	printf("with a cancel already pending: %s (no system call made)\n", res(cread(fds[0], &c, 1)));
	cancel_flag = 0;
	printf("unknown flags: %ld\n", pending(&c, 2));

	/* 1. Cancelled while blocked: the read restarts (SA_RESTART) at its ecall, inside the window,
	 *    so the handler turns it into -EINTR; the byte written afterwards is still in the pipe. */
	pthread_t th;
	in_call = 0;
	pthread_create(&th, NULL, worker, NULL);
	let_it_block();
	cancel_flag = 1;
	syscall(SYS_tgkill, pid, worker_tid, SIGCANCEL);
	pthread_join(th, NULL);
	printf("cancelled while blocked: the handler says %ld; the read returns %s\n", handler_result, res(worker_result));
	if (write(fds[1], "a", 1) != 1) return 1;
	long n = read(fds[0], &c, 1);
	printf("the byte written after the cancel is still there: %s\n", n == 1 && c == 'a' ? "yes" : "no");

	/* 2. The data arrives first: the woken read completes before the signal is delivered, so the
	 *    handler says it is not pending and the byte is returned, not lost. */
	cancel_flag = 0;
	handler_result = -99;
	in_call = 0;
	pthread_create(&th, NULL, worker, NULL);
	let_it_block();
	if (write(fds[1], "b", 1) != 1) return 1;
	cancel_flag = 1;
	syscall(SYS_tgkill, pid, worker_tid, SIGCANCEL);
	pthread_join(th, NULL);
	printf("completed before the signal: the handler says %ld; the read returns %s\n", handler_result,
	       worker_result == 1000 + 'b' ? "the byte" : res(worker_result));

	/* 3. A signal that finds the thread outside the thunk: not pending. */
	handler_result = -99;
	syscall(SYS_tgkill, pid, (pid_t)syscall(SYS_gettid), SIGCANCEL);
	printf("outside the thunk: the handler says %ld\n", handler_result);
	return 0;
}
