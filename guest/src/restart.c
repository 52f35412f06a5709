#define _GNU_SOURCE
/* restart: what a signal handler does to a blocked syscall (Linux's table, abi-riscv64.md 3.7).
 * For each blocking call a worker thread blocks, main interrupts it with pthread_kill(SIGUSR1),
 * whose handler is installed with and without SA_RESTART, then supplies the event the call waits
 * for. The worker prints whether the call returned EINTR or was restarted and completed. Then the
 * partial-count cases: data that arrived before the signal is returned, never lost or repeated.
 * The signal is sent only once the worker has announced its call (and, for the partial write,
 * once the pipe is full), and a case the signal reached too early is run again, so a slow or
 * loaded machine gives the same output. */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* A pause that lets the worker, which has announced that it is about to make its call, enter it
 * before the signal. A signal that still comes first is detected (the worker notes how many
 * handler runs it saw just before the call) and the case is run again with a longer pause, so
 * the output does not depend on the machine's speed or load. */
#define SETTLE_NS 50000000
/* Longest pause tried before a case is reported as it came out (about 3 s). */
#define SETTLE_MAX_NS 3200000000LL
/* Sleeps long enough that only a signal ends them early. */
#define LONG_SLEEP_S 2
/* Bigger than a pipe's 64 KiB capacity, so the writer blocks with part of it written. */
#define BIG_WRITE 131072

static volatile int handler_runs;
static int pfd[2];
static int epfd;
static unsigned futex_word;

static void on_usr1(int sig)
{
	(void)sig;
	handler_runs++;
}

/* Sleeps ns nanoseconds. */
static void pause_ns(long long ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000), (long)(ns % 1000000000) };
	nanosleep(&ts, NULL);
}

static void settle(void)
{
	pause_ns(SETTLE_NS);
}

static void on_usr2(int sig)
{
	(void)sig; /* only ends a sigsuspend whose case is run again */
}

static long futex(unsigned *uaddr, int op, unsigned val, const struct timespec *ts)
{
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

enum call { READ, FUTEX, FUTEX_TIMEOUT, NANOSLEEP, CLOCK_NANOSLEEP_ABS, PPOLL, EPOLL_WAIT, SIGSUSPEND, NCALLS };
static const char *const call_names[NCALLS] = {
	"read on an empty pipe", "futex wait", "futex wait with timeout", "nanosleep",
	"clock_nanosleep TIMER_ABSTIME", "ppoll", "epoll_wait", "sigsuspend",
};

struct outcome {
	long r;
	int err;
	char detail[64];
	int runs_before; /* handler runs seen just before the call: non-zero means the signal came early */
};

/* Set by the worker just before its blocking call, and once the call has returned. */
static volatile int at_call, call_done;

static void *worker(void *arg)
{
	enum call c = (enum call)(long)arg;
	static struct outcome o;
	memset(&o, 0, sizeof o);
	char buf[16] = { 0 };
	struct timespec ts = { LONG_SLEEP_S, 0 }, rem = { 0, 0 };
	o.runs_before = handler_runs;
	__atomic_store_n(&at_call, 1, __ATOMIC_SEQ_CST);
	errno = 0;
	switch (c) {
	case READ:
		o.r = read(pfd[0], buf, sizeof buf - 1);
		if (o.r > 0)
			snprintf(o.detail, sizeof o.detail, " '%s'", buf);
		break;
	case FUTEX:
		o.r = futex(&futex_word, FUTEX_WAIT_PRIVATE, 0, NULL);
		break;
	case FUTEX_TIMEOUT:
		o.r = futex(&futex_word, FUTEX_WAIT_PRIVATE, 0, &ts);
		break;
	case NANOSLEEP:
		o.r = nanosleep(&ts, &rem);
		if (o.r < 0)
			snprintf(o.detail, sizeof o.detail, ", remaining time written: %s",
				 rem.tv_sec > 0 || rem.tv_nsec > 0 ? "yes" : "no");
		break;
	case CLOCK_NANOSLEEP_ABS: {
		struct timespec deadline;
		clock_gettime(CLOCK_MONOTONIC, &deadline);
		deadline.tv_sec += LONG_SLEEP_S;
		int e = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL);
		o.r = e ? -1 : 0;
		errno = e;
		break;
	}
	case PPOLL: {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		o.r = ppoll(&p, 1, NULL, NULL);
		break;
	}
	case EPOLL_WAIT: {
		struct epoll_event ev;
		o.r = epoll_wait(epfd, &ev, 1, -1);
		break;
	}
	case SIGSUSPEND: {
		sigset_t none;
		sigemptyset(&none);
		o.r = sigsuspend(&none);
		break;
	}
	default:
		break;
	}
	o.err = errno;
	__atomic_store_n(&call_done, 1, __ATOMIC_SEQ_CST);
	return &o;
}

/* Supplies the event a restarted call is waiting for. */
static void complete(enum call c)
{
	switch (c) {
	case READ:
	case PPOLL:
	case EPOLL_WAIT:
		write(pfd[1], "data", 4);
		break;
	case FUTEX:
	case FUTEX_TIMEOUT:
		__atomic_store_n(&futex_word, 1, __ATOMIC_SEQ_CST);
		futex(&futex_word, FUTEX_WAKE_PRIVATE, 1, NULL);
		break;
	default:
		break;
	}
}

static void install(int restart)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
}

/* One attempt at a case with the given pause before the signal; returns the worker's outcome. */
static struct outcome *attempt(enum call c, int restart, long long pause)
{
	pthread_t t;
	pipe(pfd);
	epfd = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = pfd[0] };
	epoll_ctl(epfd, EPOLL_CTL_ADD, pfd[0], &ev);
	futex_word = 0;
	handler_runs = 0;
	at_call = call_done = 0;
	install(restart);
	pthread_create(&t, NULL, worker, (void *)(long)c);
	while (!__atomic_load_n(&at_call, __ATOMIC_SEQ_CST))
		sched_yield();
	pause_ns(pause);
	pthread_kill(t, SIGUSR1);
	settle();
	complete(c);
	/* A sigsuspend that the signal reached too early waits for another one (SIGUSR2, not
	 * counted); the attempt is then thrown away. */
	while (c == SIGSUSPEND && !__atomic_load_n(&call_done, __ATOMIC_SEQ_CST)) {
		settle();
		if (!__atomic_load_n(&call_done, __ATOMIC_SEQ_CST))
			pthread_kill(t, SIGUSR2);
	}
	struct outcome *o;
	pthread_join(t, (void **)&o);
	return o;
}

static void run_case(enum call c, int restart)
{
	struct outcome *o;
	long long pause = SETTLE_NS;
	for (;;) {
		o = attempt(c, restart, pause);
		if (o->runs_before == 0 || pause >= SETTLE_MAX_NS)
			break;
		close(pfd[0]);
		close(pfd[1]);
		close(epfd);
		pause *= 2;
	}
	char result[48];
	if (o->r >= 0)
		snprintf(result, sizeof result, "restarted, returned %ld", o->r);
	else if (c == FUTEX && o->err == EAGAIN)
		snprintf(result, sizeof result, "restarted, returned 0"); /* woke after the word changed */
	else
		snprintf(result, sizeof result, "%s", strerrorname_np(o->err));
	printf("%-30s %-12s handler ran %d, %s%s\n", call_names[c], restart ? "SA_RESTART" : "no restart", handler_runs,
	       result, o->detail);
	close(pfd[0]);
	close(pfd[1]);
	close(epfd);
}

/* ---- partial counts ---- */
static void *reader(void *arg)
{
	static char first[64], second[64];
	static long counts[2];
	(void)arg;
	memset(first, 0, sizeof first);
	memset(second, 0, sizeof second);
	counts[0] = read(pfd[0], first, sizeof first - 1);
	/* the signal is ours whether it came during the read or after it: take it before reading on */
	while (handler_runs == 0)
		sched_yield();
	counts[1] = read(pfd[0], second, sizeof second - 1);
	printf("  reader: first read %ld '%s', second read %ld '%s'\n", counts[0], first, counts[1], second);
	return NULL;
}

static void partial_read(int restart)
{
	pthread_t t;
	pipe(pfd);
	handler_runs = 0;
	install(restart);
	pthread_create(&t, NULL, reader, NULL);
	settle();
	/* data first, then the signal: the blocked read must return the 10 bytes */
	write(pfd[1], "0123456789", 10);
	pthread_kill(t, SIGUSR1);
	settle();
	write(pfd[1], "ABCDE", 5);
	pthread_join(t, NULL);
	printf("partial read, %s: handler ran %d\n", restart ? "SA_RESTART" : "no restart", handler_runs);
	close(pfd[0]);
	close(pfd[1]);
}

static char big[BIG_WRITE];

static void *big_writer(void *arg)
{
	(void)arg;
	return (void *)(long)write(pfd[1], big, sizeof big);
}

static void partial_write(int restart)
{
	pthread_t t;
	pipe(pfd);
	handler_runs = 0;
	install(restart);
	memset(big, 'w', sizeof big);
	pthread_create(&t, NULL, big_writer, NULL);
	/* The writer is blocked once the pipe is full (the signal must not come before the write). */
	int cap = fcntl(pfd[1], F_GETPIPE_SZ), queued = 0;
	while (ioctl(pfd[0], FIONREAD, &queued) == 0 && queued < cap)
		sched_yield();
	settle();
	pthread_kill(t, SIGUSR1);
	void *r;
	pthread_join(t, &r);
	long n = (long)r;
	close(pfd[1]);
	long drained = 0, got;
	char buf[4096];
	while ((got = read(pfd[0], buf, sizeof buf)) > 0)
		drained += got;
	close(pfd[0]);
	printf("partial write of %d, %s: handler ran %d, returned a partial count: %s, reader got exactly that many: %s\n",
	       BIG_WRITE, restart ? "SA_RESTART" : "no restart", handler_runs, n > 0 && n < BIG_WRITE ? "yes" : "no",
	       drained == n ? "yes" : "no");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	struct sigaction sa2;
	memset(&sa2, 0, sizeof sa2);
	sa2.sa_handler = on_usr2;
	sa2.sa_flags = SA_RESTART;
	sigaction(SIGUSR2, &sa2, NULL);
	for (int c = 0; c < NCALLS; c++)
		for (int restart = 0; restart <= 1; restart++)
			run_case((enum call)c, restart);
	for (int restart = 0; restart <= 1; restart++)
		partial_read(restart);
	for (int restart = 0; restart <= 1; restart++)
		partial_write(restart);
	printf("done\n");
	return 0;
}
