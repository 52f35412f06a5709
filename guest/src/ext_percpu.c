/* ecall extension "percpu" (seed 002): __vdso_percpu_cmpxchg(cpu, x, z, y, a, b) sets *a = b and
 * *x = y if the thread is on CPU cpu and *x == z, as one restartable step with no rseq
 * registration; __vdso_percpu_cpu() names the CPU (from ecall's CPU CSR). Its rules, its errors,
 * never half done (a fault on either pointer stores nothing; a failed check stores nothing), and a
 * per-CPU counter of THREADS threads that stays exact. Usage: ext_percpu [csr | THREADS ITERS].
 * `csr` reads the CSR directly: SIGILL without `--ext percpu`. Expected output:
 * test/e2e/ecall_ext.test.ts. */
#define _GNU_SOURCE
#include "../include/vdso_lookup.h"
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#define OK 0
#define WRONG_CPU 1
#define CHANGED 2
#define MAX_THREADS 64
#define MAX_CPUS 64

static unsigned (*percpu_cpu)(void);
static long (*percpu_cmpxchg)(unsigned cpu, uint64_t *x, uint64_t z, uint64_t y, uint64_t *a, uint64_t b);

struct slot { uint64_t v; uint64_t last; char pad[48]; };
static struct slot counters[MAX_CPUS] __attribute__((aligned(64)));
static long iters;
static uint64_t done_by[MAX_THREADS];
static int half_done;

static void *worker(void *arg)
{
	long id = (long)arg;
	uint64_t mine = 0; /* *a: this thread's own count, stored only together with the counter */
	for (long i = 0; i < iters; i++) {
		for (;;) {
			unsigned cpu = percpu_cpu();
			uint64_t old = __atomic_load_n(&counters[cpu].v, __ATOMIC_RELAXED);
			long r = percpu_cmpxchg(cpu, &counters[cpu].v, old, old + 1, &done_by[id], mine + 1);
			if (r == OK) { mine++; break; }
			if (done_by[id] != mine) half_done = 1; /* a failed step must not have stored *a */
		}
	}
	if (done_by[id] != mine) half_done = 1;
	return NULL;
}

/* The operation on the CPU the thread is on, retried while a migration makes it WRONG_CPU. */
static long here(uint64_t *x, uint64_t z, uint64_t y, uint64_t *a, uint64_t b)
{
	long r;
	while ((r = percpu_cmpxchg(percpu_cpu(), x, z, y, a, b)) == WRONG_CPU)
		;
	return r;
}

static sigjmp_buf back;
static void on_segv(int sig) { (void)sig; siglongjmp(back, 1); }

int main(int argc, char **argv)
{
	if (argc > 1 && argv[1][0] == 'c') {
		unsigned long v;
		__asm__ volatile("csrr %0, 0xcc0" : "=r"(v));
		printf("CSR 0xcc0 (the CPU): %lu, same as sched_getcpu: %s\n", v, (int)v == sched_getcpu() ? "yes" : "no");
		return 0;
	}
	struct vdso_info vi;
	if (vdso_init(&vi) != 0) return 1;
	percpu_cpu = (void *)vdso_sym(&vi, "__vdso_percpu_cpu", "ECALL_1");
	percpu_cmpxchg = (void *)vdso_sym(&vi, "__vdso_percpu_cmpxchg", "ECALL_1");
	printf("__vdso_percpu_cpu: %s, __vdso_percpu_cmpxchg: %s\n", percpu_cpu ? "found" : "absent", percpu_cmpxchg ? "found" : "absent");
	if (!percpu_cpu || !percpu_cmpxchg) return 0;

	printf("__vdso_percpu_cpu() == sched_getcpu(): %s\n", (int)percpu_cpu() == sched_getcpu() ? "yes" : "no");
	static uint64_t x = 5, a = 7;
	long r = here(&x, 5, 6, &a, 8);
	printf("on its CPU with *x == z: %ld, *x %lu, *a %lu\n", r, (unsigned long)x, (unsigned long)a);
	r = here(&x, 5, 9, &a, 9);
	printf("with *x != z: %ld, *x %lu, *a %lu\n", r, (unsigned long)x, (unsigned long)a);
	r = percpu_cmpxchg(MAX_CPUS + 1, &x, 6, 9, &a, 9);
	printf("on another CPU: %ld, *x %lu, *a %lu\n", r, (unsigned long)x, (unsigned long)a);
	r = here(&x, 6, 10, NULL, 0);
	printf("a == NULL: %ld, *x %lu\n", r, (unsigned long)x);
	printf("x misaligned: %ld, a misaligned: %ld\n", here((uint64_t *)((char *)&x + 4), 0, 0, NULL, 0),
	       here(&x, 10, 11, (uint64_t *)((char *)&a + 1), 0));
	uint64_t *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	signal(SIGSEGV, on_segv);
	if (sigsetjmp(back, 1) == 0) { here(ro, 0, 1, &a, 99); printf("x read-only: no fault\n"); }
	else printf("x read-only: SIGSEGV, *a untouched: %s\n", a == 8 ? "yes" : "no");
	if (sigsetjmp(back, 1) == 0) { here(&x, 10, 12, ro, 99); printf("a read-only: no fault\n"); }
	else printf("a read-only: SIGSEGV, *x untouched: %s\n", x == 10 ? "yes" : "no");
	signal(SIGSEGV, SIG_DFL);

	long threads = argc > 2 ? atol(argv[1]) : 4;
	iters = argc > 2 ? atol(argv[2]) : 10000;
	if (threads < 1 || threads > MAX_THREADS) return 2;
	pthread_t th[MAX_THREADS];
	for (long i = 0; i < threads; i++) pthread_create(&th[i], NULL, worker, (void *)i);
	for (long i = 0; i < threads; i++) pthread_join(th[i], NULL);
	uint64_t total = 0, by = 0;
	for (int c = 0; c < MAX_CPUS; c++) total += counters[c].v;
	for (long i = 0; i < threads; i++) by += done_by[i];
	printf("%ld threads x %ld increments: total %lu, %s; each thread's *a matches its successes: %s\n", threads, iters,
	       (unsigned long)total, total == (uint64_t)(threads * iters) ? "exact" : "WRONG", by == total && !half_done ? "yes" : "no");
	return 0;
}
