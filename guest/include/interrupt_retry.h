/* The socket programs' test of a signal that interrupts a blocked call (sock_inet: accept,
 * sock_unix: recv). A thread announces the call (call_announce) and makes it (call_done records
 * the result and errno); the main thread's attempt waits for the announcement, sleeps a pause and
 * sends SIGUSR1 (signal_blocked). A run whose signal came before the call (the handler had
 * already run when the thread made it) is repeated with a doubled pause (interrupt_retry), up to
 * about 3 s, so a slow or loaded machine gives the same output. Includes settle.h. */
#ifndef INTERRUPT_RETRY_H
#define INTERRUPT_RETRY_H

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include "settle.h"

/* Longest pause tried before a case is reported as it came out (about 3 s). */
#define SETTLE_MAX_NS 3200000000LL

/* SIGUSR1 handler runs so far. */
static volatile int usr1s;

/* The blocked call as the thread saw it. */
struct blocked_call {
	volatile int announced;
	int runs_before; /* handler runs seen just before the call: non-zero means the signal came early */
	long r;
	int err;
};

/* Counts a SIGUSR1. */
static void on_usr1(int sig)
{
	(void)sig;
	usr1s++;
}

/* In the thread, just before the call: tells the main thread it is about to block. */
static void call_announce(struct blocked_call *c)
{
	c->announced = 1;
	c->runs_before = usr1s;
	errno = 0;
}

/* In the thread, after the call: keeps its result and errno. */
static void call_done(struct blocked_call *c, long r)
{
	c->r = r;
	c->err = errno;
}

/* In the main thread: waits until thread t announced its call, then pause ns later signals it. */
static void signal_blocked(pthread_t t, struct blocked_call *c, long long pause)
{
	while (!c->announced)
		settle();
	struct timespec ts = { pause / 1000000000, pause % 1000000000 };
	nanosleep(&ts, NULL);
	pthread_kill(t, SIGUSR1);
}

/* Installs on_usr1 for SIGUSR1 (with SA_RESTART if restart) and runs attempt(pause, arg), which
 * resets usr1s and returns whether the signal came after the call, with pauses from SETTLE_NS
 * doubling until one does or the pause reaches SETTLE_MAX_NS. */
static void interrupt_retry(int restart, int (*attempt)(long long pause, void *arg), void *arg)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigaction(SIGUSR1, &sa, NULL);
	for (long long pause = SETTLE_NS; !attempt(pause, arg) && pause < SETTLE_MAX_NS; pause *= 2)
		;
}

#endif
