/* The checks of the conformance programs (conform, dac, errno, mounts, sysvipc). Each check prints
 * one line: what it checks, in a column EXPECT_WIDTH wide (52 unless the program defines another
 * before including this), "->", what it got, and "ok" or "MISMATCH". failures counts the
 * mismatches; expect_done prints the count and gives main's exit status. The program defines
 * _GNU_SOURCE (for strerrorname_np) before its first include. */
#ifndef EXPECT_H
#define EXPECT_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

#ifndef EXPECT_WIDTH
#define EXPECT_WIDTH 52
#endif

/* Mismatches so far. */
static int failures;

/* Returns errno value e's name: "0" for none, "other" for a value glibc has no name for. */
static const char *errname(int e)
{
	const char *name = e == 0 ? "0" : strerrorname_np(e);
	return name ? name : "other";
}

/* Checks that a call's result r failed with errno want (want 0: that r is not negative). */
__attribute__((unused)) static void expect(const char *what, long r, int want)
{
	int e = r < 0 ? errno : 0;
	if (e != want) failures++;
	printf("%-*s -> %-7s %s\n", EXPECT_WIDTH, what, errname(e), e == want ? "ok" : "MISMATCH");
}

/* Checks that the number got is want, printed in decimal. */
__attribute__((unused)) static void expect_val(const char *what, long got, long want)
{
	if (got != want) failures++;
	printf("%-*s -> %ld %s\n", EXPECT_WIDTH, what, got, got == want ? "ok" : "MISMATCH");
}

/* Checks that the file mode got is want, printed in octal. */
__attribute__((unused)) static void expect_mode(const char *what, long got, long want)
{
	if (got != want) failures++;
	printf("%-*s -> %lo %s\n", EXPECT_WIDTH, what, got, got == want ? "ok" : "MISMATCH");
}

/* Prints "prog: N mismatches"; returns main's exit status, 1 if any check failed. */
__attribute__((unused)) static int expect_done(const char *prog)
{
	printf("%s: %d mismatches\n", prog, failures);
	return failures != 0;
}

#endif
