/* thread_create (benchmark): creates and joins N threads one after another (argv[1], default
 * 200) and prints N and the sum of their return values. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define DEFAULT_N 200

static void *ret_arg(void *arg)
{
	return arg;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : DEFAULT_N, sum = 0;
	for (long i = 0; i < n; i++) {
		pthread_t t;
		void *r;
		if (pthread_create(&t, NULL, ret_arg, (void *)i) != 0) {
			printf("pthread_create failed at %ld\n", i);
			return 1;
		}
		pthread_join(t, &r);
		sum += (long)r;
	}
	printf("created and joined %ld threads, sum %ld\n", n, sum);
	return 0;
}
