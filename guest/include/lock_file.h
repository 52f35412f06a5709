/* The test file of the lock programs (leases, locks, locks_fork): path names a file in DIR
 * (argv[1], default /tmp); res() and lock_type_name() are how they print a call's outcome and a
 * lock's type. The program defines _GNU_SOURCE before its first include. */
#ifndef LOCK_FILE_H
#define LOCK_FILE_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Room for DIR and a file name. */
#define PATH_LEN 4096
/* How long one thread or process lets another sit in a blocking call before it acts (the output
 * does not depend on it). */
#define SETTLE_US 100000

static char path[PATH_LEN];

/* Sets path to DIR/name. */
__attribute__((unused)) static void set_test_path(int argc, char **argv, const char *name)
{
	snprintf(path, sizeof path, "%s/%s", argc > 1 ? argv[1] : "/tmp", name);
}

/* Sets path to DIR/name and makes a new empty file there; returns its fd (O_RDWR), or -1 after
 * perror when it cannot be created. */
__attribute__((unused)) static int create_test_file(int argc, char **argv, const char *name)
{
	set_test_path(argc, argv, name);
	unlink(path);
	int fd = open(path, O_RDWR | O_CREAT, 0644);
	if (fd < 0) perror("open");
	return fd;
}

/* Returns "ok" for a call's result r, or the error string of errno when it failed. */
static const char *res(int r)
{
	return r < 0 ? strerror(errno) : "ok";
}

/* Returns the name of lock type t (F_RDLCK, F_WRLCK, F_UNLCK), or "?". */
__attribute__((unused)) static const char *lock_type_name(int t)
{
	return t == F_RDLCK ? "F_RDLCK" : t == F_WRLCK ? "F_WRLCK" : t == F_UNLCK ? "F_UNLCK" : "?";
}

#endif
