/* bench_getppid: calls getppid N times (argv[1], default 1000000); prints whether the result was stable. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#define DEFAULT_COUNT 1000000L

int main(int argc, char **argv)
{
	long count = argc > 1 ? strtol(argv[1], NULL, 10) : DEFAULT_COUNT;
	long first = syscall(SYS_getppid);
	long changed = 0;
	for (long i = 0; i < count; i++)
		if (syscall(SYS_getppid) != first)
			changed++;
	printf("getppid x %ld: parent changed %ld times, not negative (0 for a pid namespace init): %s\n", count, changed,
	       first >= 0 ? "yes" : "no");
	return 0;
}
