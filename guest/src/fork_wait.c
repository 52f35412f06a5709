// fork and wait: exit codes and signal deaths through wait4's status word, SIGCHLD's siginfo,
// copy-on-write isolation (parent and child each write, each sees its own), WNOHANG, ECHILD,
// wait4's rusage, getppid in the child, vfork + _exit, and a child with no exit signal
// (seen only with __WALL / __WCLONE). Only the parent prints (after each child has ended), so the
// output does not depend on scheduling.
#define _GNU_SOURCE
#include "../include/cld_code.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t chld_count;
static siginfo_t chld_info;

static void on_chld(int sig, siginfo_t *si, void *ctx) {
	(void)sig; (void)ctx;
	chld_info = *si;
	chld_count++;
}

static void describe(const char *what, int st) {
	if (WIFEXITED(st)) printf("%s: exited %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st)) printf("%s: killed by signal %d\n", what, WTERMSIG(st));
	else if (WIFSTOPPED(st)) printf("%s: stopped by %d\n", what, WSTOPSIG(st));
	else printf("%s: status %#x\n", what, st);
}

static int heap_value = 1;

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_chld;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigaction(SIGCHLD, &sa, NULL);

	// Exit codes.
	int codes[] = {0, 1, 42, 255};
	for (unsigned i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		pid_t p = fork();
		if (p == 0) _exit(codes[i]);
		int st;
		pid_t w = waitpid(p, &st, 0);
		char what[64];
		snprintf(what, sizeof what, "exit(%d) waited for the right pid %s", codes[i], w == p ? "yes" : "no");
		describe(what, st);
	}
	printf("SIGCHLD handler ran: %s, si_code %s, si_status %d\n", chld_count > 0 ? "yes" : "no",
	       cld_code_name(chld_info.si_code, "?"), chld_info.si_status);

	// Killed by a signal the parent sends, and by one the child raises.
	pid_t p = fork();
	if (p == 0) { for (;;) pause(); }
	kill(p, SIGTERM);
	int st;
	waitpid(p, &st, 0);
	describe("SIGTERM from the parent", st);
	printf("SIGCHLD: si_code %s, si_status %d, si_pid matches %s\n", cld_code_name(chld_info.si_code, "?"),
	       chld_info.si_status, chld_info.si_pid == p ? "yes" : "no");
	p = fork();
	if (p == 0) { signal(SIGUSR1, SIG_DFL); raise(SIGUSR1); _exit(9); }
	waitpid(p, &st, 0);
	describe("raise(SIGUSR1)", st);

	// Copy-on-write: each side writes its own copy of a global and of a heap buffer.
	char *buf = malloc(1 << 16);
	memset(buf, 'p', 1 << 16);
	int fds[2];
	if (pipe(fds) != 0) return 1;
	p = fork();
	if (p == 0) {
		heap_value = 2;
		memset(buf, 'c', 1 << 16);
		char msg[64];
		int n = snprintf(msg, sizeof msg, "child sees %d %c%c", heap_value, buf[0], buf[(1 << 16) - 1]);
		write(fds[1], msg, n);
		_exit(0);
	}
	heap_value = 3;
	buf[0] = 'P';
	waitpid(p, &st, 0);
	char msg[64] = {0};
	read(fds[0], msg, sizeof msg - 1);
	printf("%s; parent sees %d %c%c\n", msg, heap_value, buf[0], buf[(1 << 16) - 1]);

	// getppid in the child, and the child's pid as fork returned it.
	p = fork();
	if (p == 0) _exit(getppid() == getpid() ? 3 : (getppid() > 0 ? 7 : 5));
	waitpid(p, &st, 0);
	describe("child's getppid is positive and not its own pid (7)", st);

	// WNOHANG on a running child, then a blocking wait; then ECHILD.
	int go[2];
	pipe(go);
	p = fork();
	if (p == 0) { char c; read(go[0], &c, 1); _exit(4); }
	pid_t w = waitpid(p, &st, WNOHANG);
	printf("WNOHANG on a running child returns %d\n", (int)w);
	write(go[1], "x", 1);
	w = waitpid(-1, &st, 0);
	printf("wait(-1) returns the child: %s\n", w == p ? "yes" : "no");
	errno = 0;
	w = waitpid(-1, &st, 0);
	printf("wait with no children: %d %s\n", (int)w, errno == ECHILD ? "ECHILD" : strerror(errno));

	// wait4's rusage counts the child's CPU time; RUSAGE_CHILDREN accumulates it.
	p = fork();
	if (p == 0) { volatile unsigned long x = 0; for (unsigned long i = 0; i < 10000000; i++) x += i; _exit(0); }
	struct rusage ru;
	wait4(p, &st, 0, &ru);
	struct rusage ch;
	getrusage(RUSAGE_CHILDREN, &ch);
	long cpu_us = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000L + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
	printf("child CPU time > 1 ms: %s; RUSAGE_CHILDREN >= it: %s\n", cpu_us > 1000 ? "yes" : "no",
	       ch.ru_utime.tv_sec > ru.ru_utime.tv_sec || (ch.ru_utime.tv_sec == ru.ru_utime.tv_sec && ch.ru_utime.tv_usec >= ru.ru_utime.tv_usec) ? "yes" : "no");

	// vfork: the parent waits until the child exits; the child shares memory until then.
	volatile int shared_by_vfork = 0;
	p = vfork();
	if (p == 0) { shared_by_vfork = 77; _exit(12); }
	printf("after vfork the parent sees the child's store: %d\n", shared_by_vfork);
	waitpid(p, &st, 0);
	describe("vfork child", st);

	// A child with no exit signal: plain wait does not see it; __WALL does.
	chld_count = 0;
	long r = syscall(SYS_clone, 0L, 0L, 0L, 0L, 0L);
	if (r == 0) _exit(6);
	errno = 0;
	w = waitpid(-1, &st, 0);
	printf("wait without __WALL for a no-signal child: %d %s\n", (int)w, errno == ECHILD ? "ECHILD" : "?");
	w = waitpid(-1, &st, __WALL);
	printf("with __WALL: found %s; ", w == r ? "yes" : "no");
	describe("status", st);
	printf("SIGCHLD for it: %s\n", chld_count ? "yes" : "no");

	// Many children, reaped in any order: the sum of their codes is fixed.
	int sum = 0;
	for (int i = 1; i <= 20; i++) if (fork() == 0) _exit(i);
	while ((w = wait(&st)) > 0) sum += WEXITSTATUS(st);
	printf("20 children, sum of exit codes %d\n", sum);
	return 0;
}
