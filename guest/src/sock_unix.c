#define _GNU_SOURCE
/* sock_unix: AF_UNIX sockets. socketpair of each type, an echo server thread per type over a
 * path name in /tmp and over an abstract name, the errors of bind/connect/listen/accept,
 * shutdown and what the peer then sees (poll bits, EOF, ECONNRESET, EPIPE and SIGPIPE,
 * MSG_NOSIGNAL), MSG_PEEK, MSG_WAITALL, MSG_TRUNC, MSG_DONTWAIT, SO_RCVTIMEO, options,
 * descriptor passing (SCM_RIGHTS with MSG_CMSG_CLOEXEC, MSG_CTRUNC, descriptors that outlive
 * their sender's copy, a socket sent over itself), credentials (SCM_CREDENTIALS, SO_PEERCRED),
 * nonblocking accept/connect with poll and epoll, and a signal interrupting a blocked receive
 * with and without SA_RESTART. Names carry the pid so runs do not collide. */
#include <errno.h>
#include <stddef.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../include/show.h"
#include "../include/interrupt_retry.h"

static const char *const TYPES[] = { "", "stream", "dgram", "raw", "rdm", "seqpacket" };
static volatile int sigpipes;

static int pollmask(int fd)
{
	struct pollfd p = { fd, POLLIN | POLLOUT | POLLRDHUP | POLLPRI, 0 };
	poll(&p, 1, 0);
	return p.revents;
}

static void showpoll(const char *what, int fd)
{
	int m = pollmask(fd);
	printf("%-48s %s%s%s%s%s\n", what, m & POLLIN ? "IN " : "", m & POLLOUT ? "OUT " : "", m & POLLERR ? "ERR " : "",
	       m & POLLHUP ? "HUP " : "", m & POLLRDHUP ? "RDHUP " : "");
}

static socklen_t pathaddr(struct sockaddr_un *a, const char *tag)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path, sizeof a->sun_path, "/tmp/sock_unix.%d.%s", getpid(), tag);
	return sizeof *a;
}

static socklen_t abstractaddr(struct sockaddr_un *a, const char *tag)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	int n = snprintf(a->sun_path + 1, sizeof a->sun_path - 1, "sock_unix.%d.%s", getpid(), tag);
	return offsetof(struct sockaddr_un, sun_path) + 1 + n;
}

/* ---- echo servers ---------------------------------------------------------------------------- */

struct server {
	int fd;
	int type;
};

/* Accepts one connection (stream, seqpacket) and echoes until EOF; datagrams are echoed to their sender. */
static void *echo_server(void *arg)
{
	struct server *s = arg;
	char buf[4096];
	if (s->type == SOCK_DGRAM) {
		for (;;) {
			struct sockaddr_un from;
			socklen_t fl = sizeof from;
			ssize_t n = recvfrom(s->fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
			if (n <= 0 || (n == 4 && memcmp(buf, "quit", 4) == 0))
				break;
			sendto(s->fd, buf, n, 0, (struct sockaddr *)&from, fl);
		}
		return NULL;
	}
	int c = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0)
		return NULL;
	for (;;) {
		ssize_t n = read(c, buf, sizeof buf);
		if (n <= 0)
			break;
		write(c, buf, n);
	}
	close(c);
	return NULL;
}

static void echo_test(int type, int abstract)
{
	char tag[32], what[80];
	snprintf(tag, sizeof tag, "echo%d", type);
	struct sockaddr_un a, me;
	socklen_t al = abstract ? abstractaddr(&a, tag) : pathaddr(&a, tag);
	const char *kind = abstract ? "abstract" : "path";
	int l = socket(AF_UNIX, type, 0);
	snprintf(what, sizeof what, "%s %s bind", TYPES[type], kind);
	show(what, bind(l, (struct sockaddr *)&a, al));
	if (type != SOCK_DGRAM)
		listen(l, 4);
	struct server srv = { l, type };
	pthread_t t;
	pthread_create(&t, NULL, echo_server, &srv);
	int c = socket(AF_UNIX, type, 0);
	if (type == SOCK_DGRAM) {
		/* A datagram client needs a name of its own to get replies: autobind. */
		memset(&me, 0, sizeof me);
		me.sun_family = AF_UNIX;
		show("dgram client autobind", bind(c, (struct sockaddr *)&me, sizeof(sa_family_t)));
		socklen_t ml = sizeof me;
		getsockname(c, (struct sockaddr *)&me, &ml);
		int hex = ml == 8 && me.sun_path[0] == 0;
		for (int i = 1; i < 6 && hex; i++)
			hex = strchr("0123456789abcdef", me.sun_path[i]) != NULL;
		printf("%-48s %s\n", "autobind name is NUL and five hex digits", hex ? "yes" : "no");
	}
	snprintf(what, sizeof what, "%s %s connect", TYPES[type], kind);
	show(what, connect(c, (struct sockaddr *)&a, al));
	char buf[64];
	const char *msgs[] = { "one", "two two", "three three three" };
	for (int i = 0; i < 3; i++) {
		write(c, msgs[i], strlen(msgs[i]));
		ssize_t n = read(c, buf, sizeof buf - 1);
		buf[n > 0 ? n : 0] = 0;
		printf("%-48s %zd '%s'\n", "echoed", n, buf);
	}
	struct sockaddr_un peer;
	socklen_t pl = sizeof peer;
	getpeername(c, (struct sockaddr *)&peer, &pl);
	printf("%-48s %s\n", "getpeername is the server's name", pl == al && memcmp(&peer, &a, al) == 0 ? "yes" : "no");
	if (type == SOCK_DGRAM)
		write(c, "quit", 4);
	close(c);
	pthread_join(t, NULL);
	close(l);
	if (!abstract) {
		struct stat st;
		show("socket file remains after close, S_ISSOCK", stat(a.sun_path, &st) == 0 && S_ISSOCK(st.st_mode));
		int c2 = socket(AF_UNIX, type, 0);
		show("connect to a closed socket's file", connect(c2, (struct sockaddr *)&a, al));
		close(c2);
		unlink(a.sun_path);
	}
}

/* ---- names and errors ------------------------------------------------------------------------ */

static void names_and_errors(void)
{
	struct sockaddr_un a, b;
	socklen_t al = pathaddr(&a, "names"), bl;
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	bl = sizeof b;
	getsockname(s, (struct sockaddr *)&b, &bl);
	show("getsockname of an unbound socket: length", bl);
	show("getpeername unconnected", getpeername(s, (struct sockaddr *)&b, &bl));
	show("listen unbound", listen(s, 1));
	show("bind path", bind(s, (struct sockaddr *)&a, al));
	bl = sizeof b;
	getsockname(s, (struct sockaddr *)&b, &bl);
	show("getsockname length is 2 + strlen + 1", bl == 2 + strlen(a.sun_path) + 1);
	show("bind again", bind(s, (struct sockaddr *)&a, al));
	int s2 = socket(AF_UNIX, SOCK_STREAM, 0);
	show("bind the same path from another socket", bind(s2, (struct sockaddr *)&a, al));
	struct sockaddr_un bad = a;
	bad.sun_family = AF_INET;
	show("bind with the wrong family", bind(s2, (struct sockaddr *)&bad, al));
	show("bind with a length of 200", bind(s2, (struct sockaddr *)&a, 200));
	int c = socket(AF_UNIX, SOCK_STREAM, 0);
	show("connect to a bound, not listening socket", connect(c, (struct sockaddr *)&a, al));
	int d = socket(AF_UNIX, SOCK_DGRAM, 0);
	show("listen(2) on a datagram socket", listen(d, 1));
	show("accept on a datagram socket", accept(d, NULL, NULL));
	show("connect a datagram socket to a stream socket", connect(d, (struct sockaddr *)&a, al));
	show("listen", listen(s, 1));
	show("connect a listening socket", connect(s, (struct sockaddr *)&a, al));
	struct sockaddr_un missing;
	socklen_t ml = pathaddr(&missing, "missing");
	show("connect to a path that does not exist", connect(c, (struct sockaddr *)&missing, ml));
	ml = abstractaddr(&missing, "missing");
	show("connect to an unbound abstract name", connect(c, (struct sockaddr *)&missing, ml));
	show("connect to /tmp (not a socket)", connect(c, (struct sockaddr *)&(struct sockaddr_un){ AF_UNIX, "/tmp" }, sizeof(struct sockaddr_un)));
	show("open(2) of a socket file", open(a.sun_path, O_RDONLY));
	show("connect", connect(c, (struct sockaddr *)&a, al));
	show("connect again", connect(c, (struct sockaddr *)&a, al));
	show("send with an address on a connected stream", sendto(c, "x", 1, 0, (struct sockaddr *)&a, al));
	struct sockaddr_un abs1;
	socklen_t a1 = abstractaddr(&abs1, "dup");
	int x = socket(AF_UNIX, SOCK_DGRAM, 0), y = socket(AF_UNIX, SOCK_DGRAM, 0);
	show("bind abstract", bind(x, (struct sockaddr *)&abs1, a1));
	show("bind the same abstract name", bind(y, (struct sockaddr *)&abs1, a1));
	close(x);
	show("bind it after the first socket closed", bind(y, (struct sockaddr *)&abs1, a1));
	close(y);
	show("unlink the socket file", unlink(a.sun_path));
	bl = sizeof b;
	getsockname(s, (struct sockaddr *)&b, &bl);
	show("the socket keeps its name after unlink", bl == al - sizeof a.sun_path + strlen(a.sun_path) + 1);
	show("socket(AF_UNIX, 7, 0)", socket(AF_UNIX, 7, 0));
	show("socket(AF_UNIX, SOCK_STREAM, 5)", socket(AF_UNIX, SOCK_STREAM, 5));
	show("socket(99, SOCK_STREAM, 0)", socket(99, SOCK_STREAM, 0));
	show("socket with an unknown type flag", socket(AF_UNIX, SOCK_STREAM | 0x1000, 0));
	int sv[2];
	show("socketpair(AF_INET)", socketpair(AF_INET, SOCK_STREAM, 0, sv));
	int pp[2];
	pipe(pp);
	show("getsockopt on a pipe", getsockopt(pp[0], SOL_SOCKET, SO_TYPE, &(int){ 0 }, &(socklen_t){ 4 }));
	close(pp[0]);
	close(pp[1]);
	close(s); close(s2); close(c); close(d);
}

/* ---- options ------------------------------------------------------------------------------------- */

static void options(void)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_RAW, 0, sv);
	int v = 0;
	socklen_t l = sizeof v;
	getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &l);
	show("SOCK_RAW socketpair has SO_TYPE (SOCK_DGRAM)", v);
	close(sv[0]); close(sv[1]);
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv);
	show("SOCK_NONBLOCK sets O_NONBLOCK", (fcntl(sv[0], F_GETFL) & O_NONBLOCK) != 0);
	show("SOCK_CLOEXEC sets FD_CLOEXEC", fcntl(sv[1], F_GETFD) & FD_CLOEXEC);
	const struct { int opt; const char *name; } ints[] = {
		{ SO_TYPE, "SO_TYPE" }, { SO_DOMAIN, "SO_DOMAIN" }, { SO_PROTOCOL, "SO_PROTOCOL" }, { SO_ERROR, "SO_ERROR" },
		{ SO_ACCEPTCONN, "SO_ACCEPTCONN" }, { SO_SNDBUF, "SO_SNDBUF" }, { SO_RCVBUF, "SO_RCVBUF" },
		{ SO_REUSEADDR, "SO_REUSEADDR" }, { SO_KEEPALIVE, "SO_KEEPALIVE" }, { SO_PASSCRED, "SO_PASSCRED" },
		{ SO_RCVLOWAT, "SO_RCVLOWAT" }, { SO_SNDLOWAT, "SO_SNDLOWAT" },
	};
	for (unsigned i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		char what[64];
		v = -1;
		l = sizeof v;
		long r = getsockopt(sv[0], SOL_SOCKET, ints[i].opt, &v, &l);
		snprintf(what, sizeof what, "getsockopt %s", ints[i].name);
		show(what, r < 0 ? r : v);
	}
	v = 10000;
	show("setsockopt SO_SNDBUF 10000", setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof v));
	l = sizeof v;
	getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, &l);
	show("SO_SNDBUF reads back doubled", v);
	v = 1;
	setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &v, sizeof v);
	getsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &v, &l);
	show("SO_RCVBUF 1 reads back the minimum", v);
	show("setsockopt with optlen 2", setsockopt(sv[0], SOL_SOCKET, SO_REUSEADDR, &v, 2));
	show("setsockopt with a negative optlen", setsockopt(sv[0], SOL_SOCKET, SO_REUSEADDR, &v, -1));
	show("setsockopt SO_TYPE", setsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, sizeof v));
	show("setsockopt unknown option", setsockopt(sv[0], SOL_SOCKET, 9999, &v, sizeof v));
	show("getsockopt IPPROTO_TCP level on AF_UNIX", getsockopt(sv[0], IPPROTO_TCP, 1, &v, &l));
	show("SO_REUSEPORT on AF_UNIX", setsockopt(sv[0], SOL_SOCKET, SO_REUSEPORT, &(int){ 1 }, sizeof(int)));
	l = 2;
	v = 0;
	show("getsockopt with optlen 2", getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &l));
	show("  optlen after", l);
	l = (socklen_t)-1;
	show("getsockopt with a negative optlen", getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &l));
	struct linger lg = { 1, 7 };
	show("setsockopt SO_LINGER", setsockopt(sv[0], SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
	memset(&lg, 0, sizeof lg);
	l = sizeof lg;
	getsockopt(sv[0], SOL_SOCKET, SO_LINGER, &lg, &l);
	printf("%-48s {%d, %d} len %u\n", "SO_LINGER reads back", lg.l_onoff, lg.l_linger, l);
	struct timeval tv = { 0, 200000 };
	show("setsockopt SO_RCVTIMEO 200 ms", setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
	memset(&tv, 0, sizeof tv);
	l = sizeof tv;
	getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, &l);
	printf("%-48s {%ld, %ld}\n", "SO_RCVTIMEO reads back", (long)tv.tv_sec, (long)tv.tv_usec);
	tv.tv_usec = 1000000;
	show("SO_RCVTIMEO with tv_usec 1000000", setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
	struct stat st;
	fstat(sv[0], &st);
	show("fstat: S_ISSOCK", S_ISSOCK(st.st_mode));
	char link[64], path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", sv[0]);
	ssize_t n = readlink(path, link, sizeof link - 1);
	link[n > 0 ? n : 0] = 0;
	show("/proc/self/fd link starts with socket:[", strncmp(link, "socket:[", 8) == 0);
	close(sv[0]); close(sv[1]);
}

/* ---- shutdown and closing ------------------------------------------------------------------------ */

static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

static void shutdown_and_close(int type)
{
	char buf[16], what[80];
	int sv[2];
	printf("-- shutdown, %s\n", TYPES[type]);
	socketpair(AF_UNIX, type, 0, sv);
	showpoll("fresh pair", sv[0]);
	write(sv[1], "abc", 3);
	showpoll("with data", sv[0]);
	show("shutdown SHUT_WR", shutdown(sv[1], SHUT_WR));
	showpoll("peer after SHUT_WR", sv[0]);
	showpoll("self after SHUT_WR", sv[1]);
	show("read the data", recv(sv[0], buf, sizeof buf, MSG_DONTWAIT));
	show("read again", recv(sv[0], buf, sizeof buf, MSG_DONTWAIT));
	sigpipes = 0;
	show("write after SHUT_WR", write(sv[1], "x", 1));
	show("  SIGPIPEs", sigpipes);
	show("send after SHUT_WR with MSG_NOSIGNAL", send(sv[1], "x", 1, MSG_NOSIGNAL));
	show("  SIGPIPEs", sigpipes);
	show("shutdown with how 7", shutdown(sv[0], 7));
	close(sv[0]); close(sv[1]);

	socketpair(AF_UNIX, type, 0, sv);
	write(sv[1], "abc", 3);
	close(sv[0]);
	showpoll("peer closed with our data unread", sv[1]);
	show("read", recv(sv[1], buf, sizeof buf, MSG_DONTWAIT));
	show("read again", recv(sv[1], buf, sizeof buf, MSG_DONTWAIT));
	sigpipes = 0;
	show("write to a closed peer", write(sv[1], "x", 1));
	show("  SIGPIPEs", sigpipes);
	close(sv[1]);

	socketpair(AF_UNIX, type, 0, sv);
	write(sv[0], "abcdef", 6);
	close(sv[0]);
	showpoll("peer closed, its data waiting for us", sv[1]);
	show("read", recv(sv[1], buf, sizeof buf, MSG_DONTWAIT));
	close(sv[1]);

	socketpair(AF_UNIX, type, 0, sv);
	show("shutdown SHUT_RD", shutdown(sv[0], SHUT_RD));
	showpoll("self after SHUT_RD", sv[0]);
	showpoll("peer after SHUT_RD", sv[1]);
	snprintf(what, sizeof what, "write to a peer that shut down reading");
	show(what, send(sv[1], "x", 1, MSG_NOSIGNAL));
	close(sv[0]); close(sv[1]);

	socketpair(AF_UNIX, type, 0, sv);
	shutdown(sv[0], SHUT_RDWR);
	showpoll("self after SHUT_RDWR", sv[0]);
	showpoll("peer after SHUT_RDWR", sv[1]);
	close(sv[0]); close(sv[1]);
}

/* ---- receive flags ----------------------------------------------------------------------------- */

struct writer {
	int fd;
	int pieces;
};

static void *slow_writer(void *arg)
{
	struct writer *w = arg;
	for (int i = 0; i < w->pieces; i++) {
		settle();
		write(w->fd, "ab", 2);
	}
	return NULL;
}

static void receive_flags(void)
{
	char buf[64];
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	write(sv[0], "hello", 5);
	write(sv[0], " world", 6);
	show("MSG_PEEK", recv(sv[1], buf, sizeof buf, MSG_PEEK));
	show("MSG_PEEK of 3", recv(sv[1], buf, 3, MSG_PEEK));
	show("SIOCINQ", ioctl(sv[1], FIONREAD, &(int){ 0 }) == 0 ? ({ int q; ioctl(sv[1], FIONREAD, &q); q; }) : -1);
	show("read of 4", recv(sv[1], buf, 4, 0));
	show("read the rest (both writes merge)", recv(sv[1], buf, sizeof buf, 0));
	show("MSG_DONTWAIT on an empty stream", recv(sv[1], buf, sizeof buf, MSG_DONTWAIT));
	struct writer w = { sv[0], 3 };
	pthread_t t;
	pthread_create(&t, NULL, slow_writer, &w);
	show("MSG_WAITALL of 6 over three writes", recv(sv[1], buf, 6, MSG_WAITALL));
	pthread_join(t, NULL);
	struct timeval tv = { 0, 100000 };
	setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	show("read with SO_RCVTIMEO and nothing sent", read(sv[1], buf, sizeof buf));
	close(sv[0]); close(sv[1]);

	for (int type = SOCK_DGRAM; type <= SOCK_SEQPACKET; type += SOCK_SEQPACKET - SOCK_DGRAM) {
		char what[80];
		socketpair(AF_UNIX, type, 0, sv);
		write(sv[0], "abcdef", 6);
		write(sv[0], "gh", 2);
		snprintf(what, sizeof what, "%s: read of 3 from a 6-byte message", TYPES[type]);
		show(what, recv(sv[1], buf, 3, 0));
		show("next read gets the next message", recv(sv[1], buf, sizeof buf, 0));
		write(sv[0], "abcdef", 6);
		struct iovec iov = { buf, 3 };
		struct msghdr m = { 0 };
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		show("recvmsg MSG_TRUNC returns the full length", recvmsg(sv[1], &m, MSG_TRUNC));
		show("  msg_flags has MSG_TRUNC", (m.msg_flags & MSG_TRUNC) != 0);
		write(sv[0], "", 0);
		show("a zero-length message", recv(sv[1], buf, sizeof buf, MSG_DONTWAIT));
		show("MSG_WAITALL returns one message", (write(sv[0], "xy", 2), recv(sv[1], buf, 10, MSG_WAITALL)));
		close(sv[0]); close(sv[1]);
	}

	int d = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct sockaddr_un a;
	socklen_t al = abstractaddr(&a, "qlen");
	bind(d, (struct sockaddr *)&a, al);
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	int sent = 0;
	while (sendto(s, "x", 1, 0, (struct sockaddr *)&a, al) == 1)
		sent++;
	printf("%-48s %d then %s\n", "datagrams to an unconnected receiver", sent, strerrorname_np(errno));
	static char big[300000];
	show("a datagram larger than SO_SNDBUF", send(sv[0] = socket(AF_UNIX, SOCK_DGRAM, 0), big, sizeof big, 0));
	close(sv[0]);
	close(d); close(s);
}

/* ---- sendmmsg, recvmmsg, SO_SNDTIMEO ------------------------------------------------------------ */

static void batches_and_send_timeouts(void)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	struct mmsghdr out[3], in[4];
	struct iovec oiov[3], iiov[4];
	const char *words[] = { "alpha", "be", "gamma" };
	char bufs[4][16];
	memset(out, 0, sizeof out);
	memset(in, 0, sizeof in);
	for (int i = 0; i < 3; i++) {
		oiov[i] = (struct iovec){ (void *)words[i], strlen(words[i]) };
		out[i].msg_hdr.msg_iov = &oiov[i];
		out[i].msg_hdr.msg_iovlen = 1;
	}
	for (int i = 0; i < 4; i++) {
		iiov[i] = (struct iovec){ bufs[i], sizeof bufs[i] };
		in[i].msg_hdr.msg_iov = &iiov[i];
		in[i].msg_hdr.msg_iovlen = 1;
	}
	show("sendmmsg of three datagrams", sendmmsg(sv[0], out, 3, 0));
	printf("%-48s %u %u %u\n", "  msg_len of each", out[0].msg_len, out[1].msg_len, out[2].msg_len);
	show("recvmmsg of up to four, MSG_WAITFORONE", recvmmsg(sv[1], in, 4, MSG_WAITFORONE, NULL));
	printf("%-48s %u %u %u\n", "  msg_len of each", in[0].msg_len, in[1].msg_len, in[2].msg_len);
	show("recvmmsg MSG_DONTWAIT with nothing queued", recvmmsg(sv[1], in, 4, MSG_DONTWAIT, NULL));
	close(sv[0]);
	close(sv[1]);

	/* A stream send with SO_SNDTIMEO: what fits is sent, then the rest times out. */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	struct timeval tv = { 0, 100000 };
	show("setsockopt SO_SNDTIMEO 100 ms", setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv));
	static char big[4 << 20];
	ssize_t n = send(sv[0], big, sizeof big, 0);
	printf("%-48s %s\n", "a send larger than the buffer returns", n > 0 && n < (ssize_t)sizeof big ? "a partial count" : "something else");
	show("the next send times out", send(sv[0], big, sizeof big, 0));
	close(sv[0]);
	close(sv[1]);
}

/* ---- descriptor passing and credentials --------------------------------------------------------- */

static int send_fds(int s, const int *fds, int n, const char *data)
{
	char ctl[CMSG_SPACE(sizeof(int) * 8)];
	memset(ctl, 0, sizeof ctl);
	struct iovec iov = { (void *)data, strlen(data) };
	struct msghdr m = { 0 };
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = ctl;
	m.msg_controllen = CMSG_SPACE(sizeof(int) * n);
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * n);
	memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
	return sendmsg(s, &m, 0);
}

/* Receives into buf with room for `room` descriptors; returns the count and fills fds. */
static int recv_fds(int s, int *fds, int room, int flags, int *nfds, int *mflags)
{
	char buf[64];
	char ctl[CMSG_SPACE(sizeof(int) * 8)];
	struct iovec iov = { buf, sizeof buf };
	struct msghdr m = { 0 };
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = room >= 0 ? ctl : NULL;
	m.msg_controllen = room > 0 ? CMSG_SPACE(sizeof(int) * room) : room == 0 ? sizeof(struct cmsghdr) : 0;
	int r = recvmsg(s, &m, flags);
	*nfds = 0;
	*mflags = m.msg_flags;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			int k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			memcpy(fds + *nfds, CMSG_DATA(c), sizeof(int) * k);
			*nfds += k;
		}
	}
	return r;
}

static void fd_passing(void)
{
	int sv[2], p[2], fds[8], n, mf;
	char buf[32];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pipe(p);
	show("sendmsg SCM_RIGHTS with a pipe's write end", send_fds(sv[0], &p[1], 1, "fd"));
	close(p[1]);
	show("recvmsg with MSG_CMSG_CLOEXEC", recv_fds(sv[1], fds, 4, MSG_CMSG_CLOEXEC, &n, &mf));
	show("  descriptors received", n);
	show("  the new fd has FD_CLOEXEC", fcntl(fds[0], F_GETFD) & FD_CLOEXEC);
	show("write through the received fd", write(fds[0], "via fd", 6));
	memset(buf, 0, sizeof buf);
	show("read from the pipe", read(p[0], buf, sizeof buf));
	close(fds[0]);
	show("EOF once the received copy is closed", read(p[0], buf, sizeof buf));
	close(p[0]);

	/* A descriptor in flight keeps its file open after the sender closes its copy; closing the
	 * receiving socket with it still queued closes it. */
	pipe(p);
	send_fds(sv[0], &p[1], 1, "x");
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	show("pipe read while its writer is in flight", read(p[0], buf, sizeof buf));
	close(sv[1]);
	show("pipe read after the receiver closed", read(p[0], buf, sizeof buf));
	close(p[0]);
	close(sv[0]);

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	int three[3];
	pipe(p);
	three[0] = p[0];
	three[1] = p[1];
	three[2] = sv[0];
	send_fds(sv[0], three, 3, "three");
	show("recvmsg with room for one descriptor", recv_fds(sv[1], fds, 1, 0, &n, &mf));
	show("  descriptors received", n);
	show("  MSG_CTRUNC", (mf & MSG_CTRUNC) != 0);
	close(fds[0]);
	send_fds(sv[0], three, 2, "two");
	show("recv (no control buffer) drops descriptors", recv(sv[1], buf, sizeof buf, 0));
	send_fds(sv[0], three, 2, "peek");
	show("MSG_PEEK gets descriptors too", recv_fds(sv[1], fds, 4, MSG_PEEK, &n, &mf));
	show("  descriptors received", n);
	close(fds[0]); close(fds[1]);
	show("then the real receive", recv_fds(sv[1], fds, 4, 0, &n, &mf));
	show("  descriptors received", n);
	close(fds[0]); close(fds[1]);
	write(sv[0], "ab", 2);
	send_fds(sv[0], three, 1, "cd");
	write(sv[0], "ef", 2);
	show("a read stops after the data carrying descriptors", recv_fds(sv[1], fds, 4, 0, &n, &mf));
	close(fds[0]);
	show("  the next read gets the rest", recv(sv[1], buf, sizeof buf, 0));
	close(p[0]); close(p[1]);
	show("SCM_RIGHTS with a closed fd", send_fds(sv[0], &(int){ 999 }, 1, "bad"));

	/* A socket sent over itself and then closed is a cycle nobody can receive: it is collected,
	 * and its peer sees the connection end. */
	int x[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, x);
	send_fds(x[0], &x[1], 1, "self");
	close(x[1]);
	int sv2[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv2);
	send_fds(sv2[0], &sv2[0], 1, "loop");
	send_fds(sv2[1], &sv2[1], 1, "loop");
	close(sv2[0]);
	close(sv2[1]);
	int watch[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, watch);
	int cyc[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, cyc);
	send_fds(cyc[0], &watch[1], 1, "w");
	send_fds(cyc[0], &cyc[0], 1, "c");
	send_fds(cyc[1], &cyc[1], 1, "c");
	close(watch[1]);
	showpoll("watcher while the cycle is open", watch[0]);
	close(cyc[0]);
	close(cyc[1]);
	/* Linux collects cycles from a work queue that the release of any unix socket schedules, so
	 * release one, and give the watcher time to see the hang-up. */
	int kick[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, kick);
	close(kick[0]);
	close(kick[1]);
	struct pollfd pw = { watch[0], POLLRDHUP, 0 };
	show("watcher sees its peer go once the cycle is collected", poll(&pw, 1, 5000));
	close(watch[0]);
	close(x[0]);
	close(sv[0]); close(sv[1]);
}

static void credentials(void)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	struct ucred c;
	socklen_t l = sizeof c;
	show("SO_PEERCRED on a socketpair", getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &c, &l));
	printf("%-48s %s\n", "  is our pid, euid, egid", c.pid == getpid() && c.uid == geteuid() && c.gid == getegid() ? "yes" : "no");
	int u = socket(AF_UNIX, SOCK_STREAM, 0);
	l = sizeof c;
	getsockopt(u, SOL_SOCKET, SO_PEERCRED, &c, &l);
	printf("%-48s {%d, %d, %d}\n", "SO_PEERCRED unconnected", c.pid, (int)c.uid, (int)c.gid);
	close(u);
	show("SO_PASSCRED on", setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &(int){ 1 }, sizeof(int)));
	write(sv[0], "who", 3);
	char buf[16], ctl[CMSG_SPACE(sizeof(struct ucred))];
	struct iovec iov = { buf, sizeof buf };
	struct msghdr m = { 0 };
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = ctl;
	m.msg_controllen = sizeof ctl;
	show("recvmsg", recvmsg(sv[1], &m, 0));
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
	int ok = cm && cm->cmsg_type == SCM_CREDENTIALS;
	if (ok) {
		memcpy(&c, CMSG_DATA(cm), sizeof c);
		ok = c.pid == getpid() && c.uid == getuid() && c.gid == getgid();
	}
	printf("%-48s %s\n", "  SCM_CREDENTIALS is our pid, uid, gid", ok ? "yes" : "no");
	/* Explicit credentials that are our own are accepted. */
	struct ucred mine = { getpid(), getuid(), getgid() };
	char sctl[CMSG_SPACE(sizeof mine)];
	memset(sctl, 0, sizeof sctl);
	struct iovec siov = { "me", 2 };
	struct msghdr sm = { 0 };
	sm.msg_iov = &siov;
	sm.msg_iovlen = 1;
	sm.msg_control = sctl;
	sm.msg_controllen = sizeof sctl;
	struct cmsghdr *sc = CMSG_FIRSTHDR(&sm);
	sc->cmsg_level = SOL_SOCKET;
	sc->cmsg_type = SCM_CREDENTIALS;
	sc->cmsg_len = CMSG_LEN(sizeof mine);
	memcpy(CMSG_DATA(sc), &mine, sizeof mine);
	show("sendmsg with our own SCM_CREDENTIALS", sendmsg(sv[0], &sm, 0));
	sc->cmsg_len = CMSG_LEN(sizeof mine) - 1;
	show("SCM_CREDENTIALS with a short length", sendmsg(sv[0], &sm, 0));
	m.msg_controllen = sizeof ctl;
	show("recvmsg", recvmsg(sv[1], &m, 0));
	close(sv[0]); close(sv[1]);

	/* SO_PEERCRED across connect/accept. */
	struct sockaddr_un a;
	socklen_t al = abstractaddr(&a, "cred");
	int l2 = socket(AF_UNIX, SOCK_STREAM, 0);
	bind(l2, (struct sockaddr *)&a, al);
	listen(l2, 1);
	int cl = socket(AF_UNIX, SOCK_STREAM, 0);
	connect(cl, (struct sockaddr *)&a, al);
	int sr = accept(l2, NULL, NULL);
	l = sizeof c;
	getsockopt(sr, SOL_SOCKET, SO_PEERCRED, &c, &l);
	printf("%-48s %s\n", "SO_PEERCRED of an accepted socket is ours", c.pid == getpid() && c.uid == geteuid() ? "yes" : "no");
	l = sizeof c;
	getsockopt(cl, SOL_SOCKET, SO_PEERCRED, &c, &l);
	printf("%-48s %s\n", "SO_PEERCRED of the client (the listener's)", c.pid == getpid() && c.uid == geteuid() ? "yes" : "no");
	close(cl); close(sr); close(l2);
}

/* ---- nonblocking connect and accept, poll and epoll -------------------------------------------- */

static void nonblocking(void)
{
	struct sockaddr_un a;
	socklen_t al = abstractaddr(&a, "nb");
	int l = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	bind(l, (struct sockaddr *)&a, al);
	listen(l, 1);
	show("nonblocking accept with nothing pending", accept(l, NULL, NULL));
	int ep = epoll_create1(0);
	struct epoll_event ev = { EPOLLIN, { .u32 = 7 } }, out;
	epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev);
	show("epoll_wait on the listener, nothing pending", epoll_wait(ep, &out, 1, 0));
	int c[4];
	for (int i = 0; i < 4; i++) {
		char what[64];
		c[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		snprintf(what, sizeof what, "nonblocking connect %d (backlog 1)", i);
		show(what, connect(c[i], (struct sockaddr *)&a, al));
	}
	show("epoll_wait after connects", epoll_wait(ep, &out, 1, 0));
	show("  data", out.data.u32);
	showpoll("listener", l);
	showpoll("a connected client", c[0]);
	int s = accept4(l, NULL, NULL, SOCK_NONBLOCK);
	show("accept4 SOCK_NONBLOCK", s >= 0);
	show("  the accepted socket is nonblocking", (fcntl(s, F_GETFL) & O_NONBLOCK) != 0);
	show("connect again once the backlog has room", connect(c[2], (struct sockaddr *)&a, al));
	int ep2 = epoll_create1(0);
	struct epoll_event ev2 = { EPOLLIN | EPOLLRDHUP | EPOLLET, { .u32 = 9 } };
	epoll_ctl(ep2, EPOLL_CTL_ADD, s, &ev2);
	show("epoll on the accepted socket, nothing sent", epoll_wait(ep2, &out, 1, 0));
	write(c[0], "hi", 2);
	show("after the client writes", epoll_wait(ep2, &out, 1, 0));
	printf("%-48s %s%s\n", "  events", out.events & EPOLLIN ? "IN " : "", out.events & EPOLLRDHUP ? "RDHUP " : "");
	show("edge-triggered: no second report", epoll_wait(ep2, &out, 1, 0));
	close(c[0]);
	show("after the client closes", epoll_wait(ep2, &out, 1, 0));
	printf("%-48s %s%s%s\n", "  events", out.events & EPOLLIN ? "IN " : "", out.events & EPOLLRDHUP ? "RDHUP " : "",
	       out.events & EPOLLHUP ? "HUP " : "");
	fd_set rs, ws;
	FD_ZERO(&rs);
	FD_ZERO(&ws);
	FD_SET(s, &rs);
	FD_SET(c[1], &ws);
	struct timeval tv = { 0, 0 };
	show("select: readable accepted socket, writable client", select(64, &rs, &ws, NULL, &tv));
	for (int i = 1; i < 4; i++)
		close(c[i]);
	close(s); close(l); close(ep); close(ep2);
}

/* ---- a signal interrupting a blocked receive --------------------------------------------------- */

struct blocked {
	int fd;
	int flags;
	int waitall;
	struct blocked_call c;
};

static void *blocked_recv(void *arg)
{
	struct blocked *b = arg;
	char buf[16];
	call_announce(&b->c);
	call_done(&b->c, recv(b->fd, buf, 8, b->flags));
	return NULL;
}

/* One attempt: a thread blocks in recv, and is signalled `pause` after it announced the call. */
static int interrupt_attempt(long long pause, void *arg)
{
	struct blocked *b = arg;
	int waitall = b->waitall;
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	*b = (struct blocked){ sv[1], waitall ? MSG_WAITALL : 0, waitall, { 0, 0, 0, 0 } };
	pthread_t t;
	usr1s = 0;
	pthread_create(&t, NULL, blocked_recv, b);
	if (waitall) {
		/* Half of what it waits for: the thread consumes it and sleeps for the rest. */
		write(sv[0], "half", 4);
		int q = 1;
		while (q > 0) {
			settle();
			ioctl(sv[1], FIONREAD, &q);
		}
	}
	signal_blocked(t, &b->c, pause);
	settle();
	write(sv[0], "rest", 4);
	pthread_join(t, NULL);
	close(sv[0]);
	close(sv[1]);
	return b->c.runs_before == 0;
}

/* A signal interrupting a blocked recv; a run the signal reached before the call is repeated
 * with a longer pause, so a slow or loaded machine gives the same output. */
static void interrupted(int restart, int waitall)
{
	struct blocked b = { .waitall = waitall };
	interrupt_retry(restart, interrupt_attempt, &b);
	printf("%-48s %ld %s (handler ran %d)\n", waitall ? (restart ? "MSG_WAITALL recv, SA_RESTART" : "MSG_WAITALL recv, no SA_RESTART")
	       : (restart ? "recv, SA_RESTART" : "recv, no SA_RESTART"), b.c.r, b.c.r < 0 ? strerrorname_np(b.c.err) : "", usr1s);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigpipe;
	sigaction(SIGPIPE, &sa, NULL);
	puts("== echo");
	echo_test(SOCK_STREAM, 0);
	echo_test(SOCK_STREAM, 1);
	echo_test(SOCK_SEQPACKET, 0);
	echo_test(SOCK_DGRAM, 0);
	echo_test(SOCK_DGRAM, 1);
	puts("== names and errors");
	names_and_errors();
	puts("== options");
	options();
	puts("== shutdown");
	shutdown_and_close(SOCK_STREAM);
	shutdown_and_close(SOCK_DGRAM);
	shutdown_and_close(SOCK_SEQPACKET);
	puts("== receive flags");
	receive_flags();
	puts("== batches and send timeouts");
	batches_and_send_timeouts();
	puts("== descriptor passing");
	fd_passing();
	puts("== credentials");
	credentials();
	puts("== nonblocking");
	nonblocking();
	puts("== signals");
	interrupted(1, 0);
	interrupted(0, 0);
	interrupted(1, 1);
	interrupted(0, 1);
	return 0;
}
