#define _GNU_SOURCE
/* sock_peer: one end of a TCP or UDP exchange with a program outside the guest.
 *   sock_peer serve          listen on 127.0.0.1 (port chosen by the kernel), print "port N",
 *                            accept one connection, answer each line in upper case until EOF
 *   sock_peer fetch PORT     connect to 127.0.0.1:PORT, send "hello\n", print the reply line
 *   sock_peer udp PORT       send "ping" to 127.0.0.1:PORT over UDP, print the reply
 *   sock_peer self           serve on one thread and fetch from another (needs nobody else) */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int listener(void)
{
	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { AF_INET, 0, { htonl(INADDR_LOOPBACK) } };
	socklen_t al = sizeof a;
	if (bind(l, (struct sockaddr *)&a, al) < 0 || listen(l, 1) < 0 || getsockname(l, (struct sockaddr *)&a, &al) < 0) {
		perror("listen");
		exit(1);
	}
	return l;
}

static int port_of(int fd)
{
	struct sockaddr_in a;
	socklen_t al = sizeof a;
	getsockname(fd, (struct sockaddr *)&a, &al);
	return ntohs(a.sin_port);
}

/* Accepts one connection and answers each chunk in upper case until EOF. */
static void serve(int l)
{
	int c = accept(l, NULL, NULL);
	char buf[256];
	ssize_t n;
	while ((n = read(c, buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			buf[i] = toupper((unsigned char)buf[i]);
		write(c, buf, n);
	}
	close(c);
	printf("served\n");
}

/* Connects, sends hello, and returns the whole reply (a static buffer). */
static const char *fetch(int port)
{
	int c = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { AF_INET, htons(port), { htonl(INADDR_LOOPBACK) } };
	if (connect(c, (struct sockaddr *)&a, sizeof a) < 0) {
		perror("connect");
		exit(1);
	}
	write(c, "hello\n", 6);
	shutdown(c, SHUT_WR);
	static char buf[256];
	ssize_t n, got = 0;
	while ((n = read(c, buf + got, sizeof buf - 1 - got)) > 0)
		got += n;
	buf[got] = 0;
	close(c);
	return buf;
}

static void *serve_thread(void *arg)
{
	serve(*(int *)arg);
	return NULL;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && strcmp(argv[1], "serve") == 0) {
		int l = listener();
		printf("port %d\n", port_of(l));
		serve(l);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "fetch") == 0) {
		printf("reply %s", fetch(atoi(argv[2])));
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "udp") == 0) {
		int u = socket(AF_INET, SOCK_DGRAM, 0);
		struct sockaddr_in a = { AF_INET, htons(atoi(argv[2])), { htonl(INADDR_LOOPBACK) } };
		sendto(u, "ping", 4, 0, (struct sockaddr *)&a, sizeof a);
		char buf[64];
		ssize_t n = recv(u, buf, sizeof buf - 1, 0);
		buf[n > 0 ? n : 0] = 0;
		printf("udp reply %s\n", buf);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "self") == 0) {
		int l = listener();
		pthread_t t;
		pthread_create(&t, NULL, serve_thread, &l);
		const char *reply = fetch(port_of(l));
		pthread_join(t, NULL);
		printf("reply %s", reply);
		return 0;
	}
	fprintf(stderr, "usage: sock_peer serve | fetch PORT | udp PORT | self\n");
	return 2;
}
