/* splice: sendfile, splice, tee, vmsplice and copy_file_range as system calls: the bytes they
 * move, how they update offsets (the pointer, or the file position when it is NULL), and Linux's
 * errnos (EINVAL when splice has no pipe end or tee is given a file, ESPIPE for an offset on a
 * pipe, EBADF for the wrong access mode, EAGAIN with SPLICE_F_NONBLOCK, EPIPE and SIGPIPE with no
 * reader, EXDEV for copy_file_range across file systems), and calls that sleep on a pipe: woken by
 * another process, or interrupted by a handled signal. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../include/expect.h"

#define TEXT "0123456789abcdefghijklmnopqrstuvwxyz"

static int sigpipes, alarms;

static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/* Returns a new file in /tmp holding TEXT, opened with flags, its position at 0. */
static int text_file(const char *name, int flags)
{
	char path[64];
	snprintf(path, sizeof path, "/tmp/splice_%s_%d", name, getpid());
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	write(fd, TEXT, sizeof TEXT - 1);
	close(fd);
	fd = open(path, flags);
	unlink(path);
	return fd;
}

/* Reads what is in pipe end fd (nonblocking) and prints it after what. */
static void drain(int fd, const char *what)
{
	char buf[128];
	int fl = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	long n = read(fd, buf, sizeof buf - 1);
	fcntl(fd, F_SETFL, fl);
	buf[n < 0 ? 0 : n] = 0;
	printf("%-52s -> \"%s\"\n", what, buf);
}

static long pos_of(int fd)
{
	return lseek(fd, 0, SEEK_CUR);
}

static void test_sendfile(void)
{
	int p[2];
	pipe(p);
	int f = text_file("sf", O_RDONLY);
	expect_val("sendfile 5 from the position", sendfile(p[1], f, NULL, 5), 5);
	expect_val("  position after", pos_of(f), 5);
	off_t off = 10;
	expect_val("sendfile 4 from offset 10", sendfile(p[1], f, &off, 4), 4);
	expect_val("  offset after", off, 14);
	expect_val("  position unchanged", pos_of(f), 5);
	drain(p[0], "  pipe holds");
	off = 34;
	expect_val("sendfile 10 from offset 34 (2 left)", sendfile(p[1], f, &off, 10), 2);
	off = 100;
	expect_val("sendfile past the end", sendfile(p[1], f, &off, 10), 0);
	expect_val("sendfile count 0", sendfile(p[1], f, NULL, 0), 0);
	drain(p[0], "  pipe holds");
	off = -1;
	expect("sendfile negative offset", sendfile(p[1], f, &off, 1), EINVAL);
	expect("sendfile bad in fd", sendfile(p[1], 99, NULL, 1), EBADF);
	expect("sendfile bad out fd", sendfile(99, f, NULL, 1), EBADF);
	expect("sendfile out is read-only", sendfile(f, f, NULL, 1), EBADF);
	int w = text_file("sfw", O_WRONLY);
	expect("sendfile in is write-only", sendfile(p[1], w, NULL, 1), EBADF);
	close(w);
	int out = text_file("sfo", O_RDWR);
	lseek(f, 0, SEEK_SET);
	expect_val("sendfile file to file", sendfile(out, f, NULL, 3), 3);
	char b[8] = "";
	pread(out, b, 5, 0);
	printf("%-52s -> \"%.5s\" pos %ld\n", "  out file starts", b, pos_of(out));
	int app = text_file("sfa", O_WRONLY | O_APPEND);
	expect("sendfile to an O_APPEND file", sendfile(app, f, NULL, 1), EINVAL);
	close(app);
	write(p[1], "xy", 2);
	lseek(out, 0, SEEK_SET);
	expect("sendfile from a pipe to a file", sendfile(out, p[0], NULL, 5), EINVAL);
	off = 0;
	expect("sendfile from a pipe with an offset", sendfile(out, p[0], &off, 5), ESPIPE);
	close(out);
	close(p[0]);
	expect("sendfile to a pipe with no reader", sendfile(p[1], f, NULL, 1), EPIPE);
	expect_val("  SIGPIPE", sigpipes, 1);
	close(p[1]);
	close(f);
}

static void test_splice(void)
{
	int p[2], q[2];
	pipe(p);
	pipe(q);
	int f = text_file("sp", O_RDWR);
	int g = text_file("sp2", O_RDWR);
	expect("splice file to file", splice(f, NULL, g, NULL, 4, 0), EINVAL);
	loff_t off = 3;
	expect_val("splice file at offset 3 to a pipe", splice(f, &off, p[1], NULL, 4, 0), 4);
	expect_val("  offset after", off, 7);
	expect_val("  position unchanged", pos_of(f), 0);
	expect_val("splice file at its position to a pipe", splice(f, NULL, p[1], NULL, 2, 0), 2);
	expect_val("  position after", pos_of(f), 2);
	expect("splice with an offset for the pipe", splice(p[0], &off, g, NULL, 1, 0), ESPIPE);
	expect("splice with an offset for the out pipe", splice(f, NULL, p[1], &off, 1, 0), ESPIPE);
	expect("splice unknown flags", splice(f, NULL, p[1], NULL, 1, 0x100), EINVAL);
	expect_val("splice pipe to pipe", splice(p[0], NULL, q[1], NULL, 3, 0), 3);
	drain(q[0], "  second pipe holds");
	expect("splice a pipe into itself", splice(p[0], NULL, p[1], NULL, 1, 0), EINVAL);
	off = 30;
	expect_val("splice pipe to file at offset 30", splice(p[0], NULL, g, &off, 10, 0), 3);
	expect_val("  offset after", off, 33);
	char b[40] = "";
	pread(g, b, 36, 0);
	printf("%-52s -> \"%.36s\"\n", "  file now", b);
	expect("splice empty pipe, SPLICE_F_NONBLOCK", splice(p[0], NULL, g, NULL, 1, SPLICE_F_NONBLOCK), EAGAIN);
	expect_val("splice len 0", splice(p[0], NULL, g, NULL, 0, 0), 0);
	expect("splice from a write end", splice(p[1], NULL, g, NULL, 1, 0), EBADF);
	expect("splice bad fd", splice(99, NULL, p[1], NULL, 1, 0), EBADF);
	close(q[1]);
	expect_val("splice empty pipe with no writer", splice(q[0], NULL, p[1], NULL, 5, 0), 0);
	close(q[0]);
	close(p[0]);
	expect("splice to a pipe with no reader", splice(f, NULL, p[1], NULL, 1, 0), EPIPE);
	expect_val("  SIGPIPE", sigpipes, 2);
	close(p[1]);
	close(f);
	close(g);
}

static void test_tee(void)
{
	int p[2], q[2];
	pipe(p);
	pipe(q);
	write(p[1], "hello", 5);
	expect_val("tee 3 bytes", tee(p[0], q[1], 3, 0), 3);
	drain(q[0], "  copy holds");
	drain(p[0], "  source still holds");
	expect("tee empty, SPLICE_F_NONBLOCK", tee(p[0], q[1], 3, SPLICE_F_NONBLOCK), EAGAIN);
	expect("tee a pipe into itself", tee(p[0], p[1], 3, 0), EINVAL);
	int f = text_file("tee", O_RDWR);
	expect("tee from a file", tee(f, q[1], 3, 0), EINVAL);
	expect("tee to a file", tee(p[0], f, 3, 0), EINVAL);
	expect("tee unknown flags", tee(p[0], q[1], 3, 0x100), EINVAL);
	close(f);
	close(p[1]);
	expect_val("tee empty with no writer", tee(p[0], q[1], 3, 0), 0);
	close(p[0]);
	close(q[0]);
	close(q[1]);
}

static void test_vmsplice(void)
{
	int p[2];
	pipe(p);
	char a[] = "abc", b[] = "defgh";
	struct iovec iov[2] = { { a, 3 }, { b, 5 } };
	expect_val("vmsplice two segments into a pipe", vmsplice(p[1], iov, 2, 0), 8);
	char x[4] = "", y[4] = "";
	struct iovec in[2] = { { x, 3 }, { y, 3 } };
	expect_val("vmsplice from the read end to memory", vmsplice(p[0], in, 2, 0), 6);
	printf("%-52s -> \"%.3s\" \"%.3s\"\n", "  segments hold", x, y);
	drain(p[0], "  pipe still holds");
	expect_val("vmsplice no segments", vmsplice(p[1], iov, 0, 0), 0);
	expect("vmsplice unknown flags", vmsplice(p[1], iov, 2, 0x100), EINVAL);
	int f = text_file("vm", O_RDWR);
	expect("vmsplice to a file", vmsplice(f, iov, 2, 0), EBADF);
	close(f);
	close(p[0]);
	close(p[1]);
	pipe(p);
	fcntl(p[1], F_SETPIPE_SZ, 4096);
	static char big[4096] __attribute__((aligned(4096)));
	struct iovec full = { big, sizeof big };
	expect_val("vmsplice filling the pipe", vmsplice(p[1], &full, 1, 0), 4096);
	expect("vmsplice to a full pipe, SPLICE_F_NONBLOCK", vmsplice(p[1], iov, 2, SPLICE_F_NONBLOCK), EAGAIN);
	close(p[0]);
	expect("vmsplice to a pipe with no reader", vmsplice(p[1], iov, 2, 0), EPIPE);
	expect_val("  SIGPIPE", sigpipes, 3);
	close(p[1]);
}

static void test_copy_file_range(void)
{
	int f = text_file("cfr", O_RDONLY);
	int g = text_file("cfr2", O_RDWR);
	loff_t oi = 10, oo = 2;
	expect_val("copy 5 bytes between offsets", copy_file_range(f, &oi, g, &oo, 5, 0), 5);
	expect_val("  in offset after", oi, 15);
	expect_val("  out offset after", oo, 7);
	expect_val("  positions unchanged", pos_of(f) + pos_of(g), 0);
	expect_val("copy 3 bytes at the positions", copy_file_range(f, NULL, g, NULL, 3, 0), 3);
	expect_val("  in position after", pos_of(f), 3);
	expect_val("  out position after", pos_of(g), 3);
	char b[40] = "";
	pread(g, b, 36, 0);
	printf("%-52s -> \"%.36s\"\n", "  out file now", b);
	oi = 34;
	oo = 40;
	expect_val("copy 10 from 34 (2 left), past the out end", copy_file_range(f, &oi, g, &oo, 10, 0), 2);
	struct stat st;
	fstat(g, &st);
	expect_val("  out size", st.st_size, 42);
	oi = 100;
	expect_val("copy from past the end", copy_file_range(f, &oi, g, NULL, 10, 0), 0);
	expect("copy with flags 1", copy_file_range(f, NULL, g, NULL, 1, 1), EINVAL);
	oi = 0;
	oo = 4;
	expect("copy overlapping ranges of one file", copy_file_range(g, &oi, g, &oo, 8, 0), EINVAL);
	oo = 8;
	expect_val("copy disjoint ranges of one file", copy_file_range(g, &oi, g, &oo, 8, 0), 8);
	oi = -1;
	expect("copy from offset -1 (wraps to 0)", copy_file_range(f, &oi, g, NULL, 1, 0), EOVERFLOW);
	oi = -5;
	expect("copy from offset -5", copy_file_range(f, &oi, g, NULL, 1, 0), EINVAL);
	oo = -5;
	expect("copy to offset -5", copy_file_range(f, NULL, g, &oo, 1, 0), EINVAL);
	expect("copy from a write-only file", copy_file_range(g, NULL, f, NULL, 1, 0), EBADF);
	int app = text_file("cfra", O_WRONLY | O_APPEND);
	expect("copy to an O_APPEND file", copy_file_range(f, NULL, app, NULL, 1, 0), EBADF);
	close(app);
	int p[2];
	pipe(p);
	expect("copy to a pipe", copy_file_range(f, NULL, p[1], NULL, 1, 0), EINVAL);
	close(p[0]);
	close(p[1]);
	int d = open("/tmp", O_RDONLY | O_DIRECTORY);
	expect("copy from a directory", copy_file_range(d, NULL, g, NULL, 1, 0), EISDIR);
	close(d);
	int proc = open("/proc/self/stat", O_RDONLY);
	expect("copy from /proc to /tmp", copy_file_range(proc, NULL, g, NULL, 1, 0), EXDEV);
	close(proc);
	expect_val("copy count 0", copy_file_range(f, NULL, g, NULL, 0, 0), 0);
	close(f);
	close(g);
}

/* Splice, tee and sendfile sleeping on a pipe until a child fills or drains it, and an interrupted splice. */
static void test_blocking(void)
{
	int p[2], q[2];
	pipe(p);
	pipe(q);
	int f = text_file("blk", O_RDWR);
	pid_t c = fork();
	if (c == 0) {
		write(p[1], "wake", 4);
		_exit(0);
	}
	loff_t off = 0;
	expect_val("splice from an empty pipe, a child writes", splice(p[0], NULL, f, &off, 100, 0), 4);
	waitpid(c, NULL, 0);
	c = fork();
	if (c == 0) {
		write(p[1], "tee!", 4);
		_exit(0);
	}
	expect_val("tee from an empty pipe, a child writes", tee(p[0], q[1], 100, 0), 4);
	waitpid(c, NULL, 0);
	drain(q[0], "  copy holds");
	drain(p[0], "  source holds");
	fcntl(q[1], F_SETPIPE_SZ, 4096);
	static char fill[4096];
	write(q[1], fill, sizeof fill);
	c = fork();
	if (c == 0) {
		char sink[4096];
		read(q[0], sink, sizeof sink);
		_exit(0);
	}
	off = 0;
	expect_val("sendfile to a full pipe, a child drains it", sendfile(q[1], f, &off, 3), 3);
	waitpid(c, NULL, 0);
	drain(q[0], "  pipe holds");
	struct sigaction sa = { .sa_handler = on_alarm };
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { { 0, 0 }, { 0, 20000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	expect("splice from an empty pipe, SIGALRM (no SA_RESTART)", splice(p[0], NULL, f, NULL, 1, 0), EINTR);
	expect_val("  handler ran", alarms, 1);
	close(f);
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	struct sigaction sa = { .sa_handler = on_sigpipe };
	sigaction(SIGPIPE, &sa, NULL);
	test_sendfile();
	test_splice();
	test_tee();
	test_vmsplice();
	test_copy_file_range();
	test_blocking();
	return expect_done("splice");
}
