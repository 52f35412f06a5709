/* hello: prints argc, every argv string, and the environment in sorted order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	printf("Hello from riscv64!\n");
	printf("argc = %d\n", argc);
	for (int i = 1; i < argc; i++)
		printf("argv[%d] = \"%s\" (%zu bytes)\n", i, argv[i], strlen(argv[i]));
	if (argv[argc] == NULL)
		printf("argv[argc] is NULL\n");

	size_t n = 0;
	for (char **e = environ; *e; e++)
		n++;
	char **sorted = malloc((n + 1) * sizeof(char *));
	if (!sorted)
		return 1;
	memcpy(sorted, environ, n * sizeof(char *));
	qsort(sorted, n, sizeof(char *), cmp_str);
	printf("envc = %zu\n", n);
	for (size_t i = 0; i < n; i++)
		printf("env: %s\n", sorted[i]);

	const char *greeting = getenv("GREETING");
	printf("getenv(GREETING) = %s\n", greeting ? greeting : "(unset)");
	setenv("ADDED", "yes", 1);
	printf("after setenv: ADDED=%s\n", getenv("ADDED"));
	unsetenv("GREETING");
	printf("after unsetenv: GREETING %s\n", getenv("GREETING") ? "still set" : "gone");
	fprintf(stderr, "hello: this line goes to stderr\n");
	free(sorted);
	return 0;
}
