#define _GNU_SOURCE
/* pipes: pipe and pipe2 within one process, EOF after the write end closes, EPIPE with SIGPIPE
 * ignored, O_NONBLOCK reads (EAGAIN), and dup/dup2/dup3 sharing offsets and FD_CLOEXEC rules. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void show(const char *what, long r)
{
	if (r < 0)
		printf("%-36s -1 %s\n", what, strerror(errno));
	else
		printf("%-36s %ld\n", what, r);
}

int main(void)
{
	int p[2];
	char buf[64];
	show("pipe", pipe(p));
	show("write 5 to pipe", write(p[1], "hello", 5));
	show("write 6 more", write(p[1], " world", 6));
	memset(buf, 0, sizeof buf);
	show("read up to 64", read(p[0], buf, sizeof buf));
	printf("got \"%s\"\n", buf);
	show("close write end", close(p[1]));
	show("read at EOF", read(p[0], buf, sizeof buf));
	close(p[0]);

	signal(SIGPIPE, SIG_IGN);
	show("pipe again", pipe(p));
	close(p[0]);
	show("write with no reader", write(p[1], "x", 1));
	close(p[1]);

	show("pipe2 O_NONBLOCK|O_CLOEXEC", pipe2(p, O_NONBLOCK | O_CLOEXEC));
	show("nonblocking read of empty pipe", read(p[0], buf, 1));
	show("F_GETFD has FD_CLOEXEC", fcntl(p[0], F_GETFD) & FD_CLOEXEC);
	show("F_GETFL has O_NONBLOCK", (fcntl(p[1], F_GETFL) & O_NONBLOCK) != 0);
	show("pipe2 with bad flag", pipe2(p, 0x12345678));
	long total = 0;
	char chunk[4096];
	memset(chunk, 'p', sizeof chunk);
	for (;;) {
		ssize_t w = write(p[1], chunk, sizeof chunk);
		if (w < 0)
			break;
		total += w;
	}
	printf("nonblocking fill stopped with %s, capacity at least 4096: %s\n", errno == EAGAIN ? "EAGAIN" : strerror(errno),
	       total >= 4096 ? "yes" : "no");
	long drained = 0;
	for (;;) {
		ssize_t r = read(p[0], chunk, sizeof chunk);
		if (r <= 0)
			break;
		drained += r;
	}
	printf("drained everything written: %s\n", drained == total ? "yes" : "no");
	close(p[0]);
	close(p[1]);

	show("pipe for dup", pipe(p));
	int d = dup(p[1]);
	show("dup gives the lowest free fd > 2", d > 2);
	show("write through dup", write(d, "via-dup ", 8));
	show("dup2 onto 10", dup2(p[1], 10));
	show("write through fd 10", write(10, "via-10 ", 7));
	show("dup2 to itself", dup2(10, 10));
	show("dup3 to itself", dup3(10, 10, 0));
	show("dup3 with O_CLOEXEC onto 11", dup3(p[1], 11, O_CLOEXEC));
	show("fd 11 has FD_CLOEXEC", fcntl(11, F_GETFD));
	show("fd 10 has no FD_CLOEXEC", fcntl(10, F_GETFD));
	show("dup3 bad flags", dup3(p[1], 12, 0x40));
	show("dup2 from a closed fd", dup2(55, 56));
	show("F_DUPFD from 20", fcntl(p[1], F_DUPFD, 20));
	show("write through fd 20", write(20, "via-20", 6));
	show("close original write end", close(p[1]));
	show("write through fd 11", write(11, "!", 1));
	memset(buf, 0, sizeof buf);
	show("read", read(p[0], buf, sizeof buf - 1));
	printf("got \"%s\"\n", buf);
	close(d);
	close(10);
	close(11);
	close(20);
	show("read after all writers closed", read(p[0], buf, sizeof buf));

	/* Redirect stdout into a pipe and back: dup keeps the original. */
	int saved = dup(1);
	pipe(p);
	fflush(stdout);
	dup2(p[1], 1);
	printf("captured text");
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	close(p[1]);
	memset(buf, 0, sizeof buf);
	ssize_t n = read(p[0], buf, sizeof buf - 1);
	printf("read %zd bytes back from redirected stdout: \"%s\"\n", n, buf);
	close(p[0]);

	/* A file opened once and dup'ed shares its offset. */
	int z = open("/dev/null", O_RDWR);
	int z2 = dup(z);
	show("/dev/null write", write(z, "abc", 3));
	show("/dev/null read is EOF", read(z2, buf, 3));
	close(z);
	close(z2);
	return 0;
}
