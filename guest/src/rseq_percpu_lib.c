/* A user-space per-CPU library on plain rseq, like the per-CPU counter and list of Linux's rseq
 * selftests: THREADS threads share OPS operations between them, each a counter increment, a pop
 * from or a push onto the list of the CPU the thread runs on, all as restartable sequences. At the
 * end the counter must equal the number of increments and every node must be in exactly one list.
 * Usage: rseq_percpu_lib [-v] [THREADS [OPS]] (default 8 threads, 10^6 operations). */
#include "../include/rseq_lib.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_THREADS 64
#define MAX_CPUS 1024
/* Nodes each thread brings: enough that lists are rarely all empty. */
#define NODES_PER_THREAD 16

struct node { intptr_t next; long id; };
struct slot { intptr_t v; char pad[56]; };
static struct slot counters[MAX_CPUS] __attribute__((aligned(64)));
static struct slot lists[MAX_CPUS] __attribute__((aligned(64)));
static struct node nodes[MAX_THREADS * NODES_PER_THREAD];
static long per_thread_ops;
static long increments[MAX_THREADS], aborts[MAX_THREADS], empties[MAX_THREADS];

/* Pushes n onto the current CPU's list. */
static void push(struct rs_area *rs, struct node *n, long id)
{
	for (;;) {
		int cpu = rs_cpu(rs);
		intptr_t head = __atomic_load_n(&lists[cpu].v, __ATOMIC_RELAXED);
		n->next = head;
		int r = rs_cmpeqv_storev(rs, &lists[cpu].v, head, (intptr_t)n, cpu);
		if (r == 0) return;
		if (r == -1) aborts[id]++;
	}
}

/* Pops a node from the current CPU's list; NULL if that list is empty. */
static struct node *pop(struct rs_area *rs, long id)
{
	for (;;) {
		int cpu = rs_cpu(rs);
		intptr_t got;
		int r = rs_pop(rs, &lists[cpu].v, offsetof(struct node, next), &got, cpu);
		if (r == 0) return (struct node *)got;
		if (r == 1) return NULL;
		aborts[id]++;
	}
}

/* Adds 1 to the current CPU's counter. */
static void increment(struct rs_area *rs, long id)
{
	for (;;) {
		int cpu = rs_cpu(rs);
		int r = rs_addv(rs, &counters[cpu].v, 1, cpu);
		if (r == 0) return;
		if (r == -1) aborts[id]++;
	}
}

static void *worker(void *arg)
{
	long id = (long)arg;
	struct rs_area *rs = rs_thread_area();
	if (!rs) { perror("rseq"); exit(1); }
	struct node *stash[NODES_PER_THREAD * MAX_THREADS];
	int held = 0;
	for (int i = 0; i < NODES_PER_THREAD; i++) push(rs, &nodes[id * NODES_PER_THREAD + i], id);
	unsigned rnd = (unsigned)id * 2654435761u + 1;
	for (long i = 0; i < per_thread_ops; i++) {
		rnd = rnd * 1103515245u + 12345u;
		switch ((rnd >> 16) % 3) {
		case 0: increment(rs, id); increments[id]++; break;
		case 1: { struct node *n = pop(rs, id); if (n) stash[held++] = n; else empties[id]++; break; }
		default: if (held > 0) push(rs, stash[--held], id); else { increment(rs, id); increments[id]++; } break;
		}
	}
	while (held > 0) push(rs, stash[--held], id);
	return NULL;
}

int main(int argc, char **argv)
{
	int verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
	if (verbose) { argc--; argv++; }
	long threads = argc > 1 ? atol(argv[1]) : 8;
	long ops = argc > 2 ? atol(argv[2]) : 1000000;
	if (threads < 1 || threads > MAX_THREADS || ops < threads) { fprintf(stderr, "usage: rseq_percpu_lib [-v] [THREADS [OPS]]\n"); return 2; }
	per_thread_ops = ops / threads;
	for (long i = 0; i < threads * NODES_PER_THREAD; i++) nodes[i].id = i;
	pthread_t th[MAX_THREADS];
	for (long i = 0; i < threads; i++) pthread_create(&th[i], NULL, worker, (void *)i);
	for (long i = 0; i < threads; i++) pthread_join(th[i], NULL);

	long want = 0, total = 0, ab = 0, em = 0;
	for (long i = 0; i < threads; i++) { want += increments[i]; ab += aborts[i]; em += empties[i]; }
	for (int c = 0; c < MAX_CPUS; c++) total += counters[c].v;
	static unsigned char seen[MAX_THREADS * NODES_PER_THREAD];
	long listed = 0, twice = 0;
	for (int c = 0; c < MAX_CPUS; c++) {
		for (struct node *n = (struct node *)lists[c].v; n && listed <= threads * NODES_PER_THREAD; n = (struct node *)n->next) {
			if (seen[n->id]++) twice++;
			listed++;
		}
	}
	int ok = total == want && listed == threads * NODES_PER_THREAD && twice == 0;
	printf("%ld threads, %ld operations: counter %s, %s\n", threads, per_thread_ops * threads,
	       total == want ? "exact" : "WRONG", listed == threads * NODES_PER_THREAD && twice == 0 ? "every node in exactly one list" : "LISTS CORRUPT");
	if (verbose) printf("increments %ld, aborts %ld, pops from an empty list %ld\n", want, ab, em);
	return ok ? 0 : 1;
}
