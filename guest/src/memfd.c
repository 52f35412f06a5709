/* memfd: memfd_create gives an anonymous file; after ftruncate, two shared mappings of it at
 * different addresses see each other's writes, write() and read() on the fd see the mappings,
 * and /proc/self/fd names it "/memfd:NAME (deleted)". Bad flags are EINVAL. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGE 4096

int main(void)
{
	int fd = memfd_create("ecall-test", MFD_CLOEXEC);
	if (fd < 0) { perror("memfd_create"); return 1; }
	char link[64], target[128] = { 0 };
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	readlink(link, target, sizeof target - 1);
	printf("fd names: %s\n", target);
	printf("FD_CLOEXEC: %s\n", fcntl(fd, F_GETFD) & FD_CLOEXEC ? "set" : "clear");
	struct stat st;
	fstat(fd, &st);
	printf("new size %lld, regular %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
	printf("ftruncate: %d\n", ftruncate(fd, 2 * PAGE));

	char *a = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *b = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (a == MAP_FAILED || b == MAP_FAILED) { perror("mmap"); return 1; }
	printf("different addresses: %s\n", a != b ? "yes" : "no");
	strcpy(a + 10, "written through a");
	strcpy(b + PAGE + 20, "written through b");
	printf("b sees: %s\n", b + 10);
	printf("a sees: %s\n", a + PAGE + 20);
	char buf[32] = { 0 };
	pread(fd, buf, 17, PAGE + 20);
	printf("pread sees: %s\n", buf);
	pwrite(fd, "via pwrite", 10, 100);
	printf("mappings see: %.10s %.10s\n", a + 100, b + 100);
	fstat(fd, &st);
	printf("size now %lld\n", (long long)st.st_size);

	errno = 0;
	printf("unknown flag: %d %s\n", memfd_create("x", 0x100), errno == EINVAL ? "EINVAL" : "other");
	errno = 0;
	char name[300];
	memset(name, 'n', sizeof name - 1);
	name[sizeof name - 1] = 0;
	printf("name of 299 bytes: %d %s\n", memfd_create(name, 0), errno == EINVAL ? "EINVAL" : "other");
	return 0;
}
