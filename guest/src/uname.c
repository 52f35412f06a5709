/* uname: prints only the stable fields of uname(2) (sysname and machine) and facts about the rest. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

int main(void)
{
	struct utsname u;
	int r = uname(&u);
	printf("uname: %d\n", r);
	printf("sysname: %s\n", u.sysname);
	printf("machine: %s\n", u.machine);
	printf("release non-empty: %s\n", u.release[0] ? "yes" : "no");
	printf("nodename terminated: %s\n", memchr(u.nodename, 0, sizeof u.nodename) ? "yes" : "no");
	printf("version non-empty: %s\n", u.version[0] ? "yes" : "no");
	return 0;
}
