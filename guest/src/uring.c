/* uring: io_uring through raw syscalls (no liburing): ring setup and mmap, NOP batches, a pipe
 * read that completes later, a link chain with a failing head, timeouts, cancellation, CQ
 * overflow kept with IORING_FEAT_NODROP, an unknown opcode and the probe. CQEs are printed
 * sorted by user_data where Linux leaves their order open. */
#include <errno.h>
#include <linux/io_uring.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

struct ring {
	int fd;
	unsigned sq_entries, cq_entries;
	unsigned *sq_head, *sq_tail, *sq_mask, *sq_array, *sq_flags;
	unsigned *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
	unsigned features;
};

struct cqe_copy {
	uint64_t user_data;
	int32_t res;
	uint32_t flags;
};

static int setup(struct ring *r, unsigned entries, unsigned flags, unsigned cq)
{
	struct io_uring_params p;
	memset(&p, 0, sizeof(p));
	p.flags = flags;
	p.cq_entries = cq;
	r->fd = syscall(__NR_io_uring_setup, entries, &p);
	if (r->fd < 0)
		return -errno;
	r->sq_entries = p.sq_entries;
	r->cq_entries = p.cq_entries;
	r->features = p.features;
	size_t sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	size_t cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	size_t len = sq_len > cq_len ? sq_len : cq_len;
	char *sq = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQ_RING);
	char *cqp = (p.features & IORING_FEAT_SINGLE_MMAP) ? sq
		: mmap(NULL, cq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_CQ_RING);
	r->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		       r->fd, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cqp == MAP_FAILED || r->sqes == MAP_FAILED)
		return -ENOMEM;
	r->sq_head = (unsigned *)(sq + p.sq_off.head);
	r->sq_tail = (unsigned *)(sq + p.sq_off.tail);
	r->sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
	r->sq_array = (unsigned *)(sq + p.sq_off.array);
	r->sq_flags = (unsigned *)(sq + p.sq_off.flags);
	r->cq_head = (unsigned *)(cqp + p.cq_off.head);
	r->cq_tail = (unsigned *)(cqp + p.cq_off.tail);
	r->cq_mask = (unsigned *)(cqp + p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)(cqp + p.cq_off.cqes);
	return 0;
}

/* Returns a zeroed SQE at the SQ tail, published by the next push(). */
static struct io_uring_sqe *sqe_at(struct ring *r, unsigned n)
{
	unsigned tail = *r->sq_tail + n;
	unsigned i = tail & *r->sq_mask;
	struct io_uring_sqe *s = &r->sqes[i];
	memset(s, 0, sizeof(*s));
	r->sq_array[i] = i;
	return s;
}

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

static void test_nops(struct ring *r)
{
	for (unsigned i = 0; i < 8; i++) {
		struct io_uring_sqe *s = sqe_at(r, i);
		s->opcode = IORING_OP_NOP;
		s->user_data = i + 1;
	}
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
	struct io_uring_sqe *s = sqe_at(r, 0);
	s->opcode = IORING_OP_READ;
	s->fd = fds[0];
	s->addr = (uintptr_t)buf;
	s->len = sizeof(buf);
	s->off = -1;
	s->user_data = 100;
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
	struct io_uring_sqe *s = sqe_at(r, 0);
	s->opcode = IORING_OP_READ;
	s->fd = 999;
	s->addr = (uintptr_t)buf;
	s->len = sizeof(buf);
	s->flags = IOSQE_IO_LINK;
	s->user_data = 1;
	s = sqe_at(r, 1);
	s->opcode = IORING_OP_NOP;
	s->flags = IOSQE_IO_LINK;
	s->user_data = 2;
	s = sqe_at(r, 2);
	s->opcode = IORING_OP_NOP;
	s->user_data = 3;
	push(r, 3);
	printf("link: submitted %d\n", enter(r, 3, 0, 0));
	wait_print(r, "link", 3);
}

static void test_timeouts(struct ring *r)
{
	struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 10 * 1000 * 1000 };
	struct io_uring_sqe *s = sqe_at(r, 0);
	s->opcode = IORING_OP_TIMEOUT;
	s->addr = (uintptr_t)&ts;
	s->len = 1;
	s->user_data = 10;
	push(r, 1);
	printf("timeout: submitted %d\n", enter(r, 1, 0, 0));
	wait_print(r, "timeout", 1);
	/* A count of 1: the NOP after it completes it with 0. */
	struct __kernel_timespec ts_long = { .tv_sec = 100, .tv_nsec = 0 };
	s = sqe_at(r, 0);
	s->opcode = IORING_OP_TIMEOUT;
	s->addr = (uintptr_t)&ts_long;
	s->len = 1;
	s->off = 1;
	s->user_data = 11;
	s = sqe_at(r, 1);
	s->opcode = IORING_OP_NOP;
	s->user_data = 12;
	push(r, 2);
	printf("timeout count: submitted %d\n", enter(r, 2, 0, 0));
	wait_print(r, "timeout count", 2);
	/* Removing a pending timeout. */
	s = sqe_at(r, 0);
	s->opcode = IORING_OP_TIMEOUT;
	s->addr = (uintptr_t)&ts_long;
	s->len = 1;
	s->user_data = 13;
	s = sqe_at(r, 1);
	s->opcode = IORING_OP_TIMEOUT_REMOVE;
	s->addr = 13;
	s->user_data = 14;
	push(r, 2);
	printf("timeout remove: submitted %d\n", enter(r, 2, 0, 0));
	wait_print(r, "timeout remove", 2);
}

static void test_cancel(struct ring *r)
{
	int fds[2];
	if (pipe(fds))
		return;
	struct io_uring_sqe *s = sqe_at(r, 0);
	s->opcode = IORING_OP_POLL_ADD;
	s->fd = fds[0];
	s->poll32_events = 1; /* POLLIN */
	s->user_data = 200;
	push(r, 1);
	printf("cancel: poll submitted %d, ready %u\n", enter(r, 1, 0, 0), cq_ready(r));
	s = sqe_at(r, 0);
	s->opcode = IORING_OP_ASYNC_CANCEL;
	s->addr = 200;
	s->user_data = 201;
	s = sqe_at(r, 1);
	s->opcode = IORING_OP_ASYNC_CANCEL;
	s->addr = 12345;
	s->user_data = 202;
	push(r, 2);
	printf("cancel: submitted %d\n", enter(r, 2, 0, 0));
	wait_print(r, "cancel", 3);
	close(fds[0]);
	close(fds[1]);
}

static void test_overflow(void)
{
	struct ring r;
	struct cqe_copy c[32];
	if (setup(&r, 4, 0, 0) < 0) {
		printf("overflow: setup failed\n");
		return;
	}
	printf("overflow: sq %u cq %u nodrop %d\n", r.sq_entries, r.cq_entries, !!(r.features & IORING_FEAT_NODROP));
	for (int batch = 0; batch < 3; batch++) {
		for (unsigned i = 0; i < 4; i++) {
			struct io_uring_sqe *s = sqe_at(&r, i);
			s->opcode = IORING_OP_NOP;
			s->user_data = batch * 4 + i;
		}
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
	struct io_uring_sqe *s = sqe_at(r, 0);
	s->opcode = 250;
	s->user_data = 300;
	push(r, 1);
	printf("unknown opcode: submitted %d\n", enter(r, 1, 0, 0));
	wait_print(r, "unknown opcode", 1);
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
	int ret = setup(&r, 8, 0, 0);
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
		struct io_uring_sqe *s = sqe_at(&r, 0);
		s->opcode = IORING_OP_POLL_ADD;
		s->fd = fds[0];
		s->poll32_events = 1;
		s->user_data = 400;
		s = sqe_at(&r, 1);
		s->opcode = IORING_OP_TIMEOUT;
		s->addr = (uintptr_t)&ts_exit;
		s->len = 1;
		s->user_data = 401;
		push(&r, 2);
		printf("exit with requests in flight: submitted %d, ready %u\n", enter(&r, 2, 0, 0), cq_ready(&r));
	}
	return 0;
}
