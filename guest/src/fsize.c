/* fsize: RLIMIT_FSIZE on a regular file, through the syscalls and through io_uring (raw syscalls,
 * no liburing). A write that starts at or beyond the limit fails with EFBIG and raises SIGXFSZ;
 * one that crosses it is cut at the limit (a writev checks once for all its segments, while
 * sendfile and splice write on after the cut and so raise SIGXFSZ with their short count, and
 * copy_file_range is cut before it starts); a zero-length write is never refused; truncate,
 * ftruncate and fallocate may not grow the file past the limit; the io_uring WRITE, WRITEV and
 * FALLOCATE requests follow the same rules, and a SPLICE from a pipe leaves in the pipe what
 * it could not write. With SIGXFSZ at its default action the process dies of it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../include/raw_ring.h"

#define LIMIT 10000

static volatile int xfsz;
static char buf[32768];

static void on_xfsz(int sig)
{
	(void)sig;
	xfsz++;
}

/* Prints what a call returned (a count or an errno name) and the SIGXFSZ count so far. */
static void show(const char *what, long r)
{
	if (r < 0)
		printf("%-34s -> %s, SIGXFSZ x%d\n", what, errno == EFBIG ? "EFBIG" : strerror(errno), xfsz);
	else
		printf("%-34s -> %ld, SIGXFSZ x%d\n", what, r, xfsz);
}

static off_t size_of(int fd)
{
	struct stat st;
	return fstat(fd, &st) < 0 ? -1 : st.st_size;
}

static void syscalls(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		perror("open");
		exit(1);
	}
	show("write 8000 at 0", write(fd, buf, 8000));
	show("write 4000 at 8000 (crosses)", write(fd, buf, 4000));
	show("write 1 at the limit", write(fd, buf, 1));
	show("write 0 at the limit", write(fd, buf, 0));
	show("pwrite 100 at 9950", pwrite(fd, buf, 100, 9950));
	show("pwrite 10 at 20000", pwrite(fd, buf, 10, 20000));
	show("pwrite 0 at 20000", pwrite(fd, buf, 0, 20000));
	lseek(fd, 9000, SEEK_SET);
	struct iovec iov[2] = { { buf, 500 }, { buf, 1000 } };
	show("writev 500+1000 at 9000", writev(fd, iov, 2));
	show("pwritev 500+1000 at 12000", pwritev(fd, iov, 2, 12000));
	/* The first segment ends exactly at the limit: its count, and no SIGXFSZ for the second. */
	struct iovec exact[2] = { { buf, 1000 }, { buf, 500 } };
	lseek(fd, 9000, SEEK_SET);
	show("writev 1000+500 at 9000", writev(fd, exact, 2));
	show("pwritev 1000+500 at 9000", pwritev(fd, exact, 2, 9000));
	/* sendfile and copy_file_range follow the same rules (the source is the file's own first bytes). */
	int src = open(path, O_RDONLY);
	off_t at = 0;
	lseek(fd, 9000, SEEK_SET);
	show("sendfile 3000 at 9000 (crosses)", sendfile(fd, src, &at, 3000));
	show("sendfile 10 at the limit", sendfile(fd, src, &at, 10));
	loff_t in = 0, out = 9500;
	show("copy_file_range 3000 at 9500", copy_file_range(src, &in, fd, &out, 3000, 0));
	out = LIMIT;
	show("copy_file_range 10 at the limit", copy_file_range(src, &in, fd, &out, 10, 0));
	close(src);
	int pp[2];
	if (pipe(pp) < 0 || write(pp[1], buf, 3000) != 3000)
		exit(1);
	out = 9000;
	show("splice 3000 from a pipe at 9000", splice(pp[0], NULL, fd, &out, 3000, 0));
	out = LIMIT;
	show("splice 10 from a pipe at the limit", splice(pp[0], NULL, fd, &out, 10, 0));
	close(pp[0]);
	close(pp[1]);
	show("ftruncate to 20000", ftruncate(fd, 20000));
	show("ftruncate to 5000", ftruncate(fd, 5000));
	show("ftruncate to the limit", ftruncate(fd, LIMIT));
	show("truncate to 10001", truncate(path, LIMIT + 1));
	show("fallocate 0..20000", fallocate(fd, 0, 0, 20000));
	show("fallocate 0..9000", fallocate(fd, 0, 0, 9000));
	printf("size %ld\n", (long)size_of(fd));
	int app = open(path, O_WRONLY | O_APPEND);
	show("O_APPEND write at the limit", write(app, buf, 10));
	close(app);
	close(fd);
}

/* Prints an io_uring result (a CQE res) and the SIGXFSZ count so far. */
static void show_res(const char *what, int res)
{
	if (res < 0)
		printf("%-34s -> %s, SIGXFSZ x%d\n", what, res == -EFBIG ? "EFBIG" : strerror(-res), xfsz);
	else
		printf("%-34s -> %d, SIGXFSZ x%d\n", what, res, xfsz);
}

static void uring(const char *path)
{
	struct ring r;
	if (ring_setup(&r, 8, 0, 0) < 0) {
		perror("io_uring_setup");
		exit(1);
	}
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	struct io_uring_sqe s;
	memset(&s, 0, sizeof(s));
	s.opcode = IORING_OP_WRITE, s.fd = fd, s.addr = (unsigned long)buf, s.len = 12000, s.off = 0;
	show_res("WRITE 12000 at 0 (crosses)", one(&r, &s));
	s.len = 10, s.off = LIMIT;
	show_res("WRITE 10 at the limit", one(&r, &s));
	struct iovec iov[2] = { { buf, 500 }, { buf, 1000 } };
	memset(&s, 0, sizeof(s));
	s.opcode = IORING_OP_WRITEV, s.fd = fd, s.addr = (unsigned long)iov, s.len = 2, s.off = 9000;
	show_res("WRITEV 500+1000 at 9000", one(&r, &s));
	s.off = 20000;
	show_res("WRITEV at 20000", one(&r, &s));
	memset(&s, 0, sizeof(s));
	s.opcode = IORING_OP_FALLOCATE, s.fd = fd, s.off = 0, s.addr = 20000, s.len = 0;
	show_res("FALLOCATE 0..20000", one(&r, &s));
	int p[2];
	if (pipe(p) < 0) {
		perror("pipe");
		exit(1);
	}
	if (write(p[1], buf, 3000) != 3000)
		exit(1);
	memset(&s, 0, sizeof(s));
	s.opcode = IORING_OP_SPLICE, s.fd = fd, s.off = 8000, s.splice_fd_in = p[0], s.splice_off_in = (unsigned long long)-1, s.len = 3000;
	show_res("SPLICE 3000 from a pipe at 8000", one(&r, &s));
	int left = 0;
	ioctl(p[0], FIONREAD, &left);
	printf("left in the pipe %d\n", left);
	printf("size %ld\n", (long)size_of(fd));
	close(fd);
	close(r.fd);
}

int main(void)
{
	char path[] = "/tmp/ecall-fsize-XXXXXX";
	int tmp = mkstemp(path);
	if (tmp < 0) {
		perror("mkstemp");
		return 1;
	}
	close(tmp);
	memset(buf, 'x', sizeof(buf));
	signal(SIGXFSZ, on_xfsz);
	struct rlimit rl = { LIMIT, LIMIT };
	if (setrlimit(RLIMIT_FSIZE, &rl) < 0) {
		perror("setrlimit");
		return 1;
	}
	syscalls(path);
	uring(path);
	signal(SIGXFSZ, SIG_IGN);
	int fd = open(path, O_WRONLY);
	show("write at the limit, SIGXFSZ ignored", pwrite(fd, buf, 1, LIMIT));
	signal(SIGXFSZ, SIG_DFL);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		pwrite(fd, buf, 1, LIMIT);
		_exit(0);
	}
	int st;
	waitpid(pid, &st, 0);
	if (WIFSIGNALED(st))
		printf("child writing at the limit with SIGXFSZ default: killed by signal %d\n", WTERMSIG(st));
	else
		printf("child writing at the limit with SIGXFSZ default: exit %d\n", WEXITSTATUS(st));
	unlink(path);
	return 0;
}
