/* uring_mshot: IP_RECVORIGDSTADDR and multishot RECVMSG, through raw syscalls (no liburing).
 * First the socket option on loopback UDP: its default and set values (IPv4 and IPv6), the
 * IP_ORIGDSTADDR / IPV6_ORIGDSTADDR control message recvmsg gives with it (level, type, length,
 * the destination address and port), none without it, a control buffer too small for it
 * (MSG_CTRUNC, cmsg_len cut to what fits), and an IPv4 datagram to a dual-stack socket bound to
 * [::] (IP_ORIGDSTADDR only, with IP_RECVORIGDSTADDR). Then IORING_RECV_MULTISHOT on IORING_OP_RECVMSG with provided buffers: each CQE
 * (its res, IORING_CQE_F_BUFFER and IORING_CQE_F_MORE, the buffer id) and each buffer's layout,
 * struct io_uring_recvmsg_out then the name, control and payload areas at the offsets the user's
 * msghdr sizes give: a whole datagram, one cut short (payloadlen with MSG_TRUNC in the SQE's flags,
 * MSG_TRUNC in the out flags), a name area shorter than the address, a control area too small,
 * the end when the buffers run out (-ENOBUFS), a buffer smaller than the three areas (-EFAULT),
 * and a unix stream read in pieces up to its end (the last CQE keeps its buffer, without MORE).
 * Ports vary from run to run: the program prints whether they are the expected ones. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "../include/uring_ring.h"

/* The CQE flag bits this program looks at: the socket-nonempty hint (IORING_CQE_F_SOCK_NONEMPTY)
 * depends on timing and kernel version, so it is masked off. */
#define CQE_SHOWN (IORING_CQE_F_BUFFER | IORING_CQE_F_MORE)
/* Bytes of each provided buffer, and how many there are of them. */
#define BUF_SIZE 128
#define NBUFS 8
/* Buffer groups: 1 for the UDP tests, 2 for the one too small, 3 for the stream. */
#define BGID_UDP 1
#define BGID_SMALL 2
#define BGID_STREAM 3

static struct ring R;
static unsigned char bufs[NBUFS][BUF_SIZE];

/* Fails the program with what went wrong. */
static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* Takes the next CQE into *c, waiting for it. */
static void next_cqe(struct io_uring_cqe *c)
{
	while (*R.cq_head == __atomic_load_n(R.cq_tail, __ATOMIC_ACQUIRE))
		if (ring_enter(&R, 0, 1) < 0)
			die("io_uring_enter");
	*c = R.cqes[*R.cq_head & *R.cq_mask];
	__atomic_store_n(R.cq_head, *R.cq_head + 1, __ATOMIC_RELEASE);
}

/* Hands bufs[first, first + n), size bytes of each, to group bgid (buffer id i for bufs[i]), one
 * PROVIDE_BUFFERS each; prints the results. */
static void provide(int first, int n, unsigned size, int bgid)
{
	printf("provide %d buffers of %u to group %d:", n, size, bgid);
	for (int i = first; i < first + n; i++) {
		struct io_uring_sqe *s = ring_queue(&R, IORING_OP_PROVIDE_BUFFERS, 1, 99);
		s->addr = (uintptr_t)bufs[i];
		s->len = size;
		s->buf_group = bgid;
		s->off = i;
		memset(bufs[i], 0xcc, BUF_SIZE);
		ring_enter(&R, 1, 0);
		struct io_uring_cqe c;
		next_cqe(&c);
		printf(" %d", c.res);
	}
	printf("\n");
}

/* Two UDP sockets of family on the loopback, bound and connected to each other: rx, tx. */
static void udp_pair(int family, int *rx, int *tx)
{
	struct sockaddr_storage a;
	socklen_t len = family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	int fd[2];
	for (int i = 0; i < 2; i++) {
		fd[i] = socket(family, SOCK_DGRAM, 0);
		if (fd[i] < 0)
			die("socket");
		memset(&a, 0, sizeof(a));
		a.ss_family = family;
		if (family == AF_INET)
			inet_pton(AF_INET, "127.0.0.1", &((struct sockaddr_in *)&a)->sin_addr);
		else
			inet_pton(AF_INET6, "::1", &((struct sockaddr_in6 *)&a)->sin6_addr);
		if (bind(fd[i], (struct sockaddr *)&a, len) < 0)
			die("bind");
	}
	for (int i = 0; i < 2; i++) {
		socklen_t l = sizeof(a);
		getsockname(fd[1 - i], (struct sockaddr *)&a, &l);
		if (connect(fd[i], (struct sockaddr *)&a, l) < 0)
			die("connect");
	}
	*rx = fd[0];
	*tx = fd[1];
}

/* The port fd is bound to. */
static int port_of(int fd)
{
	struct sockaddr_storage a;
	socklen_t l = sizeof(a);
	getsockname(fd, (struct sockaddr *)&a, &l);
	return a.ss_family == AF_INET ? ntohs(((struct sockaddr_in *)&a)->sin_port) : ntohs(((struct sockaddr_in6 *)&a)->sin6_port);
}

/* Prints an address of family at p (its family field, the address, and whether the port is port). */
static void print_addr(const char *what, const void *p, int port)
{
	char text[INET6_ADDRSTRLEN];
	sa_family_t fam;
	memcpy(&fam, p, sizeof(fam));
	if (fam == AF_INET) {
		struct sockaddr_in in;
		memcpy(&in, p, sizeof(in));
		inet_ntop(AF_INET, &in.sin_addr, text, sizeof(text));
		printf(" %s AF_INET %s port %s", what, text, ntohs(in.sin_port) == port ? "ok" : "WRONG");
	} else if (fam == AF_INET6) {
		struct sockaddr_in6 in6;
		memcpy(&in6, p, sizeof(in6));
		inet_ntop(AF_INET6, &in6.sin6_addr, text, sizeof(text));
		printf(" %s AF_INET6 %s port %s flowinfo %u scope %u", what, text, ntohs(in6.sin6_port) == port ? "ok" : "WRONG",
		       in6.sin6_flowinfo, in6.sin6_scope_id);
	} else {
		printf(" %s family %d", what, fam);
	}
}

/* Prints the control messages in [p, p + len): level, type, cmsg_len, and an address's fields. */
static void print_cmsgs(const unsigned char *p, size_t len, int port)
{
	size_t off = 0;
	while (off + sizeof(struct cmsghdr) <= len) {
		struct cmsghdr h;
		memcpy(&h, p + off, sizeof(h));
		printf(" cmsg level %d type %d len %zu", h.cmsg_level, h.cmsg_type, (size_t)h.cmsg_len);
		if (h.cmsg_len > CMSG_LEN(sizeof(sa_family_t)) && off + h.cmsg_len <= len)
			print_addr("dst", p + off + CMSG_LEN(0), port);
		if (h.cmsg_len < sizeof(h))
			break;
		off += CMSG_ALIGN(h.cmsg_len);
	}
}

/* Reads one datagram on fd with recvmsg and a control buffer of controllen bytes; prints what came. */
static void recv_plain(const char *what, int fd, size_t controllen, int port)
{
	unsigned char data[64], control[128];
	struct sockaddr_storage from;
	struct iovec iov = { data, sizeof(data) };
	struct msghdr m = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = controllen ? control : NULL, .msg_controllen = controllen };
	memset(control, 0xcc, sizeof(control));
	ssize_t n = recvmsg(fd, &m, 0);
	printf("%s: recvmsg %zd, controllen %zu, flags%s%s", what, n, (size_t)m.msg_controllen,
	       m.msg_flags & MSG_TRUNC ? " MSG_TRUNC" : "", m.msg_flags & MSG_CTRUNC ? " MSG_CTRUNC" : "");
	print_cmsgs(control, m.msg_controllen, port);
	printf("\n");
}

/* Prints getsockopt(level, name) as an int (or its error). */
static void show_opt(const char *what, int fd, int level, int name)
{
	int v = -1;
	socklen_t l = sizeof(v);
	if (getsockopt(fd, level, name, &v, &l) < 0)
		printf("%s: getsockopt errno %d\n", what, errno);
	else
		printf("%s: %d (len %u)\n", what, v, (unsigned)l);
}

/* The socket option and recvmsg's control message, on IPv4 and IPv6 UDP. */
static void plain_recvmsg(void)
{
	int rx, tx, on = 1;
	udp_pair(AF_INET, &rx, &tx);
	show_opt("IP_RECVORIGDSTADDR default", rx, IPPROTO_IP, IP_RECVORIGDSTADDR);
	send(tx, "none", 4, 0);
	recv_plain("ipv4 without the option", rx, 64, port_of(rx));
	if (setsockopt(rx, IPPROTO_IP, IP_RECVORIGDSTADDR, &on, sizeof(on)) < 0)
		die("setsockopt IP_RECVORIGDSTADDR");
	show_opt("IP_RECVORIGDSTADDR set", rx, IPPROTO_IP, IP_RECVORIGDSTADDR);
	send(tx, "full", 4, 0);
	recv_plain("ipv4", rx, 64, port_of(rx));
	send(tx, "short", 5, 0);
	recv_plain("ipv4 control of one cmsghdr", rx, sizeof(struct cmsghdr), port_of(rx));
	send(tx, "none", 4, 0);
	recv_plain("ipv4 no control buffer", rx, 0, port_of(rx));
	close(rx);
	close(tx);

	udp_pair(AF_INET6, &rx, &tx);
	show_opt("IPV6_RECVORIGDSTADDR default", rx, IPPROTO_IPV6, IPV6_RECVORIGDSTADDR);
	if (setsockopt(rx, IPPROTO_IPV6, IPV6_RECVORIGDSTADDR, &on, sizeof(on)) < 0)
		die("setsockopt IPV6_RECVORIGDSTADDR");
	show_opt("IPV6_RECVORIGDSTADDR set", rx, IPPROTO_IPV6, IPV6_RECVORIGDSTADDR);
	send(tx, "six", 3, 0);
	recv_plain("ipv6", rx, 64, port_of(rx));
	close(tx);

	/* An IPv4 datagram to the same socket rebound to the wildcard address (dual-stack): only the
	 * IPv4 option gives a control message for it, and an IPv4 one. */
	close(rx);
	rx = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in6 any6 = { .sin6_family = AF_INET6 };
	if (rx < 0 || bind(rx, (struct sockaddr *)&any6, sizeof(any6)) < 0)
		die("bind ::");
	setsockopt(rx, IPPROTO_IPV6, IPV6_RECVORIGDSTADDR, &on, sizeof(on));
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port_of(rx)) };
	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	sendto(tx, "four", 4, 0, (struct sockaddr *)&to, sizeof(to));
	recv_plain("ipv4 to [::] with IPV6_RECVORIGDSTADDR", rx, 64, port_of(rx));
	setsockopt(rx, IPPROTO_IP, IP_RECVORIGDSTADDR, &on, sizeof(on));
	show_opt("IP_RECVORIGDSTADDR on AF_INET6", rx, IPPROTO_IP, IP_RECVORIGDSTADDR);
	sendto(tx, "four", 4, 0, (struct sockaddr *)&to, sizeof(to));
	recv_plain("ipv4 to [::] with both", rx, 64, port_of(rx));
	close(rx);
	close(tx);
}

/* Arms a multishot RECVMSG on fd from group bgid with a msghdr of namelen and controllen (kept in
 * *m, which must outlive the request) and SQE msg flags. */
static void arm(int fd, struct msghdr *m, int namelen, size_t controllen, int flags, int bgid, uint64_t ud)
{
	memset(m, 0, sizeof(*m));
	m->msg_namelen = namelen;
	m->msg_controllen = controllen;
	struct io_uring_sqe *s = ring_queue(&R, IORING_OP_RECVMSG, fd, ud);
	s->addr = (uintptr_t)m;
	s->len = 1;
	s->msg_flags = flags;
	s->ioprio = IORING_RECV_MULTISHOT;
	s->flags = IOSQE_BUFFER_SELECT;
	s->buf_group = bgid;
	if (ring_enter(&R, 1, 0) < 0)
		die("io_uring_enter");
}

/* Takes one CQE of a multishot RECVMSG and prints it and its buffer's layout; returns whether MORE was set. */
static int show_mshot(const char *what, const struct msghdr *m, int src_port, int dst_port)
{
	struct io_uring_cqe c;
	next_cqe(&c);
	printf("%s: res %d flags%s%s", what, c.res, c.flags & IORING_CQE_F_BUFFER ? " BUFFER" : "",
	       c.flags & IORING_CQE_F_MORE ? " MORE" : "");
	if (c.flags & ~(CQE_SHOWN | IORING_CQE_F_SOCK_NONEMPTY | (0xffffu << IORING_CQE_BUFFER_SHIFT)))
		printf(" other-flags %#x", c.flags & ~CQE_SHOWN);
	if (c.flags & IORING_CQE_F_BUFFER) {
		int bid = c.flags >> IORING_CQE_BUFFER_SHIFT;
		const unsigned char *b = bufs[bid];
		struct io_uring_recvmsg_out o;
		memcpy(&o, b, sizeof(o));
		printf(" bid %d\n  out: namelen %u controllen %u payloadlen %u flags%s%s (%#x)\n ", bid, o.namelen, o.controllen,
		       o.payloadlen, o.flags & MSG_TRUNC ? " MSG_TRUNC" : "", o.flags & MSG_CTRUNC ? " MSG_CTRUNC" : "", o.flags);
		const unsigned char *name = b + sizeof(o);
		if (m->msg_namelen >= (int)sizeof(struct sockaddr_in) && o.namelen > 0)
			print_addr("name", name, src_port);
		else if (m->msg_namelen >= 8 && o.namelen > 0)
			printf(" name area family %d addr %u.%u.%u.%u", name[0] | name[1] << 8, name[4], name[5], name[6], name[7]);
		const unsigned char *control = name + m->msg_namelen;
		print_cmsgs(control, o.controllen, dst_port);
		const unsigned char *payload = control + m->msg_controllen;
		int stored = c.res - (int)(sizeof(o) + m->msg_namelen + m->msg_controllen);
		printf(" payload %d bytes \"%.*s\"", stored, stored > 0 ? stored : 0, (const char *)payload);
	}
	printf("\n");
	return (c.flags & IORING_CQE_F_MORE) != 0;
}

/* Multishot RECVMSG on IPv4 UDP with IP_RECVORIGDSTADDR. */
static void mshot_udp(void)
{
	int rx, tx, on = 1;
	struct msghdr m;
	udp_pair(AF_INET, &rx, &tx);
	setsockopt(rx, IPPROTO_IP, IP_RECVORIGDSTADDR, &on, sizeof(on));
	int sport = port_of(tx), dport = port_of(rx);
	size_t control = CMSG_SPACE(sizeof(struct sockaddr_in));
	/* Three buffers with room for 8 payload bytes after the areas. */
	provide(0, 3, sizeof(struct io_uring_recvmsg_out) + sizeof(struct sockaddr_in) + control + 8, BGID_UDP);
	send(tx, "abcd", 4, 0);
	send(tx, "0123456789", 10, 0);
	arm(rx, &m, sizeof(struct sockaddr_in), control, MSG_TRUNC, BGID_UDP, 1);
	show_mshot("whole datagram", &m, sport, dport);
	show_mshot("datagram cut short", &m, sport, dport);
	send(tx, "xyz", 3, 0);
	show_mshot("datagram after arming", &m, sport, dport);
	show_mshot("out of buffers", &m, sport, dport);

	/* A name area of 8 bytes (the address is 16) and a control area of one cmsghdr. */
	provide(3, 2, BUF_SIZE, BGID_UDP);
	send(tx, "name", 4, 0);
	arm(rx, &m, 8, sizeof(struct cmsghdr), 0, BGID_UDP, 2);
	show_mshot("short name and control areas", &m, sport, dport);
	send(tx, "bare", 4, 0);
	show_mshot("second datagram", &m, sport, dport);
	show_mshot("out of buffers", &m, sport, dport);

	/* A buffer smaller than the header and the two areas. */
	provide(5, 1, 20, BGID_SMALL);
	send(tx, "tiny", 4, 0);
	arm(rx, &m, sizeof(struct sockaddr_in), 0, 0, BGID_SMALL, 3);
	show_mshot("buffer too small", &m, sport, dport);
	close(rx);
	close(tx);
}

/* Multishot RECVMSG on a unix stream, read in 4-byte pieces up to its end. */
static void mshot_stream(void)
{
	int sv[2];
	struct msghdr m;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		die("socketpair");
	provide(0, 4, sizeof(struct io_uring_recvmsg_out) + 4, BGID_STREAM);
	if (write(sv[1], "hello", 5) != 5)
		die("write");
	shutdown(sv[1], SHUT_WR);
	arm(sv[0], &m, 0, 0, 0, BGID_STREAM, 4);
	while (show_mshot("stream", &m, 0, 0))
		;
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	plain_recvmsg();
	int ret = ring_setup(&R, 16, 0, 0);
	if (ret < 0) {
		errno = -ret;
		die("io_uring_setup");
	}
	mshot_udp();
	mshot_stream();
	return 0;
}
