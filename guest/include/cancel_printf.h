/* Ingo Molnar's printf-heavy loop for the cancellation designs (cancel_*.c include it after their
 * own definitions): `PROGRAM printf N` starts a worker thread (the last thread the program
 * creates) that makes N cancellable reads of records already in the pipe and traces each with two
 * fprintf(stderr) calls (stderr is unbuffered: one write(2) each). `ecall explore --report cancel`
 * injects a cancel request at the entry of each of the worker's system calls and counts the calls
 * at which the worker then ends instead of making the call: the cancellation points.
 * A design may define WORKER_START(), run first in the worker (non-zero ends it), and
 * WORKER_SIGSETJMP, a sigjmp_buf the worker sets so that its handler can leave the thread (the
 * counter design registers its counter and sets its siglongjmp target so). run_cancel_program()
 * is a design's main: the benchmark, the printf loop or the workload, as argv asks. */
#ifndef WORKER_START
#define WORKER_START() 0
#endif

/* Records the printf loop's worker reads (it stops early when cancelled). */
#define PRINTF_MAX_RECORDS 1024
static long printf_records;

/* The printf loop's worker: printf_records cancellable reads, two trace lines each. */
static void *printf_worker(void *arg)
{
	(void)arg;
	is_consumer = 1;
	if (WORKER_START()) return NULL;
#ifdef WORKER_SIGSETJMP
	if (sigsetjmp(WORKER_SIGSETJMP, 1)) return NULL;
#endif
	long rec;
	for (long i = 0; i < printf_records; i++) {
		fprintf(stderr, "worker: reading record %ld\n", i);
		if (cancellable_read(&rec, sizeof rec) != sizeof rec) return NULL;
		fprintf(stderr, "worker: got %ld\n", rec);
	}
	return NULL;
}

/* `printf N`: runs the printf loop (before_worker() runs first, in main); returns the exit status,
 * or -1 if argv asks for something else. */
static int run_printf(int argc, char **argv, void (*before_worker)(void))
{
	if (argc != 3 || strcmp(argv[1], "printf") != 0) return -1;
	printf_records = atol(argv[2]);
	if (printf_records < 0 || printf_records > PRINTF_MAX_RECORDS || pipe(fds) != 0) return 1;
	for (long i = 0; i < printf_records; i++)
		if (write(fds[1], &i, sizeof i) != sizeof i) return 1;
	if (before_worker) before_worker();
	pthread_t w;
	if (pthread_create(&w, NULL, printf_worker, NULL) != 0) return 1;
	pthread_join(w, NULL);
	printf("printf loop done\n");
	return 0;
}

/* Runs what argv asks for: `cost N` or `plain N`, `printf N`, else the workload (`inject` or
 * none); before is the design's before_threads/before_worker hook. Returns the exit status. */
static int run_cancel_program(int argc, char **argv, void (*before)(void))
{
	int st = run_cost(argc, argv);
	if (st >= 0) return st;
	st = run_printf(argc, argv, before);
	if (st >= 0) return st;
	return run_workload(argc, argv, before);
}
