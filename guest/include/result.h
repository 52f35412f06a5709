/* result(): prints "what: r", and errno's name after it when the call failed (r < 0), as the
 * threads and timers programs report every call. The program defines _GNU_SOURCE (for
 * strerrorname_np) before its first include. */
#ifndef RESULT_H
#define RESULT_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Prints a call's result and, when it failed, its errno name (read after the call returned). */
static void result(const char *what, long r)
{
	if (r < 0)
		printf("%s: %ld %s\n", what, r, strerrorname_np(errno));
	else
		printf("%s: %ld\n", what, r);
}

#endif
