/* ecall extension "syscall-counter" (seed 000): a 64-bit count, in memory the thread registers,
 * that the kernel increments exactly when a system call completes and writes its result to a0,
 * never for a call interrupted before it had any effect. A signal handler compares it with a value
 * saved before the call and knows whether the call completed. Without `--ext syscall-counter`
 * both system calls are ENOSYS. Expected output: test/e2e/ecall_ext.test.ts. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define NR_ecall_features 0x45434c00
#define NR_ecall_syscall_counter 0x45434c01
#define COUNTER_UNREGISTER 1

static volatile uint64_t counter;
static volatile uint64_t seen_in_handler, before_call;
static pid_t main_pid, main_tid;
static int pipefd[2];
static volatile int about_to_block;

static long sc(long nr, long a, long b)
{
	long r = syscall(nr, a, b);
	return r < 0 ? -errno : r;
}

static const char *err(long r)
{
	static char buf[24];
	switch (-r) {
	case 0: return "0";
	case ENOSYS: return "ENOSYS";
	case EINVAL: return "EINVAL";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EINTR: return "EINTR";
	}
	snprintf(buf, sizeof buf, "%ld", r);
	return buf;
}

static void on_signal(int sig) { (void)sig; seen_in_handler = counter; }

/* Signals main while it is blocked in a call, then (if data) writes a byte to the pipe. */
static void *interrupter(void *arg)
{
	int data = (int)(intptr_t)arg;
	while (!about_to_block) sched_yield();
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	nanosleep(&ts, NULL);
	syscall(SYS_tgkill, main_pid, main_tid, SIGUSR1);
	if (data) {
		nanosleep(&ts, NULL);
		if (write(pipefd[1], "x", 1) != 1) return NULL;
	}
	return NULL;
}

static void *thread_main(void *arg)
{
	(void)arg;
	static volatile uint64_t mine;
	printf("thread: unregistering main's counter (a thread starts without one): %s\n", err(sc(NR_ecall_syscall_counter, (long)&counter, COUNTER_UNREGISTER)));
	printf("thread: registering its own: %s\n", err(sc(NR_ecall_syscall_counter, (long)&mine, 0)));
	getppid();
	printf("thread: its counter after one more call: %lu\n", (unsigned long)mine);
	return NULL;
}

/* Blocks main in read() on the empty pipe while the interrupter signals it; returns read's result. */
static long interrupted_read(int flags, int data, uint64_t *before)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = flags;
	sigaction(SIGUSR1, &sa, NULL);
	pthread_t th;
	about_to_block = 0;
	pthread_create(&th, NULL, interrupter, (void *)(intptr_t)data);
	char c;
	about_to_block = 1;
	before_call = counter;
	long r = read(pipefd[0], &c, 1);
	*before = counter - before_call;
	pthread_join(th, NULL);
	return r < 0 ? -errno : r;
}

int main(void)
{
	main_pid = getpid();
	main_tid = (pid_t)syscall(SYS_gettid);
	long f = sc(NR_ecall_features, 0, 0);
	printf("ecall_features: %s\n", f < 0 ? err(f) : "ok");
	if (f < 0) {
		printf("ecall_syscall_counter: %s\n", err(sc(NR_ecall_syscall_counter, (long)&counter, 0)));
		return 0;
	}
	printf("ecall_features: syscall-counter bit set: %s\n", f & 1 ? "yes" : "no");
	printf("ecall_features with flags: %s\n", err(sc(NR_ecall_features, 1, 0)));
	if (!(f & 1)) {
		printf("ecall_syscall_counter: %s\n", err(sc(NR_ecall_syscall_counter, (long)&counter, 0)));
		return 0;
	}
	void *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("register with unknown flags: %s\n", err(sc(NR_ecall_syscall_counter, (long)&counter, 2)));
	printf("register NULL: %s\n", err(sc(NR_ecall_syscall_counter, 0, 0)));
	printf("register a misaligned counter: %s\n", err(sc(NR_ecall_syscall_counter, (long)&counter + 4, 0)));
	printf("register an unmapped counter: %s\n", err(sc(NR_ecall_syscall_counter, 4096, 0)));
	printf("register a read-only counter: %s\n", err(sc(NR_ecall_syscall_counter, (long)ro, 0)));
	printf("unregister while none is registered: %s\n", err(sc(NR_ecall_syscall_counter, (long)&counter, COUNTER_UNREGISTER)));
	counter = 1000;
	printf("register: %s, counter now %lu (the registering call is counted)\n", err(sc(NR_ecall_syscall_counter, (long)&counter, 0)),
	       (unsigned long)counter);
	printf("register again: %s, counter now %lu (a failed call completes too)\n", err(sc(NR_ecall_syscall_counter, (long)&counter, 0)),
	       (unsigned long)counter);
	uint64_t c0 = counter;
	for (int i = 0; i < 10; i++) getppid();
	close(-1);
	printf("ten getppid calls and a failing close: +%lu\n", (unsigned long)(counter - c0));

	/* A signal delivered as a call returns: the handler already sees the call counted, and
	 * rt_sigreturn itself is not counted. */
	signal(SIGUSR1, on_signal);
	c0 = counter;
	syscall(SYS_tgkill, main_pid, main_tid, SIGUSR1);
	printf("tgkill to itself: the handler sees +%lu, after the handler +%lu (rt_sigreturn is not counted)\n",
	       (unsigned long)(seen_in_handler - c0), (unsigned long)(counter - c0));

	/* A blocked read interrupted by a signal: the handler sees it uncounted. With SA_RESTART it
	 * restarts and, once data comes, completes once; without, it returns EINTR uncounted. */
	if (pipe(pipefd) != 0) return 1;
	uint64_t delta;
	long r = interrupted_read(SA_RESTART, 1, &delta);
	printf("read interrupted, SA_RESTART: the handler sees +%lu; read returns %s; counted +%lu\n",
	       (unsigned long)(seen_in_handler - before_call), err(r), (unsigned long)delta);
	r = interrupted_read(0, 0, &delta);
	printf("read interrupted, no SA_RESTART: the handler sees +%lu; read returns %s; counted +%lu\n",
	       (unsigned long)(seen_in_handler - before_call), err(r), (unsigned long)delta);
	struct timespec req = { 5, 0 }, rem;
	pthread_t th;
	about_to_block = 0;
	pthread_create(&th, NULL, interrupter, (void *)0);
	about_to_block = 1;
	before_call = counter;
	r = nanosleep(&req, &rem) < 0 ? -errno : 0;
	uint64_t d = counter - before_call;
	pthread_join(th, NULL);
	printf("nanosleep interrupted (ERESTART_RESTARTBLOCK): the handler sees +%lu; returns %s; counted +%lu\n",
	       (unsigned long)(seen_in_handler - before_call), err(r), (unsigned long)d);

	pthread_create(&th, NULL, thread_main, NULL);
	c0 = counter;
	pthread_join(th, NULL);
	printf("the thread's calls are not counted in main's counter: %s\n", counter - c0 <= 1 ? "yes" : "no");

	printf("unregister another counter: %s\n", err(sc(NR_ecall_syscall_counter, (long)ro, COUNTER_UNREGISTER)));
	c0 = counter;
	printf("unregister: %s\n", err(sc(NR_ecall_syscall_counter, (long)&counter, COUNTER_UNREGISTER)));
	getppid();
	printf("after unregistering: +%lu\n", (unsigned long)(counter - c0));
	return 0;
}
