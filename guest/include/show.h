/* show(): prints what a call was for in a column SHOW_WIDTH wide (48 unless the program defines
 * another before including this), then its result, or "-1" and errno's name when it failed, as
 * the error-path programs (badfutex, badsignal, sock_inet, sock_unix) report every call. The
 * program defines _GNU_SOURCE (for strerrorname_np) before its first include. */
#ifndef SHOW_H
#define SHOW_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

#ifndef SHOW_WIDTH
#define SHOW_WIDTH 48
#endif

/* Prints a call's result r (errno is read when r is negative). */
static void show(const char *what, long r)
{
	if (r < 0)
		printf("%-*s -1 %s\n", SHOW_WIDTH, what, strerrorname_np(errno));
	else
		printf("%-*s %ld\n", SHOW_WIDTH, what, r);
}

#endif
