/* cat: copies stdin to stdout with read/write, then reports the byte count on stderr. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

/* Small enough to force several reads for multi-kilobyte input. */
#define CHUNK 1024

int main(void)
{
	char buf[CHUNK];
	long total = 0;
	for (;;) {
		ssize_t n = read(0, buf, sizeof buf);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("read");
			return 1;
		}
		if (n == 0)
			break;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(1, buf + off, n - off);
			if (w < 0) {
				perror("write");
				return 1;
			}
			off += w;
		}
		total += n;
	}
	fprintf(stderr, "cat: %ld bytes\n", total);
	return 0;
}
