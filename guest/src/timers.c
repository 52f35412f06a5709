#define _GNU_SOURCE
/* timers: setitimer(ITIMER_REAL) ticks counted by a SIGALRM handler, POSIX timers with
 * SIGEV_SIGNAL, SIGEV_THREAD_ID and SIGEV_NONE (timer_gettime), a periodic timerfd watched with
 * epoll, eventfd between threads (counter and semaphore modes), and ppoll and pselect on pipes with
 * timeouts. Only bounds are printed ("at least"), never times, so the output does not depend on
 * how fast the machine is. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "../include/result.h"

/* Short periods keep the program quick; every check is a lower bound, so slowness is harmless. */
#define TICK_US 5000
#define WANT_TICKS 5
#define TIMERFD_PERIOD_NS 5000000
#define WANT_EXPIRATIONS 3
#define SHORT_TIMEOUT_NS 10000000
#define EVENTFD_POSTS 10

static const char *yes(int c)
{
	return c ? "yes" : "no";
}

static int64_t ns_since(const struct timespec *a)
{
	struct timespec b;
	clock_gettime(CLOCK_MONOTONIC, &b);
	return (int64_t)(b.tv_sec - a->tv_sec) * 1000000000 + (b.tv_nsec - a->tv_nsec);
}

/* ---- setitimer ---- */
static volatile int ticks;

static void on_alarm(int sig)
{
	(void)sig;
	ticks++;
}

static void itimer(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { { 0, TICK_US }, { 0, TICK_US } }, cur;
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	printf("setitimer ITIMER_REAL every %d us: %d\n", TICK_US, setitimer(ITIMER_REAL, &it, NULL));
	getitimer(ITIMER_REAL, &cur);
	printf("getitimer: interval %ld us, value in (0, interval]: %s\n", (long)cur.it_interval.tv_usec,
	       yes(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec > 0 && cur.it_value.tv_usec <= TICK_US));
	while (ticks < WANT_TICKS)
		pause();
	struct itimerval off = { { 0, 0 }, { 0, 0 } }, old;
	setitimer(ITIMER_REAL, &off, &old);
	int counted = ticks;
	printf("SIGALRM ticks at least %d: %s; elapsed at least %d ticks' time: %s; old value returned: %s\n", WANT_TICKS,
	       yes(counted >= WANT_TICKS), WANT_TICKS, yes(ns_since(&start) >= (int64_t)WANT_TICKS * TICK_US * 1000),
	       yes(old.it_interval.tv_usec == TICK_US));
	getitimer(ITIMER_REAL, &cur);
	printf("disarmed: value %ld.%06ld\n", (long)cur.it_value.tv_sec, (long)cur.it_value.tv_usec);
	errno = 0;
	struct itimerval bad = { { 0, 0 }, { 0, 1000000 } };
	result("setitimer with tv_usec 1000000", setitimer(ITIMER_REAL, &bad, NULL));
	signal(SIGALRM, SIG_DFL);
}

/* ---- POSIX timers ---- */
static void posix_signal_timer(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &set, NULL);
	struct sigevent sev;
	memset(&sev, 0, sizeof sev);
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGRTMIN;
	sev.sigev_value.sival_int = 555;
	timer_t id;
	printf("timer_create SIGEV_SIGNAL: %d\n", timer_create(CLOCK_MONOTONIC, &sev, &id));
	struct itimerspec its = { { 0, 0 }, { 0, SHORT_TIMEOUT_NS } };
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	timer_settime(id, 0, &its, NULL);
	siginfo_t si;
	int sig = sigwaitinfo(&set, &si);
	printf("  delivered: %s, code %s, value %d, not early: %s, overrun %d\n", sig == SIGRTMIN ? "SIGRTMIN" : "other",
	       si.si_code == SI_TIMER ? "SI_TIMER" : "other", si.si_value.sival_int, yes(ns_since(&start) >= SHORT_TIMEOUT_NS),
	       timer_getoverrun(id));
	struct itimerspec cur;
	timer_gettime(id, &cur);
	printf("  after expiry: disarmed %s\n", yes(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0));
	printf("  timer_delete: %d\n", timer_delete(id));
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static pid_t worker_tid;
static int thread_id_result;
static pthread_barrier_t armed;

static void *thread_id_worker(void *arg)
{
	sigset_t set;
	(void)arg;
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN + 1);
	worker_tid = (pid_t)syscall(SYS_gettid);
	pthread_barrier_wait(&armed); /* main creates the timer */
	pthread_barrier_wait(&armed); /* and arms it */
	siginfo_t si;
	int sig = sigwaitinfo(&set, &si);
	thread_id_result = sig == SIGRTMIN + 1 && si.si_code == SI_TIMER && si.si_value.sival_int == 777;
	return NULL;
}

static void posix_thread_id_timer(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN + 1);
	/* blocked in every thread (inherited), so only sigwaitinfo in the target thread takes it */
	sigprocmask(SIG_BLOCK, &set, NULL);
	pthread_barrier_init(&armed, NULL, 2);
	pthread_t t;
	pthread_create(&t, NULL, thread_id_worker, NULL);
	pthread_barrier_wait(&armed);
	struct sigevent sev;
	memset(&sev, 0, sizeof sev);
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = SIGRTMIN + 1;
	sev.sigev_value.sival_int = 777;
	sev._sigev_un._tid = worker_tid;
	timer_t id;
	printf("timer_create SIGEV_THREAD_ID: %d\n", timer_create(CLOCK_MONOTONIC, &sev, &id));
	struct itimerspec its = { { 0, 0 }, { 0, SHORT_TIMEOUT_NS } };
	timer_settime(id, 0, &its, NULL);
	pthread_barrier_wait(&armed);
	pthread_join(t, NULL);
	sigset_t p;
	sigpending(&p);
	printf("  the target thread received it: %s; nothing pending for main: %s\n", yes(thread_id_result),
	       yes(!sigismember(&p, SIGRTMIN + 1)));
	timer_delete(id);
	sev._sigev_un._tid = 999999;
	errno = 0;
	result("  SIGEV_THREAD_ID naming no thread of ours", timer_create(CLOCK_MONOTONIC, &sev, &id));
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void posix_none_timer(void)
{
	struct sigevent sev;
	memset(&sev, 0, sizeof sev);
	sev.sigev_notify = SIGEV_NONE;
	timer_t id;
	printf("timer_create SIGEV_NONE: %d\n", timer_create(CLOCK_MONOTONIC, &sev, &id));
	struct itimerspec its = { { 1, 0 }, { 1, 0 } }, cur;
	timer_settime(id, 0, &its, NULL);
	timer_gettime(id, &cur);
	printf("  timer_gettime: interval 1 s: %s, remaining in (0, 1 s]: %s\n",
	       yes(cur.it_interval.tv_sec == 1 && cur.it_interval.tv_nsec == 0),
	       yes((cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0) || (cur.it_value.tv_sec == 1 && cur.it_value.tv_nsec == 0)));
	/* (What timer_gettime reports for a disarmed SIGEV_NONE timer varies between kernels.) */
	struct itimerspec off = { { 0, 0 }, { 0, 0 } }, old;
	timer_settime(id, 0, &off, &old);
	printf("  disarmed, old value returned: %s\n", yes(old.it_interval.tv_sec == 1));
	struct itimerspec bad = { { 0, 0 }, { 0, 1000000000 } };
	result("  timer_settime with tv_nsec 1e9", timer_settime(id, 0, &bad, NULL));
	timer_delete(id);
	result("  timer_gettime after timer_delete", timer_gettime(id, &cur));
}

/* ---- timerfd with epoll ---- */
static void timerfd_epoll(void)
{
	int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	printf("timerfd_create: %s\n", tfd >= 0 ? "fd" : strerrorname_np(errno));
	uint64_t n;
	errno = 0;
	result("  read before arming", read(tfd, &n, sizeof n));
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0x1234 };
	epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev);
	struct itimerspec its = { { 0, TIMERFD_PERIOD_NS }, { 0, TIMERFD_PERIOD_NS } };
	timerfd_settime(tfd, 0, &its, NULL);
	uint64_t total = 0;
	int wakeups = 0, right_data = 1;
	while (total < WANT_EXPIRATIONS) {
		struct epoll_event out;
		int r = epoll_wait(ep, &out, 1, 1000);
		if (r != 1)
			break;
		wakeups++;
		right_data &= out.data.u64 == 0x1234 && (out.events & EPOLLIN);
		if (read(tfd, &n, sizeof n) == sizeof n)
			total += n;
	}
	printf("  expirations at least %d: %s, epoll wakeups at least 1: %s, event data kept: %s\n", WANT_EXPIRATIONS,
	       yes(total >= WANT_EXPIRATIONS), yes(wakeups >= 1), yes(right_data));
	struct itimerspec cur;
	timerfd_gettime(tfd, &cur);
	printf("  timerfd_gettime: interval %ld ns, value in (0, interval]: %s\n", cur.it_interval.tv_nsec,
	       yes(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 && cur.it_value.tv_nsec <= TIMERFD_PERIOD_NS));
	struct itimerspec off = { { 0, 0 }, { 0, 0 } };
	timerfd_settime(tfd, 0, &off, NULL);
	struct epoll_event out;
	printf("  disarmed, drained: epoll_wait with timeout 0 gives %d\n", (read(tfd, &n, sizeof n), epoll_wait(ep, &out, 1, 0)));
	errno = 0;
	result("  read of 4 bytes", read(tfd, &n, 4));
	close(ep);
	close(tfd);
	errno = 0;
	result("timerfd_create with a bad clock", timerfd_create(12345, 0));
}

/* ---- eventfd between threads ---- */
static int efd;

static void *poster(void *arg)
{
	(void)arg;
	for (int i = 0; i < EVENTFD_POSTS; i++) {
		uint64_t one = 1;
		write(efd, &one, sizeof one);
		if (i % 3 == 0)
			sched_yield();
	}
	return NULL;
}

static void eventfds(void)
{
	efd = eventfd(0, 0);
	pthread_t t;
	pthread_create(&t, NULL, poster, NULL);
	uint64_t total = 0, v;
	while (total < EVENTFD_POSTS && read(efd, &v, sizeof v) == sizeof v)
		total += v;
	pthread_join(t, NULL);
	printf("eventfd counter: a thread posted %d, reader summed %llu\n", EVENTFD_POSTS, (unsigned long long)total);
	close(efd);

	efd = eventfd(0, EFD_SEMAPHORE);
	pthread_create(&t, NULL, poster, NULL);
	int reads = 0, all_ones = 1;
	while (reads < EVENTFD_POSTS && read(efd, &v, sizeof v) == sizeof v) {
		reads++;
		all_ones &= v == 1;
	}
	pthread_join(t, NULL);
	printf("eventfd semaphore: %d reads, each 1: %s\n", reads, yes(all_ones));
	close(efd);

	efd = eventfd(0, EFD_NONBLOCK);
	errno = 0;
	result("eventfd nonblocking read of 0", read(efd, &v, sizeof v));
	v = UINT64_MAX;
	errno = 0;
	result("eventfd write of 2^64-1", write(efd, &v, sizeof v));
	close(efd);
}

/* ---- ppoll and pselect ---- */
static void polls(void)
{
	int p[2];
	pipe(p);
	struct pollfd pf = { .fd = p[0], .events = POLLIN };
	struct timespec to = { 0, SHORT_TIMEOUT_NS }, start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	int r = ppoll(&pf, 1, &to, NULL);
	printf("ppoll on an empty pipe with a timeout: %d, waited at least the timeout: %s\n", r,
	       yes(ns_since(&start) >= SHORT_TIMEOUT_NS));
	write(p[1], "x", 1);
	r = ppoll(&pf, 1, &to, NULL);
	printf("ppoll with data: %d revents POLLIN: %s\n", r, yes(pf.revents == POLLIN));

	fd_set rd;
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	r = pselect(p[0] + 1, &rd, NULL, NULL, &to, NULL);
	printf("pselect with data: %d, fd set: %s\n", r, yes(FD_ISSET(p[0], &rd)));
	char c;
	read(p[0], &c, 1);
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	clock_gettime(CLOCK_MONOTONIC, &start);
	r = pselect(p[0] + 1, &rd, NULL, NULL, &to, NULL);
	printf("pselect on an empty pipe with a timeout: %d, fd cleared: %s, waited at least the timeout: %s\n", r,
	       yes(!FD_ISSET(p[0], &rd)), yes(ns_since(&start) >= SHORT_TIMEOUT_NS));
	fd_set wr;
	FD_ZERO(&wr);
	FD_SET(p[1], &wr);
	struct timespec zero = { 0, 0 };
	r = pselect(p[1] + 1, NULL, &wr, NULL, &zero, NULL);
	printf("pselect for writing, zero timeout: %d\n", r);
	close(p[1]);
	r = ppoll(&pf, 1, &to, NULL);
	printf("ppoll after the writer closed: %d revents POLLHUP: %s\n", r, yes(pf.revents & POLLHUP));
	close(p[0]);
	struct timespec bad = { 0, 1000000000 };
	errno = 0;
	result("ppoll with tv_nsec 1e9", ppoll(&pf, 1, &bad, NULL));
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	itimer();
	posix_signal_timer();
	posix_thread_id_timer();
	posix_none_timer();
	timerfd_epoll();
	eventfds();
	polls();
	printf("done\n");
	return 0;
}
