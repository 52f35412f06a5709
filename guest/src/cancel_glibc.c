/* cancel_glibc: the cancellation workload (include/cancel_workload.h) with glibc's own
 * pthread_cancel. glibc 2.36 makes read() a cancellation point by switching to asynchronous
 * cancellation around the system call; a cancel that arrives after read() returned data and before
 * asynchronous cancellation is switched off again ends the thread with the record read but never
 * counted (glibc bug 12683). Run under `ecall explore`, which finds such schedules.
 * glibc's SIGCANCEL (32) handler treats a SIGCANCEL from the process itself (SI_TKILL) as the
 * request, so an injected 32 is a pthread_cancel arriving at that instant; glibc installs the
 * handler in its first pthread_cancel, which install_sigcancel() makes early (it cancels a parked
 * thread) for `inject` and `printf`. */
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

#include "../include/cancel_printf.h"

/* A thread that waits in pause() (a cancellation point) until it is cancelled. */
static void *parked(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

/* Makes glibc install its SIGCANCEL handler now: it does so in the first pthread_cancel. */
static void install_sigcancel(void)
{
	pthread_t t;
	if (pthread_create(&t, NULL, parked, NULL) != 0) return;
	pthread_cancel(t);
	pthread_join(t, NULL);
}

int main(int argc, char **argv)
{
	return run_cancel_program(argc, argv, install_sigcancel);
}
