/* A raw io_uring (no liburing) for guests that test a few opcodes: ring_setup maps an 8-entry ring,
 * ring_submit queues one SQE and submits it without waiting, ring_wait reaps one CQE (sleeping for
 * it) and returns its res, and one does both. The program includes <linux/io_uring.h>, <string.h>,
 * <stdio.h>, <stdlib.h>, <sys/mman.h>, <sys/syscall.h> and <unistd.h> first. */
#ifndef RAW_RING_H
#define RAW_RING_H

struct ring {
	int fd;
	unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
};

/* Sets up r; returns 0, or -1 (errno set) when io_uring_setup or a mapping fails. */
static int ring_setup(struct ring *r)
{
	struct io_uring_params p;
	memset(&p, 0, sizeof(p));
	r->fd = syscall(__NR_io_uring_setup, 8, &p);
	if (r->fd < 0)
		return -1;
	size_t sq_len = p.sq_off.array + p.sq_entries * 4, cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	char *m = mmap(NULL, sq_len > cq_len ? sq_len : cq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, 0);
	r->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		       r->fd, IORING_OFF_SQES);
	if (m == MAP_FAILED || r->sqes == MAP_FAILED)
		return -1;
	r->sq_tail = (unsigned *)(m + p.sq_off.tail);
	r->sq_mask = (unsigned *)(m + p.sq_off.ring_mask);
	r->sq_array = (unsigned *)(m + p.sq_off.array);
	r->cq_head = (unsigned *)(m + p.cq_off.head);
	r->cq_tail = (unsigned *)(m + p.cq_off.tail);
	r->cq_mask = (unsigned *)(m + p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)(m + p.cq_off.cqes);
	return 0;
}

/* Queues a copy of *s and submits it without waiting for its completion (exits if the enter fails). */
static void ring_submit(struct ring *r, const struct io_uring_sqe *s)
{
	unsigned i = *r->sq_tail & *r->sq_mask;
	r->sqes[i] = *s;
	r->sq_array[i] = i;
	__atomic_store_n(r->sq_tail, *r->sq_tail + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, r->fd, 1, 0, 0, NULL, 0) < 0) {
		perror("io_uring_enter");
		exit(1);
	}
}

/* Waits for the next CQE, consumes it and returns its res (exits if the enter fails). */
static int ring_wait(struct ring *r)
{
	if (__atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE) == *r->cq_head &&
	    syscall(__NR_io_uring_enter, r->fd, 0, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0) {
		perror("io_uring_enter");
		exit(1);
	}
	unsigned head = *r->cq_head;
	int res = r->cqes[head & *r->cq_mask].res;
	__atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
	return res;
}

/* Submits one SQE and returns its CQE's res. */
static int one(struct ring *r, struct io_uring_sqe *s)
{
	ring_submit(r, s);
	return ring_wait(r);
}

#endif
