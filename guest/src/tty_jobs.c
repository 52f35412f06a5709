// Terminal job control, run with a terminal as fds 0-2 that is the controlling terminal of the
// program's session, the program leading that session and its group in the foreground (as under
// `script`, or ecall with a simulated terminal): background reads get SIGTTIN, background writes
// with TOSTOP and background tcsetattr/tcsetpgrp get SIGTTOU, ignored SIGTTIN gives EIO and
// ignored SIGTTOU lets the call through, a group made foreground can hand the terminal back, an
// orphaned group gets EIO instead of stop signals (and its SIGTSTP is discarded), and a group
// orphaned with a stopped member gets SIGHUP then SIGCONT. Children report through exit codes
// (a background printf would itself be a background write). With the argument "linux" it runs
// instead what qemu-riscv64 is no reference for: TIOCGSID (which it does not translate), the
// terminal fields of /proc/self/stat (which it makes up), and the
// cases where the signal is blocked rather than ignored (its guest signal mask is its own).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static const char *signame(int sig) {
	switch (sig) {
	case SIGTTIN: return "SIGTTIN";
	case SIGTTOU: return "SIGTTOU";
	case SIGTSTP: return "SIGTSTP";
	case SIGSTOP: return "SIGSTOP";
	case SIGHUP: return "SIGHUP";
	default: return "another signal";
	}
}

// Runs fn in a child in a new (background) process group; returns the child's pid.
static pid_t spawn_bg(int (*fn)(void)) {
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		_exit(fn());
	}
	setpgid(pid, pid);
	return pid;
}

// Waits for child pid to stop or end and prints what happened under `name`; a stopped child is killed.
static void report(const char *name, pid_t pid) {
	int st;
	waitpid(pid, &st, WUNTRACED);
	if (WIFSTOPPED(st)) {
		printf("%s: stopped by %s\n", name, signame(WSTOPSIG(st)));
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
	} else if (WIFEXITED(st)) {
		int c = WEXITSTATUS(st);
		if (c == 0) printf("%s: succeeded\n", name);
		else if (c < 9 || c > 30) printf("%s: failed with %s\n", name, strerror(c));
		else printf("%s: failed at check %d\n", name, c);
	} else {
		printf("%s: killed by signal %d\n", name, WTERMSIG(st));
	}
}

static int err(int r) { return r < 0 ? errno : 0; }

static int read_tty(void) { char c; return err(read(0, &c, 1)); }
static int write_tty(void) { return err(write(1, "background write\n", 17)); }
static int setattr_tty(void) { struct termios t; tcgetattr(0, &t); return err(tcsetattr(0, TCSANOW, &t)); }
static int setpgrp_tty(void) { return err(tcsetpgrp(0, getpgrp())); }

static int ignore_then(int sig, int (*fn)(void)) { signal(sig, SIG_IGN); return fn(); }
static int block_then(int sig, int (*fn)(void)) {
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	sigprocmask(SIG_BLOCK, &s, NULL);
	return fn();
}
static int read_ign(void) { return ignore_then(SIGTTIN, read_tty); }
static int read_blocked(void) { return block_then(SIGTTIN, read_tty); }
static int write_ign(void) { return ignore_then(SIGTTOU, write_tty); }
static int write_blocked(void) { return block_then(SIGTTOU, write_tty); }

// With SIGTTOU ignored a background group takes the terminal, checks it has it, and gives it back.
static int take_and_return(void) {
	signal(SIGTTOU, SIG_IGN);
	pid_t parent_group = getpgid(getppid());
	if (tcsetpgrp(0, getpgrp()) < 0) return errno;
	if (tcgetpgrp(0) != getpgrp()) return EPROTO;
	return err(tcsetpgrp(0, parent_group));
}

static void set_tostop(int on) {
	struct termios t;
	tcgetattr(0, &t);
	if (on) t.c_lflag |= TOSTOP; else t.c_lflag &= ~TOSTOP;
	tcsetattr(0, TCSANOW, &t);
}

// The caller's own group is orphaned (it leads the session): while a child's group has the
// terminal, the caller's reads and TOSTOP writes fail with EIO, its tcsetpgrp with ENOTTY, and
// its SIGTSTP is discarded; the child then hands the terminal back.
static void orphaned_background(void) {
	int go[2], done[2];
	pipe(go);
	pipe(done);
	set_tostop(1);
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		char c;
		read(go[0], &c, 1); // the parent has tried everything in the background
		set_tostop(0);
		tcsetpgrp(0, getpgid(getppid()));
		write(done[1], "d", 1);
		_exit(0);
	}
	setpgid(pid, pid);
	int r = tcsetpgrp(0, pid);
	int fg = tcgetpgrp(0) == pid;
	char c;
	int rd = read(0, &c, 1) < 0 ? errno : 0;
	int wr = write(1, "x\n", 2) < 0 ? errno : 0;
	int sp = tcsetpgrp(0, getpgrp()) < 0 ? errno : 0;
	raise(SIGTSTP);
	write(go[1], "g", 1);
	read(done[0], &c, 1);
	int st;
	waitpid(pid, &st, 0);
	printf("orphaned group in the background: tcsetpgrp to the child %d, child in the foreground %d\n", r, fg);
	printf("orphaned background read: %s\n", strerror(rd));
	printf("orphaned background write with TOSTOP: %s\n", strerror(wr));
	printf("orphaned background tcsetpgrp: %s\n", strerror(sp));
	printf("SIGTSTP to an orphaned group: discarded, the terminal is back with us %d\n", tcgetpgrp(0) == getpgrp());
}

static volatile sig_atomic_t got_hup, got_cont;
static void note(int sig) { if (sig == SIGHUP) got_hup = 1; else if (sig == SIGCONT) got_cont = 1; }

// In a new session: a child group {C, D} where D is stopped; when C exits, D's group loses its
// last parent in the session (D is reparented outside it) and D gets SIGHUP then SIGCONT. The
// same with D running: nothing is sent.
static void orphaned_stopped(int stop) {
	int rep[2], go[2];
	pipe(rep);
	pipe(go);
	pid_t r = fork();
	if (r == 0) {
		setsid();
		pid_t c = fork();
		if (c == 0) {
			setpgid(0, 0);
			pid_t d = fork();
			if (d == 0) {
				signal(SIGHUP, note);
				signal(SIGCONT, note);
				if (stop) raise(SIGSTOP);
				else { char x; read(go[0], &x, 1); }
				char msg[64];
				int n = snprintf(msg, sizeof msg, "%s%s%s", got_hup ? "SIGHUP " : "", got_cont ? "SIGCONT " : "",
					got_hup || got_cont ? "" : "nothing");
				write(rep[1], msg, n);
				_exit(0);
			}
			if (stop) { int st; waitpid(d, &st, WUNTRACED); }
			_exit(0); // orphans d's group
		}
		int st;
		waitpid(c, &st, 0);
		if (!stop) write(go[1], "g", 1);
		_exit(0);
	}
	close(rep[1]);
	int st;
	waitpid(r, &st, 0);
	char buf[64] = {0};
	read(rep[0], buf, sizeof buf - 1);
	printf("group orphaned with %s member: it got %s\n", stop ? "a stopped" : "a running", buf);
	close(rep[0]);
	close(go[0]);
	close(go[1]);
}

// A session leader's own group is orphaned: SIGTSTP with the default action is discarded there.
static void orphaned_tstp(void) {
	pid_t pid = fork();
	if (pid == 0) {
		setsid();
		raise(SIGTSTP);
		_exit(0);
	}
	report("SIGTSTP in an orphaned group (a new session)", pid);
}

// Without the terminal: a new session has no controlling terminal (tcgetpgrp ENOTTY, /dev/tty
// ENXIO) and cannot take one that another session has (TIOCSCTTY EPERM); a process that gives
// up its terminal with TIOCNOTTY (not a session leader) loses it only for itself.
static int new_session_checks(void) {
	if (setsid() < 0) return 9;
	if (tcgetpgrp(0) != -1 || errno != ENOTTY) return 10;
	if (open("/dev/tty", O_RDWR) != -1 || errno != ENXIO) return 11;
	if (ioctl(0, TIOCSCTTY, 0) != -1 || errno != EPERM) return 12;
	return 0;
}
static int new_session(void) {
	pid_t c = fork(); // a group leader cannot start a session: a child of ours can
	if (c == 0) _exit(new_session_checks());
	int st;
	waitpid(c, &st, 0);
	return WEXITSTATUS(st);
}
static int give_up_terminal(void) {
	if (ioctl(0, TIOCNOTTY) != 0) return 20;
	if (tcgetpgrp(0) != -1 || errno != ENOTTY) return 21;
	if (ioctl(0, TIOCNOTTY) != -1 || errno != ENOTTY) return 22;
	return 0;
}

int main(int argc, char **argv) {
	setvbuf(stdout, NULL, _IONBF, 0);
	int blocked = argc > 1 && strcmp(argv[1], "linux") == 0;
	printf("foreground: tcgetpgrp is our group %d\n", tcgetpgrp(0) == getpgrp());
	int pg = -1;
	int gr = ioctl(1, TIOCGPGRP, &pg);
	printf("TIOCGPGRP on stdout %d, same group %d\n", gr, pg == getpgrp());
	printf("TIOCSCTTY again as the leader that has it: %d\n", ioctl(0, TIOCSCTTY, 0));
	if (blocked) {
		printf("tcgetsid is our session %d\n", tcgetsid(0) == getsid(0));
		FILE *f = fopen("/proc/self/stat", "r");
		int tty_nr = 0, tpgid = 0;
		if (f != NULL) {
			fscanf(f, "%*d (%*[^)]) %*c %*d %*d %*d %d %d", &tty_nr, &tpgid);
			fclose(f);
		}
		printf("/proc/self/stat: tty_nr set %d, tpgid is our group %d\n", tty_nr != 0, tpgid == getpgrp());
		report("background read, SIGTTIN blocked", spawn_bg(read_blocked));
		set_tostop(1);
		report("background write with TOSTOP, SIGTTOU blocked", spawn_bg(write_blocked));
		set_tostop(0);
		return 0;
	}
	report("background read", spawn_bg(read_tty));
	report("background read, SIGTTIN ignored", spawn_bg(read_ign));
	report("background write", spawn_bg(write_tty));
	set_tostop(1);
	report("background write with TOSTOP", spawn_bg(write_tty));
	report("background write with TOSTOP, SIGTTOU ignored", spawn_bg(write_ign));
	set_tostop(0);
	report("background tcsetattr", spawn_bg(setattr_tty));
	report("background tcsetpgrp", spawn_bg(setpgrp_tty));
	report("background tcsetpgrp with SIGTTOU ignored, then back", spawn_bg(take_and_return));
	printf("the terminal is ours again %d\n", tcgetpgrp(0) == getpgrp());
	errno = 0;
	int nx = tcsetpgrp(0, 0x7ffff000);
	printf("tcsetpgrp to a group that does not exist: %d %s\n", nx, strerror(errno));
	report("a new session has no terminal and cannot take ours", spawn_bg(new_session));
	report("TIOCNOTTY in a process that does not lead the session", spawn_bg(give_up_terminal));
	printf("the session leader still has the terminal %d\n", tcgetpgrp(0) == getpgrp());
	orphaned_background();
	orphaned_tstp();
	orphaned_stopped(1);
	orphaned_stopped(0);
	return 0;
}
