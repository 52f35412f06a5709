/* meminfo: the machine's memory as the guest sees it. By default prints facts that hold on any
 * Linux: /proc/meminfo's MemTotal is sysinfo's totalram, and free memory is below the total.
 * With the argument "values" it prints MemTotal and totalram themselves (test/e2e/memory.test.ts
 * checks that they follow ecall's --memory). */
#include <stdio.h>
#include <string.h>
#include <sys/sysinfo.h>

int main(int argc, char **argv)
{
	FILE *f = fopen("/proc/meminfo", "r");
	if (!f) { perror("/proc/meminfo"); return 1; }
	char line[128];
	unsigned long long total_kb = 0;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "MemTotal: %llu kB", &total_kb) == 1) break;
	fclose(f);
	struct sysinfo si;
	if (sysinfo(&si) != 0) { perror("sysinfo"); return 1; }
	unsigned long long total = (unsigned long long)si.totalram * si.mem_unit;
	if (argc > 1 && strcmp(argv[1], "values") == 0) {
		printf("MemTotal: %llu kB\nsysinfo totalram: %llu\n", total_kb, total);
		return 0;
	}
	printf("MemTotal is sysinfo's totalram: %s\n", total_kb * 1024 == total ? "yes" : "no");
	printf("freeram below totalram: %s\n", si.freeram < si.totalram ? "yes" : "no");
	return 0;
}
