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

/* Room for the /tmp prefix, a pid and a file name. */
#define PATH_LEN 200

static const char *errname(int e)
{
	switch (e) {
	case 0: return "0";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EEXIST: return "EEXIST";
	case ENOTDIR: return "ENOTDIR";
	case EISDIR: return "EISDIR";
	case EINVAL: return "EINVAL";
	case ESPIPE: return "ESPIPE";
	case ERANGE: return "ERANGE";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	case ENOSYS: return "ENOSYS";
	case ENOTEMPTY: return "ENOTEMPTY";
	case ELOOP: return "ELOOP";
	case EXDEV: return "EXDEV";
	case ENOTTY: return "ENOTTY";
	default: return "other";
	}
}

static void expect(const char *what, long r, int want)
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
	expect("open missing file", open("/nonexistent-ecall/file", O_RDONLY), ENOENT);
	expect("close(-1)", close(-1), EBADF);
	expect("close(999)", close(999), EBADF);
	expect("read from fd 999", read(999, path, 1), EBADF);
	expect("write to fd -5", write(-5, "x", 1), EBADF);
	pipe(p);
	write(p[1], "data", 4);
	expect("read into NULL buffer", read(p[0], null_ptr, 4), EFAULT);
	expect("write from NULL buffer", write(p[1], null_ptr, 4), EFAULT);
	expect("lseek on a pipe", lseek(p[0], 0, SEEK_SET), ESPIPE);
	expect("write to read end of pipe", write(p[0], "x", 1), EBADF);
	expect("read from write end of pipe", read(p[1], path, 1), EBADF);
	expect("pipe(NULL)", pipe(null_ptr), EFAULT);
	close(p[0]);
	close(p[1]);

	expect("mkdir new dir", mkdir(dir, 0755), 0);
	expect("mkdir existing", mkdir(dir, 0755), EEXIST);
	int fd = open(file, O_WRONLY | O_CREAT, 0644);
	expect("create file in it", fd, 0);
	close(fd);
	expect("rmdir non-empty", rmdir(dir), ENOTEMPTY);
	expect("rmdir a file", rmdir(file), ENOTDIR);
	expect("unlink a directory", unlink(dir), EISDIR);
	snprintf(path, sizeof path, "%s/sub", file);
	expect("open with a file as a directory", open(path, O_RDONLY), ENOTDIR);
	expect("mkdir under a file", mkdir(path, 0755), ENOTDIR);
	expect("open a directory for writing", open(dir, O_WRONLY), EISDIR);
	expect("O_DIRECTORY on a file", open(file, O_RDONLY | O_DIRECTORY), ENOTDIR);
	expect("O_CREAT|O_EXCL on existing", open(file, O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	expect("read from a directory fd", read(dfd, path, 10), EISDIR);
	close(dfd);
	char longname[301]; /* "/" and a 299-byte name: over NAME_MAX (255) */
	memset(longname, 'n', sizeof longname - 1);
	longname[0] = '/';
	longname[sizeof longname - 1] = 0;
	expect("open a path with a 299-byte component", open(longname, O_RDONLY), ENAMETOOLONG);
	expect("open(NULL path)", open(null_ptr, O_RDONLY), EFAULT);
	expect("stat with NULL buffer", stat(file, null_ptr), EFAULT);
	expect("unlink missing", unlink("/tmp/ecall-definitely-missing-file"), ENOENT);
	snprintf(path, sizeof path, "%s/loop", dir);
	symlink("loop", path);
	expect("open a self-referencing symlink", open(path, O_RDONLY), ELOOP);
	unlink(path);
	expect("chdir to a file", chdir(file), ENOTDIR);
	expect("rename into a missing dir", rename(file, "/nonexistent-ecall/x"), ENOENT);
	expect("fcntl with bad cmd", fcntl(0, 9999), EINVAL);
	fd = open(file, O_RDONLY);
	expect("lseek with bad whence", lseek(fd, 0, 42), EINVAL);
	expect("lseek to negative offset", lseek(fd, -10, SEEK_SET), EINVAL);
	expect("write to O_RDONLY fd", write(fd, "x", 1), EBADF);
	expect("ioctl TCGETS on a regular file", ioctl(fd, 0x5401, path), ENOTTY);
	close(fd);
	char cwd[4];
	expect("getcwd into 4 bytes", getcwd(cwd, sizeof cwd) ? 0 : -1, ERANGE);
	expect("munmap unaligned", munmap((void *)0x1001, 4096), EINVAL);
	expect("mmap length 0", mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? -1 : 0, EINVAL);
	expect("mmap of a bad fd", mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 999, 0) == MAP_FAILED ? -1 : 0, EBADF);
	expect("unknown syscall 5000", syscall(5000), ENOSYS);
	expect("unlink file", unlink(file), 0);
	expect("rmdir now-empty dir", rmdir(dir), 0);
	expect("rmdir again", rmdir(dir), ENOENT);
	printf("strerror(ENOENT) = %s\n", strerror(ENOENT));
	errno = EEXIST;
	perror("perror test");
	return 0;
}
