/* A raw io_uring (no liburing) for guests that test a few opcodes, on uring_ring.h's ring (set up
 * with ring_setup(&r, 8, 0, 0)): ring_submit queues one SQE and submits it without waiting, ring_wait reaps one CQE (sleeping for
 * it) and returns its res, and one does both. The program includes <linux/io_uring.h>, <string.h>,
 * <stdio.h>, <stdlib.h>, <sys/mman.h>, <sys/syscall.h> and <unistd.h> first. */
#ifndef RAW_RING_H
#define RAW_RING_H

#include "uring_ring.h"

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
