#define _GNU_SOURCE
/* sock_inet: AF_INET and AF_INET6 on the loopback. TCP and UDP echo servers on threads (IPv4,
 * IPv6 and IPv4-mapped clients of a dual-stack server), a megabyte each way, names
 * (getsockname, getpeername, accept's address), nonblocking connect with poll and epoll
 * (EINPROGRESS, then 0 once, then EISCONN), a refused connection (blocking and not), EADDRINUSE,
 * shutdown and the FIN the peer sees, a reset (close with unread data), EPIPE with SIGPIPE and
 * MSG_NOSIGNAL, MSG_PEEK and MSG_WAITALL, SO_RCVTIMEO, options, and a signal interrupting a
 * blocked accept; with the argument late-reset, also the reset that answers a write after the
 * peer's FIN. Ports come from the kernel (port 0) and are never printed, so the output is
 * the same on Linux, under qemu, and under ecall on the host's network or its simulated one. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SHOW_WIDTH 50
#include "../include/show.h"
#include "../include/interrupt_retry.h"
/* Upper bound on waiting for an event that follows at once on Linux (a hang guard only). */
#define EVENT_WAIT_MS 5000
/* Bytes sent each way in the bulk test. */
#define BULK (1 << 20)

static volatile int sigpipes;
static int late_reset;

static void showbits(const char *what, int m)
{
	printf("%-50s %s%s%s%s%s\n", what, m & POLLIN ? "IN " : "", m & POLLOUT ? "OUT " : "", m & POLLERR ? "ERR " : "",
	       m & POLLHUP ? "HUP " : "", m & POLLRDHUP ? "RDHUP " : "");
}

/* Waits (at most EVENT_WAIT_MS) for one of `events` on fd, then shows every bit that is set. */
static void waitpoll(const char *what, int fd, int events)
{
	struct pollfd p = { fd, events, 0 };
	poll(&p, 1, EVENT_WAIT_MS);
	p.events = POLLIN | POLLOUT | POLLRDHUP;
	poll(&p, 1, 0);
	showbits(what, p.revents);
}

static int port_of(int fd)
{
	struct sockaddr_storage ss;
	socklen_t l = sizeof ss;
	getsockname(fd, (struct sockaddr *)&ss, &l);
	return ss.ss_family == AF_INET ? ntohs(((struct sockaddr_in *)&ss)->sin_port) : ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

static const char *addr_text(const struct sockaddr_storage *ss, char *buf, size_t n)
{
	if (ss->ss_family == AF_INET)
		return inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, buf, n);
	return inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, buf, n);
}

static socklen_t loopback(int family, int port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;
		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		return sizeof *a;
	}
	struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
	a->sin6_family = AF_INET6;
	a->sin6_port = htons(port);
	a->sin6_addr = in6addr_loopback;
	return sizeof *a;
}

/* A listening TCP socket on the family's loopback (or wildcard) address, port chosen by the kernel. */
static int tcp_listener(int family, int wildcard)
{
	int l = socket(family, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 }, sizeof(int));
	struct sockaddr_storage ss;
	socklen_t al = loopback(family, 0, &ss);
	if (wildcard) {
		if (family == AF_INET)
			((struct sockaddr_in *)&ss)->sin_addr.s_addr = htonl(INADDR_ANY);
		else
			((struct sockaddr_in6 *)&ss)->sin6_addr = in6addr_any;
	}
	if (bind(l, (struct sockaddr *)&ss, al) < 0 || listen(l, 8) < 0)
		perror("listener");
	return l;
}

/* ---- TCP echo ----------------------------------------------------------------------------------- */

struct echo {
	int listener;
	int family_seen;
	char peer[64];
	int peer_port;
	long bytes;
};

static void *tcp_echo(void *arg)
{
	struct echo *e = arg;
	struct sockaddr_storage ss;
	socklen_t l = sizeof ss;
	int c = accept(e->listener, (struct sockaddr *)&ss, &l);
	if (c < 0)
		return NULL;
	e->family_seen = ss.ss_family;
	addr_text(&ss, e->peer, sizeof e->peer);
	e->peer_port = ss.ss_family == AF_INET ? ntohs(((struct sockaddr_in *)&ss)->sin_port) : ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	static char buf[65536];
	for (;;) {
		ssize_t n = read(c, buf, sizeof buf);
		if (n <= 0)
			break;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(c, buf + off, n - off);
			if (w <= 0)
				break;
			off += w;
		}
		e->bytes += n;
	}
	close(c);
	return NULL;
}

struct bulk_reader {
	int fd;
	long got;
	uint32_t sum;
};

static void *bulk_read(void *arg)
{
	struct bulk_reader *b = arg;
	static char buf[32768];
	for (;;) {
		ssize_t n = read(b->fd, buf, sizeof buf);
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++)
			b->sum = b->sum * 31 + (unsigned char)buf[i];
		b->got += n;
	}
	return NULL;
}

static void tcp_echo_test(const char *name, int server_family, int wildcard, int client_family)
{
	printf("-- TCP echo: %s\n", name);
	struct echo e = { tcp_listener(server_family, wildcard), 0, "", 0, 0 };
	int port = port_of(e.listener);
	show("listener port is set", port > 0);
	pthread_t t;
	pthread_create(&t, NULL, tcp_echo, &e);
	int c = socket(client_family, SOCK_STREAM, 0);
	struct sockaddr_storage ss;
	socklen_t al = loopback(client_family, port, &ss);
	show("connect", connect(c, (struct sockaddr *)&ss, al));
	struct sockaddr_storage peer;
	socklen_t pl = sizeof peer;
	getpeername(c, (struct sockaddr *)&peer, &pl);
	show("getpeername has the listener's port", pl == al && port_of(e.listener) == ntohs(((struct sockaddr_in *)&peer)->sin_port));
	const char *msgs[] = { "one", "two two", "three three three" };
	char buf[64];
	for (int i = 0; i < 3; i++) {
		write(c, msgs[i], strlen(msgs[i]));
		ssize_t n = 0, want = strlen(msgs[i]);
		while (n < want) {
			ssize_t r = read(c, buf + n, want - n);
			if (r <= 0)
				break;
			n += r;
		}
		buf[n] = 0;
		printf("%-50s '%s'\n", "echoed", buf);
	}
	/* A megabyte through the echo server while another thread reads it back. */
	struct bulk_reader br = { c, 0, 0 };
	pthread_t rt;
	pthread_create(&rt, NULL, bulk_read, &br);
	static char big[BULK];
	uint32_t sum = 0;
	for (int i = 0; i < BULK; i++) {
		big[i] = (char)(i * 7 + i / 251);
		sum = sum * 31 + (unsigned char)big[i];
	}
	long sent = 0;
	while (sent < BULK) {
		ssize_t w = write(c, big + sent, BULK - sent);
		if (w <= 0)
			break;
		sent += w;
	}
	show("bulk: sent", sent);
	show("shutdown SHUT_WR", shutdown(c, SHUT_WR));
	pthread_join(rt, NULL);
	show("bulk: echoed back", br.got);
	show("bulk: same bytes", br.sum == sum);
	pthread_join(t, NULL);
	printf("%-50s %s\n", "the server saw the client as", e.family_seen == AF_INET ? "AF_INET" : "AF_INET6");
	printf("%-50s %s\n", "  from", e.peer);
	show("  from the client's port", e.peer_port == port_of(c));
	close(c);
	close(e.listener);
}

/* ---- UDP echo ----------------------------------------------------------------------------------- */

static void *udp_echo(void *arg)
{
	int s = *(int *)arg;
	char buf[2048];
	for (;;) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof from;
		ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
		if (n < 0 || (n == 4 && memcmp(buf, "quit", 4) == 0))
			break;
		sendto(s, buf, n, 0, (struct sockaddr *)&from, fl);
	}
	return NULL;
}

static void udp_echo_test(int family)
{
	printf("-- UDP echo: %s\n", family == AF_INET ? "IPv4" : "IPv6");
	int s = socket(family, SOCK_DGRAM, 0);
	struct sockaddr_storage ss;
	socklen_t al = loopback(family, 0, &ss);
	show("bind", bind(s, (struct sockaddr *)&ss, al));
	int port = port_of(s);
	pthread_t t;
	pthread_create(&t, NULL, udp_echo, &s);
	int c = socket(family, SOCK_DGRAM, 0);
	al = loopback(family, port, &ss);
	char buf[2048];
	show("sendto", sendto(c, "datagram", 8, 0, (struct sockaddr *)&ss, al));
	struct sockaddr_storage from;
	socklen_t fl = sizeof from;
	show("recvfrom", recvfrom(c, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl));
	show("  from the server's port", port_of(s) == ntohs(((struct sockaddr_in *)&from)->sin_port) && fl == al);
	show("unconnected send without an address", send(c, "x", 1, 0));
	show("connect", connect(c, (struct sockaddr *)&ss, al));
	char text[64];
	fl = sizeof from;
	getsockname(c, (struct sockaddr *)&from, &fl);
	printf("%-50s %s\n", "local address after connect", addr_text(&from, text, sizeof text));
	show("send", send(c, "connected", 9, 0));
	show("recv", recv(c, buf, sizeof buf, 0));
	static char big[1400];
	memset(big, 'u', sizeof big);
	show("send 1400 bytes", send(c, big, sizeof big, 0));
	show("recv into 100 bytes (truncated)", recv(c, buf, 100, 0));
	show("send 1400 again", send(c, big, sizeof big, 0));
	show("recv with MSG_TRUNC gives the full length", recv(c, buf, 100, MSG_TRUNC));
	static char huge[70000];
	show("a datagram over the IP limit", send(c, huge, sizeof huge, 0));
	show("MSG_DONTWAIT with nothing queued", recv(c, buf, sizeof buf, MSG_DONTWAIT));
	show("getpeername", getpeername(c, (struct sockaddr *)&from, &fl) == 0 && port_of(s) == ntohs(((struct sockaddr_in *)&from)->sin_port));
	struct sockaddr unspec = { AF_UNSPEC };
	show("connect AF_UNSPEC (disconnect)", connect(c, &unspec, sizeof unspec));
	show("getpeername after disconnect", getpeername(c, (struct sockaddr *)&from, &fl));
	send(c, "quit", 4, 0);
	sendto(c, "quit", 4, 0, (struct sockaddr *)&ss, al);
	pthread_join(t, NULL);
	show("shutdown of an unconnected UDP socket", shutdown(c, SHUT_RDWR));
	close(c);
	close(s);
}

/* ---- connection setup and teardown ------------------------------------------------------------- */

/* A port nothing listens on: bound by a socket that is then closed. */
static int dead_port(int family)
{
	int s = socket(family, SOCK_STREAM, 0);
	struct sockaddr_storage ss;
	socklen_t al = loopback(family, 0, &ss);
	bind(s, (struct sockaddr *)&ss, al);
	int p = port_of(s);
	close(s);
	return p;
}

static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

static void connections(void)
{
	puts("-- connecting");
	int l = tcp_listener(AF_INET, 0);
	int port = port_of(l);
	struct sockaddr_storage ss;
	socklen_t al = loopback(AF_INET, port, &ss);
	int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	show("nonblocking connect", connect(c, (struct sockaddr *)&ss, al));
	int ep = epoll_create1(0);
	struct epoll_event ev = { EPOLLOUT, { .u32 = 1 } }, out;
	epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
	show("epoll_wait for the connection", epoll_wait(ep, &out, 1, EVENT_WAIT_MS));
	int err = -1;
	socklen_t el = sizeof err;
	getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &el);
	show("SO_ERROR", err);
	show("connect again", connect(c, (struct sockaddr *)&ss, al));
	show("and again", connect(c, (struct sockaddr *)&ss, al));
	int s = accept(l, NULL, NULL);
	show("accept", s >= 0);
	show("  not O_NONBLOCK", fcntl(s, F_GETFL) & O_NONBLOCK);
	close(s);
	close(c);
	close(ep);

	int b = socket(AF_INET, SOCK_STREAM, 0);
	loopback(AF_INET, port, &ss);
	show("bind to a listener's port", bind(b, (struct sockaddr *)&ss, al));
	setsockopt(b, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 }, sizeof(int));
	show("  with SO_REUSEADDR (the listener is listening)", bind(b, (struct sockaddr *)&ss, al));
	close(b);
	struct sockaddr_in foreign = { AF_INET, 0, { htonl(0xc0000201) } };
	b = socket(AF_INET, SOCK_STREAM, 0);
	show("bind to an address that is not ours", bind(b, (struct sockaddr *)&foreign, sizeof foreign));
	show("bind with a short address", bind(b, (struct sockaddr *)&foreign, 8));
	show("bind AF_INET6 address to AF_INET", bind(b, (struct sockaddr *)&(struct sockaddr_in6){ AF_INET6 }, sizeof(struct sockaddr_in6)));
	show("listen on an unbound socket", listen(b, 1));
	show("  it got a port", port_of(b) > 0);
	show("connect a listening socket", connect(b, (struct sockaddr *)&ss, al));
	close(b);

	int dead = dead_port(AF_INET);
	al = loopback(AF_INET, dead, &ss);
	c = socket(AF_INET, SOCK_STREAM, 0);
	show("connect to a port nobody listens on", connect(c, (struct sockaddr *)&ss, al));
	waitpoll("  poll afterwards", c, POLLOUT);
	close(c);
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	show("nonblocking connect to it", connect(c, (struct sockaddr *)&ss, al));
	waitpoll("  poll once refused", c, POLLERR);
	getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &el);
	printf("%-50s %s\n", "  SO_ERROR", strerrorname_np(err));
	show("  connect again", connect(c, (struct sockaddr *)&ss, al));
	close(c);
	c = socket(AF_INET, SOCK_STREAM, 0);
	char buf[16];
	show("send on a never-connected socket", send(c, "x", 1, MSG_NOSIGNAL));
	show("recv on a never-connected socket", recv(c, buf, 1, 0));
	show("getpeername on a never-connected socket", getpeername(c, (struct sockaddr *)&ss, &al));
	show("shutdown a never-connected socket", shutdown(c, SHUT_RD));
	waitpoll("poll a fresh socket", c, POLLOUT);
	close(c);
	close(l);
}

static void teardown(void)
{
	puts("-- teardown");
	int l = tcp_listener(AF_INET, 0);
	struct sockaddr_storage ss;
	socklen_t al = loopback(AF_INET, port_of(l), &ss);
	char buf[64];

	/* FIN one way, then the other. */
	int c = socket(AF_INET, SOCK_STREAM, 0);
	connect(c, (struct sockaddr *)&ss, al);
	int s = accept(l, NULL, NULL);
	show("client shutdown SHUT_WR", shutdown(c, SHUT_WR));
	show("server reads EOF", read(s, buf, sizeof buf));
	waitpoll("server after the client's FIN", s, POLLRDHUP);
	waitpoll("client after its SHUT_WR", c, POLLOUT);
	show("server writes back", write(s, "late", 4));
	show("client reads it", read(c, buf, sizeof buf));
	show("server shutdown SHUT_WR", shutdown(s, SHUT_WR));
	show("client reads EOF", read(c, buf, sizeof buf));
	waitpoll("client after both FINs", c, POLLHUP);
	sigpipes = 0;
	show("client writes after SHUT_WR", write(c, "x", 1));
	show("  SIGPIPEs", sigpipes);
	close(c);
	close(s);

	/* Closing with unread data resets the connection. */
	c = socket(AF_INET, SOCK_STREAM, 0);
	connect(c, (struct sockaddr *)&ss, al);
	s = accept(l, NULL, NULL);
	write(c, "unread", 6);
	struct pollfd p = { s, POLLIN, 0 };
	poll(&p, 1, EVENT_WAIT_MS);
	close(s);
	waitpoll("client after a reset", c, POLLERR);
	show("read", read(c, buf, sizeof buf));
	show("read again", read(c, buf, sizeof buf));
	sigpipes = 0;
	show("write", write(c, "x", 1));
	show("  SIGPIPEs", sigpipes);
	close(c);

	/* A graceful close, then writes: the first is sent, the peer answers with a reset. (Only with
	 * the late-reset argument: on the host's network ecall sees that reset one write late.) */
	if (late_reset) {
	c = socket(AF_INET, SOCK_STREAM, 0);
	connect(c, (struct sockaddr *)&ss, al);
	s = accept(l, NULL, NULL);
	close(s);
	show("read after the peer closed", read(c, buf, sizeof buf));
	waitpoll("  poll", c, POLLRDHUP);
	sigpipes = 0;
	show("first write", write(c, "x", 1));
	waitpoll("  poll once the reset came back", c, POLLERR);
	show("second write", write(c, "x", 1));
	show("  SIGPIPEs", sigpipes);
	show("send with MSG_NOSIGNAL", send(c, "x", 1, MSG_NOSIGNAL));
	show("  SIGPIPEs", sigpipes);
	close(c);
	}

	/* SO_LINGER with a zero timeout: close resets. */
	c = socket(AF_INET, SOCK_STREAM, 0);
	connect(c, (struct sockaddr *)&ss, al);
	s = accept(l, NULL, NULL);
	struct linger lg = { 1, 0 };
	setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(s);
	waitpoll("client after a SO_LINGER 0 close", c, POLLERR);
	show("read", read(c, buf, sizeof buf));
	close(c);
	close(l);
}

/* ---- receive flags and options -------------------------------------------------------------------- */

struct writer {
	int fd;
};

static void *slow_writer(void *arg)
{
	struct writer *w = arg;
	for (int i = 0; i < 3; i++) {
		settle();
		write(w->fd, "ab", 2);
	}
	return NULL;
}

static void flags_and_options(void)
{
	puts("-- flags and options");
	int l = tcp_listener(AF_INET, 0);
	struct sockaddr_storage ss;
	socklen_t al = loopback(AF_INET, port_of(l), &ss);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	int v = -1;
	socklen_t vl = sizeof v;
	getsockopt(c, IPPROTO_TCP, TCP_MAXSEG, &v, &vl);
	show("TCP_MAXSEG before connecting", v);
	connect(c, (struct sockaddr *)&ss, al);
	int s = accept(l, NULL, NULL);
	char buf[64];
	write(c, "hello world", 11);
	struct pollfd p = { s, POLLIN, 0 };
	poll(&p, 1, EVENT_WAIT_MS);
	show("MSG_PEEK of 5", recv(s, buf, 5, MSG_PEEK));
	show("MSG_WAITALL of 11", recv(s, buf, 11, MSG_WAITALL));
	struct writer w = { c };
	pthread_t t;
	pthread_create(&t, NULL, slow_writer, &w);
	show("MSG_WAITALL of 6 over three writes", recv(s, buf, 6, MSG_WAITALL));
	pthread_join(t, NULL);
	show("MSG_DONTWAIT with nothing queued", recv(s, buf, sizeof buf, MSG_DONTWAIT));
	struct timeval tv = { 0, 100000 };
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	show("recv with SO_RCVTIMEO", recv(s, buf, sizeof buf, 0));
	const struct { int level, opt; const char *name; } ints[] = {
		{ SOL_SOCKET, SO_TYPE, "SO_TYPE" }, { SOL_SOCKET, SO_PROTOCOL, "SO_PROTOCOL" },
		{ SOL_SOCKET, SO_DOMAIN, "SO_DOMAIN" }, { SOL_SOCKET, SO_ACCEPTCONN, "SO_ACCEPTCONN (listener)" },
		{ SOL_SOCKET, SO_KEEPALIVE, "SO_KEEPALIVE" }, { IPPROTO_TCP, TCP_NODELAY, "TCP_NODELAY" },
		{ IPPROTO_IP, IP_TTL, "IP_TTL" }, { IPPROTO_TCP, TCP_KEEPIDLE, "TCP_KEEPIDLE" },
	};
	for (unsigned i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		v = -1;
		vl = sizeof v;
		long r = getsockopt(ints[i].opt == SO_ACCEPTCONN ? l : c, ints[i].level, ints[i].opt, &v, &vl);
		show(ints[i].name, r < 0 ? r : v);
	}
	show("set SO_KEEPALIVE", setsockopt(c, SOL_SOCKET, SO_KEEPALIVE, &(int){ 1 }, sizeof(int)));
	show("set TCP_NODELAY", setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int)));
	vl = sizeof v;
	getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, &vl);
	show("TCP_NODELAY reads back", v);
	show("TCP_KEEPIDLE 0", setsockopt(c, IPPROTO_TCP, TCP_KEEPIDLE, &(int){ 0 }, sizeof(int)));
	show("IP_TTL 300", setsockopt(c, IPPROTO_IP, IP_TTL, &(int){ 300 }, sizeof(int)));
	show("IPPROTO_IPV6 option on AF_INET", setsockopt(c, IPPROTO_IPV6, IPV6_V6ONLY, &(int){ 1 }, sizeof(int)));
	show("IPPROTO_UDP option on TCP", getsockopt(c, IPPROTO_UDP, 1, &v, &vl));
	show("unknown IPPROTO_TCP option", getsockopt(c, IPPROTO_TCP, 999, &v, &vl));
	int six = socket(AF_INET6, SOCK_DGRAM, 0);
	vl = sizeof v;
	getsockopt(six, IPPROTO_IPV6, IPV6_V6ONLY, &v, &vl);
	show("IPV6_V6ONLY default", v);
	close(six);
	show("socket(AF_INET, SOCK_SEQPACKET)", socket(AF_INET, SOCK_SEQPACKET, 0));
	show("socket(AF_INET, SOCK_STREAM, IPPROTO_UDP)", socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));
	show("socket(AF_INET6, SOCK_DGRAM, IPPROTO_TCP)", socket(AF_INET6, SOCK_DGRAM, IPPROTO_TCP));
	show("listen on a UDP socket", listen(socket(AF_INET, SOCK_DGRAM, 0), 1));
	close(c);
	close(s);
	close(l);
}

/* ---- a signal interrupting accept -------------------------------------------------------------- */

struct acceptor {
	int l;
	struct blocked_call c;
};

static void *blocked_accept(void *arg)
{
	struct acceptor *a = arg;
	call_announce(&a->c);
	call_done(&a->c, accept(a->l, NULL, NULL));
	return NULL;
}

/* One attempt: a thread blocks in accept and is signalled `pause` after it announced the call. */
static int accept_attempt(long long pause, void *arg)
{
	struct acceptor *a = arg;
	*a = (struct acceptor){ tcp_listener(AF_INET, 0), { 0, 0, 0, 0 } };
	struct sockaddr_storage ss;
	socklen_t al = loopback(AF_INET, port_of(a->l), &ss);
	pthread_t t;
	usr1s = 0;
	pthread_create(&t, NULL, blocked_accept, a);
	signal_blocked(t, &a->c, pause);
	settle();
	int c = socket(AF_INET, SOCK_STREAM, 0);
	connect(c, (struct sockaddr *)&ss, al);
	pthread_join(t, NULL);
	if (a->c.r >= 0)
		close(a->c.r);
	close(c);
	close(a->l);
	return a->c.runs_before == 0;
}

/* A signal interrupting a blocked accept; a run the signal reached before the call is repeated
 * with a longer pause, so a slow or loaded machine gives the same output. */
static void interrupted_accept(int restart)
{
	struct acceptor a;
	interrupt_retry(restart, accept_attempt, &a);
	printf("%-50s %s (handler ran %d)\n", restart ? "accept, SA_RESTART" : "accept, no SA_RESTART",
	       a.c.r >= 0 ? "a connection" : strerrorname_np(a.c.err), usr1s);
}

int main(int argc, char **argv)
{
	late_reset = argc > 1 && strcmp(argv[1], "late-reset") == 0;
	setvbuf(stdout, NULL, _IOLBF, 0);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigpipe;
	sigaction(SIGPIPE, &sa, NULL);
	tcp_echo_test("IPv4", AF_INET, 0, AF_INET);
	tcp_echo_test("IPv6", AF_INET6, 0, AF_INET6);
	tcp_echo_test("IPv4 client, dual-stack IPv6 server", AF_INET6, 1, AF_INET);
	udp_echo_test(AF_INET);
	udp_echo_test(AF_INET6);
	connections();
	teardown();
	flags_and_options();
	interrupted_accept(1);
	interrupted_accept(0);
	return 0;
}
