/* mmap_shared: MAP_SHARED file mappings share the file's pages. Writes through memory are seen by
 * pread() and by a second mapping; pwrite() is seen through the mappings; msync and munmap put the
 * bytes in the file (checked through a fresh open after the mappings are gone). MAP_PRIVATE
 * mappings of the same file see it until they write, and their writes stay private.
 * With an argument FILE: writes "written at exit" through a shared mapping of FILE's first page
 * and exits without msync, munmap or close (exit must write the page back). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGE 4096
#define SIZE (3 * PAGE)

/* The FILE mode: a store through a shared mapping, then exit. */
static int write_at_exit(const char *file)
{
	int fd = open(file, O_RDWR);
	if (fd < 0) { perror(file); return 1; }
	char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) { perror("mmap"); return 1; }
	memcpy(p, "written at exit", 15);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1) return write_at_exit(argv[1]);
	char path[64];
	snprintf(path, sizeof path, "mmap_shared.%d.tmp", (int)getpid());
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) { perror("open"); return 1; }
	static char data[SIZE];
	for (int i = 0; i < SIZE; i++) data[i] = 'a' + i % 26;
	if (write(fd, data, SIZE) != SIZE) { perror("write"); return 1; }

	char *p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *q = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *v = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED || q == MAP_FAILED || v == MAP_FAILED) { perror("mmap"); return 1; }
	printf("two shared mappings at different addresses: %s\n", p != q ? "yes" : "no");

	memcpy(p + 100, "through memory", 14);
	char buf[32] = { 0 };
	pread(fd, buf, 14, 100);
	printf("pread after a store: %.14s\n", buf);
	printf("the other mapping: %.14s\n", q + 100);
	printf("the private mapping (not yet written): %.14s\n", v + 100);

	pwrite(fd, "through pwrite", 14, PAGE + 7);
	printf("mapping after pwrite: %.14s / %.14s\n", p + PAGE + 7, q + PAGE + 7);

	v[2 * PAGE] = '#';
	memcpy(q + 2 * PAGE, "shared write", 12);
	printf("private page after its own write: %c%.11s\n", v[2 * PAGE], v + 2 * PAGE + 1);
	pread(fd, buf, 12, 2 * PAGE);
	printf("file after both writes: %.12s\n", buf);

	printf("msync: %d\n", msync(p, SIZE, MS_SYNC));
	memcpy(p + 3000, "after msync", 11);
	printf("munmap: %d %d %d\n", munmap(p, SIZE), munmap(q, SIZE), munmap(v, SIZE));
	close(fd);

	fd = open(path, O_RDONLY);
	static char back[SIZE];
	ssize_t n = read(fd, back, SIZE);
	printf("reopened: %zd bytes: %.14s | %.14s | %.12s | %.11s\n", n, back + 100, back + PAGE + 7,
		back + 2 * PAGE, back + 3000);
	int same = 1;
	for (int i = 0; i < SIZE; i++) {
		int written = (i >= 100 && i < 114) || (i >= PAGE + 7 && i < PAGE + 21) ||
			(i >= 2 * PAGE && i < 2 * PAGE + 12) || (i >= 3000 && i < 3011);
		if (!written && back[i] != data[i]) same = 0;
	}
	printf("every other byte unchanged: %s\n", same ? "yes" : "no");
	close(fd);
	unlink(path);
	return 0;
}
