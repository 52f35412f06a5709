/* The raw io_uring ring of the uring guests (uring, uring_net, uring_mshot, bench_uring), without
 * liburing: io_uring_setup, the three mappings (one for both rings with IORING_FEAT_SINGLE_MMAP),
 * pointers to the head/tail/mask/array fields the kernel's offsets name, a zeroed SQE at the SQ
 * tail (queued with ring_queue) and io_uring_enter (ring_enter). */
#ifndef URING_RING_H
#define URING_RING_H

#include <errno.h>
#include <linux/io_uring.h>
#include <stdint.h>
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

/* Sets up a ring of entries SQEs (setup flags, and cq CQEs with IORING_SETUP_CQSIZE) and maps it:
 * 0, or -errno (-ENOMEM when a mapping fails). */
static int ring_setup(struct ring *r, unsigned entries, unsigned flags, unsigned cq)
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

/* Returns the zeroed SQE n places past the SQ tail with opcode and user_data set, in the SQ array
 * (published when the tail moves past it). */
static __attribute__((unused)) struct io_uring_sqe *ring_sqe(struct ring *r, unsigned n, int opcode, uint64_t user_data)
{
	unsigned i = (*r->sq_tail + n) & *r->sq_mask;
	struct io_uring_sqe *s = &r->sqes[i];
	memset(s, 0, sizeof(*s));
	s->opcode = opcode;
	s->user_data = user_data;
	r->sq_array[i] = i;
	return s;
}

/* Queues a zeroed SQE for opcode on fd with user_data at the SQ tail and moves the tail past it;
 * the caller fills in the rest before the next ring_enter submits it. */
static __attribute__((unused)) struct io_uring_sqe *ring_queue(struct ring *r, int opcode, int fd, uint64_t user_data)
{
	struct io_uring_sqe *s = ring_sqe(r, 0, opcode, user_data);
	s->fd = fd;
	__atomic_store_n(r->sq_tail, *r->sq_tail + 1, __ATOMIC_RELEASE);
	return s;
}

/* io_uring_enter submitting submit SQEs and, when wait > 0, waiting for wait CQEs: its result or -errno. */
static __attribute__((unused)) int ring_enter(struct ring *r, unsigned submit, unsigned wait)
{
	int ret = syscall(__NR_io_uring_enter, r->fd, submit, wait, wait ? IORING_ENTER_GETEVENTS : 0, NULL, 0);
	return ret < 0 ? -errno : ret;
}

#endif
