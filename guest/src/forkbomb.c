// A fork bomb bounded by RLIMIT_NPROC: as an unprivileged user (root first drops to nobody, since
// root is exempt from the limit) with a limit of LIMIT processes, every process of the bomb forks
// until fork fails with EAGAIN, then waits. The bomb never holds more than LIMIT processes of the
// user, and every member stops with EAGAIN. (Assumes the user has few other processes: run as root.)
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/** RLIMIT_NPROC for the bomb: this test process plus LIMIT - 1 others. */
#define LIMIT 24

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	if (geteuid() == 0 && (setresgid(65534, 65534, 65534) != 0 || setresuid(65534, 65534, 65534) != 0)) return 2;
	struct rlimit rl = {LIMIT, LIMIT};
	if (setrlimit(RLIMIT_NPROC, &rl) != 0) return 3;
	int report[2], go[2];
	if (pipe(report) != 0 || pipe(go) != 0) return 4;
	pid_t first = fork();
	if (first == 0) {
		close(report[0]);
		close(go[1]);
		write(report[1], "c", 1);
		for (;;) {
			pid_t p = fork();
			if (p < 0) { write(report[1], errno == EAGAIN ? "E" : "X", 1); break; }
			if (p == 0) write(report[1], "c", 1); // a new member: it forks too
		}
		char c;
		read(go[0], &c, 1); // until the test has counted (EOF)
		while (wait(NULL) > 0) {}
		_exit(0);
	}
	close(report[1]);
	close(go[0]);
	int created = 0, eagain = 0, other = 0;
	char c;
	while ((eagain + other < created || created == 0) && read(report[0], &c, 1) == 1) {
		if (c == 'c') created++;
		else if (c == 'E') eagain++;
		else other++;
	}
	close(go[1]);
	int st;
	waitpid(first, &st, 0);
	printf("bomb members within RLIMIT_NPROC (%d with this process): %s\n", LIMIT, created + 1 <= LIMIT && created > 0 ? "yes" : "no");
	printf("every member stopped with EAGAIN: %s (%s)\n", eagain == created ? "yes" : "no", other ? "other errors" : "no other error");
	printf("first member exited %d after the bomb was released\n", WEXITSTATUS(st));
	return 0;
}
