/* clocks: properties of the clocks rather than their values: monotonic never goes backwards,
 * nanosleep of 10 ms takes at least 10 ms, resolutions are sane, invalid clocks give EINVAL. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#define NS_PER_SEC 1000000000LL
/* Enough reads to catch a clock that steps backwards, cheap enough for an interpreter. */
#define SAMPLES 20000
/* The sleep under test. */
#define SLEEP_NS 10000000LL

static int64_t ns(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

int main(void)
{
	int64_t prev = ns(CLOCK_MONOTONIC);
	int backwards = 0, bad_nsec = 0;
	for (int i = 0; i < SAMPLES; i++) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		if (ts.tv_nsec < 0 || ts.tv_nsec >= NS_PER_SEC)
			bad_nsec++;
		int64_t now = ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
		if (now < prev)
			backwards++;
		prev = now;
	}
	printf("monotonic: %d samples, went backwards %d times, bad tv_nsec %d\n", SAMPLES, backwards, bad_nsec);

	int64_t t0 = ns(CLOCK_MONOTONIC);
	struct timespec req = { 0, SLEEP_NS }, rem = { 0, 0 };
	int r = nanosleep(&req, &rem);
	int64_t slept = ns(CLOCK_MONOTONIC) - t0;
	printf("nanosleep(10 ms): returned %d, took at least 10 ms: %s\n", r, slept >= SLEEP_NS ? "yes" : "no");

	t0 = ns(CLOCK_MONOTONIC);
	struct timespec abs;
	clock_gettime(CLOCK_MONOTONIC, &abs);
	abs.tv_nsec += SLEEP_NS;
	if (abs.tv_nsec >= NS_PER_SEC) {
		abs.tv_sec++;
		abs.tv_nsec -= NS_PER_SEC;
	}
	r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL);
	slept = ns(CLOCK_MONOTONIC) - t0;
	printf("clock_nanosleep absolute +10 ms: returned %d, took at least 10 ms: %s\n", r, slept >= SLEEP_NS ? "yes" : "no");

	struct timespec zero = { 0, 0 };
	printf("nanosleep(0): %d\n", nanosleep(&zero, NULL));
	struct timespec bad = { 0, NS_PER_SEC };
	r = nanosleep(&bad, NULL);
	printf("nanosleep(tv_nsec = 1e9): %d %s\n", r, r ? strerror(errno) : "");
	struct timespec neg = { -1, 0 };
	r = nanosleep(&neg, NULL);
	printf("nanosleep(tv_sec = -1): %d %s\n", r, r ? strerror(errno) : "");

	int64_t real = ns(CLOCK_REALTIME);
	printf("realtime is after 2020: %s\n", real > 1577836800LL * NS_PER_SEC ? "yes" : "no");
	struct timeval tv;
	gettimeofday(&tv, NULL);
	int64_t diff = (int64_t)tv.tv_sec * NS_PER_SEC + tv.tv_usec * 1000 - real;
	printf("gettimeofday within 1 s of CLOCK_REALTIME: %s, tv_usec in range: %s\n", diff > -NS_PER_SEC && diff < NS_PER_SEC ? "yes" : "no",
	       tv.tv_usec >= 0 && tv.tv_usec < 1000000 ? "yes" : "no");
	time_t t = time(NULL);
	printf("time() agrees with CLOCK_REALTIME: %s\n", t - real / NS_PER_SEC <= 1 && real / NS_PER_SEC - t <= 1 ? "yes" : "no");

	static const struct { clockid_t id; const char *name; } clocks[] = {
		{ CLOCK_REALTIME, "CLOCK_REALTIME" },	{ CLOCK_MONOTONIC, "CLOCK_MONOTONIC" },
		{ CLOCK_PROCESS_CPUTIME_ID, "CLOCK_PROCESS_CPUTIME_ID" }, { CLOCK_THREAD_CPUTIME_ID, "CLOCK_THREAD_CPUTIME_ID" },
		{ CLOCK_MONOTONIC_RAW, "CLOCK_MONOTONIC_RAW" }, { CLOCK_BOOTTIME, "CLOCK_BOOTTIME" },
	};
	for (size_t i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
		struct timespec res = { -1, -1 }, now;
		int rr = clock_getres(clocks[i].id, &res);
		int rg = clock_gettime(clocks[i].id, &now);
		printf("%-25s getres %d (resolution at most 1 ms: %s) gettime %d\n", clocks[i].name, rr,
		       res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 1000000 ? "yes" : "no", rg);
	}
	struct timespec ts;
	r = clock_gettime((clockid_t)1234, &ts);
	printf("clock_gettime(1234): %d %s\n", r, r ? strerror(errno) : "");
	r = clock_getres((clockid_t)-77, &ts);
	printf("clock_getres(-77): %d %s\n", r, r ? strerror(errno) : "");
	return 0;
}
