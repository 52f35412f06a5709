/* race_locked: race.c with the increment under a mutex, so the total is always exact:
 * four threads each add 1 to a shared counter N times (argv[1], default 5000). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include "../include/run_threads.h"

#define THREADS 4
#define DEFAULT_N 5000

static volatile long counter;
static long n = DEFAULT_N;
static pthread_barrier_t start;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *add(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&start);
	for (long i = 0; i < n; i++) {
		pthread_mutex_lock(&lock);
		counter = counter + 1;
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		n = atol(argv[1]);
	run_threads(THREADS, add, &start);
	printf("%d threads x %ld locked increments: counter %ld\n", THREADS, n, counter);
	return counter == THREADS * n ? 0 : 1;
}
