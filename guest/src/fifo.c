/* fifo: named pipes and mknod in DIR (argv[1], default /tmp). mkfifo and mknod's type rules; the
 * open rules of fifo(7): O_RDONLY|O_NONBLOCK opens at once, O_WRONLY|O_NONBLOCK without a reader is
 * ENXIO, O_RDWR never waits, and a blocking open waits for the other side (a reader thread and a
 * writer meet); a signal interrupts a waiting open with EINTR and leaves no reader behind; a
 * non-blocking reader sees POLLHUP only after a writer has come and gone. Then fallocate's checks.
 * "fifo DIR mkfifo NAME" only makes the FIFO DIR/NAME (for a test that looks at it from the host). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <unistd.h>

/* Room for DIR and a file name. */
#define PATH_LEN 4096
/* How long the interrupted open waits before SIGALRM: long enough to be asleep in open. */
#define ALARM_US 50000

static char fifo[PATH_LEN];
/* What the reader thread saw, printed by main after the join so the output order is fixed. */
static char reader_result[128];

static const char *res(int r)
{
	return r < 0 ? strerror(errno) : "ok";
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* Opens the FIFO for reading (waiting for a writer) and prints what it reads. */
static void *reader(void *arg)
{
	(void)arg;
	int fd = open(fifo, O_RDONLY);
	char buf[32] = {0};
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
	snprintf(reader_result, sizeof reader_result, "reader thread: open %s, read %zd: %s\n", fd < 0 ? strerror(errno) : "ok", n, buf);
	if (fd >= 0)
		close(fd);
	return NULL;
}

/* Prints the poll events of fd (POLLIN, POLLHUP) without waiting. */
static void poll_events(const char *label, int fd)
{
	struct pollfd p = {fd, POLLIN, 0};
	poll(&p, 1, 0);
	printf("%s: POLLIN %d POLLHUP %d\n", label, !!(p.revents & POLLIN), !!(p.revents & POLLHUP));
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";
	char path[PATH_LEN];
	umask(022);
	if (argc > 3 && !strcmp(argv[2], "mkfifo")) {
		snprintf(path, sizeof path, "%s/%s", dir, argv[3]);
		printf("mkfifo %s: %s\n", argv[3], res(mkfifo(path, 0640)));
		return 0;
	}
	snprintf(fifo, sizeof fifo, "%s/ecall-fifo-%d", dir, getpid());
	unlink(fifo);
	printf("mkfifo: %s\n", res(mkfifo(fifo, 0666)));
	printf("mkfifo again: %s\n", res(mkfifo(fifo, 0666)));
	struct stat st;
	stat(fifo, &st);
	printf("is a FIFO: %d, mode %o\n", S_ISFIFO(st.st_mode), st.st_mode & 07777);

	printf("open O_WRONLY|O_NONBLOCK without a reader: %s\n", res(open(fifo, O_WRONLY | O_NONBLOCK)));
	int r = open(fifo, O_RDONLY | O_NONBLOCK);
	printf("open O_RDONLY|O_NONBLOCK: %s\n", res(r));
	char buf[16];
	printf("read with no writer: %zd\n", read(r, buf, sizeof buf));
	poll_events("before any writer", r);
	int w = open(fifo, O_WRONLY | O_NONBLOCK);
	printf("open O_WRONLY|O_NONBLOCK with a reader: %s\n", res(w));
	printf("write: %zd\n", write(w, "abc", 3));
	poll_events("with data", r);
	ssize_t n = read(r, buf, sizeof buf);
	printf("read: %zd %.*s\n", n, (int)(n > 0 ? n : 0), buf);
	close(w);
	poll_events("after the writer closed", r);
	close(r);

	int rw = open(fifo, O_RDWR);
	printf("open O_RDWR without partners: %s\n", res(rw));
	close(rw);

	pthread_t th;
	pthread_create(&th, NULL, reader, NULL);
	w = open(fifo, O_WRONLY);
	printf("blocking open O_WRONLY: %s\n", res(w));
	printf("write: %zd\n", write(w, "hello", 5));
	close(w);
	pthread_join(th, NULL);
	fputs(reader_result, stdout);

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = {{0, 0}, {0, ALARM_US}};
	setitimer(ITIMER_REAL, &it, NULL);
	r = open(fifo, O_RDONLY);
	printf("blocking open O_RDONLY with no writer, interrupted: %s\n", res(r));
	printf("then O_WRONLY|O_NONBLOCK (no reader left): %s\n", res(open(fifo, O_WRONLY | O_NONBLOCK)));
	unlink(fifo);

	snprintf(path, sizeof path, "%s/ecall-node-%d", dir, getpid());
	printf("mknod S_IFREG: %s\n", res(mknod(path, S_IFREG | 0600, 0)));
	stat(path, &st);
	printf("is regular: %d\n", S_ISREG(st.st_mode));
	printf("mknod over it: %s\n", res(mknod(path, S_IFIFO | 0600, 0)));
	int f = open(path, O_RDONLY);
	printf("fallocate on an O_RDONLY fd: %s\n", res(fallocate(f, 0, 0, 4096)));
	close(f);
	f = open(path, O_RDWR);
	printf("fallocate 8192: %s\n", res(fallocate(f, 0, 0, 8192)));
	fstat(f, &st);
	printf("size %lld\n", (long long)st.st_size);
	printf("fallocate with KEEP_SIZE past the end: %s\n", res(fallocate(f, FALLOC_FL_KEEP_SIZE, 8192, 4096)));
	fstat(f, &st);
	printf("size %lld\n", (long long)st.st_size);
	printf("fallocate with a zero length: %s\n", res(fallocate(f, 0, 0, 0)));
	printf("fallocate PUNCH_HOLE without KEEP_SIZE: %s\n", res(fallocate(f, FALLOC_FL_PUNCH_HOLE, 0, 4096)));
	close(f);
	unlink(path);
	printf("mknod S_IFDIR: %s\n", res(mknod(path, S_IFDIR | 0700, 0)));
	printf("mknod with an unknown type: %s\n", res(mknod(path, 0170000 | 0600, 0)));
	if (geteuid() != 0)
		printf("mknod S_IFCHR unprivileged: %s\n", res(mknod(path, S_IFCHR | 0600, makedev(1, 3))));
	int p[2];
	pipe(p);
	printf("fallocate on a pipe: %s\n", res(fallocate(p[1], 0, 0, 1)));
	return 0;
}
