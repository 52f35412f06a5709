/* tmpfill: fills a tmpfs (DIR, argv[1], default /tmp) until a write fails, and reports how it
 * failed and how much was written; statfs then shows no free blocks. A sparse file of 1 TiB costs
 * nothing, removing the big file gives the space back, and writes work again. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

/* Bytes per write. */
#define CHUNK 65536
/* Size of the sparse file: far above any tmpfs size limit. */
#define SPARSE_SIZE (1LL << 40)

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";
	char big[4096], sparse[4096];
	snprintf(big, sizeof big, "%s/tmpfill-big", dir);
	snprintf(sparse, sizeof sparse, "%s/tmpfill-sparse", dir);

	int s = open(sparse, O_RDWR | O_CREAT | O_TRUNC, 0644);
	struct stat st;
	if (s < 0 || ftruncate(s, SPARSE_SIZE) != 0 || fstat(s, &st) != 0) {
		printf("sparse file: %s\n", strerror(errno));
		return 1;
	}
	printf("sparse file: size %lld, blocks %lld\n", (long long)st.st_size, (long long)st.st_blocks);

	int fd = open(big, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		printf("open: %s\n", strerror(errno));
		return 1;
	}
	static char buf[CHUNK];
	memset(buf, 'x', sizeof buf);
	long long total = 0;
	for (;;) {
		ssize_t n = write(fd, buf, sizeof buf);
		if (n < 0) {
			printf("write stopped: %s\n", strerror(errno));
			break;
		}
		total += n;
	}
	printf("wrote %lld KiB\n", total / 1024);
	struct statfs sf;
	fstatfs(fd, &sf);
	printf("statfs: %lld of %lld blocks free\n", (long long)sf.f_bfree, (long long)sf.f_blocks);
	printf("write into the sparse file's hole: %s\n", pwrite(s, buf, 1, SPARSE_SIZE / 2) < 0 ? strerror(errno) : "ok");
	close(fd);
	unlink(big);
	fd = open(big, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	printf("write after unlink: %s\n", write(fd, buf, sizeof buf) == (ssize_t)sizeof buf ? "ok" : strerror(errno));
	close(fd);
	unlink(big);
	close(s);
	unlink(sparse);
	return 0;
}
