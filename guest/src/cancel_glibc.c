/* cancel_glibc: the cancellation workload (include/cancel_workload.h) with glibc's own
 * pthread_cancel. glibc 2.36 makes read() a cancellation point by switching to asynchronous
 * cancellation around the system call; a cancel that arrives after read() returned data and before
 * asynchronous cancellation is switched off again ends the thread with the record read but never
 * counted (glibc bug 12683). Run under `ecall explore`, which finds such schedules. */
#include "../include/cancel_workload.h"

static void *consumer(void *arg)
{
	(void)arg;
	long rec;
	for (;;)
		if (read(fds[0], &rec, sizeof rec) == sizeof rec) note_record();
	return NULL;
}

static void cancel_consumer(pthread_t t)
{
	pthread_cancel(t);
}

static long cancellable_read(void *buf, long n)
{
	return read(fds[0], buf, n);
}

int main(int argc, char **argv)
{
	int st = run_cost(argc, argv);
	if (st >= 0) return st;
	return run_workload();
}
