/* etc: looks its own identity up the way static programs and musl do, by reading /etc/passwd and
 * /etc/group, and checks /etc/hostname against uname, /etc/hosts for localhost and
 * /etc/nsswitch.conf for the files database. Prints one line per finding. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

/* Longest line read from an /etc file. */
#define LINE_LEN 1024

/* Prints the name field of the first line of file whose third field is id ("" if none). */
static void by_id(const char *file, const char *what, unsigned id)
{
	FILE *f = fopen(file, "r");
	if (!f) {
		printf("%s: cannot open %s\n", what, file);
		return;
	}
	char line[LINE_LEN];
	while (fgets(line, sizeof line, f)) {
		char *name = strtok(line, ":");
		strtok(NULL, ":");
		char *idf = strtok(NULL, ":");
		if (name && idf && (unsigned)strtoul(idf, NULL, 10) == id) {
			printf("%s %u: %s\n", what, id, name);
			fclose(f);
			return;
		}
	}
	printf("%s %u: not found\n", what, id);
	fclose(f);
}

/* Prints whether file has a line that starts with prefix. */
static void has_line(const char *file, const char *prefix)
{
	FILE *f = fopen(file, "r");
	char line[LINE_LEN];
	int found = 0;
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, prefix, strlen(prefix)))
			found = 1;
	if (f)
		fclose(f);
	printf("%s has \"%s\": %s\n", file, prefix, found ? "yes" : "no");
}

int main(void)
{
	by_id("/etc/passwd", "user", getuid());
	by_id("/etc/passwd", "user", 0);
	by_id("/etc/passwd", "user", 65534);
	by_id("/etc/group", "group", getgid());
	by_id("/etc/group", "group", 65534);
	struct utsname u;
	uname(&u);
	char host[LINE_LEN] = "";
	FILE *f = fopen("/etc/hostname", "r");
	if (f && fgets(host, sizeof host, f))
		host[strcspn(host, "\n")] = 0;
	if (f)
		fclose(f);
	printf("/etc/hostname matches uname: %s\n", strcmp(host, u.nodename) ? "no" : "yes");
	has_line("/etc/hosts", "127.0.0.1");
	has_line("/etc/nsswitch.conf", "passwd:");
	has_line("/etc/nsswitch.conf", "hosts:");
	return 0;
}
