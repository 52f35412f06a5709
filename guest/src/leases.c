/* leases: F_SETLEASE and F_GETLEASE on a file in DIR (argv[1], default /tmp). Who may take which
 * lease (EAGAIN while another open conflicts, EINVAL off regular files, EAGAIN unlocking nothing),
 * a lease break by a conflicting open: the holder gets SIGIO (or its F_SETSIG signal, with si_fd
 * and si_code POLL_MSG), F_GETLEASE shows the pending downgrade or unlock, an O_NONBLOCK opener
 * gets EWOULDBLOCK, and a blocking opener in another thread waits until the holder gives way.
 * F_SETLEASE makes the caller the description's F_SETOWN owner. The last close drops the lease.
 * "leases DIR timeout" instead holds a lease that nobody gives up: an opener, and then a
 * truncate(2), waits lease-break-time (45 s) and gets in; a test runs it with virtual time. */
#define _GNU_SOURCE
#include "../include/lock_file.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile int sigio_count;
static volatile int rt_signo, rt_code, rt_fd;
static volatile long rt_band;
static volatile int released;
static volatile int opener_started;

/* Returns F_GETLEASE's result t as a lock type's name, or the error string when it failed. */
static const char *lname(int t)
{
	return t < 0 ? strerror(errno) : lock_type_name(t);
}

static void on_sigio(int sig)
{
	(void)sig;
	sigio_count++;
}

static void on_rt(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	rt_signo = sig;
	rt_code = si->si_code;
	rt_fd = si->si_fd;
	rt_band = si->si_band;
}

/* Opens the file with flags (blocking) and reports whether main had released its lease first. */
static void *opener(void *arg)
{
	int flags = *(int *)arg;
	opener_started = 1;
	int fd = open(path, flags);
	printf("thread open: %s, after the holder gave way: %d\n", res(fd), released);
	if (fd >= 0)
		close(fd);
	return NULL;
}

/* Holds a write lease that nobody releases; an O_RDWR open waits for lease-break-time. */
static int timeout_case(void)
{
	int fd = open(path, O_RDONLY);
	printf("F_SETLEASE F_WRLCK: %s\n", res(fcntl(fd, F_SETLEASE, F_WRLCK)));
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int fd2 = open(path, O_RDWR);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long waited = (long)(t1.tv_sec - t0.tv_sec) - (t1.tv_nsec < t0.tv_nsec);
	printf("open O_RDWR: %s after %s45 s, SIGIO %d\n", res(fd2), waited >= 45 && waited < 47 ? "" : "NOT ", sigio_count);
	printf("F_GETLEASE after the break timed out: %s\n", lname(fcntl(fd, F_GETLEASE)));
	printf("F_SETLEASE F_UNLCK after it: %s\n", res(fcntl(fd, F_SETLEASE, F_UNLCK)));
	close(fd2);
	printf("F_SETLEASE F_RDLCK: %s\n", res(fcntl(fd, F_SETLEASE, F_RDLCK)));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int r = truncate(path, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	waited = (long)(t1.tv_sec - t0.tv_sec) - (t1.tv_nsec < t0.tv_nsec);
	printf("truncate: %s after %s45 s, SIGIO %d, F_GETLEASE %s\n", res(r), waited >= 45 && waited < 47 ? "" : "NOT ", sigio_count,
		lname(fcntl(fd, F_GETLEASE)));
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	int w = create_test_file(argc, argv, "leases-test-file");
	if (w < 0) return 1;
	write(w, "lease", 5);
	struct sigaction sa = { .sa_handler = on_sigio, .sa_flags = SA_RESTART };
	sigaction(SIGIO, &sa, NULL);
	if (argc > 2 && strcmp(argv[2], "timeout") == 0) {
		close(w);
		return timeout_case();
	}

	printf("-- who may take a lease\n");
	printf("F_GETLEASE with none: %s\n", lname(fcntl(w, F_GETLEASE)));
	printf("F_SETLEASE F_UNLCK with none: %s\n", res(fcntl(w, F_SETLEASE, F_UNLCK)));
	printf("F_SETLEASE F_RDLCK on an O_RDWR fd: %s\n", res(fcntl(w, F_SETLEASE, F_RDLCK)));
	printf("F_SETLEASE F_WRLCK on the only open, O_RDWR: %s\n", res(fcntl(w, F_SETLEASE, F_WRLCK)));
	printf("F_GETLEASE: %s\n", lname(fcntl(w, F_GETLEASE)));
	printf("F_SETLEASE F_UNLCK: %s\n", res(fcntl(w, F_SETLEASE, F_UNLCK)));
	printf("F_SETLEASE 7: %s\n", res(fcntl(w, F_SETLEASE, 7)));
	int r1 = open(path, O_RDONLY);
	printf("F_SETLEASE F_WRLCK with another open: %s\n", res(fcntl(w, F_SETLEASE, F_WRLCK)));
	printf("F_SETLEASE F_RDLCK on O_RDONLY while an O_RDWR open exists: %s\n", res(fcntl(r1, F_SETLEASE, F_RDLCK)));
	close(w);
	printf("F_SETLEASE F_RDLCK on the O_RDONLY fd alone: %s\n", res(fcntl(r1, F_SETLEASE, F_RDLCK)));
	int r2 = open(path, O_RDONLY | O_NONBLOCK);
	printf("open O_RDONLY|O_NONBLOCK against a read lease: %s, SIGIO %d\n", res(r2), sigio_count);
	printf("F_SETLEASE F_RDLCK on a second reader: %s\n", res(fcntl(r2, F_SETLEASE, F_RDLCK)));
	printf("F_SETLEASE F_WRLCK on the first reader (upgrade with another open): %s\n", res(fcntl(r1, F_SETLEASE, F_WRLCK)));
	close(r2);
	printf("F_SETLEASE F_WRLCK on the first reader alone: %s\n", res(fcntl(r1, F_SETLEASE, F_WRLCK)));
	printf("F_GETLEASE: %s\n", lname(fcntl(r1, F_GETLEASE)));
	printf("F_GETOWN is the setter: %s\n", fcntl(r1, F_GETOWN) == getpid() ? "yes" : "no");
	struct f_owner_ex ox;
	printf("F_GETOWN_EX: %s, ", res(fcntl(r1, F_GETOWN_EX, &ox)));
	printf("type %s pid is the setter: %s\n", ox.type == F_OWNER_PID ? "F_OWNER_PID" : "other", ox.pid == getpid() ? "yes" : "no");
	ox.type = 7;
	printf("F_SETOWN_EX type 7: %s\n", res(fcntl(r1, F_SETOWN_EX, &ox)));
	printf("F_SETOWN_EX with a bad pointer: %s\n", res(fcntl(r1, F_SETOWN_EX, (void *)8)));
	int pfd[2];
	pipe(pfd);
	printf("F_SETLEASE F_RDLCK on a pipe: %s\n", res(fcntl(pfd[0], F_SETLEASE, F_RDLCK)));
	printf("F_GETLEASE on a pipe: %s\n", lname(fcntl(pfd[0], F_GETLEASE)));
	close(pfd[0]);
	close(pfd[1]);
	int op = open(path, O_PATH);
	printf("F_GETLEASE on an O_PATH fd: %s\n", lname(fcntl(op, F_GETLEASE)));
	close(op);

	printf("-- a read open breaks a write lease to a read lease\n");
	sigio_count = 0;
	int n = open(path, O_RDONLY | O_NONBLOCK);
	printf("open O_RDONLY|O_NONBLOCK: %s, SIGIO %d\n", res(n), sigio_count);
	printf("F_GETLEASE while breaking: %s\n", lname(fcntl(r1, F_GETLEASE)));
	n = open(path, O_RDONLY | O_NONBLOCK);
	printf("again: %s, SIGIO %d (one break, one signal)\n", res(n), sigio_count);
	printf("F_SETLEASE F_RDLCK (the holder downgrades): %s\n", res(fcntl(r1, F_SETLEASE, F_RDLCK)));
	printf("F_GETLEASE: %s\n", lname(fcntl(r1, F_GETLEASE)));
	n = open(path, O_RDONLY | O_NONBLOCK);
	printf("open O_RDONLY|O_NONBLOCK: %s, SIGIO %d\n", res(n), sigio_count);
	close(n);

	printf("-- F_SETSIG: a write open breaks any lease\n");
	struct sigaction rs = { .sa_sigaction = on_rt, .sa_flags = SA_SIGINFO | SA_RESTART };
	sigaction(SIGRTMIN + 1, &rs, NULL);
	printf("F_SETSIG SIGRTMIN+1: %s\n", res(fcntl(r1, F_SETSIG, SIGRTMIN + 1)));
	printf("F_GETSIG is SIGRTMIN+1: %s\n", fcntl(r1, F_GETSIG) == SIGRTMIN + 1 ? "yes" : "no");
	printf("F_SETSIG 65: %s\n", res(fcntl(r1, F_SETSIG, 65)));
	n = open(path, O_WRONLY | O_NONBLOCK);
	printf("open O_WRONLY|O_NONBLOCK against a read lease: %s\n", res(n));
	printf("signal SIGRTMIN+%d si_code %d si_fd is the lease's fd: %s, si_band %#lx, SIGIO %d\n", rt_signo - SIGRTMIN, rt_code,
		rt_fd == r1 ? "yes" : "no", rt_band, sigio_count);
	printf("F_GETLEASE while breaking: %s\n", lname(fcntl(r1, F_GETLEASE)));
	printf("F_SETLEASE F_UNLCK: %s\n", res(fcntl(r1, F_SETLEASE, F_UNLCK)));
	printf("F_GETLEASE: %s\n", lname(fcntl(r1, F_GETLEASE)));
	fcntl(r1, F_SETSIG, 0);

	printf("-- a blocking opener waits for the holder\n");
	static int flags = O_RDWR;
	for (int round = 0; round < 2; round++) {
		printf("F_SETLEASE F_WRLCK: %s\n", res(fcntl(r1, F_SETLEASE, F_WRLCK)));
		sigio_count = 0;
		released = 0;
		opener_started = 0;
		pthread_t th;
		pthread_create(&th, NULL, opener, &flags);
		while (sigio_count == 0)
			usleep(1000);
		usleep(SETTLE_US);
		released = 1;
		if (round == 0) {
			printf("holder got SIGIO; F_SETLEASE F_RDLCK while a writer waits: %s\n", res(fcntl(r1, F_SETLEASE, F_RDLCK)));
			int u = fcntl(r1, F_SETLEASE, F_UNLCK);
			const char *ur = res(u);
			pthread_join(th, NULL);
			printf("F_SETLEASE F_UNLCK (before the thread's open returned): %s\n", ur);
		} else {
			printf("holder got SIGIO; closes its fd\n");
			close(r1);
			pthread_join(th, NULL);
		}
	}
	unlink(path);
	printf("done\n");
	return 0;
}
