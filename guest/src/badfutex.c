#define _GNU_SOURCE
/* badfutex: futex with bad arguments: an unaligned word (EINVAL), an unmapped word (EFAULT), an
 * unknown or removed command (ENOSYS), FUTEX_CLOCK_REALTIME with plain FUTEX_WAIT (ENOSYS), a zero
 * bitset (EINVAL), a bad timeout (EINVAL), a value that does not match (EAGAIN), a timeout that
 * expires (ETIMEDOUT), and UNLOCK_PI of a lock we do not own (EPERM). */
#include <errno.h>
#include <linux/futex.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define SHOW_WIDTH 52
#include "../include/show.h"

/* A futex command number that Linux has never assigned. */
#define BAD_FUTEX_CMD 99
/* FUTEX_FD was removed in Linux 2.6.26. */
#define FUTEX_FD_CMD 2
#define SHORT_TIMEOUT_NS 1000000

static long futex(void *uaddr, int op, unsigned val, const struct timespec *ts, void *uaddr2, unsigned val3)
{
	return syscall(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}

static uint32_t words[4];

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	char *unaligned = (char *)&words[1] + 1;
	long page = sysconf(_SC_PAGESIZE);
	void *ro = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* a page that certainly is not mapped: map one, then unmap it (and map nothing after) */
	void *gone = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(gone, page);
	struct timespec short_ts = { 0, SHORT_TIMEOUT_NS }, bad_ts = { 0, 1000000000 }, neg_ts = { -1, 0 };

	show("FUTEX_WAIT on an unaligned word", futex(unaligned, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0));
	show("FUTEX_WAKE on an unaligned word", futex(unaligned, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
	show("FUTEX_WAIT on an unmapped word", futex(gone, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0));
	show("FUTEX_WAIT on NULL", futex(NULL, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0));
	show("FUTEX_WAKE on an unmapped word (nobody waits)", futex(gone, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
	show("FUTEX_WAIT on a read-only word, value differs", futex(ro, FUTEX_WAIT_PRIVATE, 1, &short_ts, NULL, 0));
	show("unknown command 99", futex(&words[0], BAD_FUTEX_CMD, 0, NULL, NULL, 0));
	show("FUTEX_FD (removed)", futex(&words[0], FUTEX_FD_CMD, 0, NULL, NULL, 0));
	show("FUTEX_WAIT|FUTEX_CLOCK_REALTIME", futex(&words[0], FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 0, &short_ts, NULL, 0));
	show("FUTEX_WAKE|FUTEX_CLOCK_REALTIME", futex(&words[0], FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0));
	show("FUTEX_WAIT_BITSET with bitset 0", futex(&words[0], FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, NULL, 0));
	show("FUTEX_WAKE_BITSET with bitset 0", futex(&words[0], FUTEX_WAKE_BITSET_PRIVATE, 1, NULL, NULL, 0));
	show("FUTEX_WAIT with tv_nsec 1e9", futex(&words[0], FUTEX_WAIT_PRIVATE, 0, &bad_ts, NULL, 0));
	show("FUTEX_WAIT with a negative timeout", futex(&words[0], FUTEX_WAIT_PRIVATE, 0, &neg_ts, NULL, 0));
	show("FUTEX_WAIT with an unmapped timeout", futex(&words[0], FUTEX_WAIT_PRIVATE, 0, gone, NULL, 0));
	words[0] = 5;
	show("FUTEX_WAIT, value differs", futex(&words[0], FUTEX_WAIT_PRIVATE, 4, NULL, NULL, 0));
	show("FUTEX_WAIT, value matches, timeout expires", futex(&words[0], FUTEX_WAIT_PRIVATE, 5, &short_ts, NULL, 0));
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	show("FUTEX_WAIT_BITSET, absolute deadline in the past",
	     futex(&words[0], FUTEX_WAIT_BITSET_PRIVATE, 5, &now, NULL, FUTEX_BITSET_MATCH_ANY));
	show("FUTEX_WAKE with nobody waiting", futex(&words[0], FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
	show("FUTEX_CMP_REQUEUE, value differs", futex(&words[0], FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1, &words[2], 4));
	show("FUTEX_CMP_REQUEUE onto the same word", futex(&words[0], FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1, &words[0], 5));
	show("FUTEX_CMP_REQUEUE with a negative count", futex(&words[0], FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)-1, &words[2], 5));
	words[2] = 0;
	show("FUTEX_UNLOCK_PI of an unowned lock", futex(&words[2], FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0));
	show("FUTEX_TRYLOCK_PI of a free lock", futex(&words[2], FUTEX_TRYLOCK_PI_PRIVATE, 0, NULL, NULL, 0));
	printf("  the word holds our tid: %s\n", words[2] == (uint32_t)syscall(SYS_gettid) ? "yes" : "no");
	show("FUTEX_LOCK_PI of a lock we hold", futex(&words[2], FUTEX_LOCK_PI_PRIVATE, 0, NULL, NULL, 0));
	show("FUTEX_UNLOCK_PI of a lock we hold", futex(&words[2], FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0));
	printf("  the word after unlock: %u\n", words[2]);
	printf("done\n");
	return 0;
}
