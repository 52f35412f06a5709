/* uring: io_uring through raw syscalls (no liburing): ring setup and mmap, NOP batches, a pipe
 * read that completes later, a link chain with a failing head, timeouts, cancellation, CQ
 * overflow kept with IORING_FEAT_NODROP, an unknown opcode and the probe. CQEs are printed
 * sorted by user_data where Linux leaves their order open. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../include/uring_ring.h"

struct cqe_copy {
	uint64_t user_data;
	int32_t res;
	uint32_t flags;
};

static void push(struct ring *r, unsigned n)
{
	__atomic_store_n(r->sq_tail, *r->sq_tail + n, __ATOMIC_RELEASE);
}

static int enter(struct ring *r, unsigned submit, unsigned wait, unsigned flags)
{
	int ret = syscall(__NR_io_uring_enter, r->fd, submit, wait, flags, NULL, 0);
	return ret < 0 ? -errno : ret;
}

static unsigned cq_ready(struct ring *r)
{
	return __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE) - *r->cq_head;
}

/* Takes up to max CQEs from the ring into out; returns how many. */
static unsigned reap(struct ring *r, struct cqe_copy *out, unsigned max)
{
	unsigned n = 0, head = *r->cq_head;
	while (n < max && head != __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE)) {
		struct io_uring_cqe *c = &r->cqes[head & *r->cq_mask];
		out[n].user_data = c->user_data;
		out[n].res = c->res;
		out[n].flags = c->flags;
		n++;
		head++;
	}
	__atomic_store_n(r->cq_head, head, __ATOMIC_RELEASE);
	return n;
}

static int by_user_data(const void *a, const void *b)
{
	const struct cqe_copy *x = a, *y = b;
	return x->user_data < y->user_data ? -1 : x->user_data > y->user_data;
}

/* Waits for n CQEs and prints them sorted by user_data. */
static void wait_print(struct ring *r, const char *what, unsigned n)
{
	struct cqe_copy c[64];
	unsigned got = 0;
	while (got < n) {
		int ret = enter(r, 0, 1, IORING_ENTER_GETEVENTS);
		if (ret < 0 && ret != -EINTR) {
			printf("%s: enter %d\n", what, ret);
			return;
		}
		got += reap(r, c + got, n - got);
	}
	qsort(c, got, sizeof(c[0]), by_user_data);
	for (unsigned i = 0; i < got; i++)
		printf("%s: cqe user_data %llu res %d flags %u\n", what, (unsigned long long)c[i].user_data, c[i].res, c[i].flags);
}

/* Publishes and submits the n SQEs set up at the tail, prints how many were consumed, then waits
 * for and prints wait CQEs. */
static void submit_print(struct ring *r, const char *what, unsigned n, unsigned wait)
{
	push(r, n);
	printf("%s: submitted %d\n", what, enter(r, n, 0, 0));
	wait_print(r, what, wait);
}

static void test_nops(struct ring *r)
{
	for (unsigned i = 0; i < 8; i++)
		ring_sqe(r, i, IORING_OP_NOP, i + 1);
	push(r, 8);
	printf("nop batch: submitted %d\n", enter(r, 8, 8, IORING_ENTER_GETEVENTS));
	printf("nop batch: ready %u\n", cq_ready(r));
	wait_print(r, "nop batch", 8);
}

static void test_pipe_later(struct ring *r)
{
	int fds[2];
	char buf[16] = { 0 };
	if (pipe(fds))
		return;
	struct io_uring_sqe *s = ring_sqe(r, 0, IORING_OP_READ, 100);
	s->fd = fds[0];
	s->addr = (uintptr_t)buf;
	s->len = sizeof(buf);
	s->off = -1;
	push(r, 1);
	printf("pipe read: submitted %d, ready %u\n", enter(r, 1, 0, 0), cq_ready(r));
	printf("pipe read: write %zd\n", write(fds[1], "hello", 5));
	wait_print(r, "pipe read", 1);
	printf("pipe read: data \"%s\"\n", buf);
	close(fds[0]);
	close(fds[1]);
}

static void test_link_fail(struct ring *r)
{
	char buf[4];
	struct io_uring_sqe *s = ring_sqe(r, 0, IORING_OP_READ, 1);
	s->fd = 999;
	s->addr = (uintptr_t)buf;
	s->len = sizeof(buf);
	s->flags = IOSQE_IO_LINK;
	s = ring_sqe(r, 1, IORING_OP_NOP, 2);
	s->flags = IOSQE_IO_LINK;
	s = ring_sqe(r, 2, IORING_OP_NOP, 3);
	submit_print(r, "link", 3, 3);
}

static void test_timeouts(struct ring *r)
{
	struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 10 * 1000 * 1000 };
	struct io_uring_sqe *s = ring_sqe(r, 0, IORING_OP_TIMEOUT, 10);
	s->addr = (uintptr_t)&ts;
	s->len = 1;
	submit_print(r, "timeout", 1, 1);
	/* A count of 1: the NOP after it completes it with 0. */
	struct __kernel_timespec ts_long = { .tv_sec = 100, .tv_nsec = 0 };
	s = ring_sqe(r, 0, IORING_OP_TIMEOUT, 11);
	s->addr = (uintptr_t)&ts_long;
	s->len = 1;
	s->off = 1;
	s = ring_sqe(r, 1, IORING_OP_NOP, 12);
	submit_print(r, "timeout count", 2, 2);
	/* Removing a pending timeout. */
	s = ring_sqe(r, 0, IORING_OP_TIMEOUT, 13);
	s->addr = (uintptr_t)&ts_long;
	s->len = 1;
	s = ring_sqe(r, 1, IORING_OP_TIMEOUT_REMOVE, 14);
	s->addr = 13;
	submit_print(r, "timeout remove", 2, 2);
}

static void test_cancel(struct ring *r)
{
	int fds[2];
	if (pipe(fds))
		return;
	struct io_uring_sqe *s = ring_sqe(r, 0, IORING_OP_POLL_ADD, 200);
	s->fd = fds[0];
	s->poll32_events = 1; /* POLLIN */
	push(r, 1);
	printf("cancel: poll submitted %d, ready %u\n", enter(r, 1, 0, 0), cq_ready(r));
	s = ring_sqe(r, 0, IORING_OP_ASYNC_CANCEL, 201);
	s->addr = 200;
	s = ring_sqe(r, 1, IORING_OP_ASYNC_CANCEL, 202);
	s->addr = 12345;
	submit_print(r, "cancel", 2, 3);
	close(fds[0]);
	close(fds[1]);
}

static void test_overflow(void)
{
	struct ring r;
	struct cqe_copy c[32];
	if (ring_setup(&r, 4, 0, 0) < 0) {
		printf("overflow: setup failed\n");
		return;
	}
	printf("overflow: sq %u cq %u nodrop %d\n", r.sq_entries, r.cq_entries, !!(r.features & IORING_FEAT_NODROP));
	for (int batch = 0; batch < 3; batch++) {
		for (unsigned i = 0; i < 4; i++)
			ring_sqe(&r, i, IORING_OP_NOP, batch * 4 + i);
		push(&r, 4);
		printf("overflow: batch %d submitted %d\n", batch, enter(&r, 4, 0, 0));
	}
	printf("overflow: ready %u, CQ_OVERFLOW %d\n", cq_ready(&r), !!(*r.sq_flags & IORING_SQ_CQ_OVERFLOW));
	unsigned n = reap(&r, c, 32);
	printf("overflow: reaped %u\n", n);
	printf("overflow: getevents %d\n", enter(&r, 0, 0, IORING_ENTER_GETEVENTS));
	printf("overflow: ready %u, CQ_OVERFLOW %d\n", cq_ready(&r), !!(*r.sq_flags & IORING_SQ_CQ_OVERFLOW));
	n += reap(&r, c + n, 32 - n);
	printf("overflow: reaped %u in all:", n);
	for (unsigned i = 0; i < n; i++)
		printf(" %llu", (unsigned long long)c[i].user_data);
	printf("\n");
	close(r.fd);
}

static void test_unknown_and_probe(struct ring *r)
{
	ring_sqe(r, 0, 250, 300); /* an opcode Linux does not have */
	submit_print(r, "unknown opcode", 1, 1);
	size_t len = sizeof(struct io_uring_probe) + 256 * sizeof(struct io_uring_probe_op);
	struct io_uring_probe *p = calloc(1, len);
	int ret = syscall(__NR_io_uring_register, r->fd, IORING_REGISTER_PROBE, p, 256);
	printf("probe: ret %d, NOP %d READ %d WRITE %d TIMEOUT %d LINK_TIMEOUT %d MSG_RING %d\n", ret,
	       p->ops[IORING_OP_NOP].flags & IO_URING_OP_SUPPORTED, p->ops[IORING_OP_READ].flags & IO_URING_OP_SUPPORTED,
	       p->ops[IORING_OP_WRITE].flags & IO_URING_OP_SUPPORTED, p->ops[IORING_OP_TIMEOUT].flags & IO_URING_OP_SUPPORTED,
	       p->ops[IORING_OP_LINK_TIMEOUT].flags & IO_URING_OP_SUPPORTED,
	       p->ops[IORING_OP_MSG_RING].flags & IO_URING_OP_SUPPORTED);
	free(p);
}

int main(void)
{
	struct ring r;
	struct io_uring_params bad;
	memset(&bad, 0, sizeof(bad));
	long bad_ret = syscall(__NR_io_uring_setup, 0, &bad);
	printf("setup 0 entries: %ld errno %d\n", bad_ret, errno);
	int ret = ring_setup(&r, 8, 0, 0);
	if (ret < 0) {
		printf("setup failed: %d\n", ret);
		return 1;
	}
	printf("setup: sq %u cq %u single_mmap %d nodrop %d ext_arg %d\n", r.sq_entries, r.cq_entries,
	       !!(r.features & IORING_FEAT_SINGLE_MMAP), !!(r.features & IORING_FEAT_NODROP),
	       !!(r.features & IORING_FEAT_EXT_ARG));
	test_nops(&r);
	test_pipe_later(&r);
	test_link_fail(&r);
	test_timeouts(&r);
	test_cancel(&r);
	test_overflow();
	test_unknown_and_probe(&r);
	/* Exit with requests in flight: a poll that never fires and a long timeout (the ring closes with them). */
	int fds[2];
	if (pipe(fds) == 0) {
		static struct __kernel_timespec ts_exit = { .tv_sec = 100, .tv_nsec = 0 };
		struct io_uring_sqe *s = ring_sqe(&r, 0, IORING_OP_POLL_ADD, 400);
		s->fd = fds[0];
		s->poll32_events = 1;
		s = ring_sqe(&r, 1, IORING_OP_TIMEOUT, 401);
		s->addr = (uintptr_t)&ts_exit;
		s->len = 1;
		push(&r, 2);
		printf("exit with requests in flight: submitted %d, ready %u\n", enter(&r, 2, 0, 0), cq_ready(&r));
	}
	return 0;
}
