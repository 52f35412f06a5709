/* The cancellation workload of issue 11, shared by the four designs (cancel_*.c): a consumer
 * thread loops reading 8-byte records from a pipe that a producer thread writes, counting each
 * record it reads; main cancels the consumer once it has counted one record; then main checks that
 * every record written was either counted or is still in the pipe. A record read but not counted
 * is a lost result: the program prints "EXPLORE: lost-result" (the explorer's verdict line).
 * A design defines consumer() (which must sem_post(&first_counted) after its first record) and
 * cancel_consumer(); the consumer calls note_record() for each record it read whole.
 * For the cost benchmark (bench/cancel.ts) a design also defines cancellable_read(), its
 * cancellable read of fds[0]: `PROGRAM cost N` makes N such reads of a record just written,
 * `PROGRAM plain N` the same reads with a bare ecall (raw_read), so the difference in retired
 * instructions is what the design adds to each call.
 * `PROGRAM printf N` is Ingo Molnar's printf-heavy loop (include/cancel_printf.h).
 * A design's cancellation signal handler treats the signal itself as the request when it runs on
 * the consumer (is_consumer), so a cancel that `ecall explore --strategy inject` injects at an exact
 * boundary acts as a pthread_cancel arriving there would. */
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Records the producer writes: few enough that the pipe never fills (it holds 64 KiB). */
#define RECORDS 16

static int fds[2];
static volatile long counted;
static sem_t first_counted;
/* Set in the consumer (or the printf loop's worker): the thread a cancel request is for. */
static __thread int is_consumer;

static void *consumer(void *arg);
static void cancel_consumer(pthread_t consumer_thread);
static long cancellable_read(void *buf, long n);

/* read(2) as one bare ecall, with no wrapper around it: the plain call costs are measured against. */
static inline long raw_read(long fd, void *buf, long n)
{
	register long a0 __asm__("a0") = fd;
	register long a1 __asm__("a1") = (long)buf;
	register long a2 __asm__("a2") = n;
	register long a7 __asm__("a7") = SYS_read;
	__asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
	return a0;
}

/* Counts one record; the first one lets main go on to cancel. */
static void note_record(void)
{
	counted++;
	if (counted == 1) sem_post(&first_counted);
}

/* Writes RECORDS records, one write(2) each. */
static void *producer(void *arg)
{
	(void)arg;
	for (long i = 0; i < RECORDS; i++)
		if (write(fds[1], &i, sizeof i) != sizeof i) return NULL;
	return NULL;
}

/* Lets main go on to cancel once the consumer has ended, whether it counted a record or not (a
 * cancel injected before the first record ends it early). */
static void consumer_ended(void *arg)
{
	(void)arg;
	sem_post(&first_counted);
}

/* The consumer thread: the design's consumer(), with main told when it ends (cancelled too). */
static void *consumer_thread(void *arg)
{
	void *r;
	is_consumer = 1;
	pthread_cleanup_push(consumer_ended, NULL);
	r = consumer(arg);
	pthread_cleanup_pop(1);
	return r;
}

/* Runs the workload once; returns the exit status (0, or 1 on a setup failure). With `inject`
 * (argv[1]) before_threads() runs first: a design whose cancellation handler is installed lazily
 * installs it, so that a cancel request injected before main's own is the design's. */
static int run_workload(int argc, char **argv, void (*before_threads)(void))
{
	if (argc == 2 && strcmp(argv[1], "inject") == 0 && before_threads) before_threads();
	if (pipe(fds) != 0 || sem_init(&first_counted, 0, 0) != 0) return 1;
	pthread_t c, p;
	if (pthread_create(&c, NULL, consumer_thread, NULL) != 0 || pthread_create(&p, NULL, producer, NULL) != 0) return 1;
	while (sem_wait(&first_counted) != 0) {}
	cancel_consumer(c);
	pthread_join(c, NULL);
	pthread_join(p, NULL);
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	long rec, left = 0;
	while (read(fds[0], &rec, sizeof rec) == sizeof rec) left++;
	if (counted + left != RECORDS) {
		printf("EXPLORE: lost-result\n");
		printf("%ld records written, %ld counted, %ld still in the pipe\n", (long)RECORDS, counted, left);
	} else {
		printf("every record written was counted or is still in the pipe\n");
	}
	return 0;
}

/* `cost N` or `plain N`: N cancellable (or plain) reads of a record written just before each;
 * returns the exit status, or -1 if argv asks for no benchmark. */
static int run_cost(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "cost") != 0 && strcmp(argv[1], "plain") != 0)) return -1;
	int cost = strcmp(argv[1], "cost") == 0;
	long n = atol(argv[2]), rec;
	if (pipe(fds) != 0) return 1;
	for (long i = 0; i < n; i++) {
		if (write(fds[1], &i, sizeof rec) != sizeof rec) return 1;
		long r = cost ? cancellable_read(&rec, sizeof rec) : raw_read(fds[0], &rec, sizeof rec);
		if (r != sizeof rec) return 1;
	}
	return 0;
}

