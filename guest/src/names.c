/* names: file names are bytes. In a fresh directory below DIR (argv[1], default /tmp) it creates
 * names that are not valid UTF-8 and differ in one byte, with O_EXCL, and reads them back through
 * getdents, readlink, getcwd and /proc/self/cwd, printing every name in hex. With argv[2] "keep"
 * the files stay (a test then looks at them from the host) and the directory's name is printed
 * last; otherwise everything is removed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Room for DIR, the temporary directory's name and a file name. */
#define PATH_LEN 4096
/* More than the entries this program creates. */
#define MAX_ENTRIES 16

/* Prints label and the bytes of s in hex. */
static void hex(const char *label, const char *s)
{
	printf("%s:", label);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		printf(" %02x", *p);
	printf("\n");
}

/* Creates name with O_CREAT|O_EXCL and reports the outcome. */
static void create_excl(const char *name)
{
	int fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0644);
	hex("create", name);
	if (fd < 0) {
		printf("  -> %s\n", strerror(errno));
		return;
	}
	if (write(fd, name, strlen(name)) < 0)
		printf("  write failed: %s\n", strerror(errno));
	close(fd);
	printf("  -> created\n");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists "." sorted, in hex. */
static void list(void)
{
	DIR *d = opendir(".");
	if (!d) {
		printf("opendir: %s\n", strerror(errno));
		return;
	}
	char *names[MAX_ENTRIES];
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < MAX_ENTRIES)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof names[0], cmp_str);
	for (int i = 0; i < n; i++) {
		hex("entry", names[i]);
		free(names[i]);
	}
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";
	int keep = argc > 2 && !strcmp(argv[2], "keep");
	char tmpl[PATH_LEN];
	snprintf(tmpl, sizeof tmpl, "%s/ecall-names-XXXXXX", dir);
	if (!mkdtemp(tmpl) || chdir(tmpl) != 0) {
		printf("mkdtemp in %s: %s\n", dir, strerror(errno));
		return 1;
	}
	create_excl("n\xff");
	create_excl("n\xfe");
	create_excl("n\xff");
	create_excl("caf\xc3\xa9");
	create_excl("caf\xe9");

	if (symlink("t\x80\xff", "l\xc3") != 0)
		printf("symlink: %s\n", strerror(errno));
	char buf[PATH_LEN];
	ssize_t n = readlink("l\xc3", buf, sizeof buf - 1);
	if (n < 0)
		printf("readlink: %s\n", strerror(errno));
	else {
		buf[n] = 0;
		hex("readlink", buf);
	}

	if (mkdir("d\xe9\xff", 0755) != 0 || chdir("d\xe9\xff") != 0)
		printf("mkdir/chdir: %s\n", strerror(errno));
	if (!getcwd(buf, sizeof buf))
		printf("getcwd: %s\n", strerror(errno));
	else
		hex("getcwd basename", strrchr(buf, '/') + 1);
	n = readlink("/proc/self/cwd", buf, sizeof buf - 1);
	if (n < 0)
		printf("readlink /proc/self/cwd: %s\n", strerror(errno));
	else {
		buf[n] = 0;
		hex("/proc/self/cwd basename", strrchr(buf, '/') + 1);
	}
	if (chdir("..") != 0)
		printf("chdir ..: %s\n", strerror(errno));
	list();

	if (keep) {
		printf("kept %s\n", strrchr(tmpl, '/') + 1);
		return 0;
	}
	static const char *const made[] = {"n\xff", "n\xfe", "caf\xc3\xa9", "caf\xe9", "l\xc3"};
	for (unsigned i = 0; i < sizeof made / sizeof made[0]; i++)
		if (unlink(made[i]) != 0)
			hex("unlink failed", made[i]);
	if (rmdir("d\xe9\xff") != 0 || chdir("/") != 0 || rmdir(tmpl) != 0)
		printf("cleanup: %s\n", strerror(errno));
	printf("removed\n");
	return 0;
}
