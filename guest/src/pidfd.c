// Process file descriptors: pidfd_open (and its errors), poll and epoll readable once the process
// has exited, pidfd_send_signal (with and without a siginfo, and its errors), waitid(P_PIDFD)
// (with PIDFD_NONBLOCK), pidfd_getfd taking a child's pipe end, and CLONE_PIDFD through clone
// and clone3. The pidfd stays valid after its process is reaped (ESRCH to signal it).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#ifndef PIDFD_NONBLOCK
#define PIDFD_NONBLOCK O_NONBLOCK
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x1000
#endif

static int pidfd_open(pid_t pid, unsigned flags) { return syscall(SYS_pidfd_open, pid, flags); }
static int pidfd_send_signal(int fd, int sig, siginfo_t *info, unsigned flags) { return syscall(SYS_pidfd_send_signal, fd, sig, info, flags); }
static int pidfd_getfd(int fd, int target, unsigned flags) { return syscall(SYS_pidfd_getfd, fd, target, flags); }

// Prints a call's result as "0" / "N" or "-1 ENAME".
static void show(const char *what, long r) {
	if (r < 0) printf("%s: -1 %s\n", what, strerror(errno));
	else printf("%s: %ld\n", what, r);
}

// A child that waits until its stdin pipe closes (or is killed); returns its pid, *wfd the pipe's write end.
static pid_t sleeper(int *wfd) {
	int p[2];
	pipe(p);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[1]);
		char c;
		read(p[0], &c, 1);
		_exit(3);
	}
	close(p[0]);
	*wfd = p[1];
	return pid;
}

static int ready_now(int fd) {
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int n = poll(&pfd, 1, 0);
	return n == 1 ? pfd.revents : 0;
}

static volatile pid_t thread_tid;
static void *idle_thread(void *arg) { thread_tid = gettid(); pause(); return arg; }

static void open_and_signal(void) {
	int w;
	pid_t pid = sleeper(&w);
	int fd = pidfd_open(pid, 0);
	printf("pidfd_open of a child: %s, close-on-exec %d\n", fd >= 0 ? "an fd" : strerror(errno), (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
	printf("poll while it runs: revents %#x\n", ready_now(fd));
	siginfo_t si;
	memset(&si, 0, sizeof si);
	int r = syscall(SYS_waitid, P_PIDFD, fd, &si, WEXITED | WNOHANG, NULL);
	printf("waitid P_PIDFD WNOHANG while it runs: %d si_pid set %d\n", r, si.si_pid != 0);
	show("pidfd_send_signal SIGTERM", pidfd_send_signal(fd, SIGTERM, NULL, 0));
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int n = poll(&pfd, 1, -1);
	printf("poll after it died: %d revents %#x\n", n, pfd.revents);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = { .events = EPOLLIN }, out;
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	n = epoll_wait(ep, &out, 1, -1);
	printf("epoll on the zombie's pidfd: %d events %#x\n", n, out.events);
	close(ep);
	show("pidfd_send_signal to a zombie", pidfd_send_signal(fd, SIGTERM, NULL, 0));
	show("pidfd_getfd from a zombie", pidfd_getfd(fd, 0, 0));
	memset(&si, 0, sizeof si);
	r = syscall(SYS_waitid, P_PIDFD, fd, &si, WEXITED, NULL);
	printf("waitid P_PIDFD: %d pid matches %d code %d status %d\n", r, si.si_pid == pid, si.si_code, si.si_status);
	show("pidfd_send_signal after the reap", pidfd_send_signal(fd, SIGTERM, NULL, 0));
	show("waitid P_PIDFD after the reap", syscall(SYS_waitid, P_PIDFD, fd, &si, WEXITED, NULL));
	close(fd);
	close(w);
}

static void open_errors(void) {
	show("pidfd_open with an unknown flag", pidfd_open(getpid(), 1));
	show("pidfd_open of pid 0", pidfd_open(0, 0));
	show("pidfd_open of a pid nobody has", pidfd_open(0x3ffffff0, 0));
	pthread_t th;
	pthread_create(&th, NULL, idle_thread, NULL);
	while (thread_tid == 0) sched_yield();
	// Refused: EINVAL up to Linux 6.8, ENOENT since pidfds can name threads (PIDFD_THREAD, 6.9).
	printf("pidfd_open of a thread that is not a leader: %s\n", pidfd_open(thread_tid, 0) < 0 ? "refused" : "an fd");
	int self = pidfd_open(getpid(), 0);
	siginfo_t si;
	memset(&si, 0, sizeof si);
	si.si_signo = SIGUSR1;
	si.si_code = SI_QUEUE;
	signal(SIGUSR1, SIG_IGN);
	show("pidfd_send_signal of a SI_QUEUE siginfo to ourselves", pidfd_send_signal(self, SIGUSR1, &si, 0));
	show("pidfd_send_signal with si_signo not the signal", pidfd_send_signal(self, SIGUSR2, &si, 0));
	show("pidfd_send_signal with flags", pidfd_send_signal(self, SIGUSR1, NULL, 1u << 30));
	int p[2];
	pipe(p);
	show("pidfd_send_signal on a pipe", pidfd_send_signal(p[0], SIGUSR1, NULL, 0));
	show("waitid P_PIDFD on a pipe", syscall(SYS_waitid, P_PIDFD, p[0], &si, WEXITED, NULL));
	show("pidfd_getfd with flags", pidfd_getfd(self, 0, 1));
	show("pidfd_getfd of an fd that is not open", pidfd_getfd(self, 999, 0));
	close(p[0]);
	close(p[1]);
	close(self);
	int w;
	pid_t pid = sleeper(&w);
	int fd = pidfd_open(pid, 0);
	memset(&si, 0, sizeof si);
	si.si_signo = SIGUSR1;
	si.si_code = SI_QUEUE;
	show("pidfd_send_signal of a SI_QUEUE siginfo to another process", pidfd_send_signal(fd, SIGUSR1, &si, 0));
	si.si_code = -60; // a negative code that is not SI_TKILL: allowed
	show("pidfd_send_signal of a negative si_code to another process", pidfd_send_signal(fd, SIGUSR1, &si, 0));
	close(w);
	waitpid(pid, NULL, 0);
	close(fd);
}

static void nonblock_wait(void) {
	int w;
	pid_t pid = sleeper(&w);
	int fd = pidfd_open(pid, PIDFD_NONBLOCK);
	siginfo_t si;
	show("waitid on a PIDFD_NONBLOCK pidfd while it runs", syscall(SYS_waitid, P_PIDFD, fd, &si, WEXITED, NULL));
	close(w);
	memset(&si, 0, sizeof si);
	while (syscall(SYS_waitid, P_PIDFD, fd, &si, WEXITED, NULL) < 0 && errno == EAGAIN) sched_yield();
	printf("then, once it exits: pid matches %d code %d status %d\n", si.si_pid == pid, si.si_code, si.si_status);
	close(fd);
}

static void getfd(void) {
	int p[2], ready[2];
	pipe(p);
	pipe(ready);
	pid_t pid = fork();
	if (pid == 0) {
		// The child keeps the read end (fd p[0]) and fills the pipe, then waits to be killed.
		close(p[1]);
		int q[2];
		pipe(q);
		dup2(q[0], 20);
		write(q[1], "through pidfd_getfd", 19);
		write(ready[1], "r", 1);
		pause();
		_exit(0);
	}
	char c;
	read(ready[0], &c, 1);
	int fd = pidfd_open(pid, 0);
	int got = pidfd_getfd(fd, 20, 0);
	char buf[32] = {0};
	int n = got >= 0 ? read(got, buf, sizeof buf - 1) : -1;
	printf("pidfd_getfd of the child's fd 20: %s, close-on-exec %d, read %d \"%s\"\n", got >= 0 ? "an fd" : strerror(errno),
		(fcntl(got, F_GETFD) & FD_CLOEXEC) != 0, n, buf);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(got);
	close(fd);
	close(p[0]);
	close(p[1]);
	close(ready[0]);
	close(ready[1]);
}

static void clone_pidfd(void) {
	int pidfd = -1;
	long pid = syscall(SYS_clone, CLONE_PIDFD | SIGCHLD, 0, &pidfd, 0, 0);
	if (pid == 0) _exit(7);
	printf("clone with CLONE_PIDFD: pid %s, pidfd %s, close-on-exec %d\n", pid > 0 ? "set" : strerror(errno),
		pidfd >= 0 ? "set" : "unset", (fcntl(pidfd, F_GETFD) & FD_CLOEXEC) != 0);
	siginfo_t si;
	memset(&si, 0, sizeof si);
	int r = syscall(SYS_waitid, P_PIDFD, pidfd, &si, WEXITED, NULL);
	printf("waitid on it: %d pid matches %d code %d status %d\n", r, si.si_pid == pid, si.si_code, si.si_status);
	close(pidfd);
	int x = -1;
	struct { uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls; } ca;
	memset(&ca, 0, sizeof ca);
	int pidfd3 = -1;
	ca.flags = CLONE_PIDFD;
	ca.pidfd = (uintptr_t)&pidfd3;
	ca.exit_signal = SIGCHLD;
	pid = syscall(SYS_clone3, &ca, sizeof ca);
	if (pid == 0) _exit(9);
	memset(&si, 0, sizeof si);
	r = syscall(SYS_waitid, P_PIDFD, pidfd3, &si, WEXITED, NULL);
	printf("clone3 with CLONE_PIDFD: pid %s, pidfd %s; waitid on it: %d pid matches %d status %d\n", pid > 0 ? "set" : strerror(errno),
		pidfd3 >= 0 ? "set" : "unset", r, si.si_pid == pid, si.si_status);
	close(pidfd3);
	show("clone with CLONE_PIDFD and CLONE_PARENT_SETTID", syscall(SYS_clone, CLONE_PIDFD | CLONE_PARENT_SETTID | SIGCHLD, 0, &x, 0, 0));
}

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	open_and_signal();
	nonblock_wait();
	getfd();
	clone_pidfd();
	open_errors();
	return 0;
}
