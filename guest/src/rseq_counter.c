/* A per-CPU counter on plain rseq (Linux's rseq selftests' basic percpu counter): THREADS threads
 * each add 1 ITERS times to the counter of the CPU they run on, inside a critical section whose
 * commit is the store. The total must be exact however the threads are preempted, migrated or
 * signalled. With -v it also prints how many sections aborted (on stdout, last line): under
 * `ecall --seed S --rseq-stress P` that number is the same for the same seed.
 * Usage: rseq_counter [-v] [THREADS [ITERS]] */
#include "../include/rseq_lib.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_THREADS 64
/* CPU numbers the counters cover (a host with more CPUs is not expected here). */
#define MAX_CPUS 1024

struct slot { intptr_t count; char pad[56]; };
static struct slot counters[MAX_CPUS] __attribute__((aligned(64)));
static long iters;
static long aborts[MAX_THREADS], moved[MAX_THREADS];

static void *worker(void *arg)
{
	long id = (long)arg;
	struct rs_area *rs = rs_thread_area();
	if (!rs) { perror("rseq"); exit(1); }
	for (long i = 0; i < iters; i++) {
		for (;;) {
			int cpu = rs_cpu(rs);
			int r = rs_addv(rs, &counters[cpu].count, 1, cpu);
			if (r == 0) break;
			if (r == -1) aborts[id]++; else moved[id]++;
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
	if (verbose) { argc--; argv++; }
	long threads = argc > 1 ? atol(argv[1]) : 4;
	iters = argc > 2 ? atol(argv[2]) : 10000;
	if (threads < 1 || threads > MAX_THREADS || iters < 0) { fprintf(stderr, "usage: rseq_counter [-v] [THREADS [ITERS]]\n"); return 2; }
	pthread_t th[MAX_THREADS];
	for (long i = 0; i < threads; i++) pthread_create(&th[i], NULL, worker, (void *)i);
	for (long i = 0; i < threads; i++) pthread_join(th[i], NULL);
	intptr_t total = 0;
	long ab = 0, mv = 0;
	for (int c = 0; c < MAX_CPUS; c++) total += counters[c].count;
	for (long i = 0; i < threads; i++) { ab += aborts[i]; mv += moved[i]; }
	printf("%ld threads x %ld increments: total %ld, %s\n", threads, iters, (long)total, total == threads * iters ? "exact" : "WRONG");
	if (verbose) printf("aborts %ld, retries after a move %ld\n", ab, mv);
	return total == threads * iters ? 0 : 1;
}
