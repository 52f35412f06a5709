/* spinwait: main busy-waits (no system call) for a flag that a second thread sets. Strict
 * priority scheduling (PCT as its paper defines it) never lets the second thread run when main's
 * priority is higher, so the run only ends through ecall's PCT starvation bound
 * (src/kernel/schedule/pct.ts); test/e2e/explore.test.ts checks that every schedule ends. */
#include <pthread.h>
#include <stdio.h>

static volatile int ready;

static void *setter(void *arg)
{
	(void)arg;
	ready = 1;
	return NULL;
}

int main(void)
{
	pthread_t t;
	if (pthread_create(&t, NULL, setter, NULL) != 0) return 1;
	while (!ready)
		; /* spins: no system call, so no scheduling point but preemption */
	pthread_join(t, NULL);
	printf("the flag was set\n");
	return 0;
}
