/* selfexe: prints how the program sees itself: argv[0], AT_EXECFN, the target of /proc/self/exe,
 * and whether /proc/self/exe opens and starts with the ELF magic (programs that re-read their own
 * binary, such as Go's os.Executable users, need that). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

/* Room for any path. */
#define PATH_LEN 4096

int main(int argc, char **argv)
{
	(void)argc;
	char buf[PATH_LEN];
	printf("argv[0]: %s\n", argv[0]);
	printf("AT_EXECFN: %s\n", (const char *)getauxval(AT_EXECFN));
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	if (n < 0) {
		printf("/proc/self/exe: %s\n", strerror(errno));
		return 1;
	}
	buf[n] = 0;
	printf("/proc/self/exe: %s\n", buf);
	int fd = open("/proc/self/exe", O_RDONLY);
	unsigned char magic[4] = {0};
	if (fd < 0 || read(fd, magic, 4) != 4) {
		printf("open /proc/self/exe: %s\n", strerror(errno));
		return 1;
	}
	printf("ELF magic: %s\n", memcmp(magic, "\x7f" "ELF", 4) == 0 ? "yes" : "no");
	int w = open(buf, O_WRONLY);
	printf("open for writing: %s\n", w >= 0 ? "allowed" : strerror(errno));
	return 0;
}
