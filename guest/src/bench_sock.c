#define _GNU_SOURCE
/* bench_sock: socket benchmarks between two threads over the loopback.
 *   bench_sock stream MIB    a TCP connection carries MIB mebibytes one way (64 KiB writes)
 *   bench_sock rr N          N one-byte round trips over TCP (TCP_NODELAY)
 *   bench_sock unix-rr N     N one-byte round trips over an AF_UNIX stream socketpair
 * It prints what it moved on stdout and, from its own clock, the rate on stderr. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Size of each write of the stream test. */
#define CHUNK 65536

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Connects a TCP pair over 127.0.0.1: *client and *server. */
static void tcp_pair(int *client, int *server)
{
	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { AF_INET, 0, { htonl(INADDR_LOOPBACK) } };
	socklen_t al = sizeof a;
	if (bind(l, (struct sockaddr *)&a, al) < 0 || listen(l, 1) < 0) {
		perror("listen");
		exit(1);
	}
	getsockname(l, (struct sockaddr *)&a, &al);
	*client = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(*client, (struct sockaddr *)&a, al) < 0) {
		perror("connect");
		exit(1);
	}
	*server = accept(l, NULL, NULL);
	close(l);
	int one = 1;
	setsockopt(*client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	setsockopt(*server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static void *drain(void *arg)
{
	int fd = *(int *)arg;
	static char buf[CHUNK];
	long total = 0;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n <= 0)
			break;
		total += n;
	}
	return (void *)total;
}

static void *echo_byte(void *arg)
{
	int fd = *(int *)arg;
	char c;
	while (read(fd, &c, 1) == 1)
		write(fd, &c, 1);
	return NULL;
}

/* One-byte ping-pong n times over (a, b); returns seconds. */
static double round_trips(int a, int b, long n)
{
	pthread_t t;
	pthread_create(&t, NULL, echo_byte, &b);
	double t0 = now();
	char c = 'x';
	for (long i = 0; i < n; i++) {
		if (write(a, &c, 1) != 1 || read(a, &c, 1) != 1) {
			fprintf(stderr, "round trip %ld failed\n", i);
			exit(1);
		}
	}
	double dt = now() - t0;
	shutdown(a, SHUT_WR);
	pthread_join(t, NULL);
	return dt;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: bench_sock stream MIB | rr N | unix-rr N\n");
		return 2;
	}
	long n = atol(argv[2]);
	int a, b;
	if (strcmp(argv[1], "stream") == 0) {
		tcp_pair(&a, &b);
		pthread_t t;
		pthread_create(&t, NULL, drain, &b);
		static char buf[CHUNK];
		memset(buf, 's', sizeof buf);
		long want = n << 20;
		double t0 = now();
		for (long sent = 0; sent < want;) {
			ssize_t w = write(a, buf, sizeof buf);
			if (w <= 0) {
				perror("write");
				return 1;
			}
			sent += w;
		}
		shutdown(a, SHUT_WR);
		void *got;
		pthread_join(t, &got);
		double dt = now() - t0;
		printf("stream: %ld MiB received\n", (long)got >> 20);
		fprintf(stderr, "stream: %.3f s, %.1f MiB/s\n", dt, n / dt);
		return (long)got == want ? 0 : 1;
	}
	if (strcmp(argv[1], "rr") == 0) {
		tcp_pair(&a, &b);
	} else if (strcmp(argv[1], "unix-rr") == 0) {
		int sv[2];
		socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
		a = sv[0];
		b = sv[1];
	} else {
		fprintf(stderr, "bench_sock: unknown mode %s\n", argv[1]);
		return 2;
	}
	double dt = round_trips(a, b, n);
	printf("%s: %ld round trips\n", argv[1], n);
	fprintf(stderr, "%s: %.3f s, %.0f per second\n", argv[1], dt, n / dt);
	return 0;
}
