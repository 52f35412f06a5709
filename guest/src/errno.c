/* errno: the error paths of common syscalls return Linux's errno values (printed by name). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../include/expect.h"

/* Room for the /tmp prefix, a pid and a file name. */
#define PATH_LEN 200

/* Checks that a call's result r failed with errno want, as one line that also shows r (-1 for any error). */
static void expect_ret(const char *what, long r, int want)
{
	int e = r < 0 ? errno : 0;
	printf("%-44s -> %ld %-12s %s\n", what, r < 0 ? -1L : r, errname(e), e == want ? "ok" : "MISMATCH");
}

int main(void)
{
	char dir[PATH_LEN], file[PATH_LEN * 2], path[PATH_LEN * 4];
	void *volatile null_ptr = NULL; /* volatile: keeps the compiler from flagging the NULL arguments */
	int p[2];
	snprintf(dir, sizeof dir, "/tmp/ecall-errno-%d", (int)getpid());
	snprintf(file, sizeof file, "%s/file", dir);

	errno = 0;
	expect_ret("open missing file", open("/nonexistent-ecall/file", O_RDONLY), ENOENT);
	expect_ret("close(-1)", close(-1), EBADF);
	expect_ret("close(999)", close(999), EBADF);
	expect_ret("read from fd 999", read(999, path, 1), EBADF);
	expect_ret("write to fd -5", write(-5, "x", 1), EBADF);
	pipe(p);
	write(p[1], "data", 4);
	expect_ret("read into NULL buffer", read(p[0], null_ptr, 4), EFAULT);
	expect_ret("write from NULL buffer", write(p[1], null_ptr, 4), EFAULT);
	expect_ret("lseek on a pipe", lseek(p[0], 0, SEEK_SET), ESPIPE);
	expect_ret("write to read end of pipe", write(p[0], "x", 1), EBADF);
	expect_ret("read from write end of pipe", read(p[1], path, 1), EBADF);
	expect_ret("pipe(NULL)", pipe(null_ptr), EFAULT);
	close(p[0]);
	close(p[1]);

	expect_ret("mkdir new dir", mkdir(dir, 0755), 0);
	expect_ret("mkdir existing", mkdir(dir, 0755), EEXIST);
	int fd = open(file, O_WRONLY | O_CREAT, 0644);
	expect_ret("create file in it", fd, 0);
	close(fd);
	expect_ret("rmdir non-empty", rmdir(dir), ENOTEMPTY);
	expect_ret("rmdir a file", rmdir(file), ENOTDIR);
	expect_ret("unlink a directory", unlink(dir), EISDIR);
	snprintf(path, sizeof path, "%s/sub", file);
	expect_ret("open with a file as a directory", open(path, O_RDONLY), ENOTDIR);
	expect_ret("mkdir under a file", mkdir(path, 0755), ENOTDIR);
	expect_ret("open a directory for writing", open(dir, O_WRONLY), EISDIR);
	expect_ret("O_DIRECTORY on a file", open(file, O_RDONLY | O_DIRECTORY), ENOTDIR);
	expect_ret("O_CREAT|O_EXCL on existing", open(file, O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	expect_ret("read from a directory fd", read(dfd, path, 10), EISDIR);
	close(dfd);
	char longname[301]; /* "/" and a 299-byte name: over NAME_MAX (255) */
	memset(longname, 'n', sizeof longname - 1);
	longname[0] = '/';
	longname[sizeof longname - 1] = 0;
	expect_ret("open a path with a 299-byte component", open(longname, O_RDONLY), ENAMETOOLONG);
	expect_ret("open(NULL path)", open(null_ptr, O_RDONLY), EFAULT);
	expect_ret("stat with NULL buffer", stat(file, null_ptr), EFAULT);
	expect_ret("unlink missing", unlink("/tmp/ecall-definitely-missing-file"), ENOENT);
	snprintf(path, sizeof path, "%s/loop", dir);
	symlink("loop", path);
	expect_ret("open a self-referencing symlink", open(path, O_RDONLY), ELOOP);
	unlink(path);
	expect_ret("chdir to a file", chdir(file), ENOTDIR);
	expect_ret("rename into a missing dir", rename(file, "/nonexistent-ecall/x"), ENOENT);
	expect_ret("fcntl with bad cmd", fcntl(0, 9999), EINVAL);
	fd = open(file, O_RDONLY);
	expect_ret("lseek with bad whence", lseek(fd, 0, 42), EINVAL);
	expect_ret("lseek to negative offset", lseek(fd, -10, SEEK_SET), EINVAL);
	expect_ret("write to O_RDONLY fd", write(fd, "x", 1), EBADF);
	expect_ret("ioctl TCGETS on a regular file", ioctl(fd, 0x5401, path), ENOTTY);
	close(fd);
	char cwd[4];
	expect_ret("getcwd into 4 bytes", getcwd(cwd, sizeof cwd) ? 0 : -1, ERANGE);
	expect_ret("munmap unaligned", munmap((void *)0x1001, 4096), EINVAL);
	expect_ret("mmap length 0", mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? -1 : 0, EINVAL);
	expect_ret("mmap of a bad fd", mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 999, 0) == MAP_FAILED ? -1 : 0, EBADF);
	expect_ret("unknown syscall 5000", syscall(5000), ENOSYS);
	expect_ret("unlink file", unlink(file), 0);
	expect_ret("rmdir now-empty dir", rmdir(dir), 0);
	expect_ret("rmdir again", rmdir(dir), ENOENT);
	printf("strerror(ENOENT) = %s\n", strerror(ENOENT));
	errno = EEXIST;
	perror("perror test");
	return 0;
}
