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

int main(void)
{
	return run_workload();
}
