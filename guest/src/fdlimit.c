/* fdlimit: RLIMIT_NOFILE is enforced and raising it is honoured. With the soft limit at 1024 the
 * 1025th descriptor gives EMFILE; raised to 4096 (within the hard limit), pipes and dup2 reach fds
 * far above 1024, as programs that poll thousands of descriptors need. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* The soft limit a login session starts with (Linux's INR_OPEN_CUR). */
#define START_LIMIT 1024
/* The raised soft limit: Linux's default hard limit (INR_OPEN_MAX). */
#define RAISED_LIMIT 4096

/* Opens pipes until an fd fails; returns the highest fd opened and prints why it stopped. */
static int fill(void)
{
	int fds[2], high = -1;
	for (;;) {
		if (pipe(fds) != 0) {
			printf("pipe stopped: %s\n", strerror(errno));
			return high;
		}
		high = fds[1];
	}
}

int main(void)
{
	struct rlimit rl = {START_LIMIT, RAISED_LIMIT};
	/* Descriptors a parent leaked (a test runner's, a shell's) would shift every number below. */
	for (int fd = 3; fd < RAISED_LIMIT; fd++)
		close(fd);
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
		printf("setrlimit %d: %s\n", START_LIMIT, strerror(errno));
		return 1;
	}
	printf("highest fd with limit %d: %d\n", START_LIMIT, fill());
	printf("dup2 to fd %d: %s\n", START_LIMIT, dup2(0, START_LIMIT) < 0 ? strerror(errno) : "ok");
	rl.rlim_cur = RAISED_LIMIT;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
		printf("setrlimit %d: %s\n", RAISED_LIMIT, strerror(errno));
		return 1;
	}
	getrlimit(RLIMIT_NOFILE, &rl);
	printf("soft limit now %lu\n", (unsigned long)rl.rlim_cur);
	printf("highest fd with limit %d: %d\n", RAISED_LIMIT, fill());
	int fd = open("/dev/null", O_RDONLY);
	printf("open after filling: %s\n", fd < 0 ? strerror(errno) : "ok");
	close(RAISED_LIMIT - 1);
	printf("dup2 to fd %d: %s\n", RAISED_LIMIT - 1, dup2(0, RAISED_LIMIT - 1) < 0 ? strerror(errno) : "ok");
	printf("fcntl F_DUPFD from %d: %s\n", RAISED_LIMIT, fcntl(0, F_DUPFD, RAISED_LIMIT) < 0 ? strerror(errno) : "ok");
	return 0;
}
