/* cwdwrite: writes a file named NAME (argv[1], default written-by-guest.txt) into its working
 * directory, holding the directory getcwd reports, so that the host can check that the file
 * landed in the host directory it ran the program from. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Room for any path. */
#define PATH_LEN 4096

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "written-by-guest.txt";
	char cwd[PATH_LEN];
	if (!getcwd(cwd, sizeof cwd)) {
		printf("getcwd: %s\n", strerror(errno));
		return 1;
	}
	FILE *f = fopen(name, "w");
	if (!f) {
		printf("fopen %s: %s\n", name, strerror(errno));
		return 1;
	}
	fprintf(f, "written by the guest in %s\n", cwd);
	if (fclose(f) != 0) {
		printf("fclose: %s\n", strerror(errno));
		return 1;
	}
	printf("wrote %s/%s\n", cwd, name);
	return 0;
}
