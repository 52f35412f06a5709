/* procself: /proc/self/exe resolves to this binary (checked by its last path component), and
 * argv[0] names the same file. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Room for any host path the binary may live under. */
#define PATH_LEN 4096

static const char *basename_of(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

int main(int argc, char **argv)
{
	(void)argc;
	char buf[PATH_LEN];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	if (n < 0) {
		printf("readlink /proc/self/exe failed: %s\n", strerror(errno));
		return 1;
	}
	buf[n] = 0;
	printf("readlink /proc/self/exe: succeeded\n");
	printf("absolute: %s\n", buf[0] == '/' ? "yes" : "no");
	printf("ends with: %s\n", basename_of(buf));
	printf("argv[0] ends with the same name: %s\n", strcmp(basename_of(argv[0]), basename_of(buf)) == 0 ? "yes" : "no");
	char small[4];
	n = readlink("/proc/self/exe", small, sizeof small);
	printf("readlink into 4 bytes: %zd (truncated, no terminator)\n", n);
	char *volatile null_buffer = NULL; /* volatile: keeps the compiler from flagging the NULL */
	n = readlink("/proc/self/exe", null_buffer, 10);
	printf("readlink into NULL: %zd %s\n", n, n < 0 ? strerror(errno) : "");
	return 0;
}
