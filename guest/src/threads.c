#define _GNU_SOURCE
/* threads: glibc pthreads end to end: mutexes (normal, errorcheck, priority-inheritance, robust
 * with a dead owner), condition variables, barriers, rwlocks, semaphores, __thread variables,
 * pthread_once, detached threads, joining 64 threads, and distinct pthread_self/gettid per thread.
 * Every line is independent of the interleaving: threads only report totals that synchronisation
 * makes exact. */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../include/result.h"
#include "../include/run_threads.h"

/* Small counts keep the program quick on an interpreting CPU while still contending. */
#define WORKERS 4
#define INCREMENTS 2000
#define JOIN_THREADS 64
#define QUEUE_ITEMS 200
#define BARRIER_ROUNDS 5

static void check(const char *what, int err)
{
	printf("%-44s %s\n", what, err == 0 ? "ok" : strerrorname_np(err));
}

static pid_t my_tid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* ---- mutex ---- */
static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *increment(void *arg)
{
	pthread_mutex_t *m = arg;
	for (int i = 0; i < INCREMENTS; i++) {
		pthread_mutex_lock(m);
		long v = counter;
		if ((i & 63) == 0)
			sched_yield();
		counter = v + 1;
		pthread_mutex_unlock(m);
	}
	return NULL;
}

static void run_counter(const char *label, pthread_mutex_t *m)
{
	pthread_t t[WORKERS];
	counter = 0;
	for (int i = 0; i < WORKERS; i++)
		pthread_create(&t[i], NULL, increment, m);
	for (int i = 0; i < WORKERS; i++)
		pthread_join(t[i], NULL);
	printf("%s: %d threads x %d increments = %ld\n", label, WORKERS, INCREMENTS, counter);
}

static void *try_from_other_thread(void *arg)
{
	return (void *)(long)pthread_mutex_trylock(arg);
}

/* Long enough for the waiter to reach the kernel; the output does not depend on it. */
#define PI_HANDOFF_PAUSE_NS 20000000
static int pi_got_it;

static void *pi_waiter(void *arg)
{
	pthread_mutex_lock(arg);
	__atomic_store_n(&pi_got_it, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(arg);
	return NULL;
}

static void mutex_kinds(void)
{
	run_counter("mutex", &counter_lock);

	pthread_mutexattr_t a;
	pthread_mutex_t ec;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&ec, &a);
	pthread_mutex_lock(&ec);
	check("errorcheck mutex relock", pthread_mutex_lock(&ec));
	pthread_t t;
	void *r;
	pthread_create(&t, NULL, try_from_other_thread, &ec);
	pthread_join(t, &r);
	check("trylock of a held mutex from another thread", (int)(long)r);
	pthread_mutex_unlock(&ec);
	check("errorcheck unlock when not owner", pthread_mutex_unlock(&ec));

	pthread_mutex_t pi;
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_NORMAL);
	check("mutexattr PTHREAD_PRIO_INHERIT", pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT));
	pthread_mutex_init(&pi, &a);
	run_counter("priority-inheritance mutex", &pi);
	pthread_mutex_lock(&pi);
	pthread_create(&t, NULL, try_from_other_thread, &pi);
	pthread_join(t, &r);
	check("PI trylock of a held mutex from another thread", (int)(long)r);
	pthread_mutex_unlock(&pi);

	/* The owner holds the lock while the other thread asks for it, so (given the pause) the
	 * waiter sleeps in FUTEX_LOCK_PI and the unlock goes through FUTEX_UNLOCK_PI. */
	pthread_mutex_lock(&pi);
	pi_got_it = 0;
	pthread_create(&t, NULL, pi_waiter, &pi);
	struct timespec pause = { 0, PI_HANDOFF_PAUSE_NS };
	nanosleep(&pause, NULL);
	int early = __atomic_load_n(&pi_got_it, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&pi);
	pthread_join(t, NULL);
	printf("PI mutex: waiter got it only after the owner unlocked: %s\n", !early && pi_got_it ? "yes" : "no");
	pthread_mutexattr_destroy(&a);
}

/* ---- robust mutex whose owner exits ---- */
static pthread_mutex_t robust;

static void *lock_and_exit(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&robust);
	return NULL; /* exits holding the lock */
}

static void robust_mutex(void)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&robust, &a);
	pthread_t t;
	pthread_create(&t, NULL, lock_and_exit, NULL);
	pthread_join(t, NULL);
	check("robust lock after the owner exited", pthread_mutex_lock(&robust));
	check("pthread_mutex_consistent", pthread_mutex_consistent(&robust));
	check("unlock", pthread_mutex_unlock(&robust));
	check("lock again", pthread_mutex_lock(&robust));
	pthread_mutex_unlock(&robust);
}

/* ---- condition variable: a bounded queue ---- */
#define QUEUE_CAP 4
static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_not_empty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t q_not_full = PTHREAD_COND_INITIALIZER;
static int queue[QUEUE_CAP], q_head, q_count;

static void *producer(void *arg)
{
	(void)arg;
	for (int i = 1; i <= QUEUE_ITEMS; i++) {
		pthread_mutex_lock(&q_lock);
		while (q_count == QUEUE_CAP)
			pthread_cond_wait(&q_not_full, &q_lock);
		queue[(q_head + q_count++) % QUEUE_CAP] = i;
		pthread_cond_signal(&q_not_empty);
		pthread_mutex_unlock(&q_lock);
	}
	return NULL;
}

static void condvar(void)
{
	pthread_t t;
	pthread_create(&t, NULL, producer, NULL);
	long sum = 0;
	int in_order = 1;
	for (int i = 1; i <= QUEUE_ITEMS; i++) {
		pthread_mutex_lock(&q_lock);
		while (q_count == 0)
			pthread_cond_wait(&q_not_empty, &q_lock);
		int v = queue[q_head];
		q_head = (q_head + 1) % QUEUE_CAP;
		q_count--;
		pthread_cond_signal(&q_not_full);
		pthread_mutex_unlock(&q_lock);
		in_order &= v == i;
		sum += v;
	}
	pthread_join(t, NULL);
	printf("condvar queue: %d items, sum %ld, in order: %s\n", QUEUE_ITEMS, sum, in_order ? "yes" : "no");

	struct timespec past = { 0, 0 };
	pthread_mutex_lock(&q_lock);
	check("pthread_cond_timedwait with a past deadline", pthread_cond_timedwait(&q_not_empty, &q_lock, &past));
	pthread_mutex_unlock(&q_lock);
}

/* ---- barrier ---- */
static pthread_barrier_t barrier;
static int arrived[BARRIER_ROUNDS];
static int serial_count[BARRIER_ROUNDS];
static int barrier_ok = 1;
static pthread_mutex_t barrier_stats = PTHREAD_MUTEX_INITIALIZER;

static void *barrier_worker(void *arg)
{
	(void)arg;
	for (int r = 0; r < BARRIER_ROUNDS; r++) {
		__atomic_fetch_add(&arrived[r], 1, __ATOMIC_SEQ_CST);
		int s = pthread_barrier_wait(&barrier);
		/* past the barrier, every thread of this round has arrived */
		pthread_mutex_lock(&barrier_stats);
		if (__atomic_load_n(&arrived[r], __ATOMIC_SEQ_CST) != WORKERS)
			barrier_ok = 0;
		if (s == PTHREAD_BARRIER_SERIAL_THREAD)
			serial_count[r]++;
		else if (s != 0)
			barrier_ok = 0;
		pthread_mutex_unlock(&barrier_stats);
	}
	return NULL;
}

static void barriers(void)
{
	run_threads(WORKERS, barrier_worker, &barrier);
	int one_serial = 1;
	for (int r = 0; r < BARRIER_ROUNDS; r++)
		one_serial &= serial_count[r] == 1;
	printf("barrier: %d rounds of %d, all arrived before release: %s, one serial thread per round: %s\n",
	       BARRIER_ROUNDS, WORKERS, barrier_ok ? "yes" : "no", one_serial ? "yes" : "no");
	pthread_barrier_destroy(&barrier);
}

/* ---- rwlock ---- */
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long rw_value;

static void *rw_writer(void *arg)
{
	(void)arg;
	for (int i = 0; i < INCREMENTS / 4; i++) {
		pthread_rwlock_wrlock(&rw);
		rw_value++;
		pthread_rwlock_unlock(&rw);
	}
	return NULL;
}

static void *rw_reader(void *arg)
{
	long bad = 0;
	(void)arg;
	for (int i = 0; i < INCREMENTS / 4; i++) {
		pthread_rwlock_rdlock(&rw);
		long a = rw_value;
		sched_yield();
		if (rw_value != a)
			bad++;
		pthread_rwlock_unlock(&rw);
	}
	return (void *)bad;
}

static void *rw_try(void *arg)
{
	long wr = pthread_rwlock_trywrlock(&rw);
	long rd = pthread_rwlock_tryrdlock(&rw);
	if (rd == 0)
		pthread_rwlock_unlock(&rw);
	(void)arg;
	return (void *)(wr * 1000 + rd);
}

static void rwlocks(void)
{
	pthread_t t[WORKERS];
	for (int i = 0; i < WORKERS; i++)
		pthread_create(&t[i], NULL, i < 2 ? rw_writer : rw_reader, NULL);
	long changed = 0;
	for (int i = 0; i < WORKERS; i++) {
		void *r;
		pthread_join(t[i], &r);
		if (i >= 2)
			changed += (long)r;
	}
	printf("rwlock: 2 writers x %d = %ld, value changed under a read lock: %ld times\n", INCREMENTS / 4, rw_value, changed);
	pthread_rwlock_rdlock(&rw);
	pthread_t o;
	void *r;
	pthread_create(&o, NULL, rw_try, NULL);
	pthread_join(o, &r);
	check("trywrlock while another thread reads", (int)((long)r / 1000));
	check("tryrdlock while another thread reads", (int)((long)r % 1000));
	pthread_rwlock_unlock(&rw);
}

/* ---- semaphore ---- */
static sem_t sem_items, sem_done;

static void *sem_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < 10; i++)
		sem_wait(&sem_items);
	sem_post(&sem_done);
	return NULL;
}

static void semaphores(void)
{
	sem_init(&sem_items, 0, 0);
	sem_init(&sem_done, 0, 0);
	pthread_t t;
	pthread_create(&t, NULL, sem_worker, NULL);
	for (int i = 0; i < 10; i++)
		sem_post(&sem_items);
	sem_wait(&sem_done);
	pthread_join(t, NULL);
	int v = -1;
	sem_getvalue(&sem_items, &v);
	printf("semaphore: 10 posts consumed by a thread, value now %d\n", v);
	errno = 0;
	result("sem_trywait on zero", sem_trywait(&sem_items));
	struct timespec past = { 0, 0 };
	errno = 0;
	result("sem_timedwait with a past deadline", sem_timedwait(&sem_items, &past));
}

/* ---- __thread and pthread_once ---- */
static __thread int tls_value = 7;
static __thread char tls_name[16] = "main";
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;

static void once_init(void)
{
	once_runs++;
}

static void *tls_worker(void *arg)
{
	long id = (long)arg;
	int fresh = tls_value == 7 && strcmp(tls_name, "main") == 0;
	tls_value = (int)id * 100;
	snprintf(tls_name, sizeof tls_name, "thread%ld", id);
	pthread_once(&once, once_init);
	sched_yield();
	char expect[16];
	snprintf(expect, sizeof expect, "thread%ld", id);
	return (void *)(long)(fresh && tls_value == id * 100 && strcmp(tls_name, expect) == 0);
}

static void tls_and_once(void)
{
	pthread_t t[8];
	tls_value = 1;
	for (long i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, tls_worker, (void *)i);
	int good = 0;
	for (int i = 0; i < 8; i++) {
		void *r;
		pthread_join(t[i], &r);
		good += (int)(long)r;
	}
	printf("__thread: %d of 8 threads saw the initial image and kept their own values; main still %d %s\n", good,
	       tls_value, tls_name);
	printf("pthread_once from 8 threads ran the initialiser %d time(s)\n", once_runs);
}

/* ---- identity: pthread_self and gettid ---- */
#define ID_THREADS 8
static pthread_t selves[ID_THREADS];
static pid_t tids[ID_THREADS];
static pid_t pids[ID_THREADS];
static pthread_barrier_t id_barrier;

static void *identify(void *arg)
{
	long i = (long)arg;
	selves[i] = pthread_self();
	tids[i] = my_tid();
	pids[i] = getpid();
	/* all alive at once, so no tid or thread descriptor can be reused */
	pthread_barrier_wait(&id_barrier);
	return NULL;
}

static void identities(void)
{
	pthread_t t[ID_THREADS];
	pthread_barrier_init(&id_barrier, NULL, ID_THREADS);
	for (long i = 0; i < ID_THREADS; i++)
		pthread_create(&t[i], NULL, identify, (void *)i);
	for (int i = 0; i < ID_THREADS; i++)
		pthread_join(t[i], NULL);
	int distinct = 1, same_pid = 1, self_matches = 1;
	for (int i = 0; i < ID_THREADS; i++) {
		same_pid &= pids[i] == getpid();
		self_matches &= pthread_equal(selves[i], t[i]);
		distinct &= tids[i] != my_tid() && tids[i] != getpid() && !pthread_equal(selves[i], pthread_self());
		for (int j = 0; j < i; j++)
			distinct &= tids[i] != tids[j] && !pthread_equal(selves[i], selves[j]);
	}
	printf("identity: gettid and pthread_self distinct per thread: %s, getpid shared: %s, pthread_self matches "
	       "pthread_create: %s, main gettid == getpid: %s\n",
	       distinct ? "yes" : "no", same_pid ? "yes" : "no", self_matches ? "yes" : "no",
	       my_tid() == getpid() ? "yes" : "no");
}

/* ---- detached threads and many joins ---- */
static sem_t detached_done;

static void *detached_worker(void *arg)
{
	(void)arg;
	sem_post(&detached_done);
	return NULL;
}

static void *square(void *arg)
{
	long i = (long)arg;
	return (void *)(i * i);
}

static void detached_and_joins(void)
{
	sem_init(&detached_done, 0, 0);
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	for (int i = 0; i < 4; i++) {
		pthread_t t;
		pthread_create(&t, &a, detached_worker, NULL);
	}
	pthread_t t;
	pthread_create(&t, NULL, detached_worker, NULL);
	check("pthread_detach of a joinable thread", pthread_detach(t));
	for (int i = 0; i < 5; i++)
		sem_wait(&detached_done);
	printf("detached: 5 threads finished\n");
	pthread_attr_destroy(&a);

	pthread_t many[JOIN_THREADS];
	for (long i = 0; i < JOIN_THREADS; i++)
		if (pthread_create(&many[i], NULL, square, (void *)i) != 0)
			printf("pthread_create %ld failed\n", i);
	long sum = 0;
	for (int i = 0; i < JOIN_THREADS; i++) {
		void *r;
		pthread_join(many[i], &r);
		sum += (long)r;
	}
	printf("joined %d threads, sum of returned squares %ld\n", JOIN_THREADS, sum);
	check("pthread_join of itself", pthread_join(pthread_self(), NULL));
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	mutex_kinds();
	robust_mutex();
	condvar();
	barriers();
	rwlocks();
	semaphores();
	tls_and_once();
	identities();
	detached_and_joins();
	printf("done\n");
	return 0;
}
