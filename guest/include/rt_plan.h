/* The pending signals the signals and sigmask programs dequeue: eight real-time signals of four
 * numbers (SIGRTMIN..SIGRTMIN+3) queued out of order with values 1 to 8, then SIGUSR1 twice (a
 * standard signal pends once). The caller blocks them first; what comes out shows the order. */
#ifndef RT_PLAN_H
#define RT_PLAN_H

#include <signal.h>
#include <unistd.h>

/* Queues the plan to the calling process. */
static void queue_rt_plan(void)
{
	/* { offset from SIGRTMIN, value } in the order they are sent */
	const int plan[][2] = { { 2, 1 }, { 0, 2 }, { 3, 3 }, { 2, 4 }, { 1, 5 }, { 0, 6 }, { 3, 7 }, { 0, 8 } };
	for (unsigned i = 0; i < sizeof plan / sizeof plan[0]; i++) {
		union sigval v = { .sival_int = plan[i][1] };
		sigqueue(getpid(), SIGRTMIN + plan[i][0], v);
	}
	kill(getpid(), SIGUSR1);
	kill(getpid(), SIGUSR1);
}

#endif
