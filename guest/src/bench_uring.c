/* bench_uring: io_uring throughput through raw syscalls.
 *   bench_uring nop BATCH COUNT     COUNT NOPs, BATCH per io_uring_enter (submit and wait for all)
 *   bench_uring copy SRC DST        copies SRC to DST with READ and WRITE SQEs, 1 MiB at a time
 *   bench_uring rwcopy SRC DST      the same copy with read(2) and write(2)
 * Prints one line saying what was done, so that runs can be compared. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../include/uring_ring.h"

#define CHUNK (1 << 20)
#define RING_ENTRIES 64

static struct ring R;

static void die(const char *what)
{
	fprintf(stderr, "bench_uring: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void setup(void)
{
	int ret = ring_setup(&R, RING_ENTRIES, 0, 0);
	if (ret < 0) {
		errno = -ret;
		die("io_uring_setup");
	}
}

/* Publishes n SQEs, submits them and waits for n CQEs; returns the sum of their results (or the first error). */
static long submit_wait(unsigned n)
{
	__atomic_store_n(R.sq_tail, *R.sq_tail + n, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, R.fd, n, n, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
		die("io_uring_enter");
	long sum = 0;
	unsigned head = *R.cq_head;
	for (unsigned k = 0; k < n; k++, head++) {
		int res = R.cqes[head & *R.cq_mask].res;
		if (res < 0 && sum >= 0)
			sum = res;
		else if (sum >= 0)
			sum += res;
	}
	__atomic_store_n(R.cq_head, head, __ATOMIC_RELEASE);
	return sum;
}

/* One READ or WRITE (op) of len bytes between buf and fd at off, submitted and waited for: its result. */
static long rw_once(int op, int fd, char *buf, long len, long off)
{
	struct io_uring_sqe *s = ring_sqe(&R, 0, op, 0);
	s->fd = fd;
	s->addr = (uintptr_t)buf;
	s->len = len;
	s->off = off;
	return submit_wait(1);
}

static int nops(long batch, long count)
{
	setup();
	long done = 0;
	while (done < count) {
		unsigned n = count - done < batch ? count - done : batch;
		for (unsigned k = 0; k < n; k++)
			ring_sqe(&R, k, IORING_OP_NOP, 0);
		if (submit_wait(n) != 0)
			die("nop result");
		done += n;
	}
	printf("nop x %ld in batches of %ld\n", count, batch);
	return 0;
}

static int copy(const char *src, const char *dst, int uring)
{
	int in = open(src, O_RDONLY), out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (in < 0 || out < 0)
		die("open");
	char *buf = malloc(CHUNK);
	long total = 0;
	if (uring)
		setup();
	for (;;) {
		long n = uring ? rw_once(IORING_OP_READ, in, buf, CHUNK, total) : read(in, buf, CHUNK);
		if (n < 0)
			die("read");
		if (n == 0)
			break;
		long w = uring ? rw_once(IORING_OP_WRITE, out, buf, n, total) : write(out, buf, n);
		if (w != n)
			die("write");
		total += n;
	}
	printf("copied %ld MiB with %s\n", total >> 20, uring ? "io_uring READ/WRITE" : "read/write");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "nop"))
		return nops(strtol(argv[2], NULL, 10), strtol(argv[3], NULL, 10));
	if (argc == 4 && !strcmp(argv[1], "copy"))
		return copy(argv[2], argv[3], 1);
	if (argc == 4 && !strcmp(argv[1], "rwcopy"))
		return copy(argv[2], argv[3], 0);
	fprintf(stderr, "usage: bench_uring nop BATCH COUNT | copy SRC DST | rwcopy SRC DST\n");
	return 2;
}
