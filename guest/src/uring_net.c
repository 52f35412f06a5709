/* uring_net: io_uring's socket opcodes through raw syscalls (no liburing), on loopback TCP and a
 * unix socketpair: SOCKET, a multishot ACCEPT armed before two CONNECTs, SEND and a RECV that
 * waits (without blocking the submitter) until the data comes, SENDMSG/RECVMSG, SHUTDOWN, a RECV
 * on an O_NONBLOCK socket (it waits) and with MSG_DONTWAIT (-EAGAIN), and the probe. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "../include/uring_ring.h"

static struct ring R;

static void setup(void)
{
	int ret = ring_setup(&R, 16, 0, 0);
	if (ret < 0) {
		errno = -ret;
		perror("io_uring_setup");
		exit(1);
	}
}

/* Prints and consumes every CQE in the ring, sorted by user_data (Linux leaves their order open). */
static void reap(const char *when)
{
	struct io_uring_cqe got[32];
	unsigned n = 0, head = *R.cq_head, tail = __atomic_load_n(R.cq_tail, __ATOMIC_ACQUIRE);
	for (; head != tail && n < 32; head++)
		got[n++] = R.cqes[head & *R.cq_mask];
	__atomic_store_n(R.cq_head, head, __ATOMIC_RELEASE);
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j > 0 && got[j - 1].user_data > got[j].user_data; j--) {
			struct io_uring_cqe t = got[j];
			got[j] = got[j - 1];
			got[j - 1] = t;
		}
	printf("%s:", when);
	if (n == 0)
		printf(" none");
	for (unsigned i = 0; i < n; i++) {
		int res = got[i].res;
		printf(" [%llu %s%s]", (unsigned long long)got[i].user_data,
		       res < 0 ? strerror(-res) : res >= 0 ? "ok" : "", got[i].flags & IORING_CQE_F_MORE ? " more" : "");
	}
	printf("\n");
}

/* Prints the single CQE expected now and returns its res. */
static int one(const char *what)
{
	if (ring_enter(&R, 1, 1) < 0) {
		perror("io_uring_enter");
		exit(1);
	}
	unsigned head = *R.cq_head;
	struct io_uring_cqe c = R.cqes[head & *R.cq_mask];
	__atomic_store_n(R.cq_head, head + 1, __ATOMIC_RELEASE);
	printf("%-40s -> %s\n", what, c.res < 0 ? strerror(-c.res) : "ok");
	return c.res;
}

int main(void)
{
	setup();
	char buf[64];

	/* SOCKET, then a listener on an ephemeral loopback port. */
	ring_queue(&R, IORING_OP_SOCKET, AF_INET, 1)->off = SOCK_STREAM;
	int lfd = one("SOCKET AF_INET SOCK_STREAM");
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	if (bind(lfd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(lfd, 8) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&a, &alen) < 0) {
		perror("listen");
		return 1;
	}

	/* A multishot ACCEPT armed before anyone connects: the submitter goes on. */
	ring_queue(&R, IORING_OP_ACCEPT, lfd, 10)->ioprio = IORING_ACCEPT_MULTISHOT;
	printf("submit multishot ACCEPT: %d\n", ring_enter(&R, 1, 0));
	reap("before any connect");

	int c1 = socket(AF_INET, SOCK_STREAM, 0), c2 = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct io_uring_sqe *s = ring_queue(&R, IORING_OP_CONNECT, c1, 20);
	s->addr = (unsigned long)&a, s->off = sizeof(a);
	s = ring_queue(&R, IORING_OP_CONNECT, c2, 21); /* O_NONBLOCK: completes when connected, no EINPROGRESS */
	s->addr = (unsigned long)&a, s->off = sizeof(a);
	ring_enter(&R, 2, 4);
	reap("after two CONNECTs");

	/* The multishot ACCEPT took both connections: none is left for accept(2). */
	fcntl(lfd, F_SETFL, O_NONBLOCK);
	int srv = accept(lfd, NULL, NULL);
	printf("accept(2) after the multishot ACCEPT: %s\n", srv < 0 ? strerror(errno) : "a connection");

	/* A RECV on the client that waits for data, then a SEND from the server side. */
	int sp[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0) {
		perror("socketpair");
		return 1;
	}
	s = ring_queue(&R, IORING_OP_RECV, sp[0], 30);
	s->addr = (unsigned long)buf, s->len = sizeof(buf);
	printf("submit RECV with nothing to read: %d\n", ring_enter(&R, 1, 0));
	reap("RECV waits");
	s = ring_queue(&R, IORING_OP_SEND, sp[1], 31);
	s->addr = (unsigned long)"hello", s->len = 5;
	ring_enter(&R, 1, 2);
	reap("after SEND");
	printf("received \"%.5s\"\n", buf);

	/* SENDMSG and RECVMSG. */
	struct iovec iov = { .iov_base = "vector", .iov_len = 6 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	s = ring_queue(&R, IORING_OP_SENDMSG, sp[0], 40);
	s->addr = (unsigned long)&mh;
	one("SENDMSG 6 bytes");
	char rb[16] = { 0 };
	struct iovec riov = { .iov_base = rb, .iov_len = sizeof(rb) };
	struct msghdr rmh = { .msg_iov = &riov, .msg_iovlen = 1 };
	s = ring_queue(&R, IORING_OP_RECVMSG, sp[1], 41);
	s->addr = (unsigned long)&rmh;
	one("RECVMSG");
	printf("received \"%s\"\n", rb);

	/* MSG_DONTWAIT gives -EAGAIN; an O_NONBLOCK socket waits instead, as Linux's armed poll. */
	s = ring_queue(&R, IORING_OP_RECV, sp[1], 50);
	s->addr = (unsigned long)buf, s->len = sizeof(buf), s->msg_flags = MSG_DONTWAIT;
	one("RECV MSG_DONTWAIT, nothing there");
	fcntl(sp[1], F_SETFL, O_NONBLOCK);
	s = ring_queue(&R, IORING_OP_RECV, sp[1], 51);
	s->addr = (unsigned long)buf, s->len = sizeof(buf);
	ring_enter(&R, 1, 0);
	reap("RECV on O_NONBLOCK, nothing there");

	/* SHUTDOWN(SHUT_WR) of the peer ends that read with 0. */
	ring_queue(&R, IORING_OP_SHUTDOWN, sp[0], 60)->len = SHUT_WR;
	ring_enter(&R, 1, 2);
	reap("after SHUTDOWN");

	/* Closing the listener ends the multishot ACCEPT (cancel it: Linux keeps it armed otherwise). */
	ring_queue(&R, IORING_OP_ASYNC_CANCEL, -1, 70)->addr = 10;
	ring_enter(&R, 1, 2);
	reap("cancel the multishot ACCEPT");

	/* The probe. */
	struct { struct io_uring_probe p; struct io_uring_probe_op ops[64]; } pr;
	memset(&pr, 0, sizeof(pr));
	if (syscall(__NR_io_uring_register, R.fd, IORING_REGISTER_PROBE, &pr, 64) < 0) {
		perror("probe");
		return 1;
	}
	const int want[] = { IORING_OP_SENDMSG, IORING_OP_RECVMSG, IORING_OP_ACCEPT, IORING_OP_CONNECT, IORING_OP_SEND,
			     IORING_OP_RECV, IORING_OP_SHUTDOWN, IORING_OP_SOCKET };
	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		printf("probe op %d: %s\n", want[i], pr.ops[want[i]].flags & IO_URING_OP_SUPPORTED ? "supported" : "no");
	return 0;
}
