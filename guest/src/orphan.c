// Orphans: with PR_SET_CHILD_SUBREAPER set, a grandchild whose parent exits is reparented to this
// process (getppid changes to our pid, and we can wait for it); PR_SET_PDEATHSIG delivers a signal
// to a child when its parent exits; a zombie grandchild is reaped by the subreaper too.
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	int r = prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	int flag = -1;
	prctl(PR_GET_CHILD_SUBREAPER, &flag, 0, 0, 0);
	printf("subreaper set: %d, reads back %d\n", r, flag);
	pid_t me = getpid();
	int fds[2], ready[2];
	pipe(fds);
	pipe(ready);
	pid_t mid = fork();
	if (mid == 0) {
		pid_t g = fork();
		if (g == 0) {
			// Grandchild: asks for SIGUSR1 when its parent dies, then waits to be orphaned.
			close(fds[0]);
			close(ready[0]);
			prctl(PR_SET_PDEATHSIG, SIGUSR1);
			sigset_t set;
			sigemptyset(&set);
			sigaddset(&set, SIGUSR1);
			sigprocmask(SIG_BLOCK, &set, NULL);
			write(ready[1], "r", 1); // ready: the parent may exit now
			int sig = 0;
			sigwait(&set, &sig);
			// Report, through the pipe, the signal and who the new parent is.
			char msg[64];
			int n = snprintf(msg, sizeof msg, "%d %d", sig, getppid() == me ? 1 : 0);
			write(fds[1], msg, n);
			_exit(21);
		}
		char c;
		read(ready[0], &c, 1);
		_exit(20);
	}
	close(fds[1]);
	close(ready[0]);
	close(ready[1]);
	int st;
	waitpid(mid, &st, 0);
	printf("middle process exited %d\n", WEXITSTATUS(st));
	char buf[64] = {0};
	ssize_t n = 0, k;
	while ((k = read(fds[0], buf + n, sizeof buf - 1 - n)) > 0) n += k;
	int sig = 0, adopted = 0;
	sscanf(buf, "%d %d", &sig, &adopted);
	printf("grandchild got %s from PR_SET_PDEATHSIG; its new parent is us: %s\n", sig == SIGUSR1 ? "SIGUSR1" : "no signal",
	       adopted ? "yes" : "no");
	pid_t w = waitpid(-1, &st, 0);
	printf("we reap the grandchild: %s, exited %d\n", w > 0 ? "yes" : "no", WEXITSTATUS(st));

	// A grandchild that is already a zombie when its parent exits is handed to us and reaped here.
	mid = fork();
	if (mid == 0) {
		pid_t g = fork();
		if (g == 0) _exit(31);
		// Wait until the grandchild is a zombie (waitid WNOWAIT leaves it waitable).
		siginfo_t si;
		waitid(P_PID, g, &si, WEXITED | WNOWAIT);
		_exit(30);
	}
	int codes = 0;
	for (int i = 0; i < 2; i++) {
		w = waitpid(-1, &st, 0);
		codes += WEXITSTATUS(st);
	}
	errno = 0;
	w = waitpid(-1, &st, 0);
	printf("zombie grandchild adopted and reaped: sum of codes %d; then %s\n", codes, errno == ECHILD ? "ECHILD" : "?");
	return 0;
}
