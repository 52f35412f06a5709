/* atomics: four threads update shared words with the three kinds of riscv64 atomics glibc's locks
 * are built from: a compare-and-swap loop (lr.w/sc.w), amoadd.w, and a test-and-set spinlock
 * (amoswap.w) guarding a plain counter. Every total is exact on any interleaving, so a wrong
 * total means a reservation or an AMO was not atomic across harts. N per thread from argv[1]. */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include "../include/run_threads.h"

#define THREADS 4
#define DEFAULT_N 3000

static unsigned cas_word, amo_word, spin;
static volatile long guarded;
static long n = DEFAULT_N;
static pthread_barrier_t start;

static void *work(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&start);
	for (long i = 0; i < n; i++) {
		unsigned old = __atomic_load_n(&cas_word, __ATOMIC_RELAXED);
		while (!__atomic_compare_exchange_n(&cas_word, &old, old + 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			;
		__atomic_fetch_add(&amo_word, 1, __ATOMIC_RELAXED);
		while (__atomic_exchange_n(&spin, 1, __ATOMIC_ACQUIRE))
			sched_yield();
		guarded = guarded + 1;
		__atomic_store_n(&spin, 0, __ATOMIC_RELEASE);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		n = atol(argv[1]);
	run_threads(THREADS, work, &start);
	printf("%d threads x %ld: lr/sc %u, amoadd %u, amoswap spinlock %ld (want %ld)\n", THREADS, n, cas_word, amo_word,
	       guarded, THREADS * n);
	return cas_word == THREADS * n && amo_word == THREADS * n && guarded == THREADS * n ? 0 : 1;
}
