// Text file busy: a running program's executable cannot be opened for writing (ETXTBSY) but can
// be read; a file open for writing cannot be executed (ETXTBSY), and can be once closed; once the
// process running a copy has exited, the copy can be written again. The copy is of this program
// (/proc/self/exe), made in /tmp, and run with an argument saying what to do.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char copy[64];

static const char *res(int r) { return r < 0 ? strerror(errno) : "ok"; }

// Runs the copy with argument arg in a child; returns the child's exit code (127 + errno-style code when execve failed).
static int run_copy(const char *arg, int *exec_errno) {
	int p[2];
	pipe2(p, O_CLOEXEC);
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = { copy, (char *)arg, NULL };
		execv(copy, argv);
		int e = errno;
		write(p[1], &e, sizeof e);
		_exit(127);
	}
	close(p[1]);
	int e = 0;
	if (read(p[0], &e, sizeof e) != sizeof e) e = 0;
	close(p[0]);
	int st;
	waitpid(pid, &st, 0);
	*exec_errno = e;
	return WEXITSTATUS(st);
}

int main(int argc, char **argv) {
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1 && strcmp(argv[1], "exit7") == 0) return 7;
	if (argc > 1 && strcmp(argv[1], "hold") == 0) {
		char c;
		read(0, &c, 1); // runs until the parent closes the pipe on our stdin
		return 0;
	}
	int fd = open("/proc/self/exe", O_WRONLY);
	printf("open our own executable for writing: %s\n", res(fd));
	fd = open("/proc/self/exe", O_RDONLY);
	printf("open it for reading: %s\n", res(fd));
	snprintf(copy, sizeof copy, "/tmp/etxtbsy.%d", getpid());
	int out = open(copy, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	char buf[65536];
	int n;
	while ((n = read(fd, buf, sizeof buf)) > 0) write(out, buf, n);
	close(fd);
	int e;
	int code = run_copy("exit7", &e);
	printf("execve of the copy while it is open for writing: %s\n", e ? strerror(e) : "ran");
	close(out);
	code = run_copy("exit7", &e);
	printf("once closed: %s, exit %d\n", e ? strerror(e) : "ran", code);
	int p[2];
	pipe(p);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[0], 0);
		close(p[1]);
		char *a[] = { copy, "hold", NULL };
		execv(copy, a);
		_exit(127);
	}
	close(p[0]);
	// Wait until the child runs the copy: its /proc/<pid>/exe then names it.
	char link[64], target[128];
	snprintf(link, sizeof link, "/proc/%d/exe", pid);
	for (;;) {
		ssize_t l = readlink(link, target, sizeof target - 1);
		if (l > 0) { target[l] = 0; if (strcmp(target, copy) == 0) break; }
		usleep(1000);
	}
	fd = open(copy, O_WRONLY);
	printf("open the copy for writing while another process runs it: %s\n", res(fd));
	fd = open(copy, O_RDWR | O_TRUNC);
	printf("with O_RDWR|O_TRUNC: %s\n", res(fd));
	close(p[1]);
	waitpid(pid, NULL, 0);
	fd = open(copy, O_WRONLY);
	printf("after it exited: %s\n", res(fd));
	close(fd);
	unlink(copy);
	return 0;
}
