// waitid: P_PID, P_PGID (and id 0 for the caller's group), P_ALL; WEXITED, WSTOPPED, WCONTINUED;
// WNOWAIT leaving the child waitable; WNOHANG with nothing to report (si_pid 0); the siginfo
// fields (si_signo, si_code, si_pid, si_status, si_uid); EINVAL and ECHILD.
#define _GNU_SOURCE
#include "../include/cld_code.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *what, int r, const siginfo_t *si, pid_t expect) {
	if (r != 0) { printf("%s: -1 %s\n", what, strerror(errno)); return; }
	printf("%s: signo %d, code %s, pid %s, status %d, uid %s\n", what, si->si_signo, cld_code_name(si->si_code, "none"),
	       si->si_pid == expect ? "right" : si->si_pid == 0 ? "0" : "wrong", si->si_status,
	       si->si_uid == getuid() ? "ours" : "other");
}

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	if (getpgrp() != getpid()) setpgid(0, 0);
	siginfo_t si;
	int r;
	pid_t p = fork();
	if (p == 0) _exit(7);
	memset(&si, 0x55, sizeof si);
	r = waitid(P_PID, p, &si, WEXITED | WNOWAIT);
	show("P_PID WNOWAIT", r, &si, p);
	r = waitid(P_PID, p, &si, WEXITED);
	show("P_PID again", r, &si, p);
	errno = 0;
	r = waitid(P_PID, p, &si, WEXITED);
	show("P_PID once reaped", r, &si, p);

	p = fork();
	if (p == 0) { pause(); _exit(0); }
	memset(&si, 0x55, sizeof si);
	r = waitid(P_ALL, 0, &si, WEXITED | WNOHANG);
	show("P_ALL WNOHANG, nothing yet", r, &si, 0);
	kill(p, SIGSTOP);
	r = waitid(P_PID, p, &si, WSTOPPED);
	show("WSTOPPED", r, &si, p);
	r = waitid(P_PID, p, &si, WSTOPPED | WNOHANG);
	show("WSTOPPED reported once", r, &si, 0);
	kill(p, SIGCONT);
	r = waitid(P_PID, p, &si, WCONTINUED | WNOWAIT);
	show("WCONTINUED WNOWAIT", r, &si, p);
	r = waitid(P_PID, p, &si, WCONTINUED);
	show("WCONTINUED", r, &si, p);
	kill(p, SIGKILL);
	r = waitid(P_ALL, 0, &si, WEXITED);
	show("P_ALL after SIGKILL", r, &si, p);

	// Process groups: a child in its own group and one in ours.
	pid_t a = fork();
	if (a == 0) { setpgid(0, 0); _exit(11); }
	setpgid(a, a);
	pid_t b = fork();
	if (b == 0) _exit(12);
	r = waitid(P_PGID, a, &si, WEXITED);
	show("P_PGID of the child's own group", r, &si, a);
	r = waitid(P_PGID, 0, &si, WEXITED);
	show("P_PGID 0 (our group)", r, &si, b);

	errno = 0;
	r = waitid(P_ALL, 0, &si, 0);
	show("no WEXITED/WSTOPPED/WCONTINUED", r, &si, 0);
	errno = 0;
	r = waitid(P_ALL, 0, &si, WEXITED);
	show("no children", r, &si, 0);
	errno = 0;
	r = waitid(7, 0, &si, WEXITED);
	show("bad idtype", r, &si, 0);
	return 0;
}
