/* The frame of the thread programs (race, race_locked, atomics, threads): start a number of
 * threads of one function with a barrier set up for them to begin together, and join them all. */
#ifndef RUN_THREADS_H
#define RUN_THREADS_H

#include <pthread.h>

/* Initialises barrier for nthreads, runs fn((void *)i) for i in [0, nthreads) on new threads
 * (each may wait on the barrier to start with the others) and returns once every one has ended. */
__attribute__((unused)) static void run_threads(int nthreads, void *(*fn)(void *), pthread_barrier_t *barrier)
{
	pthread_t t[nthreads];
	pthread_barrier_init(barrier, NULL, nthreads);
	for (long i = 0; i < nthreads; i++)
		pthread_create(&t[i], NULL, fn, (void *)i);
	for (int i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
}

#endif
