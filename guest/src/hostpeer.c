/* hostpeer: the guest side of the host-task tests (test/e2e/host_task.test.ts), where host code
 * acting as a task of the kernel talks to it. Modes:
 *   hostpeer pipe IN OUT     reads FIFO IN and answers each chunk on FIFO OUT with "guest got: CHUNK"
 *                            until end of file
 *   hostpeer files DIR       reads DIR/input.txt and writes DIR/output.txt: its byte count, then the
 *                            text in upper case
 *   hostpeer futex FILE      maps FILE shared, stores 1 in its first word and wakes one waiter on it
 *                            (a shared futex); prints how many it woke
 *   hostpeer signal FIFO     installs a SIGUSR1 handler, writes "ready" to FIFO, waits for the signal
 *                            and prints its si_pid and si_code
 *   hostpeer block FILE FIFO locks a robust process-shared mutex at the start of shared FILE, writes
 *                            "locked" to FIFO, then one thread waits on a futex forever and the main
 *                            thread reads an empty pipe forever (the test shuts the kernel down)
 *   hostpeer calls N         makes N getppid calls, then prints "done" */
#define _GNU_SOURCE
#include <ctype.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Room for a path or a message. */
#define BUF_LEN 4096

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static int mode_pipe(const char *in, const char *out)
{
	int r = open(in, O_RDONLY);
	if (r < 0)
		die("open in");
	int w = open(out, O_WRONLY);
	if (w < 0)
		die("open out");
	char buf[BUF_LEN], reply[BUF_LEN + 16];
	for (;;) {
		ssize_t n = read(r, buf, sizeof buf - 1);
		if (n < 0)
			die("read");
		if (n == 0)
			break;
		buf[n] = 0;
		int len = snprintf(reply, sizeof reply, "guest got: %s", buf);
		if (write(w, reply, len) != len)
			die("write");
	}
	close(w);
	printf("pipe: end of input\n");
	return 0;
}

static int mode_files(const char *dir)
{
	char path[BUF_LEN], buf[BUF_LEN];
	snprintf(path, sizeof path, "%s/input.txt", dir);
	FILE *f = fopen(path, "r");
	if (!f)
		die("fopen input");
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	for (size_t i = 0; i < n; i++)
		buf[i] = toupper((unsigned char)buf[i]);
	snprintf(path, sizeof path, "%s/output.txt", dir);
	f = fopen(path, "w");
	if (!f)
		die("fopen output");
	fprintf(f, "%zu bytes\n", n);
	fwrite(buf, 1, n, f);
	fclose(f);
	printf("files: wrote %s\n", path);
	return 0;
}

/* Maps the first page of FILE shared and returns it. */
static unsigned *map_shared(const char *file)
{
	int fd = open(file, O_RDWR);
	if (fd < 0)
		die("open shared file");
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap");
	close(fd);
	return p;
}

static int mode_futex(const char *file)
{
	unsigned *word = map_shared(file);
	__atomic_store_n(word, 1, __ATOMIC_SEQ_CST);
	long woke = syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
	printf("futex: woke %ld\n", woke);
	return 0;
}

static volatile sig_atomic_t got_pid = -1, got_code;

static void on_usr1(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)ctx;
	got_code = si->si_code;
	got_pid = si->si_pid;
}

/* Writes msg to FIFO (opening it waits for the reader) and closes it. */
static void say(const char *fifo, const char *msg)
{
	int fd = open(fifo, O_WRONLY);
	if (fd < 0)
		die("open fifo");
	if (write(fd, msg, strlen(msg)) < 0)
		die("write fifo");
	close(fd);
}

static int mode_signal(const char *fifo)
{
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &old);
	struct sigaction sa = { 0 };
	sa.sa_sigaction = on_usr1;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	say(fifo, "ready");
	while (got_pid < 0)
		sigsuspend(&old);
	printf("signal: SIGUSR1 from pid %d, si_code %d\n", (int)got_pid, (int)got_code);
	return 0;
}

static void *wait_forever(void *arg)
{
	unsigned zero = 0;
	(void)arg;
	for (;;)
		syscall(SYS_futex, &zero, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	return NULL;
}

static int mode_block(const char *file, const char *fifo)
{
	pthread_mutex_t *m = (pthread_mutex_t *)map_shared(file);
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(m, &a);
	if (pthread_mutex_lock(m) != 0)
		die("lock");
	pthread_t th;
	if (pthread_create(&th, NULL, wait_forever, NULL) != 0)
		die("pthread_create");
	say(fifo, "locked");
	int p[2];
	if (pipe(p) < 0)
		die("pipe");
	char c;
	while (read(p[0], &c, 1) >= 0)
		;
	die("read");
	return 1;
}

static int mode_calls(long n)
{
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	printf("calls: done\n");
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc >= 4 && strcmp(argv[1], "pipe") == 0)
		return mode_pipe(argv[2], argv[3]);
	if (argc >= 3 && strcmp(argv[1], "files") == 0)
		return mode_files(argv[2]);
	if (argc >= 3 && strcmp(argv[1], "futex") == 0)
		return mode_futex(argv[2]);
	if (argc >= 3 && strcmp(argv[1], "signal") == 0)
		return mode_signal(argv[2]);
	if (argc >= 4 && strcmp(argv[1], "block") == 0)
		return mode_block(argv[2], argv[3]);
	if (argc >= 3 && strcmp(argv[1], "calls") == 0)
		return mode_calls(strtol(argv[2], NULL, 10));
	fprintf(stderr, "usage: hostpeer pipe IN OUT | files DIR | futex FILE | signal FIFO | block FILE FIFO | calls N\n");
	return 2;
}
