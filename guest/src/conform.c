/*
 * conform: the errno details and small behaviours a conformance suite checks: clone3 with a bad
 * pidfd pointer, edge-triggered epoll after a partial read, tgkill of a real-time signal at
 * RLIMIT_SIGPENDING, mmap's argument checks before EACCES, mmap of an O_PATH descriptor, mlock
 * accounting (VmLck) and RLIMIT_MEMLOCK, prctl's timer slack, personality(2).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../include/expect.h"

#define PAGE 4096
/* A uid no other process of the machine runs as (for the per-user RLIMIT_SIGPENDING count). */
#define SIGPENDING_UID 54321

/* Returns the kB number on the /proc/self/status line starting with label, or -1. */
static long status_kb(const char *label)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");
	if (!f) return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, label, strlen(label)) == 0) v = strtol(line + strlen(label) + 1, NULL, 10);
	fclose(f);
	return v;
}

static void clone3_checks(void)
{
	struct clone_args ca;
	memset(&ca, 0, sizeof ca);
	ca.flags = CLONE_PIDFD;
	ca.pidfd = 8; /* an unmapped address */
	ca.exit_signal = SIGCHLD;
	expect("clone3 CLONE_PIDFD, pidfd pointer unmapped", syscall(SYS_clone3, &ca, sizeof ca), EFAULT);
}

static void epoll_checks(void)
{
	int p[2], ep = epoll_create1(0), n;
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET }, out;
	char buf[4];
	if (pipe(p) || ep < 0) { perror("pipe/epoll"); exit(2); }
	ev.data.fd = p[0];
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
	if (write(p[1], "abcdefgh", 8) != 8) exit(2);
	n = epoll_wait(ep, &out, 1, 0);
	expect_val("EPOLLET: ready after a write", n, 1);
	if (read(p[0], buf, 4) != 4) exit(2);
	n = epoll_wait(ep, &out, 1, 0);
	expect_val("EPOLLET: not ready again after a partial read", n, 0);
	if (write(p[1], "i", 1) != 1) exit(2);
	n = epoll_wait(ep, &out, 1, 0);
	expect_val("EPOLLET: ready after a new write", n, 1);
	close(p[0]); close(p[1]); close(ep);
}

static void sigpending_checks(void)
{
	struct rlimit rl = { 2, 2 };
	sigset_t set;
	int i;
	long r = 0;
	/* The limit counts the signals pending for every process of the real user: as root, run this
	 * part as a user no other process has, so that the host's other processes do not count. */
	int was_root = geteuid() == 0;
	if (was_root && setresuid(SIGPENDING_UID, SIGPENDING_UID, 0)) { perror("setresuid"); exit(2); }
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	setrlimit(RLIMIT_SIGPENDING, &rl);
	for (i = 0; i < 2; i++) syscall(SYS_tgkill, getpid(), gettid(), SIGRTMIN);
	r = syscall(SYS_tgkill, getpid(), gettid(), SIGRTMIN);
	expect("tgkill SIGRTMIN beyond RLIMIT_SIGPENDING", r, EAGAIN);
	expect("kill SIGUSR1 (not real-time) at the limit", kill(getpid(), SIGUSR1) == 0 ? 0 : -1, 0);
	/* Drain the queued signals. */
	struct timespec zero = { 0, 0 };
	while (sigtimedwait(&set, NULL, &zero) > 0) {}
	expect("tgkill SIGRTMIN after draining", syscall(SYS_tgkill, getpid(), gettid(), SIGRTMIN), 0);
	while (sigtimedwait(&set, NULL, &zero) > 0) {}
	if (was_root && (setresuid(-1, 0, -1) || setresuid(0, 0, 0))) { perror("setresuid"); exit(2); }
}

static void mmap_checks(void)
{
	char path[64];
	int fd, pfd;
	snprintf(path, sizeof path, "/tmp/ecall-conform-%d", (int)getpid());
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, PAGE)) { perror("open"); exit(2); }
	expect("mmap length 0 on write-only fd",
		mmap(NULL, 0, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED ? -1 : 0, EINVAL);
	expect("mmap no MAP_PRIVATE/MAP_SHARED on write-only fd",
		mmap(NULL, PAGE, PROT_READ, 0, fd, 0) == MAP_FAILED ? -1 : 0, EINVAL);
	expect("mmap MAP_SHARED PROT_READ on write-only fd",
		mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED ? -1 : 0, EACCES);
	close(fd);
	pfd = open(path, O_PATH);
	expect("mmap of an O_PATH descriptor",
		mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, pfd, 0) == MAP_FAILED ? -1 : 0, EBADF);
	close(pfd);
	unlink(path);
}

static void mlock_checks(void)
{
	char *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *q = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct rlimit rl;
	expect_val("VmLck before mlock (kB)", status_kb("VmLck"), 0);
	expect("mlock 2 pages", mlock(p, 2 * PAGE), 0);
	expect_val("VmLck after mlock (kB)", status_kb("VmLck"), 8);
	expect("mlock the same pages again", mlock(p, 2 * PAGE), 0);
	expect_val("VmLck unchanged by a second mlock (kB)", status_kb("VmLck"), 8);
	expect("mlock2 MLOCK_ONFAULT 1 page", syscall(SYS_mlock2, p + 2 * PAGE, PAGE, 1), 0);
	expect_val("VmLck after mlock2 (kB)", status_kb("VmLck"), 12);
	expect("mlock2 bad flags", syscall(SYS_mlock2, p, PAGE, 2), EINVAL);
	expect("munlock 1 page", munlock(p, PAGE), 0);
	expect_val("VmLck after munlock (kB)", status_kb("VmLck"), 8);
	expect("munmap of locked pages", munmap(p + PAGE, PAGE), 0);
	expect_val("VmLck after munmap (kB)", status_kb("VmLck"), 4);
	expect("munlockall", munlockall(), 0);
	expect_val("VmLck after munlockall (kB)", status_kb("VmLck"), 0);
	getrlimit(RLIMIT_MEMLOCK, &rl);
	rl.rlim_cur = 2 * PAGE;
	setrlimit(RLIMIT_MEMLOCK, &rl);
	/* Unprivileged callers are held to RLIMIT_MEMLOCK (root, with CAP_IPC_LOCK, is not): run as
	 * nobody for this part so that the result does not depend on who runs the test. */
	if (geteuid() == 0 && setresuid(-1, 65534, -1)) { perror("setresuid"); exit(2); }
	expect("mlock 3 pages over RLIMIT_MEMLOCK (unprivileged)", mlock(q, 3 * PAGE), ENOMEM);
	expect("mlock 2 pages within RLIMIT_MEMLOCK (unprivileged)", mlock(q, 2 * PAGE), 0);
	expect("mlock 1 more page over RLIMIT_MEMLOCK", mlock(q + 2 * PAGE, PAGE), ENOMEM);
	expect("mlockall(MCL_CURRENT) over RLIMIT_MEMLOCK", mlockall(MCL_CURRENT), ENOMEM);
	munlock(q, 2 * PAGE);
	if (getuid() == 0 && setresuid(-1, 0, -1)) { perror("setresuid"); exit(2); }
	expect("mlockall bad flags", mlockall(0), EINVAL);
	expect("mlock of an unmapped range", mlock((void *)PAGE, PAGE), ENOMEM);
	munmap(p, 4 * PAGE);
	munmap(q, 4 * PAGE);
}

static void timerslack_checks(void)
{
	expect_val("PR_GET_TIMERSLACK default (ns)", prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0), 50000);
	expect("PR_SET_TIMERSLACK 1000", prctl(PR_SET_TIMERSLACK, 1000, 0, 0, 0), 0);
	expect_val("PR_GET_TIMERSLACK after set", prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0), 1000);
	expect("PR_SET_TIMERSLACK 0 (reset)", prctl(PR_SET_TIMERSLACK, 0, 0, 0, 0), 0);
	expect_val("PR_GET_TIMERSLACK after reset", prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0), 50000);
}

static void personality_checks(void)
{
	struct utsname u;
	expect_val("personality(0xffffffff) query", personality(0xffffffff), PER_LINUX);
	expect_val("personality(UNAME26) returns the old one", personality(UNAME26), PER_LINUX);
	expect_val("personality query after UNAME26", personality(0xffffffff), UNAME26);
	uname(&u);
	expect_val("uname release starts with 2.6. under UNAME26", strncmp(u.release, "2.6.", 4), 0);
	expect_val("personality(PER_LINUX)", personality(PER_LINUX), UNAME26);
	uname(&u);
	expect_val("uname release not 2.6. after PER_LINUX", strncmp(u.release, "2.6.", 4) != 0, 1);
}

int main(void)
{
	clone3_checks();
	epoll_checks();
	sigpending_checks();
	mmap_checks();
	mlock_checks();
	timerslack_checks();
	personality_checks();
	return expect_done("conform");
}
