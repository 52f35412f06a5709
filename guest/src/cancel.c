#define _GNU_SOURCE
/* cancel: pthread_cancel of a thread blocked in read() on a pipe (cleanup handlers run in LIFO
 * order and join returns PTHREAD_CANCELED), pthread_testcancel, a request kept pending while
 * cancellation is disabled, asynchronous cancellation of a thread spinning in user code, and
 * nested pthread_cleanup_push with a pop that executes its handler. Threads log into a buffer
 * that main prints after the join, so the output does not depend on the interleaving. */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Room for every event one scenario logs. */
#define LOG_SIZE 256
static char log_buf[LOG_SIZE];
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static sem_t ready;

static void note(const char *s)
{
	pthread_mutex_lock(&log_lock);
	if (log_buf[0])
		strncat(log_buf, " ", LOG_SIZE - strlen(log_buf) - 1);
	strncat(log_buf, s, LOG_SIZE - strlen(log_buf) - 1);
	pthread_mutex_unlock(&log_lock);
}

static void cleanup(void *arg)
{
	note(arg);
}

static void report(const char *scenario, pthread_t t)
{
	void *r;
	int e = pthread_join(t, &r);
	printf("%s: join %s, result %s, log [%s]\n", scenario, e ? strerrorname_np(e) : "ok",
	       r == PTHREAD_CANCELED ? "PTHREAD_CANCELED" : "a value", log_buf);
	log_buf[0] = 0;
}

/* A pause that lets a thread reach its blocking call; the output does not depend on it. */
#define SETTLE_NS 20000000

static void settle(void)
{
	struct timespec ts = { 0, SETTLE_NS };
	nanosleep(&ts, NULL);
}

/* ---- blocked in read() ---- */
static int pipe_fds[2];

static void *blocked_reader(void *arg)
{
	char c;
	(void)arg;
	pthread_cleanup_push(cleanup, "cleanup-outer");
	pthread_cleanup_push(cleanup, "cleanup-inner");
	note("reading");
	sem_post(&ready);
	ssize_t n = read(pipe_fds[0], &c, 1);
	note(n < 0 ? "read failed" : "read returned");
	pthread_cleanup_pop(0);
	pthread_cleanup_pop(0);
	return NULL;
}

static void cancel_blocked_read(void)
{
	pthread_t t;
	pipe(pipe_fds);
	pthread_create(&t, NULL, blocked_reader, NULL);
	sem_wait(&ready);
	settle();
	int e = pthread_cancel(t);
	report("cancel while blocked in read", t);
	printf("  pthread_cancel returned %d\n", e);
	/* nothing was consumed: a byte written now is still there to read */
	write(pipe_fds[1], "x", 1);
	char c = 0;
	printf("  pipe still works: read %zd '%c'\n", read(pipe_fds[0], &c, 1), c);
	close(pipe_fds[0]);
	close(pipe_fds[1]);
}

/* ---- pthread_testcancel in deferred mode ---- */
static volatile int go;

static void *spin_then_testcancel(void *arg)
{
	(void)arg;
	pthread_cleanup_push(cleanup, "cleanup");
	note("spinning");
	sem_post(&ready);
	while (!go)
		; /* no cancellation point here */
	note("testcancel");
	pthread_testcancel();
	note("survived testcancel");
	pthread_cleanup_pop(0);
	return NULL;
}

static void deferred_testcancel(void)
{
	pthread_t t;
	go = 0;
	pthread_create(&t, NULL, spin_then_testcancel, NULL);
	sem_wait(&ready);
	pthread_cancel(t);
	go = 1;
	report("deferred cancel acted on at pthread_testcancel", t);
}

/* ---- disabled, then enabled ---- */
static void *disabled_thread(void *arg)
{
	int old;
	(void)arg;
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
	pthread_cleanup_push(cleanup, "cleanup");
	note(old == PTHREAD_CANCEL_ENABLE ? "disabled (was enabled)" : "disabled (was disabled?)");
	sem_post(&ready);
	while (!go)
		;
	struct timespec ts = { 0, 1000000 };
	if (nanosleep(&ts, NULL) == 0)
		note("nanosleep completed while disabled");
	pthread_testcancel();
	note("testcancel ignored while disabled");
	pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
	note(old == PTHREAD_CANCEL_DISABLE ? "enabled" : "enabled (was enabled?)");
	pthread_testcancel();
	note("survived (wrong)");
	pthread_cleanup_pop(0);
	return NULL;
}

static void disabled_then_enabled(void)
{
	pthread_t t;
	go = 0;
	pthread_create(&t, NULL, disabled_thread, NULL);
	sem_wait(&ready);
	pthread_cancel(t);
	go = 1;
	report("cancel pending while disabled, acted on once enabled", t);
}

/* ---- asynchronous cancellation of a spinning thread ---- */
static volatile unsigned long spins;

static void *async_spinner(void *arg)
{
	int old;
	(void)arg;
	pthread_cleanup_push(cleanup, "cleanup");
	pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, &old);
	note(old == PTHREAD_CANCEL_DEFERRED ? "async (was deferred)" : "async (was async?)");
	sem_post(&ready);
	for (;;)
		spins++;
	pthread_cleanup_pop(0);
	return NULL;
}

static void async_cancel(void)
{
	pthread_t t;
	pthread_create(&t, NULL, async_spinner, NULL);
	sem_wait(&ready);
	while (spins < 1000)
		sched_yield();
	pthread_cancel(t);
	report("asynchronous cancel of a spinning thread", t);
}

/* ---- nested cleanup handlers ---- */
static void *nested(void *arg)
{
	(void)arg;
	pthread_cleanup_push(cleanup, "A");
	pthread_cleanup_push(cleanup, "B");
	pthread_cleanup_push(cleanup, "C");
	pthread_cleanup_push(cleanup, "D");
	pthread_cleanup_pop(1); /* runs D now */
	pthread_cleanup_pop(0); /* drops C */
	note("pushed E");
	pthread_cleanup_push(cleanup, "E");
	sem_post(&ready);
	for (;;)
		pause();
	pthread_cleanup_pop(0);
	pthread_cleanup_pop(0);
	pthread_cleanup_pop(0);
	return NULL;
}

static void nested_cleanup(void)
{
	pthread_t t;
	pthread_create(&t, NULL, nested, NULL);
	sem_wait(&ready);
	settle();
	pthread_cancel(t);
	report("nested cleanup handlers, cancelled in pause()", t);
}

/* ---- a thread that returns normally, and exit through pthread_exit ---- */
static void *exits(void *arg)
{
	pthread_cleanup_push(cleanup, "cleanup on pthread_exit");
	if (arg)
		pthread_exit((void *)42);
	pthread_cleanup_pop(0);
	return NULL;
}

static void not_cancelled(void)
{
	pthread_t t;
	void *r;
	pthread_create(&t, NULL, exits, (void *)1);
	pthread_join(t, &r);
	printf("pthread_exit(42): result %ld, log [%s]\n", (long)r, log_buf);
	log_buf[0] = 0;
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	sem_init(&ready, 0, 0);
	cancel_blocked_read();
	deferred_testcancel();
	disabled_then_enabled();
	async_cancel();
	nested_cleanup();
	not_cancelled();
	printf("done\n");
	return 0;
}
