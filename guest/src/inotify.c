/*
 * inotify: the argument checks of inotify_init1, inotify_add_watch and inotify_rm_watch, then the
 * events a watch on a directory and one on a file inside it receive from create, open, write,
 * read, close, chmod, utimes, truncate, mkdir, symlink, link, rename (with its cookie), unlink and
 * rmdir, IN_ONESHOT, IN_MASK_ADD, FIONREAD, a too-small read buffer and poll. qemu-riscv64 passes
 * inotify to the host kernel, so it is a valid reference (a native run prints the same).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../include/expect.h"

static int wd_dir, wd_file;
static unsigned last_cookie;

/* Prints one event: which watch, its mask bits by name, its name and whether its cookie pairs up. */
static void show(const struct inotify_event *e)
{
	static const struct { unsigned bit; const char *name; } bits[] = {
		{ IN_ACCESS, "ACCESS" }, { IN_MODIFY, "MODIFY" }, { IN_ATTRIB, "ATTRIB" }, { IN_CLOSE_WRITE, "CLOSE_WRITE" },
		{ IN_CLOSE_NOWRITE, "CLOSE_NOWRITE" }, { IN_OPEN, "OPEN" }, { IN_MOVED_FROM, "MOVED_FROM" },
		{ IN_MOVED_TO, "MOVED_TO" }, { IN_CREATE, "CREATE" }, { IN_DELETE, "DELETE" }, { IN_DELETE_SELF, "DELETE_SELF" },
		{ IN_MOVE_SELF, "MOVE_SELF" }, { IN_Q_OVERFLOW, "Q_OVERFLOW" }, { IN_IGNORED, "IGNORED" }, { IN_ISDIR, "ISDIR" },
	};
	printf("  %s", e->wd == wd_dir ? "dir" : e->wd == wd_file ? "file" : "other");
	for (unsigned i = 0; i < sizeof bits / sizeof bits[0]; i++) if (e->mask & bits[i].bit) printf(" %s", bits[i].name);
	if (e->len) printf(" \"%s\" (len %u)", e->name, e->len);
	if (e->cookie) {
		printf(" cookie %s", e->cookie == last_cookie ? "same as before" : "new");
		last_cookie = e->cookie;
	}
	printf("\n");
}

/* Reads and prints every queued event (the instance is non-blocking). */
static void drain(int in, const char *after)
{
	char buf[4096] __attribute__((aligned(8)));
	printf("after %s:\n", after);
	for (;;) {
		ssize_t n = read(in, buf, sizeof buf);
		if (n <= 0) break;
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *e = (struct inotify_event *)p;
			show(e);
			p += sizeof *e + e->len;
		}
	}
}

int main(void)
{
	char dir[] = "/tmp/inotify-XXXXXX", path[256], other[256];
	if (!mkdtemp(dir)) { perror("mkdtemp"); return 2; }
	int p[2];
	pipe(p);
	expect("inotify_init1 flag 1", inotify_init1(1), EINVAL);
	int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	expect("inotify_init1 IN_NONBLOCK|IN_CLOEXEC", in, 0);
	expect_val("close-on-exec set", fcntl(in, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	wd_dir = inotify_add_watch(in, dir, IN_ALL_EVENTS);
	expect_val("first watch descriptor", wd_dir, 1);
	expect_val("the same inode again", inotify_add_watch(in, dir, IN_ALL_EVENTS), 1);
	expect("mask 0", inotify_add_watch(in, dir, 0), EINVAL);
	expect("unknown mask bit 0x100000", inotify_add_watch(in, dir, IN_CREATE | 0x100000), EINVAL);
	expect("MASK_ADD with MASK_CREATE", inotify_add_watch(in, dir, IN_CREATE | IN_MASK_ADD | IN_MASK_CREATE), EINVAL);
	expect("MASK_CREATE on a watched inode", inotify_add_watch(in, dir, IN_CREATE | IN_MASK_CREATE), EEXIST);
	expect("a pipe is not an instance", inotify_add_watch(p[0], dir, IN_CREATE), EINVAL);
	expect("closed fd", inotify_add_watch(999, dir, IN_CREATE), EBADF);
	expect("closed fd with mask 0", inotify_add_watch(999, dir, 0), EINVAL);
	expect("missing path", inotify_add_watch(in, "/nonexistent-inotify", IN_CREATE), ENOENT);
	expect("rm_watch of an unknown wd", inotify_rm_watch(in, 77), EINVAL);
	expect("rm_watch on a pipe", inotify_rm_watch(p[0], 1), EINVAL);
	char small[8];
	expect("read with nothing queued", read(in, small, sizeof small), EAGAIN);

	snprintf(path, sizeof path, "%s/a", dir);
	expect("IN_ONLYDIR on a missing file", inotify_add_watch(in, path, IN_ALL_EVENTS | IN_ONLYDIR), ENOENT);
	int fd = open(path, O_CREAT | O_WRONLY, 0644);
	write(fd, "hello", 5);
	close(fd);
	drain(in, "create, write, close");
	expect("IN_ONLYDIR on a file", inotify_add_watch(in, path, IN_ALL_EVENTS | IN_ONLYDIR), ENOTDIR);
	wd_file = inotify_add_watch(in, path, IN_ALL_EVENTS);
	expect_val("second watch descriptor", wd_file, 2);
	fd = open(path, O_RDONLY);
	read(fd, small, sizeof small);
	close(fd);
	drain(in, "open, read, close of the watched file");
	chmod(path, 0600);
	truncate(path, 2);
	drain(in, "chmod, truncate");
	int bytes = -1;
	fd = open(path, O_RDONLY);
	ioctl(in, FIONREAD, &bytes);
	expect_val("FIONREAD after one open", bytes, 32 + 16);
	expect("read into 8 bytes", read(in, small, sizeof small), EINVAL);
	struct pollfd pf = { in, POLLIN, 0 };
	expect_val("poll sees events", poll(&pf, 1, 0), 1);
	close(fd);
	drain(in, "open, close (read as one batch)");
	expect_val("poll with nothing queued", poll(&pf, 1, 0), 0);

	snprintf(other, sizeof other, "%s/d", dir);
	mkdir(other, 0755);
	snprintf(other, sizeof other, "%s/link", dir);
	symlink("a", other);
	unlink(other);
	snprintf(other, sizeof other, "%s/hard", dir);
	link(path, other);
	drain(in, "mkdir, symlink, unlink it, link");
	snprintf(other, sizeof other, "%s/b", dir);
	rename(path, other);
	drain(in, "rename a to b");
	snprintf(path, sizeof path, "%s/hard", dir);
	unlink(path);
	drain(in, "unlink of one of two names");
	unlink(other);
	drain(in, "unlink of the last name");
	snprintf(other, sizeof other, "%s/d", dir);
	rmdir(other);
	drain(in, "rmdir");

	snprintf(path, sizeof path, "%s/c", dir);
	close(open(path, O_CREAT | O_WRONLY, 0644));
	wd_file = inotify_add_watch(in, path, IN_ATTRIB | IN_ONESHOT);
	drain(in, "create c, one-shot watch on it");
	chmod(path, 0600);
	chmod(path, 0644);
	drain(in, "two chmods of c");
	int w3 = inotify_add_watch(in, path, IN_OPEN);
	wd_file = w3;
	expect_val("IN_MASK_ADD keeps the old events", inotify_add_watch(in, path, IN_CLOSE | IN_MASK_ADD), w3);
	close(open(path, O_RDONLY));
	drain(in, "open and close of c");
	expect("rm_watch", inotify_rm_watch(in, w3), 0);
	expect("rm_watch again", inotify_rm_watch(in, w3), EINVAL);
	drain(in, "rm_watch");
	unlink(path);
	drain(in, "unlink c");
	expect("rm_watch the directory's", inotify_rm_watch(in, wd_dir), 0);
	rmdir(dir);
	drain(in, "rm_watch of the directory and rmdir");
	close(in);
	return expect_done("inotify");
}
