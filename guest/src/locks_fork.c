/* locks_fork: record locks between two processes, on a file in DIR (argv[1], default /tmp).
 * A child sees the parent's POSIX lock (EAGAIN, F_GETLK names the parent), waits in F_SETLKW
 * until the parent closes ANY fd of the file, and its own locks go when it exits. Two processes
 * each waiting for the other's lock: one of them gets EDEADLK (which one depends on who waits
 * first), the other then gets its lock. Inherited descriptions: an OFD or flock lock taken
 * through a description is the child's too (no conflict through the same description, a
 * conflict through a new open), and the child closing its copy of the fd drops neither that nor
 * the parent's POSIX locks. */
#define _GNU_SOURCE
#include "../include/lock_file.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

static int lk(int fd, int cmd, int type, long start, long len)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len, .l_pid = 0 };
	return fcntl(fd, cmd, &fl);
}

/* Prints what F_GETLK (or F_OFD_GETLK) reports for a write lock on [start, start+len); pid is named relative to who. */
static void show(const char *what, int fd, int cmd, long start, long len, pid_t parent, pid_t child)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = start, .l_len = len, .l_pid = 0 };
	if (fcntl(fd, cmd, &fl) < 0) {
		printf("%s: %s\n", what, strerror(errno));
		return;
	}
	if (fl.l_type == F_UNLCK) {
		printf("%s: F_UNLCK\n", what);
		return;
	}
	const char *who = fl.l_pid == parent ? "parent" : fl.l_pid == child ? "child" : fl.l_pid == -1 ? "-1" : "other";
	printf("%s: %s start %ld len %ld pid %s\n", what, fl.l_type == F_WRLCK ? "F_WRLCK" : "F_RDLCK", (long)fl.l_start, (long)fl.l_len, who);
}

static void put(int fd, char c)
{
	if (write(fd, &c, 1) != 1)
		_exit(90);
}

static char get(int fd)
{
	char c = 0;
	if (read(fd, &c, 1) != 1)
		_exit(91);
	return c;
}

/* Waits for the child; returns its exit code (or 100 + signal). */
static int reap(pid_t pid)
{
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	int fd = create_test_file(argc, argv, "locks-fork-file");
	if (fd < 0) return 1;
	pid_t parent = getpid();
	int to_child[2], to_parent[2];
	pipe(to_child);
	pipe(to_parent);

	printf("-- the parent's POSIX lock, seen by a child\n");
	int other = open(path, O_RDONLY);
	printf("parent F_SETLK F_WRLCK [0,10): %s\n", res(lk(fd, F_SETLK, F_WRLCK, 0, 10)));
	pid_t c = fork();
	if (c == 0) {
		int mine = open(path, O_RDWR);
		printf("child F_SETLK [0,1): %s\n", res(lk(mine, F_SETLK, F_WRLCK, 0, 1)));
		show("child F_GETLK [0,1)", mine, F_GETLK, 0, 1, parent, getpid());
		printf("child F_SETLK [10,20): %s\n", res(lk(mine, F_SETLK, F_WRLCK, 10, 10)));
		close(fd); /* its copy of the parent's fd: the parent's locks stay */
		put(to_parent[1], 'w');
		int r = lk(mine, F_SETLKW, F_WRLCK, 0, 1);
		char why = get(to_child[0]);
		printf("child F_SETLKW [0,1): %s, after the parent %s\n", res(r), why == 'c' ? "closed another fd of the file" : "?");
		_exit(0);
	}
	get(to_parent[0]);
	show("the child's [10,20) lock, after the child closed an fd of the file", other, F_OFD_GETLK, 10, 1, parent, c);
	show("parent's own lock, after the child closed its copy of fd", other, F_OFD_GETLK, 0, 1, parent, c);
	usleep(SETTLE_US);
	put(to_child[1], 'c');
	close(other); /* any fd of the file: the parent's POSIX locks go */
	printf("child exit: %d\n", reap(c));
	show("parent F_OFD_GETLK after the child exited", fd, F_OFD_GETLK, 0, 0, parent, c);

	printf("-- EDEADLK between two processes\n");
	lk(fd, F_SETLK, F_WRLCK, 0, 1);
	c = fork();
	if (c == 0) {
		int mine = open(path, O_RDWR);
		lk(mine, F_SETLK, F_WRLCK, 1, 1);
		put(to_parent[1], 'l');
		get(to_child[0]);
		usleep(SETTLE_US);
		int r = lk(mine, F_SETLKW, F_WRLCK, 0, 1);
		int e = r < 0 ? errno : 0;
		if (r < 0)
			lk(mine, F_SETLK, F_UNLCK, 1, 1);
		_exit(e == EDEADLK ? 1 : e == 0 ? 0 : 2);
	}
	get(to_parent[0]);
	put(to_child[1], 'g');
	int r = lk(fd, F_SETLKW, F_WRLCK, 1, 1);
	int pe = r < 0 ? errno : 0;
	if (r < 0)
		lk(fd, F_SETLK, F_UNLCK, 0, 1); /* let the child have byte 0 */
	int ce = reap(c);
	int one = (pe == EDEADLK && ce == 0) || (pe == 0 && ce == 1);
	printf("exactly one of them got EDEADLK and the other its lock: %s\n", one ? "yes" : "no");
	if (!one)
		printf("parent: %s, child exit %d\n", strerror(pe), ce);
	lk(fd, F_SETLK, F_UNLCK, 0, 0);

	printf("-- inherited descriptions share OFD and flock locks\n");
	printf("parent F_OFD_SETLK F_WRLCK [0,10): %s\n", res(lk(fd, F_OFD_SETLK, F_WRLCK, 0, 10)));
	printf("parent flock LOCK_EX: %s\n", res(flock(fd, LOCK_EX)));
	c = fork();
	if (c == 0) {
		printf("child F_OFD_SETLK through the inherited fd: %s\n", res(lk(fd, F_OFD_SETLK, F_WRLCK, 0, 10)));
		printf("child flock LOCK_EX|LOCK_NB through the inherited fd: %s\n", res(flock(fd, LOCK_EX | LOCK_NB)));
		int mine = open(path, O_RDWR);
		printf("child F_OFD_SETLK through its own open: %s\n", res(lk(mine, F_OFD_SETLK, F_WRLCK, 0, 10)));
		printf("child flock LOCK_EX|LOCK_NB through its own open: %s\n", res(flock(mine, LOCK_EX | LOCK_NB)));
		close(fd);
		printf("child F_OFD_SETLK after closing the inherited fd: %s\n", res(lk(mine, F_OFD_SETLK, F_WRLCK, 0, 10)));
		_exit(0);
	}
	reap(c);
	int mine = open(path, O_RDWR);
	printf("parent flock LOCK_EX|LOCK_NB through a new open: %s\n", res(flock(mine, LOCK_EX | LOCK_NB)));
	close(fd);
	printf("after the parent's last close of the description: %s\n", res(flock(mine, LOCK_EX | LOCK_NB)));
	show("OFD lock after it", mine, F_OFD_GETLK, 0, 1, parent, c);
	unlink(path);
	printf("done\n");
	return 0;
}
