/* membarrier(2): every command and its errors, EPERM before registration, what GET_REGISTRATIONS
 * reports, and PRIVATE_EXPEDITED_RSEQ aborting a restartable sequence that another thread is
 * running on another CPU (and, with MEMBARRIER_CMD_FLAG_CPU, only on the CPU it names). Portable to
 * x86_64 so that native Linux is the reference. Usage: membarrier [exact] */
#include "../include/rseq_lib.h"
#include <linux/membarrier.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef MEMBARRIER_CMD_GET_REGISTRATIONS
#define MEMBARRIER_CMD_GET_REGISTRATIONS (1 << 9)
#endif

static long mb(int cmd, unsigned flags, int cpu)
{
	long r = syscall(SYS_membarrier, cmd, flags, cpu);
	return r < 0 ? -errno : r;
}

static void show(const char *what, long r)
{
	if (r == -EPERM) printf("%s: EPERM\n", what);
	else if (r == -EINVAL) printf("%s: EINVAL\n", what);
	else if (r < 0) printf("%s: error %ld\n", what, -r);
	else printf("%s: %#lx\n", what, r);
}

static void pin(int cpu)
{
	cpu_set_t s;
	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	if (sched_setaffinity(0, sizeof s, &s) != 0) { perror("sched_setaffinity"); exit(1); }
}

static volatile int in_cs, stop;
static int spin_result;

/* Spins inside a section on CPU 1 until stopped or aborted. */
static void *spinner(void *arg)
{
	(void)arg;
	pin(1);
	struct rs_area *rs = rs_thread_area();
	if (!rs) { perror("rseq"); exit(1); }
	spin_result = rs_spin(rs, &in_cs, &stop);
	return NULL;
}

/* Starts the spinner, waits until it is inside its section, issues the RSEQ barrier (all CPUs,
 * or only `cpu` with MEMBARRIER_CMD_FLAG_CPU when cpu >= 0), then stops it; returns whether it
 * aborted. */
static int rseq_barrier_aborts(int cpu)
{
	pthread_t th;
	in_cs = stop = 0;
	pthread_create(&th, NULL, spinner, NULL);
	while (!in_cs)
		sched_yield();
	long r = cpu >= 0 ? mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ, MEMBARRIER_CMD_FLAG_CPU, cpu)
			  : mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ, 0, 0);
	if (r != 0) printf("membarrier RSEQ failed: %ld\n", r);
	stop = 1;
	pthread_join(th, NULL);
	return spin_result == -1;
}

int main(int argc, char **argv)
{
	/* With "exact": also check that a barrier naming the caller's own CPU leaves the section on
	 * CPU 1 alone. Only a machine where nothing else preempts the spinner can promise that
	 * (ecall's deterministic mode); on a native host another process sometimes does. */
	int exact = argc > 1 && argv[1][0] == 'e';
	show("QUERY", mb(MEMBARRIER_CMD_QUERY, 0, 0));
	show("QUERY with flags", mb(MEMBARRIER_CMD_QUERY, 1, 0));
	show("unknown command 3", mb(3, 0, 0));
	show("unknown command 1024", mb(1024, 0, 0));
	show("GET_REGISTRATIONS before any", mb(MEMBARRIER_CMD_GET_REGISTRATIONS, 0, 0));
	show("PRIVATE_EXPEDITED before registering", mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0));
	show("PRIVATE_EXPEDITED_SYNC_CORE before registering", mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0));
	show("PRIVATE_EXPEDITED_RSEQ before registering", mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ, 0, 0));
	show("REGISTER_PRIVATE_EXPEDITED_RSEQ", mb(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ, 0, 0));
	show("GET_REGISTRATIONS", mb(MEMBARRIER_CMD_GET_REGISTRATIONS, 0, 0));
	show("PRIVATE_EXPEDITED (registering RSEQ is not enough)", mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0));
	show("REGISTER_PRIVATE_EXPEDITED", mb(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0));
	show("REGISTER_PRIVATE_EXPEDITED again", mb(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0));
	show("PRIVATE_EXPEDITED", mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0));
	show("PRIVATE_EXPEDITED with MEMBARRIER_CMD_FLAG_CPU", mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED, MEMBARRIER_CMD_FLAG_CPU, 0));
	show("REGISTER_PRIVATE_EXPEDITED_SYNC_CORE", mb(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0));
	show("PRIVATE_EXPEDITED_SYNC_CORE", mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0));
	show("GLOBAL", mb(MEMBARRIER_CMD_GLOBAL, 0, 0));
	show("GLOBAL_EXPEDITED", mb(MEMBARRIER_CMD_GLOBAL_EXPEDITED, 0, 0));
	show("REGISTER_GLOBAL_EXPEDITED", mb(MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED, 0, 0));
	show("GET_REGISTRATIONS", mb(MEMBARRIER_CMD_GET_REGISTRATIONS, 0, 0));
	show("PRIVATE_EXPEDITED_RSEQ with unknown flags", mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ, 2, 0));
	show("PRIVATE_EXPEDITED_RSEQ on a CPU beyond the last", mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ, MEMBARRIER_CMD_FLAG_CPU, 100000));
	show("PRIVATE_EXPEDITED_RSEQ", mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ, 0, 0));

	cpu_set_t all;
	sched_getaffinity(0, sizeof all, &all);
	if (CPU_ISSET(0, &all) && CPU_ISSET(1, &all)) {
		pin(0);
		printf("RSEQ barrier aborts a section running on another CPU: %s\n", rseq_barrier_aborts(-1) ? "yes" : "no");
		printf("RSEQ barrier on that CPU (MEMBARRIER_CMD_FLAG_CPU 1) aborts it: %s\n", rseq_barrier_aborts(1) ? "yes" : "no");
		if (exact)
			printf("RSEQ barrier on the caller's own CPU (MEMBARRIER_CMD_FLAG_CPU 0) leaves it alone: %s\n", rseq_barrier_aborts(0) ? "no" : "yes");
		sched_setaffinity(0, sizeof all, &all);
	} else {
		printf("fewer than two CPUs: the RSEQ barrier tests need CPUs 0 and 1\n");
	}
	return 0;
}
