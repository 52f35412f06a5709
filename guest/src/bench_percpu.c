/* Benchmark: THREADS threads each add 1 ITERS times to a counter, as a per-CPU counter on rseq
 * (rseq_lib.h's rs_addv), as a per-CPU counter with ecall's vDSO per-CPU operation (--ext percpu),
 * or as one shared counter with an atomic add (amoadd). The total must be exact.
 * Usage: bench_percpu rseq|vdso|atomic THREADS ITERS */
#include "../include/rseq_lib.h"
#include "../include/vdso_lookup.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_THREADS 64
#define MAX_CPUS 1024

struct slot { intptr_t v; char pad[56]; };
static struct slot counters[MAX_CPUS] __attribute__((aligned(64)));
static intptr_t shared;
static long iters;
static int mode;
static unsigned (*percpu_cpu)(void);
static long (*percpu_cmpxchg)(unsigned cpu, uint64_t *x, uint64_t z, uint64_t y, uint64_t *a, uint64_t b);

static void *worker(void *arg)
{
	(void)arg;
	struct rs_area *rs = mode == 0 ? rs_thread_area() : NULL;
	if (mode == 0 && !rs) { perror("rseq"); exit(1); }
	for (long i = 0; i < iters; i++) {
		if (mode == 0) {
			for (;;) {
				int cpu = rs_cpu(rs);
				if (rs_addv(rs, &counters[cpu].v, 1, cpu) == 0) break;
			}
		} else if (mode == 1) {
			for (;;) {
				unsigned cpu = percpu_cpu();
				uint64_t old = (uint64_t)__atomic_load_n(&counters[cpu].v, __ATOMIC_RELAXED);
				if (percpu_cmpxchg(cpu, (uint64_t *)&counters[cpu].v, old, old + 1, NULL, 0) == 0) break;
			}
		} else {
			__atomic_fetch_add(&shared, 1, __ATOMIC_RELAXED);
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 4) { fprintf(stderr, "usage: bench_percpu rseq|vdso|atomic THREADS ITERS\n"); return 2; }
	mode = argv[1][0] == 'r' ? 0 : argv[1][0] == 'v' ? 1 : 2;
	long threads = atol(argv[2]);
	iters = atol(argv[3]);
	if (threads < 1 || threads > MAX_THREADS) return 2;
	if (mode == 1) {
		struct vdso_info vi;
		if (vdso_init(&vi) == 0) {
			percpu_cpu = (void *)vdso_sym(&vi, "__vdso_percpu_cpu", "ECALL_1");
			percpu_cmpxchg = (void *)vdso_sym(&vi, "__vdso_percpu_cmpxchg", "ECALL_1");
		}
		if (!percpu_cpu || !percpu_cmpxchg) { fprintf(stderr, "bench_percpu: no vDSO per-CPU operation (ecall --ext percpu)\n"); return 1; }
	}
	pthread_t th[MAX_THREADS];
	for (long i = 0; i < threads; i++) pthread_create(&th[i], NULL, worker, NULL);
	for (long i = 0; i < threads; i++) pthread_join(th[i], NULL);
	intptr_t total = shared;
	for (int c = 0; c < MAX_CPUS; c++) total += counters[c].v;
	printf("%s: %ld threads x %ld: total %ld, %s\n", argv[1], threads, iters, (long)total, total == threads * iters ? "exact" : "WRONG");
	return total == threads * iters ? 0 : 1;
}
