/*
 * newcalls: the writeback calls (sync, syncfs, sync_file_range, readahead), preadv2/pwritev2 and
 * their RWF_* flags, sched_rr_get_interval, capget's version negotiation, openat2 with struct
 * open_how's checks and each RESOLVE_* restriction, and fchmodat2. Nothing here depends on the
 * caller's uid, so the expected output is the same program run natively on Linux.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "../include/expect.h"

/* fchmodat2 has one number on every architecture (asm-generic and x86_64 alike). */
#define NR_FCHMODAT2 452

/* openat2(dirfd, path, how of size bytes). */
static long openat2_raw(int dirfd, const char *path, void *how, size_t size)
{
	return syscall(SYS_openat2, dirfd, path, how, size);
}

/* openat2 with flags and resolve (mode 0); closes a descriptor it gets, returns its result. */
static long oa2(int dirfd, const char *path, unsigned long long flags, unsigned long long resolve)
{
	struct open_how how = { .flags = flags, .mode = 0, .resolve = resolve };
	long fd = openat2_raw(dirfd, path, &how, sizeof how);
	if (fd >= 0) close((int)fd);
	return fd;
}

static void writeback(const char *dir)
{
	char path[256];
	int p[2];
	snprintf(path, sizeof path, "%s/wb", dir);
	int fd = open(path, O_CREAT | O_RDWR, 0644);
	int wo = open(path, O_WRONLY);
	if (fd < 0 || wo < 0 || pipe(p) != 0) { perror("setup"); exit(2); }
	write(fd, "data", 4);
	sync();
	printf("sync returned\n");
	expect("syncfs on a file", syncfs(fd), 0);
	expect("syncfs on a pipe", syncfs(p[0]), 0);
	expect("syncfs on a closed fd", syncfs(999), EBADF);
	expect("sync_file_range whole file, all flags", sync_file_range(fd, 0, 0, 7), 0);
	expect("sync_file_range unknown flag 8", sync_file_range(fd, 0, 0, 8), EINVAL);
	expect("sync_file_range negative offset", sync_file_range(fd, -1, 0, 0), EINVAL);
	expect("sync_file_range negative length", sync_file_range(fd, 0, -4096, 0), EINVAL);
	expect("sync_file_range on a pipe", sync_file_range(p[0], 0, 0, 0), ESPIPE);
	expect("sync_file_range on a closed fd", sync_file_range(999, 0, 0, 0), EBADF);
	expect("readahead on a file", readahead(fd, 0, 4096), 0);
	expect("readahead on a write-only fd", readahead(wo, 0, 4096), EBADF);
	expect("readahead on a pipe", readahead(p[0], 0, 4096), EINVAL);
	expect("readahead on a closed fd", readahead(999, 0, 4096), EBADF);
	close(fd); close(wo); close(p[0]); close(p[1]);
	unlink(path);
}

static void rw2(const char *dir)
{
	char path[256], buf[32] = { 0 };
	int p[2];
	snprintf(path, sizeof path, "%s/rw2", dir);
	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (fd < 0 || pipe(p) != 0) { perror("setup"); exit(2); }
	struct iovec w[2] = { { "hel", 3 }, { "lo", 2 } };
	struct iovec r = { buf, sizeof buf - 1 };
	expect_val("pwritev2 two segments at offset 0", pwritev2(fd, w, 2, 0, 0), 5);
	expect_val("file position after pwritev2 at an offset", lseek(fd, 0, SEEK_CUR), 0);
	expect_val("preadv2 at offset -1 (file position)", preadv2(fd, &r, 1, -1, 0), 5);
	printf("read \"%s\"\n", buf);
	expect_val("file position after preadv2 at -1", lseek(fd, 0, SEEK_CUR), 5);
	expect("preadv2 at offset -2", preadv2(fd, &r, 1, -2, 0), EINVAL);
	expect("preadv2 unknown flag 0x10000", preadv2(fd, &r, 1, 0, 0x10000), EOPNOTSUPP);
	struct iovec empty = { buf, 0 };
	expect_val("preadv2 empty vector, unknown flag", preadv2(fd, &empty, 1, 0, 0x10000), 0);
	expect("preadv2 on a closed fd", preadv2(999, &r, 1, 0, 0), EBADF);
	expect("preadv2 at an offset on a pipe", preadv2(p[0], &r, 1, 0, 0), ESPIPE);
	struct iovec xy = { "XY", 2 };
	expect_val("pwritev2 RWF_APPEND at offset 0", pwritev2(fd, &xy, 1, 0, RWF_APPEND), 2);
	memset(buf, 0, sizeof buf);
	expect_val("pread the whole file", pread(fd, buf, sizeof buf - 1, 0), 7);
	printf("file \"%s\"\n", buf);
	lseek(fd, 1, SEEK_SET);
	expect_val("pwritev2 RWF_APPEND at -1", pwritev2(fd, &xy, 1, -1, RWF_APPEND), 2);
	expect_val("file position after it (the new end)", lseek(fd, 0, SEEK_CUR), 9);
	expect_val("pwritev2 RWF_DSYNC|RWF_SYNC", pwritev2(fd, &xy, 1, 0, RWF_DSYNC | RWF_SYNC), 2);
	expect("preadv2 RWF_NOWAIT on an empty pipe", preadv2(p[0], &r, 1, -1, RWF_NOWAIT), EAGAIN);
	write(p[1], "abc", 3);
	expect_val("preadv2 RWF_NOWAIT on a pipe with data", preadv2(p[0], &r, 1, -1, RWF_NOWAIT), 3);
	close(p[1]);
	expect_val("preadv2 RWF_NOWAIT at end of file of a pipe", preadv2(p[0], &r, 1, -1, RWF_NOWAIT), 0);
	close(fd); close(p[0]);
	unlink(path);
}

static void sched_rr(void)
{
	struct timespec ts = { 99, 99 };
	expect("sched_rr_get_interval(0)", sched_rr_get_interval(0, &ts), 0);
	printf("SCHED_OTHER slice under a second: %d\n", ts.tv_sec == 0);
	expect("sched_rr_get_interval(-1)", sched_rr_get_interval(-1, &ts), EINVAL);
	expect("sched_rr_get_interval(unknown pid)", sched_rr_get_interval(0x3ffffff, &ts), ESRCH);
}

static void caps(void)
{
	struct __user_cap_header_struct hdr = { 0, 0 };
	struct __user_cap_data_struct data[2];
	expect("capget with version 0", syscall(SYS_capget, &hdr, data), EINVAL);
	printf("version written back %#x\n", hdr.version);
	hdr.version = 0x12345678;
	expect("capget version probe with NULL data", syscall(SYS_capget, &hdr, NULL), 0);
	printf("version written back %#x\n", hdr.version);
	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	hdr.pid = -1;
	expect("capget pid -1", syscall(SYS_capget, &hdr, data), EINVAL);
	hdr.pid = 0x3ffffff;
	expect("capget unknown pid", syscall(SYS_capget, &hdr, data), ESRCH);
	hdr.pid = 0;
	expect("capget v3 self", syscall(SYS_capget, &hdr, data), 0);
	printf("effective within permitted: %d\n", (data[0].effective & ~data[0].permitted) == 0 &&
		(data[1].effective & ~data[1].permitted) == 0);
	hdr.version = _LINUX_CAPABILITY_VERSION_1;
	expect("capget v1 self", syscall(SYS_capget, &hdr, data), 0);
	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	expect("capset the same sets again", syscall(SYS_capset, &hdr, data), 0);
	hdr.pid = getpid() + 1000;
	expect("capset on another process", syscall(SYS_capset, &hdr, data), EPERM);
	hdr.version = 0;
	hdr.pid = 0;
	expect("capset with version 0", syscall(SYS_capset, &hdr, data), EINVAL);
}

static void openat2_checks(const char *dir)
{
	char path[256];
	int dfd = open(dir, O_DIRECTORY | O_RDONLY);
	snprintf(path, sizeof path, "%s/sub", dir);
	mkdir(path, 0755);
	int sub = open(path, O_DIRECTORY | O_RDONLY);
	close(openat(sub, "file", O_CREAT | O_WRONLY, 0644));
	symlinkat("../..", sub, "up");
	symlinkat("/etc", sub, "abs");
	symlinkat("file", sub, "rel");
	struct { struct open_how how; unsigned long long extra; } big = { { O_RDONLY, 0, 0 }, 0 };
	expect("openat2 plain", oa2(dfd, "sub/file", O_RDONLY, 0), 0);
	expect("openat2 size 23", openat2_raw(dfd, "sub/file", &big, 23), EINVAL);
	long fd = openat2_raw(dfd, "sub/file", &big, sizeof big);
	expect("openat2 size 32, zero tail", fd, 0);
	if (fd >= 0) close((int)fd);
	big.extra = 1;
	expect("openat2 size 32, non-zero tail", openat2_raw(dfd, "sub/file", &big, sizeof big), E2BIG);
	expect("openat2 size past a page", openat2_raw(dfd, "sub/file", &big, 8192), E2BIG);
	expect("openat2 flags bit 40", oa2(dfd, "sub/file", 1ULL << 40, 0), EINVAL);
	expect("openat2 resolve 0x40", oa2(dfd, "sub/file", O_RDONLY, 0x40), EINVAL);
	expect("openat2 BENEATH|IN_ROOT", oa2(dfd, "sub/file", O_RDONLY, RESOLVE_BENEATH | RESOLVE_IN_ROOT), EINVAL);
	struct open_how m = { O_RDONLY, 0644, 0 };
	expect("openat2 mode without O_CREAT", openat2_raw(dfd, "sub/file", &m, sizeof m), EINVAL);
	m.flags = O_CREAT | O_WRONLY; m.mode = 010000;
	expect("openat2 mode 010000 with O_CREAT", openat2_raw(dfd, "sub/new", &m, sizeof m), EINVAL);
	expect("openat2 O_PATH|O_APPEND", oa2(dfd, "sub/file", O_PATH | O_APPEND, 0), EINVAL);
	expect("openat2 O_PATH|O_NOFOLLOW on a symlink", oa2(dfd, "sub/rel", O_PATH | O_NOFOLLOW, 0), 0);
	expect("openat2 CACHED with O_CREAT", oa2(dfd, "sub/x", O_CREAT | O_WRONLY, RESOLVE_CACHED), EAGAIN);
	expect("openat2 CACHED plain", oa2(dfd, "sub/file", O_RDONLY, RESOLVE_CACHED), 0);
	expect("BENEATH sub/../sub/file", oa2(dfd, "sub/../sub/file", O_RDONLY, RESOLVE_BENEATH), 0);
	expect("BENEATH ../x", oa2(dfd, "../x", O_RDONLY, RESOLVE_BENEATH), EXDEV);
	expect("BENEATH absolute /etc", oa2(dfd, "/etc", O_RDONLY, RESOLVE_BENEATH), EXDEV);
	expect("absolute path, dirfd -1", oa2(-1, "/proc/self/status", O_RDONLY, 0), 0);
	expect("BENEATH absolute path, dirfd -1", oa2(-1, "/etc", O_RDONLY, RESOLVE_BENEATH), EXDEV);
	expect("IN_ROOT absolute path, dirfd -1", oa2(-1, "/etc", O_RDONLY, RESOLVE_IN_ROOT), EBADF);
	expect("BENEATH relative path, dirfd -1", oa2(-1, "etc", O_RDONLY, RESOLVE_BENEATH), EBADF);
	expect("BENEATH symlink to ../..", oa2(dfd, "sub/up/x", O_RDONLY, RESOLVE_BENEATH), EXDEV);
	expect("BENEATH symlink to /etc", oa2(dfd, "sub/abs", O_RDONLY, RESOLVE_BENEATH), EXDEV);
	expect("BENEATH relative symlink", oa2(dfd, "sub/rel", O_RDONLY, RESOLVE_BENEATH), 0);
	expect("BENEATH creates inside", oa2(dfd, "sub/created", O_CREAT | O_WRONLY, RESOLVE_BENEATH), 0);
	expect("IN_ROOT /sub/file", oa2(dfd, "/sub/file", O_RDONLY, RESOLVE_IN_ROOT), 0);
	expect("IN_ROOT ../../sub/file", oa2(dfd, "../../sub/file", O_RDONLY, RESOLVE_IN_ROOT), 0);
	expect("IN_ROOT sub/up/sub/file", oa2(dfd, "sub/up/sub/file", O_RDONLY, RESOLVE_IN_ROOT), 0);
	expect("IN_ROOT symlink to /etc stays inside", oa2(dfd, "sub/abs", O_RDONLY, RESOLVE_IN_ROOT), ENOENT);
	expect("NO_SYMLINKS relative symlink", oa2(dfd, "sub/rel", O_RDONLY, RESOLVE_NO_SYMLINKS), ELOOP);
	expect("NO_SYMLINKS O_PATH|O_NOFOLLOW", oa2(dfd, "sub/rel", O_PATH | O_NOFOLLOW, RESOLVE_NO_SYMLINKS), 0);
	snprintf(path, sizeof path, "/proc/self/fd/%d", sub);
	expect("NO_MAGICLINKS /proc/self/fd/N", oa2(AT_FDCWD, path, O_RDONLY, RESOLVE_NO_MAGICLINKS), ELOOP);
	expect("/proc/self/fd/N without restrictions", oa2(AT_FDCWD, path, O_RDONLY, 0), 0);
	expect("NO_XDEV within one filesystem", oa2(dfd, "sub/file", O_RDONLY, RESOLVE_NO_XDEV), 0);
	expect("NO_XDEV into /proc", oa2(AT_FDCWD, "/proc/self/status", O_RDONLY, RESOLVE_NO_XDEV), EXDEV);

	expect("fchmodat2 0600", syscall(NR_FCHMODAT2, sub, "file", 0600, 0), 0);
	struct stat st;
	fstatat(sub, "file", &st, 0);
	expect_mode("mode after it", st.st_mode & 07777, 0600);
	expect("fchmodat2 NOFOLLOW on a file", syscall(NR_FCHMODAT2, sub, "file", 0640, AT_SYMLINK_NOFOLLOW), 0);
	expect("fchmodat2 NOFOLLOW on a symlink", syscall(NR_FCHMODAT2, sub, "rel", 0600, AT_SYMLINK_NOFOLLOW), EOPNOTSUPP);
	expect("fchmodat2 through a symlink", syscall(NR_FCHMODAT2, sub, "rel", 0604, 0), 0);
	fstatat(sub, "file", &st, 0);
	expect_mode("mode after it", st.st_mode & 07777, 0604);
	expect("fchmodat2 unknown flag 1", syscall(NR_FCHMODAT2, sub, "file", 0600, 1), EINVAL);
	int f = openat(sub, "file", O_RDONLY);
	expect("fchmodat2 AT_EMPTY_PATH on an fd", syscall(NR_FCHMODAT2, f, "", 0644, AT_EMPTY_PATH), 0);
	expect("fchmodat2 empty path without AT_EMPTY_PATH", syscall(NR_FCHMODAT2, f, "", 0644, 0), ENOENT);
	close(f);

	unlinkat(sub, "file", 0); unlinkat(sub, "created", 0);
	unlinkat(sub, "up", 0); unlinkat(sub, "abs", 0); unlinkat(sub, "rel", 0);
	close(sub);
	unlinkat(dfd, "sub", AT_REMOVEDIR);
	close(dfd);
}

int main(void)
{
	char dir[] = "/tmp/newcalls-XXXXXX";
	if (!mkdtemp(dir)) { perror("mkdtemp"); return 2; }
	writeback(dir);
	rw2(dir);
	sched_rr();
	caps();
	openat2_checks(dir);
	rmdir(dir);
	return expect_done("newcalls");
}
