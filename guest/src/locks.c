/* locks: record locks and flock in one process, on a file in DIR (argv[1], default /tmp).
 * POSIX locks (F_SETLK, F_GETLK) are the process's: a second thread and a second open of the file
 * never conflict with them, and closing ANY fd of the file drops them all. Open file description
 * locks (F_OFD_*) and flock locks belong to the description: two opens conflict even in one
 * process, and only the last close of the description drops them. Then the range arithmetic
 * (splitting, merging, SEEK_CUR/SEEK_END, negative and zero lengths), the errors (EINVAL,
 * EOVERFLOW, EBADF, EFAULT), F_SETLKW and flock waiting in a thread until main unlocks, and a
 * waiting F_SETLKW interrupted by a signal (EINTR) or restarted (SA_RESTART).
 * "locks DIR proc" instead prints the /proc/locks lines of a few locks and a lease. */
#define _GNU_SOURCE
#include "../include/lock_file.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

/* When the interrupting SIGALRM comes after the thread starts waiting. */
#define ALARM_US 200000

static volatile int unlocked;
static volatile int alarms;
static volatile int waiting;

static int lk(int fd, int cmd, int type, int whence, long start, long len)
{
	struct flock fl = { .l_type = type, .l_whence = whence, .l_start = start, .l_len = len, .l_pid = 0 };
	return fcntl(fd, cmd, &fl);
}

/* Prints what F_GETLK-like cmd reports for a type lock on [start, start+len). */
static void show(const char *what, int fd, int cmd, int type, long start, long len)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len, .l_pid = 0 };
	int r = fcntl(fd, cmd, &fl);
	if (r < 0) {
		printf("%s: %s\n", what, strerror(errno));
		return;
	}
	if (fl.l_type == F_UNLCK) {
		printf("%s: F_UNLCK\n", what);
		return;
	}
	const char *pid = fl.l_pid == getpid() ? "self" : fl.l_pid == -1 ? "-1" : "other";
	printf("%s: %s whence %d start %ld len %ld pid %s\n", what, lock_type_name(fl.l_type), fl.l_whence, (long)fl.l_start, (long)fl.l_len, pid);
}

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/* Same process, other thread: POSIX locks of the process never conflict with it. */
static void *same_process(void *arg)
{
	int fd = *(int *)arg;
	printf("thread F_SETLK F_WRLCK [0,10) held by its process: %s\n", res(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10)));
	return NULL;
}

/* Waits in F_SETLKW on fd for [0,1) and reports whether main had unlocked first. */
static void *setlkw_waiter(void *arg)
{
	int fd = *(int *)arg;
	waiting = 1;
	int r = lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1);
	printf("thread F_SETLKW: %s, after main unlocked: %d\n", res(r), unlocked);
	lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 1);
	return NULL;
}

/* Waits in F_OFD_SETLKW on its own description. */
static void *ofd_waiter(void *arg)
{
	int fd = *(int *)arg;
	waiting = 1;
	int r = lk(fd, F_OFD_SETLKW, F_RDLCK, SEEK_SET, 0, 0);
	printf("thread F_OFD_SETLKW: %s, after main unlocked: %d\n", res(r), unlocked);
	return NULL;
}

/* Waits in flock(LOCK_EX) on its own description. */
static void *flock_waiter(void *arg)
{
	int fd = *(int *)arg;
	waiting = 1;
	int r = flock(fd, LOCK_EX);
	printf("thread flock LOCK_EX: %s, after main unlocked: %d\n", res(r), unlocked);
	flock(fd, LOCK_UN);
	return NULL;
}

/* F_SETLKW that a SIGALRM interrupts: EINTR without SA_RESTART; with it the call goes on waiting. */
static void *interrupted(void *arg)
{
	int fd = *(int *)arg;
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGALRM);
	pthread_sigmask(SIG_UNBLOCK, &s, NULL);
	struct itimerval it = { .it_value = { .tv_sec = 0, .tv_usec = ALARM_US } };
	setitimer(ITIMER_REAL, &it, NULL);
	waiting = 1;
	int r = lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1);
	printf("thread F_SETLKW with a signal: %s, alarms %d, after main unlocked: %d\n", res(r), alarms, unlocked);
	if (r == 0)
		lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 1);
	return NULL;
}

/* Runs fn in a thread while main holds what it holds; main unlocks with unlock_fn after the settle time. */
static void wait_case(void *(*fn)(void *), int *fd, void (*unlock_fn)(void), int until_alarm)
{
	pthread_t th;
	unlocked = 0;
	waiting = 0;
	pthread_create(&th, NULL, fn, fd);
	while (!waiting)
		usleep(1000);
	if (until_alarm)
		while (alarms == 0)
			usleep(1000);
	usleep(SETTLE_US);
	unlocked = 1;
	unlock_fn();
	pthread_join(th, NULL);
}

static int ofd_holder = -1;
static void unlock_ofd(void)
{
	lk(ofd_holder, F_OFD_SETLK, F_UNLCK, SEEK_SET, 0, 0);
}
static int posix_holder = -1;
static void unlock_posix(void)
{
	lk(posix_holder, F_SETLK, F_UNLCK, SEEK_SET, 0, 0);
}
static int flock_holder = -1;
static void unlock_flock(void)
{
	flock(flock_holder, LOCK_UN);
}
static void nothing(void)
{
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* "locks DIR proc": /proc/locks lines about our files, with the id, pid and device written as
 * N, self and DEV, sorted (the order of the listing is Linux's global lock list). */
static int proc_case(void)
{
	char lpath[PATH_LEN + 8];
	snprintf(lpath, sizeof lpath, "%s.lease", path);
	unlink(lpath);
	int a = open(path, O_RDWR | O_CREAT, 0644), b = open(path, O_RDWR), l = open(lpath, O_RDONLY | O_CREAT, 0644);
	struct stat st, lst;
	fstat(a, &st);
	fstat(l, &lst);
	lk(a, F_SETLK, F_WRLCK, SEEK_SET, 0, 10);
	lk(b, F_OFD_SETLK, F_RDLCK, SEEK_SET, 20, 0);
	flock(b, LOCK_SH);
	fcntl(l, F_SETLEASE, F_RDLCK);
	FILE *f = fopen("/proc/locks", "r");
	if (!f) {
		perror("/proc/locks");
		return 1;
	}
	char line[512], *lines[16];
	int n = 0;
	while (n < 16 && fgets(line, sizeof line, f)) {
		char kind[16], mode[16], type[16], dev[64], range[64];
		int id, pid;
		unsigned long ino;
		unsigned maj, min;
		if (sscanf(line, "%d: %15s %15s %15s %d %x:%x:%lu %63[^\n]", &id, kind, mode, type, &pid, &maj, &min, &ino, range) != 9)
			continue;
		if (ino != st.st_ino && ino != lst.st_ino)
			continue;
		snprintf(dev, sizeof dev, "%s", ino == st.st_ino ? "FILE" : "LEASED");
		char out[512];
		snprintf(out, sizeof out, "N: %-6s %-9s %s %s %s %s", kind, mode, type, pid == getpid() ? "self" : pid == -1 ? "-1" : "other", dev, range);
		lines[n++] = strdup(out);
	}
	fclose(f);
	qsort(lines, n, sizeof lines[0], cmp_str);
	for (int i = 0; i < n; i++)
		printf("%s\n", lines[i]);
	unlink(lpath);
	unlink(path);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	set_test_path(argc, argv, "locks-test-file");
	if (argc > 2 && strcmp(argv[2], "proc") == 0) {
		/* a name of its own: qemu runs of both cases may share the host's DIR */
		set_test_path(argc, argv, "locks-proc-file");
		unlink(path);
		return proc_case();
	}
	unlink(path);
	int a = open(path, O_RDWR | O_CREAT, 0644);
	int b = open(path, O_RDWR);
	int ro = open(path, O_RDONLY);
	int wo = open(path, O_WRONLY);
	if (a < 0 || b < 0 || ro < 0 || wo < 0) {
		perror("open");
		return 1;
	}
	ftruncate(a, 5000);
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGALRM);
	sigprocmask(SIG_BLOCK, &s, NULL); /* only the interrupted thread takes SIGALRM */

	printf("-- POSIX locks are the process's\n");
	show("F_GETLK on an unlocked file", a, F_GETLK, F_WRLCK, 0, 0);
	printf("F_SETLK F_WRLCK [0,10) on a: %s\n", res(lk(a, F_SETLK, F_WRLCK, SEEK_SET, 0, 10)));
	show("F_GETLK through a second open", b, F_GETLK, F_WRLCK, 0, 1);
	printf("F_SETLK F_WRLCK [5,6) through a second open: %s\n", res(lk(b, F_SETLK, F_WRLCK, SEEK_SET, 5, 1)));
	pthread_t th;
	pthread_create(&th, NULL, same_process, &a);
	pthread_join(th, NULL);
	show("F_OFD_GETLK through a second open", b, F_OFD_GETLK, F_WRLCK, 0, 1);
	printf("F_OFD_SETLK F_RDLCK [3,4) through a second open: %s\n", res(lk(b, F_OFD_SETLK, F_RDLCK, SEEK_SET, 3, 1)));
	printf("F_OFD_SETLK F_WRLCK [20,30) on b: %s\n", res(lk(b, F_OFD_SETLK, F_WRLCK, SEEK_SET, 20, 10)));
	show("F_GETLK of b's OFD lock", a, F_GETLK, F_RDLCK, 25, 1);
	show("F_OFD_GETLK by b itself", b, F_OFD_GETLK, F_WRLCK, 25, 1);
	printf("F_SETLK F_RDLCK [25,26) against b's OFD lock: %s\n", res(lk(a, F_SETLK, F_RDLCK, SEEK_SET, 25, 1)));

	printf("-- closing any fd drops the process's POSIX locks, not OFD locks\n");
	int c = open(path, O_RDONLY);
	close(c);
	show("after closing another fd of the file", b, F_OFD_GETLK, F_WRLCK, 0, 1);
	int d = dup(b);
	close(d);
	show("b's OFD lock after closing a dup of b", a, F_GETLK, F_WRLCK, 20, 1);
	printf("F_OFD_SETLK F_UNLCK [20,30) on b: %s\n", res(lk(b, F_OFD_SETLK, F_UNLCK, SEEK_SET, 20, 10)));

	printf("-- splitting and merging\n");
	lk(a, F_SETLK, F_WRLCK, SEEK_SET, 0, 100);
	lk(a, F_SETLK, F_UNLCK, SEEK_SET, 40, 20);
	show("[0,100) minus [40,60), at 0", b, F_OFD_GETLK, F_RDLCK, 0, 1);
	show("at 50", b, F_OFD_GETLK, F_RDLCK, 50, 1);
	show("at 99", b, F_OFD_GETLK, F_RDLCK, 99, 1);
	lk(a, F_SETLK, F_RDLCK, SEEK_SET, 200, 10);
	lk(a, F_SETLK, F_RDLCK, SEEK_SET, 210, 10);
	show("read locks [200,210) and [210,220) merged", b, F_OFD_GETLK, F_WRLCK, 215, 1);
	lk(a, F_SETLK, F_WRLCK, SEEK_SET, 300, 100);
	lk(a, F_SETLK, F_RDLCK, SEEK_SET, 340, 10);
	show("F_RDLCK [340,350) inside F_WRLCK [300,400), at 345 for reading", b, F_OFD_GETLK, F_RDLCK, 345, 1);
	show("at 345 for writing", b, F_OFD_GETLK, F_WRLCK, 345, 1);
	show("at 399", b, F_OFD_GETLK, F_RDLCK, 399, 1);
	show("at 300", b, F_OFD_GETLK, F_RDLCK, 300, 1);
	lk(a, F_SETLK, F_WRLCK, SEEK_SET, 330, 30);
	show("F_WRLCK [330,360) over it, at 345", b, F_OFD_GETLK, F_RDLCK, 345, 1);
	lseek(a, 1000, SEEK_SET);
	lk(a, F_SETLK, F_WRLCK, SEEK_CUR, -10, 5);
	show("SEEK_CUR 1000 start -10 len 5", b, F_OFD_GETLK, F_RDLCK, 900, 200);
	lk(a, F_SETLK, F_WRLCK, SEEK_SET, 600, -100);
	show("start 600 len -100", b, F_OFD_GETLK, F_RDLCK, 450, 100);
	lk(a, F_SETLK, F_WRLCK, SEEK_END, -100, 0);
	show("SEEK_END of 5000 start -100 len 0", b, F_OFD_GETLK, F_RDLCK, 4950, 0);
	lk(a, F_SETLK, F_UNLCK, SEEK_SET, 0, 0);
	lk(a, F_SETLK, F_WRLCK, SEEK_SET, INT64_MAX - 9, 10);
	show("the last ten bytes of the offset range", b, F_OFD_GETLK, F_RDLCK, INT64_MAX - 1, 1);
	printf("F_SETLK F_UNLCK everything: %s\n", res(lk(a, F_SETLK, F_UNLCK, SEEK_SET, 0, 0)));
	show("then", b, F_OFD_GETLK, F_WRLCK, 0, 0);

	printf("-- errors\n");
	printf("l_whence 7: %s\n", res(lk(a, F_SETLK, F_WRLCK, 7, 0, 1)));
	printf("l_start -1: %s\n", res(lk(a, F_SETLK, F_WRLCK, SEEK_SET, -1, 1)));
	printf("l_start 5 l_len -6: %s\n", res(lk(a, F_SETLK, F_WRLCK, SEEK_SET, 5, -6)));
	printf("l_start INT64_MAX-5 l_len 10: %s\n", res(lk(a, F_SETLK, F_WRLCK, SEEK_SET, INT64_MAX - 5, 10)));
	lseek(a, 10, SEEK_SET);
	printf("SEEK_CUR 10 l_start INT64_MAX: %s\n", res(lk(a, F_SETLK, F_WRLCK, SEEK_CUR, INT64_MAX, 1)));
	printf("SEEK_CUR 10 l_start INT64_MAX-10 len 0: %s\n", res(lk(a, F_SETLK, F_WRLCK, SEEK_CUR, INT64_MAX - 10, 0)));
	lk(a, F_SETLK, F_UNLCK, SEEK_SET, 0, 0);
	printf("l_type 3: %s\n", res(lk(a, F_SETLK, 3, SEEK_SET, 0, 1)));
	printf("l_type 3 with l_whence 7: %s\n", res(lk(a, F_SETLK, 3, 7, 0, 1)));
	printf("F_GETLK of F_UNLCK: %s\n", res(lk(a, F_GETLK, F_UNLCK, SEEK_SET, 0, 1)));
	printf("F_GETLK l_whence 7: %s\n", res(lk(a, F_GETLK, F_WRLCK, 7, 0, 1)));
	printf("F_WRLCK on an O_RDONLY fd: %s\n", res(lk(ro, F_SETLK, F_WRLCK, SEEK_SET, 0, 1)));
	printf("F_RDLCK on an O_WRONLY fd: %s\n", res(lk(wo, F_SETLK, F_RDLCK, SEEK_SET, 0, 1)));
	printf("F_UNLCK on an O_RDONLY fd: %s\n", res(lk(ro, F_SETLK, F_UNLCK, SEEK_SET, 0, 1)));
	printf("F_RDLCK on an O_RDONLY fd: %s\n", res(lk(ro, F_SETLK, F_RDLCK, SEEK_SET, 0, 1)));
	printf("F_GETLK F_WRLCK on an O_RDONLY fd: %s\n", res(lk(ro, F_GETLK, F_WRLCK, SEEK_SET, 0, 1)));
	lk(ro, F_SETLK, F_UNLCK, SEEK_SET, 0, 0);
	struct flock bad = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1, .l_pid = 1 };
	printf("F_OFD_SETLK l_pid 1: %s\n", res(fcntl(a, F_OFD_SETLK, &bad)));
	printf("F_OFD_GETLK l_pid 1: %s\n", res(fcntl(a, F_OFD_GETLK, &bad)));
	lk(a, F_OFD_SETLK, F_UNLCK, SEEK_SET, 0, 0);
	printf("F_SETLK with a bad pointer: %s\n", res(fcntl(a, F_SETLK, (struct flock *)8)));
	printf("F_GETLK with a bad pointer: %s\n", res(fcntl(a, F_GETLK, (struct flock *)8)));
	printf("F_OFD_SETLKW with a bad pointer: %s\n", res(fcntl(a, F_OFD_SETLKW, (struct flock *)8)));
	printf("F_SETLK on a closed fd: %s\n", res(lk(99, F_SETLK, F_WRLCK, SEEK_SET, 0, 1)));
	int p = open(path, O_PATH);
	printf("F_SETLK on an O_PATH fd: %s\n", res(lk(p, F_SETLK, F_RDLCK, SEEK_SET, 0, 1)));
	printf("F_GETLK on an O_PATH fd: %s\n", res(lk(p, F_GETLK, F_RDLCK, SEEK_SET, 0, 1)));
	printf("flock on an O_PATH fd: %s\n", res(flock(p, LOCK_SH)));
	close(p);
	printf("fcntl command 12 (F_GETLK64 of 32-bit machines): %s\n", res(lk(a, 12, F_WRLCK, SEEK_SET, 0, 1)));

	printf("-- waiting\n");
	ofd_holder = b;
	lk(b, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 0);
	wait_case(setlkw_waiter, &a, unlock_ofd, 0);
	posix_holder = a;
	lk(a, F_SETLK, F_WRLCK, SEEK_SET, 0, 1);
	wait_case(ofd_waiter, &b, unlock_posix, 0);
	lk(b, F_OFD_SETLK, F_UNLCK, SEEK_SET, 0, 0);
	lk(b, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 0);
	struct sigaction sa = { .sa_handler = on_alarm };
	sigaction(SIGALRM, &sa, NULL);
	alarms = 0;
	wait_case(interrupted, &a, nothing, 1);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	alarms = 0;
	wait_case(interrupted, &a, unlock_ofd, 1);

	printf("-- flock belongs to the open file description\n");
	printf("flock a LOCK_EX: %s\n", res(flock(a, LOCK_EX)));
	printf("flock b LOCK_EX|LOCK_NB: %s\n", res(flock(b, LOCK_EX | LOCK_NB)));
	printf("flock b LOCK_SH|LOCK_NB: %s\n", res(flock(b, LOCK_SH | LOCK_NB)));
	d = dup(a);
	printf("flock dup of a LOCK_EX|LOCK_NB: %s\n", res(flock(d, LOCK_EX | LOCK_NB)));
	close(d);
	printf("flock b LOCK_SH|LOCK_NB after closing the dup: %s\n", res(flock(b, LOCK_SH | LOCK_NB)));
	printf("F_SETLK F_WRLCK on the whole file meanwhile: %s\n", res(lk(b, F_SETLK, F_WRLCK, SEEK_SET, 0, 0)));
	lk(b, F_SETLK, F_UNLCK, SEEK_SET, 0, 0);
	printf("flock a LOCK_SH (downgrade): %s\n", res(flock(a, LOCK_SH)));
	printf("flock b LOCK_SH|LOCK_NB: %s\n", res(flock(b, LOCK_SH | LOCK_NB)));
	printf("flock a LOCK_EX|LOCK_NB (upgrade against b): %s\n", res(flock(a, LOCK_EX | LOCK_NB)));
	printf("flock b LOCK_EX|LOCK_NB (a lost its shared lock): %s\n", res(flock(b, LOCK_EX | LOCK_NB)));
	printf("flock b LOCK_UN: %s\n", res(flock(b, LOCK_UN)));
	printf("flock b LOCK_UN again: %s\n", res(flock(b, LOCK_UN)));
	printf("flock operation 3: %s\n", res(flock(a, 3)));
	printf("flock operation 0: %s\n", res(flock(a, 0)));
	printf("flock on a closed fd: %s\n", res(flock(99, LOCK_SH)));
	printf("flock operation 3 on a closed fd: %s\n", res(flock(99, 3)));
	printf("flock LOCK_MAND|LOCK_READ: %s\n", res(flock(a, 32 | 64)));
	int e = open(path, O_RDONLY);
	printf("flock e LOCK_EX on an O_RDONLY fd: %s\n", res(flock(e, LOCK_EX)));
	close(e);
	printf("flock b LOCK_EX|LOCK_NB after e's last close: %s\n", res(flock(b, LOCK_EX | LOCK_NB)));
	flock(b, LOCK_UN);
	flock_holder = a;
	flock(a, LOCK_EX);
	wait_case(flock_waiter, &b, unlock_flock, 0);

	unlink(path);
	printf("done\n");
	return 0;
}
