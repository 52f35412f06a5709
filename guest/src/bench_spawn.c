/* bench_spawn: posix_spawn + waitpid round trips.
 *   bench_spawn N PROGRAM [ARG...]   N times: posix_spawn PROGRAM with its stdout and stderr on /dev/null,
 *                                    then waitpid; prints how many ended with status 0. */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv) {
	if (argc < 3) {
		fprintf(stderr, "usage: bench_spawn N PROGRAM [ARG...]\n");
		return 2;
	}
	long n = strtol(argv[1], NULL, 10);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	long ok = 0;
	for (long i = 0; i < n; i++) {
		pid_t pid;
		if (posix_spawn(&pid, argv[2], &fa, NULL, argv + 2, environ) != 0) break;
		int st;
		if (waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0) ok++;
	}
	printf("%ld posix_spawn/wait round trips, %ld with status 0\n", n, ok);
	return ok == n ? 0 : 1;
}
