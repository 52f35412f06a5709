/* bench_uring: io_uring throughput through raw syscalls.
 *   bench_uring nop BATCH COUNT     COUNT NOPs, BATCH per io_uring_enter (submit and wait for all)
 *   bench_uring copy SRC DST        copies SRC to DST with READ and WRITE SQEs, 1 MiB at a time
 *   bench_uring rwcopy SRC DST      the same copy with read(2) and write(2)
 * Prints one line saying what was done, so that runs can be compared. */
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CHUNK (1 << 20)
#define RING_ENTRIES 64

static int ring_fd;
static unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
static struct io_uring_sqe *sqes;
static struct io_uring_cqe *cqes;

static void die(const char *what)
{
	fprintf(stderr, "bench_uring: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void setup(void)
{
	struct io_uring_params p;
	memset(&p, 0, sizeof(p));
	ring_fd = syscall(__NR_io_uring_setup, RING_ENTRIES, &p);
	if (ring_fd < 0)
		die("io_uring_setup");
	size_t sq_len = p.sq_off.array + p.sq_entries * 4, cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	char *m = mmap(NULL, sq_len > cq_len ? sq_len : cq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring_fd, 0);
	sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring_fd,
		    IORING_OFF_SQES);
	if (m == MAP_FAILED || sqes == MAP_FAILED)
		die("mmap");
	sq_tail = (unsigned *)(m + p.sq_off.tail);
	sq_mask = (unsigned *)(m + p.sq_off.ring_mask);
	sq_array = (unsigned *)(m + p.sq_off.array);
	cq_head = (unsigned *)(m + p.cq_off.head);
	cq_tail = (unsigned *)(m + p.cq_off.tail);
	cq_mask = (unsigned *)(m + p.cq_off.ring_mask);
	cqes = (struct io_uring_cqe *)(m + p.cq_off.cqes);
}

static struct io_uring_sqe *sqe(unsigned n)
{
	unsigned i = (*sq_tail + n) & *sq_mask;
	memset(&sqes[i], 0, sizeof(sqes[i]));
	sq_array[i] = i;
	return &sqes[i];
}

/* Publishes n SQEs, submits them and waits for n CQEs; returns the sum of their results (or the first error). */
static long submit_wait(unsigned n)
{
	__atomic_store_n(sq_tail, *sq_tail + n, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, ring_fd, n, n, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
		die("io_uring_enter");
	long sum = 0;
	unsigned head = *cq_head;
	for (unsigned k = 0; k < n; k++, head++) {
		int res = cqes[head & *cq_mask].res;
		if (res < 0 && sum >= 0)
			sum = res;
		else if (sum >= 0)
			sum += res;
	}
	__atomic_store_n(cq_head, head, __ATOMIC_RELEASE);
	return sum;
}

static int nops(long batch, long count)
{
	setup();
	long done = 0;
	while (done < count) {
		unsigned n = count - done < batch ? count - done : batch;
		for (unsigned k = 0; k < n; k++)
			sqe(k)->opcode = IORING_OP_NOP;
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
		long n;
		if (uring) {
			struct io_uring_sqe *s = sqe(0);
			s->opcode = IORING_OP_READ;
			s->fd = in;
			s->addr = (uintptr_t)buf;
			s->len = CHUNK;
			s->off = total;
			n = submit_wait(1);
		} else {
			n = read(in, buf, CHUNK);
		}
		if (n < 0)
			die("read");
		if (n == 0)
			break;
		long w;
		if (uring) {
			struct io_uring_sqe *s = sqe(0);
			s->opcode = IORING_OP_WRITE;
			s->fd = out;
			s->addr = (uintptr_t)buf;
			s->len = n;
			s->off = total;
			w = submit_wait(1);
		} else {
			w = write(out, buf, n);
		}
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
