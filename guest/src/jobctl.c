// Shell-like job control without a terminal: a background job of two processes in its own process
// group (setpgid from both sides, as shells do), stopped and continued as a group with kill(-pgid),
// every state change seen through SIGCHLD and waitpid(WUNTRACED | WCONTINUED), and finally killed
// with kill(-pgid, SIGTERM). Also kill(0, sig) to the caller's own group, a job stopping itself
// with raise(SIGTSTP), setsid and getsid/getpgid, and the EPERM/ESRCH/EACCES-free errors of setpgid.
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t chld;

static void on_chld(int sig) { (void)sig; chld++; }

static const char *describe(int st) {
	static char buf[64];
	if (WIFEXITED(st)) snprintf(buf, sizeof buf, "exited %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st)) snprintf(buf, sizeof buf, "killed by %s", strsignal(WTERMSIG(st)));
	else if (WIFSTOPPED(st)) snprintf(buf, sizeof buf, "stopped by %s", strsignal(WSTOPSIG(st)));
	else if (WIFCONTINUED(st)) snprintf(buf, sizeof buf, "continued");
	else snprintf(buf, sizeof buf, "status %#x", st);
	return buf;
}

/** Waits for one state change of pid (WUNTRACED | WCONTINUED) and prints it. */
static void report(const char *what, pid_t pid) {
	int st;
	pid_t w = waitpid(pid, &st, WUNTRACED | WCONTINUED);
	printf("%s: %s%s\n", what, w == pid ? "" : "(wrong pid) ", describe(st));
}

/** Waits until the SIGCHLD handler has run at least once since chld was cleared: the signal for a
 *  continue comes from the continued child when it next runs, possibly after wait reported it. */
static void await_chld(void) {
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &old);
	while (chld == 0) sigsuspend(&old);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/** Sends sig to the job's group and reports the state change of its leader, then of its member,
 *  each as "... after <after>". */
static void signal_job(pid_t leader, pid_t member, int sig, const char *after) {
	char what[96];
	kill(-leader, sig);
	snprintf(what, sizeof what, "leader after %s", after);
	report(what, leader);
	snprintf(what, sizeof what, "member after %s", after);
	report(what, member);
}

static void spin(void) {
	for (;;) pause();
}

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGCHLD, on_chld);
	// Lead a process group, as an interactive shell does (so kill(0) stays within this test).
	if (getpgrp() != getpid()) setpgid(0, 0);
	printf("shell leads its group: %s\n", getpgrp() == getpid() ? "yes" : "no");
	// The job: a leader and a second member, both put into the leader's new group by the shell
	// and by themselves (whichever runs first).
	pid_t leader = fork();
	if (leader == 0) { setpgid(0, 0); spin(); }
	setpgid(leader, leader);
	pid_t member = fork();
	if (member == 0) { setpgid(0, leader); spin(); }
	setpgid(member, leader);
	printf("job group is the leader's pid: %s %s\n", getpgid(leader) == leader ? "yes" : "no",
	       getpgid(member) == leader ? "yes" : "no");
	printf("job is in the shell's session: %s\n", getsid(leader) == getsid(0) ? "yes" : "no");
	printf("setpgid into a group of another session fails: %s\n", setpgid(member, 999999) == -1 && errno == EPERM ? "EPERM" : "?");
	printf("setpgid of a non-child fails: %s\n", setpgid(1, 1) == -1 && (errno == ESRCH || errno == EPERM) ? "yes" : "no");

	chld = 0;
	signal_job(leader, member, SIGTSTP, "SIGTSTP to the group");
	await_chld();
	printf("SIGCHLD arrived for the stops: yes\n");
	int st;
	printf("nothing more to report (WNOHANG): %d\n", (int)waitpid(-1, &st, WNOHANG | WUNTRACED));
	chld = 0;
	signal_job(leader, member, SIGCONT, "SIGCONT");
	await_chld();
	printf("SIGCHLD arrived for the continues: yes\n");
	signal_job(leader, member, SIGSTOP, "SIGSTOP");
	// SIGTERM to a stopped job stays pending until SIGCONT; shells send both.
	kill(-leader, SIGTERM);
	kill(-leader, SIGCONT);
	// Both die in either order; report them in a fixed one.
	pid_t w1 = waitpid(-leader, &st, 0);
	int st2;
	pid_t w2 = waitpid(-leader, &st2, 0);
	if (w1 == member) { pid_t tw = w1; w1 = w2; w2 = tw; int ts = st; st = st2; st2 = ts; }
	printf("%s: %s\n", w1 == leader ? "leader" : "?", describe(st));
	printf("%s: %s\n", w2 == member ? "member" : "?", describe(st2));
	errno = 0;
	int kr = kill(-leader, SIGTERM);
	printf("kill of the empty group: %d %s\n", kr, errno == ESRCH ? "ESRCH" : "?");

	// A job that stops itself, reported with WUNTRACED only.
	pid_t self_stop = fork();
	if (self_stop == 0) { setpgid(0, 0); raise(SIGTSTP); _exit(3); }
	report("self-stopping child", self_stop);
	kill(self_stop, SIGCONT);
	waitpid(self_stop, &st, 0);
	printf("then: %s\n", describe(st));

	// kill(0, sig) reaches the caller's group, children included.
	pid_t same = fork();
	if (same == 0) { spin(); }
	signal(SIGUSR1, SIG_IGN);
	kill(0, SIGUSR1);
	waitpid(same, &st, 0);
	printf("child in the shell's group after kill(0, SIGUSR1): %s\n", describe(st));

	// setsid in a child: a new session and group; a group leader cannot.
	pid_t s = fork();
	if (s == 0) {
		pid_t sid = setsid();
		int ok = sid == getpid() && getsid(0) == getpid() && getpgrp() == getpid();
		int again = setsid() == -1 && errno == EPERM;
		_exit(ok && again ? 0 : 1);
	}
	waitpid(s, &st, 0);
	printf("setsid in a child: %s\n", describe(st));
	printf("setsid in the group leader: %s\n", setsid() == -1 && errno == EPERM ? "EPERM" : "?");
	return 0;
}
