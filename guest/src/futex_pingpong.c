/* futex_pingpong (benchmark): two threads hand a futex word back and forth N times (argv[1],
 * default 1000) with raw FUTEX_WAIT and FUTEX_WAKE, and print the number of hand-offs. */
#include <linux/futex.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#define DEFAULT_N 1000

static unsigned word; /* 0: main's turn, 1: the partner's turn */
static long n = DEFAULT_N;

static void wait_turn(unsigned mine)
{
	unsigned v;
	while ((v = __atomic_load_n(&word, __ATOMIC_ACQUIRE)) != mine)
		syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, v, NULL, NULL, 0);
}

static void pass_to(unsigned other)
{
	__atomic_store_n(&word, other, __ATOMIC_RELEASE);
	syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void *partner(void *arg)
{
	long *count = arg;
	for (long i = 0; i < n; i++) {
		wait_turn(1);
		(*count)++;
		pass_to(0);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		n = atol(argv[1]);
	long hits = 0;
	pthread_t t;
	pthread_create(&t, NULL, partner, &hits);
	for (long i = 0; i < n; i++) {
		wait_turn(0);
		pass_to(1);
	}
	wait_turn(0);
	pthread_join(t, NULL);
	printf("futex ping-pong: %ld round trips\n", hits);
	return hits == n ? 0 : 1;
}
