/* dirlist: creates a directory with known files and subdirectories, lists it with readdir,
 * sorts the names and prints them with their types and sizes, then removes everything. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Room for the /tmp prefix, a pid and a file name. */
#define PATH_LEN 256
/* More than the entries this program creates. */
#define MAX_ENTRIES 64

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char base[PATH_LEN];

static void make_file(const char *name, size_t size)
{
	char path[PATH_LEN * 2];
	snprintf(path, sizeof path, "%s/%s", base, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		printf("create %s failed: %s\n", name, strerror(errno));
		return;
	}
	char buf[100];
	memset(buf, 'z', sizeof buf);
	while (size > 0) {
		size_t n = size < sizeof buf ? size : sizeof buf;
		if (write(fd, buf, n) < 0)
			break;
		size -= n;
	}
	close(fd);
}

static void list(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		printf("opendir failed: %s\n", strerror(errno));
		return;
	}
	char *names[MAX_ENTRIES];
	int n = 0, dots = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) {
			dots++;
			continue;
		}
		if (n < MAX_ENTRIES)
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(char *), cmp_str);
	printf("%d entries (plus %d of . and ..)\n", n, dots);
	for (int i = 0; i < n; i++) {
		char path[PATH_LEN * 2];
		struct stat st;
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		if (lstat(path, &st) != 0) {
			printf("  %s: lstat failed\n", names[i]);
		} else if (S_ISDIR(st.st_mode)) {
			printf("  %-16s dir\n", names[i]);
		} else if (S_ISLNK(st.st_mode)) {
			char target[PATH_LEN];
			ssize_t len = readlink(path, target, sizeof target - 1);
			target[len > 0 ? len : 0] = 0;
			printf("  %-16s symlink -> %s\n", names[i], target);
		} else {
			printf("  %-16s file %lld bytes\n", names[i], (long long)st.st_size);
		}
		free(names[i]);
	}
}

int main(void)
{
	umask(022); /* the modes created below must not depend on the caller's umask */
	snprintf(base, sizeof base, "/tmp/ecall-dirlist-%d", (int)getpid());
	if (mkdir(base, 0755) != 0) {
		printf("mkdir failed: %s\n", strerror(errno));
		return 1;
	}
	static const char *const files[] = { "zeta.txt", "alpha", "Beta", "file with spaces", "123", ".hidden", "a.b.c" };
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		make_file(files[i], i * 150);
	char path[PATH_LEN * 2];
	snprintf(path, sizeof path, "%s/subdir", base);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/subdir/inner", base);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/link", base);
	printf("symlink: %d\n", symlink("alpha", path));
	list(base);

	for (int i = 0; i < 40; i++) {
		char name[32];
		snprintf(name, sizeof name, "many-%02d", i);
		make_file(name, 1);
	}
	DIR *d = opendir(base);
	int count = 0;
	while (d && readdir(d))
		count++;
	printf("after adding 40 files: readdir returned %d entries\n", count);
	rewinddir(d);
	int again = 0;
	while (d && readdir(d))
		again++;
	printf("after rewinddir: %d entries\n", again);
	if (d)
		closedir(d);

	snprintf(path, sizeof path, "%s/subdir", base);
	printf("rmdir non-empty: %s\n", rmdir(path) == 0 ? "succeeded (wrong)" : strerror(errno));
	snprintf(path, sizeof path, "%s/subdir/inner", base);
	rmdir(path);
	d = opendir(base);
	struct dirent *e;
	int removed = 0;
	while (d && (e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof path, "%s/%s", base, e->d_name);
		struct stat st;
		if (lstat(path, &st) == 0 && (S_ISDIR(st.st_mode) ? rmdir(path) : unlink(path)) == 0)
			removed++;
	}
	if (d)
		closedir(d);
	printf("removed %d entries, rmdir base: %d\n", removed, rmdir(base));
	return 0;
}
