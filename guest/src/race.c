/* race: four threads each add 1 to a shared counter N times (argv[1], default 20000) with a plain
 * load, add and store and no lock, then main prints the total. Lost updates make the total depend
 * on the interleaving: this program exists for the determinism tests (the same seed must give the
 * same total; different seeds must give different totals), not for comparison with qemu. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include "../include/run_threads.h"

#define THREADS 4
#define DEFAULT_N 20000

static volatile long counter;
static long n = DEFAULT_N;
static pthread_barrier_t start;

static void *add(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&start); /* all threads begin together */
	for (long i = 0; i < n; i++)
		counter = counter + 1; /* load, add, store: not atomic */
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		n = atol(argv[1]);
	run_threads(THREADS, add, &start);
	printf("%d threads x %ld unlocked increments: counter %ld\n", THREADS, n, counter);
	return 0;
}
