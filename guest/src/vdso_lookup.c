/* The vDSO as a program sees it: AT_SYSINFO_EHDR names an ELF shared object whose symbols are
 * found by name and version (LINUX_4.15 for Linux's riscv64 set, ECALL_1 for ecall's extensions,
 * present only when enabled), through both hash tables; calling the functions found gives what the
 * system calls give. Expected output: test/e2e/vdso.test.ts (qemu-riscv64 7.2 maps no vDSO). */
#define _GNU_SOURCE
#include "../include/vdso_lookup.h"
#include <sched.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct hwprobe_pair { long key; unsigned long value; };

static const char *const LINUX_SYMS[] = {
	"__vdso_rt_sigreturn", "__vdso_gettimeofday", "__vdso_clock_gettime", "__vdso_clock_getres",
	"__vdso_getcpu", "__vdso_flush_icache", "__vdso_riscv_hwprobe",
};
static const char *const ECALL_SYMS[] = {
	"__vdso_cancellable_syscall", "__vdso_cancel_pending_syscall", "__vdso_percpu_cpu", "__vdso_percpu_cmpxchg",
};

static long ns(const struct timespec *t) { return t->tv_sec * 1000000000L + t->tv_nsec; }

/* Checks /proc/self/maps: [vdso] read+exec at AT_SYSINFO_EHDR, [vvar] read-only right below it. */
static void check_maps(uintptr_t base)
{
	FILE *f = fopen("/proc/self/maps", "r");
	if (!f) { printf("/proc/self/maps: cannot open\n"); return; }
	char line[512];
	unsigned long vs = 0, ve = 0, ds = 0, de = 0;
	char vp[8] = "", dp[8] = "";
	while (fgets(line, sizeof line, f)) {
		unsigned long s, e;
		char perms[8];
		if (sscanf(line, "%lx-%lx %7s", &s, &e, perms) != 3) continue;
		if (strstr(line, "[vdso]")) { ds = s; de = e; strcpy(dp, perms); }
		if (strstr(line, "[vvar]")) { vs = s; ve = e; strcpy(vp, perms); }
	}
	fclose(f);
	printf("/proc/self/maps: [vdso] %s at AT_SYSINFO_EHDR: %s; [vvar] %s right below it: %s\n", dp, ds == base && de > ds ? "yes" : "no",
	       vp, ve == ds && vs < ve ? "yes" : "no");
}

int main(void)
{
	struct vdso_info vi;
	if (vdso_init(&vi) != 0) { printf("no usable vDSO at AT_SYSINFO_EHDR\n"); return 1; }
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)vi.base;
	printf("AT_SYSINFO_EHDR: ELF ET_DYN for machine %d, page-aligned: %s, soname %s\n", eh->e_machine,
	       vi.base % 4096 == 0 ? "yes" : "no", vi.soname);
	printf("hash tables: DT_HASH %s, DT_GNU_HASH %s\n", vi.hash ? "yes" : "no", vi.gnu_hash ? "yes" : "no");
	check_maps(vi.base);
	for (unsigned i = 0; i < sizeof LINUX_SYMS / sizeof *LINUX_SYMS; i++) {
		uintptr_t a = vdso_sym(&vi, LINUX_SYMS[i], "LINUX_4.15");
		printf("%s@LINUX_4.15: %s\n", LINUX_SYMS[i], a == 1 ? "the hash tables disagree" : a ? "found" : "absent");
	}
	for (unsigned i = 0; i < sizeof ECALL_SYMS / sizeof *ECALL_SYMS; i++) {
		uintptr_t a = vdso_sym(&vi, ECALL_SYMS[i], "ECALL_1");
		printf("%s@ECALL_1: %s\n", ECALL_SYMS[i], a == 1 ? "the hash tables disagree" : a ? "found" : "absent");
	}
	printf("__vdso_clock_gettime@LINUX_2.6: %s\n", vdso_sym(&vi, "__vdso_clock_gettime", "LINUX_2.6") ? "found" : "absent");
	printf("__vdso_time@LINUX_4.15: %s\n", vdso_sym(&vi, "__vdso_time", "LINUX_4.15") ? "found" : "absent");
	printf("__vdso_getcpu in any version: %s\n", vdso_sym(&vi, "__vdso_getcpu", NULL) ? "found" : "absent");

	int (*gettime)(clockid_t, struct timespec *) = (void *)vdso_sym(&vi, "__vdso_clock_gettime", "LINUX_4.15");
	int (*getres)(clockid_t, struct timespec *) = (void *)vdso_sym(&vi, "__vdso_clock_getres", "LINUX_4.15");
	int (*getcpu)(unsigned *, unsigned *, void *) = (void *)vdso_sym(&vi, "__vdso_getcpu", "LINUX_4.15");
	int (*flush)(void *, void *, unsigned long) = (void *)vdso_sym(&vi, "__vdso_flush_icache", "LINUX_4.15");
	long (*hwprobe)(struct hwprobe_pair *, unsigned long, unsigned long, unsigned long *, unsigned) =
		(void *)vdso_sym(&vi, "__vdso_riscv_hwprobe", "LINUX_4.15");
	if (!gettime || !getres || !getcpu || !flush || !hwprobe) return 1;

	static const clockid_t clocks[] = { CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_MONOTONIC_RAW };
	int ordered = 1;
	for (unsigned i = 0; i < sizeof clocks / sizeof *clocks; i++) {
		struct timespec a, b, c;
		gettime(clocks[i], &a);
		syscall(SYS_clock_gettime, clocks[i], &b);
		gettime(clocks[i], &c);
		if (!(ns(&a) <= ns(&b) && ns(&b) <= ns(&c))) ordered = 0;
	}
	printf("monotonic clocks: vDSO, then the syscall, then the vDSO again, never go backwards: %s\n", ordered ? "yes" : "no");
	/* CLOCK_REALTIME: the vDSO, the syscall, the vDSO; the syscall's value lies between the two
	 * (within 1 ms: the vDSO's realtime offset is refreshed every tick). */
	struct timespec r1, r2, r3;
	gettime(CLOCK_REALTIME, &r1);
	syscall(SYS_clock_gettime, CLOCK_REALTIME, &r2);
	gettime(CLOCK_REALTIME, &r3);
	printf("CLOCK_REALTIME from the syscall lies between two vDSO readings (within 1 ms): %s\n",
	       ns(&r1) - 1000000 <= ns(&r2) && ns(&r2) <= ns(&r3) + 1000000 ? "yes" : "no");
	struct timespec res;
	getres(CLOCK_MONOTONIC, &res);
	printf("clock_getres: CLOCK_MONOTONIC %ld ns", res.tv_nsec);
	getres(CLOCK_REALTIME_COARSE, &res);
	printf(", CLOCK_REALTIME_COARSE %ld ns", res.tv_nsec);
	printf(", invalid clock 99: %d\n", getres(99, &res));
	struct timespec cpu1;
	printf("clock_gettime(CLOCK_PROCESS_CPUTIME_ID) through the vDSO: %d, non-zero: %s\n", gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu1),
	       ns(&cpu1) > 0 ? "yes" : "no");
	printf("clock_gettime(99) through the vDSO: %d\n", gettime(99, &res));
	unsigned cpu = 99, node = 99, scpu = 98, snode = 98;
	getcpu(&cpu, &node, NULL);
	syscall(SYS_getcpu, &scpu, &snode, NULL);
	printf("getcpu: same as the syscall: %s\n", cpu == scpu && node == snode ? "yes" : "no");
	printf("flush_icache: %d\n", flush(0, 0, 0));

	struct hwprobe_pair v[16], s[16];
	for (int i = 0; i < 16; i++) { v[i].key = s[i].key = i; v[i].value = s[i].value = 7; }
	long rv = hwprobe(v, 16, 0, NULL, 0);
	long rs = syscall(258, s, 16, 0, NULL, 0);
	printf("riscv_hwprobe: vDSO %ld, syscall %ld, same pairs: %s\n", rv, rs, memcmp(v, s, sizeof v) == 0 ? "yes" : "no");
	return 0;
}
