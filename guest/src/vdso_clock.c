/* glibc's clock functions with a vDSO: clock_gettime, gettimeofday, clock_getres and time make no
 * system call for the clocks the vDSO serves (test/e2e/vdso.test.ts counts the calls in --strace:
 * only the raw syscalls made here for comparison, and the CPU-time clock, which the vDSO hands to
 * the kernel, appear), and they agree with the system calls. */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static long ns(const struct timespec *t) { return t->tv_sec * 1000000000L + t->tv_nsec; }

int main(void)
{
	static const clockid_t clocks[] = { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_BOOTTIME,
		CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE, CLOCK_TAI };
	static const char *const names[] = { "REALTIME", "MONOTONIC", "MONOTONIC_RAW", "BOOTTIME", "REALTIME_COARSE",
		"MONOTONIC_COARSE", "TAI" };
	struct timespec t, r;
	for (unsigned i = 0; i < sizeof clocks / sizeof *clocks; i++) {
		int a = clock_gettime(clocks[i], &t), b = clock_getres(clocks[i], &r);
		printf("CLOCK_%s: clock_gettime %d, clock_getres %d (%ld ns)\n", names[i], a, b, r.tv_nsec);
	}
	/* Each line below makes exactly one system call, the raw one. */
	struct timespec v1, s, v2;
	clock_gettime(CLOCK_MONOTONIC, &v1);
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &s);
	clock_gettime(CLOCK_MONOTONIC, &v2);
	printf("glibc's CLOCK_MONOTONIC brackets the syscall's: %s\n", ns(&v1) <= ns(&s) && ns(&s) <= ns(&v2) ? "yes" : "no");
	struct timeval tv, stv, tv2;
	gettimeofday(&tv, NULL);
	syscall(SYS_gettimeofday, &stv, NULL);
	gettimeofday(&tv2, NULL);
	long us1 = tv.tv_sec * 1000000L + tv.tv_usec, us = stv.tv_sec * 1000000L + stv.tv_usec, us2 = tv2.tv_sec * 1000000L + tv2.tv_usec;
	printf("the syscall's gettimeofday lies between glibc's two (within 1 ms): %s\n", us1 - 1000 <= us && us <= us2 + 1000 ? "yes" : "no");
	time_t now = time(NULL);
	printf("time() agrees with gettimeofday within a second: %s\n", now - tv.tv_sec <= 1 && now >= tv.tv_sec ? "yes" : "no");
	/* The CPU-time clocks are the kernel's: the vDSO passes them on (one system call). */
	printf("CLOCK_PROCESS_CPUTIME_ID: %d\n", clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t));
	return 0;
}
