/* fileio: file I/O on /tmp and on a scratch file in the current directory: create, write, seek,
 * pread/pwrite, O_APPEND, ftruncate, fstat, rename, stdio, unlink. File names contain the pid and
 * random bits (concurrent runs may share a pid namespace), which are never printed. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

/* Room for a directory prefix, the program tag and a pid. */
#define PATH_LEN 256

static int failures;
static unsigned long long name_tag; /* random, so that concurrent runs never share a scratch file */

static void check(const char *what, long got, long want)
{
	printf("%-40s %s", what, got == want ? "ok" : "MISMATCH");
	if (got != want) {
		printf(" (got %ld, want %ld, errno %s)", got, want, strerror(errno));
		failures++;
	}
	printf("\n");
}

static void exercise(const char *label, const char *dir)
{
	char path[PATH_LEN], renamed[PATH_LEN], what[96];
	snprintf(path, sizeof path, "%s/ecall-fileio-%d-%llx.txt", dir, (int)getpid(), name_tag);
	snprintf(renamed, sizeof renamed, "%s/ecall-fileio-%d-%llx.renamed", dir, (int)getpid(), name_tag);
	printf("== %s ==\n", label);

	int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0640);
	check("open O_CREAT|O_EXCL", fd >= 0, 1);
	check("second O_EXCL fails with EEXIST", open(path, O_RDWR | O_CREAT | O_EXCL, 0640) < 0 && errno == EEXIST, 1);
	const char *msg = "hello, file\nsecond line\n";
	check("write", write(fd, msg, strlen(msg)), (long)strlen(msg));
	check("lseek SEEK_CUR", lseek(fd, 0, SEEK_CUR), (long)strlen(msg));
	check("lseek SEEK_SET 7", lseek(fd, 7, SEEK_SET), 7);
	char buf[128] = { 0 };
	check("read 4", read(fd, buf, 4), 4);
	printf("read back: \"%s\"\n", buf);
	check("pwrite at 0", pwrite(fd, "HELLO", 5, 0), 5);
	check("offset unchanged by pwrite", lseek(fd, 0, SEEK_CUR), 11);
	memset(buf, 0, sizeof buf);
	check("pread whole file", pread(fd, buf, sizeof buf - 1, 0), (long)strlen(msg));
	printf("contents: \"%.*s\"\n", (int)strcspn(buf, "\n"), buf);
	check("lseek SEEK_END", lseek(fd, 0, SEEK_END), (long)strlen(msg));
	check("lseek past end", lseek(fd, 100, SEEK_END), (long)strlen(msg) + 100);
	check("write after a hole", write(fd, "!", 1), 1);
	struct stat st;
	check("fstat", fstat(fd, &st), 0);
	check("st_size after hole", st.st_size, (long)strlen(msg) + 101);
	check("regular file", S_ISREG(st.st_mode), 1);
	check("mode 0640", st.st_mode & 0777, 0640);
	memset(buf, 'x', sizeof buf);
	check("pread in hole", pread(fd, buf, 8, (off_t)strlen(msg) + 10), 8);
	check("hole reads as zeros", buf[0] == 0 && buf[7] == 0, 1);
	check("ftruncate to 5", ftruncate(fd, 5), 0);
	check("fstat after truncate", fstat(fd, &st) == 0 ? st.st_size : -1, 5);
	check("read at old offset gives EOF", read(fd, buf, 10), 0);
	check("close", close(fd), 0);

	fd = open(path, O_WRONLY | O_APPEND);
	check("open O_APPEND", fd >= 0, 1);
	lseek(fd, 0, SEEK_SET);
	check("append write", write(fd, "+tail", 5), 5);
	check("offset after append", lseek(fd, 0, SEEK_CUR), 10);
	close(fd);

	check("rename", rename(path, renamed), 0);
	check("old name gone", access(path, F_OK) < 0 && errno == ENOENT, 1);
	FILE *f = fopen(renamed, "r+");
	check("fopen r+", f != NULL, 1);
	if (f) {
		memset(buf, 0, sizeof buf);
		check("fgets", fgets(buf, sizeof buf, f) != NULL, 1);
		printf("fgets: \"%s\"\n", buf);
		fseek(f, 0, SEEK_END);
		fprintf(f, "\n%d %s %.2f\n", 42, "formatted", 2.5);
		check("fclose", fclose(f), 0);
	}
	f = fopen(renamed, "r");
	int lines = 0;
	while (f && fgets(buf, sizeof buf, f)) {
		buf[strcspn(buf, "\n")] = 0;
		printf("line %d: \"%s\"\n", ++lines, buf);
	}
	if (f)
		fclose(f);
	snprintf(what, sizeof what, "unlink");
	check(what, unlink(renamed), 0);
	check("stat after unlink gives ENOENT", stat(renamed, &st) < 0 && errno == ENOENT, 1);
}

int main(void)
{
	if (getrandom(&name_tag, sizeof name_tag, 0) != sizeof name_tag)
		name_tag = 0;
	umask(022); /* the modes checked below must not depend on the caller's umask */
	exercise("/tmp", "/tmp");
	exercise("current directory", ".");
	printf("failures: %d\n", failures);
	return failures != 0;
}
