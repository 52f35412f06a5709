/* Benchmark: N clock_gettime(CLOCK_MONOTONIC) calls through glibc (the vDSO, when the kernel
 * maps one) or as raw system calls. Usage: bench_clock vdso|syscall N */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3) { fprintf(stderr, "usage: bench_clock vdso|syscall N\n"); return 2; }
	int raw = strcmp(argv[1], "syscall") == 0;
	long n = atol(argv[2]);
	struct timespec ts, first;
	clock_gettime(CLOCK_MONOTONIC, &first);
	long backwards = 0, last = 0;
	for (long i = 0; i < n; i++) {
		if (raw) syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
		else clock_gettime(CLOCK_MONOTONIC, &ts);
		long now = ts.tv_sec * 1000000000L + ts.tv_nsec;
		if (now < last) backwards++;
		last = now;
	}
	printf("%ld %s clock_gettime calls, %ld went backwards\n", n, raw ? "raw" : "glibc", backwards);
	return backwards != 0;
}
