/* signalfd: signalfd4's argument checks and flags, reads of struct signalfd_siginfo (the same
 * queue and order as sigwaitinfo: lower numbers first, real-time instances in order with their
 * values), short buffers, EAGAIN, updating the mask through the fd, SIGKILL and SIGSTOP left out
 * of the mask, poll/select/epoll readiness for the polling thread, thread-directed signals seen
 * only by their thread, inheritance over fork (the fd reads the reader's signals), a blocking read
 * woken by a timer, SIGCHLD's fields, a read interrupted by a handled signal (EINTR without
 * SA_RESTART, restarted with it), and io_uring READ and POLL_ADD on a signalfd, in flight when
 * the signal comes. Reference: native Linux (qemu-riscv64 keeps host signals
 * unblocked, so a host signalfd never sees the guest's pending signals). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/io_uring.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "../include/expect.h"
#include "../include/raw_ring.h"

#define SSI_SIZE ((long)sizeof(struct signalfd_siginfo))

static int handled;

static void on_signal(int sig)
{
	(void)sig;
	handled++;
}

/* Returns a sigset holding the given signals (0-terminated). */
static sigset_t set_of(int first, ...)
{
	sigset_t s;
	__builtin_va_list ap;
	sigemptyset(&s);
	__builtin_va_start(ap, first);
	for (int sig = first; sig != 0; sig = __builtin_va_arg(ap, int))
		sigaddset(&s, sig);
	__builtin_va_end(ap);
	return s;
}

/* signalfd4 through the raw system call (glibc's wrapper passes the kernel sigset size). */
static long sfd4(int fd, const sigset_t *mask, size_t size, int flags)
{
	return syscall(SYS_signalfd4, fd, mask, size, flags);
}

static void args_and_flags(void)
{
	sigset_t m = set_of(SIGUSR1, 0);
	expect("signalfd4 unknown flag", sfd4(-1, &m, 8, 1), EINVAL);
	expect("signalfd4 sizemask 4", sfd4(-1, &m, 4, 0), EINVAL);
	expect("signalfd4 sizemask 16", sfd4(-1, &m, 16, 0), EINVAL);
	expect("signalfd4 mask NULL", sfd4(-1, NULL, 8, 0), EFAULT);
	expect("signalfd4 on a closed fd", sfd4(99, &m, 8, 0), EBADF);
	int p[2];
	pipe(p);
	expect("signalfd4 on a pipe (not a signalfd)", sfd4(p[0], &m, 8, 0), EINVAL);
	close(p[0]);
	close(p[1]);
	int fd = signalfd(-1, &m, SFD_CLOEXEC | SFD_NONBLOCK);
	expect("signalfd SFD_CLOEXEC|SFD_NONBLOCK", fd, 0);
	expect_val("FD_CLOEXEC set", fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	expect_val("O_NONBLOCK set", (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0, 1);
	expect_val("O_RDWR", fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
	char link[64] = "";
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	long n = readlink(path, link, sizeof link - 1);
	if (n >= 0)
		link[n] = 0;
	printf("/proc/self/fd link: %s\n", link);
	expect("write to a signalfd", write(fd, "x", 1), EINVAL);
	sigset_t killstop = set_of(SIGKILL, SIGSTOP, 0);
	expect("mask of SIGKILL and SIGSTOP only", signalfd(fd, &killstop, 0), 0);
	expect_val("update keeps the fd", signalfd(fd, &m, 0), fd);
	close(fd);
}

/* Reads one record and prints signo, code, and whether pid/uid are the caller's. */
static void read_one(int fd, const char *what)
{
	struct signalfd_siginfo si;
	long n = read(fd, &si, sizeof si);
	if (n != SSI_SIZE) {
		expect(what, n, 0);
		return;
	}
	printf("%-52s -> signo %u code %d own pid %d uid %d\n", what, si.ssi_signo, si.ssi_code,
	       si.ssi_pid == (uint32_t)getpid(), si.ssi_uid == getuid());
}

static void reads(void)
{
	sigset_t m = set_of(SIGUSR1, 0);
	int fd = signalfd(-1, &m, SFD_NONBLOCK);
	struct signalfd_siginfo si[4];
	expect("read, nothing pending (nonblocking)", read(fd, si, sizeof si), EAGAIN);
	raise(SIGUSR1);
	expect("read of 127 bytes with one pending", read(fd, si, SSI_SIZE - 1), EINVAL);
	read_one(fd, "read after raise(SIGUSR1)");
	expect("read again", read(fd, si, SSI_SIZE), EAGAIN);
	/* A signal outside the mask stays pending for sigwaitinfo. */
	raise(SIGUSR2);
	expect("SIGUSR2 is outside the mask", read(fd, si, SSI_SIZE), EAGAIN);
	union sigval v;
	v.sival_int = 42;
	sigqueue(getpid(), SIGRTMIN, v);
	v.sival_int = 43;
	sigqueue(getpid(), SIGRTMIN, v);
	sigqueue(getpid(), SIGRTMIN + 1, v);
	sigset_t m2 = set_of(SIGUSR2, SIGRTMIN, SIGRTMIN + 1, 0);
	expect_val("mask updated through the fd", signalfd(fd, &m2, 0), fd);
	expect_val("O_NONBLOCK kept by the update", (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0, 1);
	long n = read(fd, si, sizeof si);
	expect_val("read of four records with four pending", n, 4 * SSI_SIZE);
	for (long i = 0; i < n / SSI_SIZE; i++)
		printf("  record %ld: signo %s code %d int %d ptr %llu own pid %d\n", i,
		       si[i].ssi_signo == (uint32_t)SIGUSR2 ? "SIGUSR2" : si[i].ssi_signo == (uint32_t)SIGRTMIN ? "SIGRTMIN" : "SIGRTMIN+1",
		       si[i].ssi_code, si[i].ssi_int, (unsigned long long)si[i].ssi_ptr, si[i].ssi_pid == (uint32_t)getpid());
	/* sigwaitinfo and signalfd share one queue. */
	raise(SIGUSR1);
	sigset_t w = set_of(SIGUSR1, 0);
	siginfo_t info;
	expect_val("sigwaitinfo takes SIGUSR1", sigwaitinfo(&w, &info), SIGUSR1);
	sigset_t m3 = set_of(SIGUSR1, 0);
	signalfd(fd, &m3, 0);
	expect("then the signalfd finds nothing", read(fd, si, SSI_SIZE), EAGAIN);
	close(fd);
}

static void readiness(void)
{
	sigset_t m = set_of(SIGUSR1, 0);
	int fd = signalfd(-1, &m, SFD_NONBLOCK);
	struct pollfd p = { fd, POLLIN | POLLOUT, 0 };
	expect_val("poll, nothing pending", poll(&p, 1, 0), 0);
	raise(SIGUSR1);
	expect_val("poll, SIGUSR1 pending", poll(&p, 1, 0), 1);
	expect_val("revents", p.revents, POLLIN);
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(fd, &rs);
	struct timeval tv = { 0, 0 };
	expect_val("select, SIGUSR1 pending", select(fd + 1, &rs, NULL, NULL, &tv), 1);
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 7 };
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	struct epoll_event out;
	expect_val("epoll_wait, SIGUSR1 pending", epoll_wait(ep, &out, 1, 0), 1);
	struct signalfd_siginfo si;
	read(fd, &si, sizeof si);
	expect_val("epoll_wait after the read", epoll_wait(ep, &out, 1, 0), 0);
	expect_val("poll after the read", poll(&p, 1, 0), 0);
	close(ep);
	close(fd);
}

static int thread_fd, go[2];
static long thread_got;

static void *thread_main(void *arg)
{
	(void)arg;
	char c;
	read(go[0], &c, 1); /* until main has sent the signal */
	struct pollfd p = { thread_fd, POLLIN, 0 };
	long ready = poll(&p, 1, 0);
	struct signalfd_siginfo si;
	long n = read(thread_fd, &si, sizeof si);
	thread_got = ready * 1000 + (n == SSI_SIZE ? (long)si.ssi_signo : -errno);
	return NULL;
}

static void threads(void)
{
	sigset_t m = set_of(SIGUSR1, 0);
	thread_fd = signalfd(-1, &m, SFD_NONBLOCK);
	pthread_t th;
	/* The new thread inherits the mask (SIGUSR1 blocked); it reads once the signal is pending. */
	pipe(go);
	pthread_create(&th, NULL, thread_main, NULL);
	pthread_kill(th, SIGUSR1);
	write(go[1], "g", 1);
	pthread_join(th, NULL);
	expect_val("thread: ready*1000 + signo of its own SIGUSR1", thread_got, 1000 + SIGUSR1);
	/* A signal directed at another thread is invisible here. */
	pthread_create(&th, NULL, (void *(*)(void *))pause, NULL);
	pthread_kill(th, SIGUSR1);
	struct pollfd p = { thread_fd, POLLIN, 0 };
	expect_val("main: poll with SIGUSR1 pending for the other thread", poll(&p, 1, 0), 0);
	struct signalfd_siginfo si;
	expect("main: read", read(thread_fd, &si, sizeof si), EAGAIN);
	pthread_cancel(th);
	pthread_join(th, NULL);
	close(go[0]);
	close(go[1]);
	close(thread_fd);
}

static void inherit(void)
{
	sigset_t m = set_of(SIGUSR1, 0);
	int fd = signalfd(-1, &m, SFD_NONBLOCK);
	raise(SIGUSR1); /* pending in the parent only: fork does not copy pending signals */
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		struct signalfd_siginfo si;
		long n = read(fd, &si, sizeof si);
		printf("child: read before its own signal -> %s\n", n < 0 ? errname(errno) : "a record");
		kill(getpid(), SIGUSR1);
		n = read(fd, &si, sizeof si);
		printf("child: read after kill(self) -> signo %d own pid %d\n", n == SSI_SIZE ? (int)si.ssi_signo : -1,
		       si.ssi_pid == (uint32_t)getpid());
		fflush(stdout);
		_exit(0);
	}
	waitpid(c, NULL, 0);
	read_one(fd, "parent: its own pending SIGUSR1");
	sigset_t chld = set_of(SIGCHLD, 0);
	struct timespec zero = { 0, 0 };
	expect_val("the child's SIGCHLD is pending", sigtimedwait(&chld, NULL, &zero), SIGCHLD);
	close(fd);
}

static void blocking(void)
{
	sigset_t m = set_of(SIGALRM, SIGCHLD, 0);
	int fd = signalfd(-1, &m, 0);
	struct itimerval it = { { 0, 0 }, { 0, 20000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	struct signalfd_siginfo si;
	long n = read(fd, &si, sizeof si);
	printf("blocking read woken by ITIMER_REAL -> %ld bytes, signo %u code %d\n", n, si.ssi_signo, si.ssi_code);
	fflush(stdout);
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN }, out;
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	pid_t c = fork();
	if (c == 0)
		_exit(3);
	expect_val("epoll_wait woken by the child's SIGCHLD", epoll_wait(ep, &out, 1, 5000), 1);
	close(ep);
	n = read(fd, &si, sizeof si);
	printf("blocking read of SIGCHLD -> %ld bytes, signo %u code %d status %d child pid %d\n", n, si.ssi_signo,
	       si.ssi_code, si.ssi_status, si.ssi_pid == (uint32_t)c);
	waitpid(c, NULL, 0);
	close(fd);
}

/* A blocking read on a mask without SIGALRM, interrupted by a handled SIGALRM. */
static void interrupted(void)
{
	sigset_t m = set_of(SIGUSR1, 0);
	int fd = signalfd(-1, &m, 0);
	sigset_t alrm = set_of(SIGALRM, 0);
	sigprocmask(SIG_UNBLOCK, &alrm, NULL);
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { { 0, 0 }, { 0, 20000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	struct signalfd_siginfo si;
	expect("read interrupted by a handler (no SA_RESTART)", read(fd, &si, sizeof si), EINTR);
	expect_val("handler ran", handled, 1);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	/* SIGALRM after 20 ms restarts the read; a POSIX timer's SIGUSR1 after 200 ms ends it. */
	timer_t tid;
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	sev.sigev_value.sival_int = 5;
	timer_create(CLOCK_MONOTONIC, &sev, &tid);
	struct itimerspec its = { { 0, 0 }, { 0, 200000000 } };
	timer_settime(tid, 0, &its, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	long n = read(fd, &si, sizeof si);
	printf("restarted read -> %ld bytes, signo %u code %d int %d, handler ran %d times\n", n, si.ssi_signo,
	       si.ssi_code, si.ssi_int, handled);
	timer_delete(tid);
	close(fd);
}

/* io_uring READ of a (blocking) signalfd and POLL_ADD on it: at once, and waiting for the signal. */
static void uring(void)
{
	struct ring r;
	if (ring_setup(&r, 8, 0, 0) < 0) {
		perror("io_uring_setup");
		return;
	}
	sigset_t m = set_of(SIGUSR1, 0);
	int fd = signalfd(-1, &m, 0);
	struct signalfd_siginfo si;
	struct io_uring_sqe s;
	memset(&s, 0, sizeof s);
	s.opcode = IORING_OP_READ, s.fd = fd, s.addr = (unsigned long)&si, s.len = sizeof si, s.off = -1;
	raise(SIGUSR1);
	int res = one(&r, &s);
	printf("%-52s -> %d, signo %u\n", "READ with SIGUSR1 pending", res, si.ssi_signo);
	memset(&si, 0, sizeof si);
	ring_submit(&r, &s);
	struct pollfd p = { fd, POLLIN, 0 };
	expect_val("READ in flight, poll before the signal", poll(&p, 1, 0), 0);
	kill(getpid(), SIGUSR1);
	res = ring_wait(&r);
	printf("%-52s -> %d, signo %u code %d\n", "READ in flight, then kill(self)", res, si.ssi_signo, si.ssi_code);
	memset(&s, 0, sizeof s);
	s.opcode = IORING_OP_POLL_ADD, s.fd = fd, s.poll32_events = POLLIN;
	ring_submit(&r, &s);
	raise(SIGUSR1);
	expect_val("POLL_ADD in flight, then raise", ring_wait(&r), POLLIN);
	expect_val("the signal is still pending", read(fd, &si, sizeof si), SSI_SIZE);
	close(fd);
	close(r.fd);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	sigset_t all = set_of(SIGUSR1, SIGUSR2, SIGALRM, SIGCHLD, SIGRTMIN, SIGRTMIN + 1, 0);
	sigprocmask(SIG_BLOCK, &all, NULL);
	args_and_flags();
	reads();
	readiness();
	threads();
	inherit();
	blocking();
	interrupted();
	uring();
	return expect_done("signalfd");
}
