/* getrandom: derived facts about getrandom(2) results, never the random bytes themselves. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

/* Bigger than one 256-byte chunk, which Linux guarantees not to split for urandom. */
#define BIG 65536

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

int main(void)
{
	unsigned char a[16] = { 0 }, b[16] = { 0 };
	ssize_t r = getrandom(a, sizeof a, 0);
	printf("getrandom: %zd bytes, not all zero: %s\n", r, all_zero(a, sizeof a) ? "no" : "yes");
	r = getrandom(b, sizeof b, GRND_NONBLOCK);
	printf("GRND_NONBLOCK: %zd bytes, differs from the first: %s\n", r, memcmp(a, b, sizeof a) ? "yes" : "no");
	static unsigned char big[BIG];
	r = getrandom(big, sizeof big, 0);
	int seen[256] = { 0 }, distinct = 0;
	for (size_t i = 0; i < sizeof big; i++)
		if (!seen[big[i]]++)
			distinct++;
	printf("64 KiB request: %s, all 256 byte values seen: %s\n", r == BIG ? "full" : r > 0 ? "partial" : "failed",
	       distinct == 256 ? "yes" : "no");
	r = getrandom(a, 0, 0);
	printf("zero-length: %zd\n", r);
	r = getrandom(a, sizeof a, 0x80);
	printf("unknown flag: %zd %s\n", r, r < 0 ? strerror(errno) : "");
	void *volatile null_buffer = NULL; /* volatile: keeps the compiler from flagging the NULL */
	r = getrandom(null_buffer, 16, 0);
	printf("NULL buffer: %zd %s\n", r, r < 0 ? strerror(errno) : "");
	r = getrandom(a, sizeof a, GRND_RANDOM);
	printf("GRND_RANDOM: %s\n", r > 0 ? "some bytes" : strerror(errno));
	return 0;
}
