/* riscv_hwprobe(2) (258): each key's value for ecall's rv64gc CPU, unknown keys, the CPU-set
 * argument, the RISCV_HWPROBE_WHICH_CPUS form and the errors (Linux 6.14's rules). Expected output:
 * test/e2e/vdso.test.ts (qemu-riscv64 7.2 answers ENOSYS). */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NR_riscv_hwprobe 258
#define WHICH_CPUS 1
#define KEY_IMA_EXT_0 4
#define IMA_FD 1UL
#define IMA_C 2UL
#define IMA_V 4UL

struct pair { long key; unsigned long value; };

static long hwprobe(struct pair *p, unsigned long n, unsigned long size, void *cpus, unsigned flags)
{
	long r = syscall(NR_riscv_hwprobe, p, n, size, cpus, flags);
	return r < 0 ? -errno : r;
}

int main(void)
{
	struct pair p[16];
	for (int i = 0; i < 16; i++) { p[i].key = i; p[i].value = 0xdead; }
	p[15].key = -5;
	printf("all CPUs: %ld\n", hwprobe(p, 16, 0, NULL, 0));
	for (int i = 0; i < 16; i++) printf("  key %ld: %#lx\n", p[i].key, p[i].value);

	cpu_set_t set;
	sched_getaffinity(0, sizeof set, &set);
	struct pair one = { KEY_IMA_EXT_0, 0 };
	printf("the caller's CPUs: %ld, IMA_EXT_0 %#lx\n", hwprobe(&one, 1, sizeof set, &set, 0), one.value);
	cpu_set_t none;
	CPU_ZERO(&none);
	printf("an empty CPU set: %ld\n", hwprobe(&one, 1, sizeof none, &none, 0));
	printf("unknown flags: %ld\n", hwprobe(&one, 1, 0, NULL, 2));
	printf("pairs at an unmapped address: %ld\n", hwprobe((struct pair *)16, 1, 0, NULL, 0));
	printf("cpus at an unmapped address: %ld\n", hwprobe(&one, 1, 8, (void *)16, 0));
	printf("no pairs: %ld\n", hwprobe(NULL, 0, 0, NULL, 0));

	cpu_set_t which = set;
	struct pair q[2] = { { KEY_IMA_EXT_0, IMA_FD | IMA_C }, { 3, 1 } };
	printf("WHICH_CPUS with FD|C and IMA: %ld, CPUs kept: %s\n", hwprobe(q, 2, sizeof which, &which, WHICH_CPUS),
	       CPU_EQUAL(&which, &set) ? "all" : "not all");
	which = set;
	q[0].value = IMA_FD | IMA_V;
	printf("WHICH_CPUS with FD|V: %ld, CPUs kept: %d\n", hwprobe(q, 2, sizeof which, &which, WHICH_CPUS), CPU_COUNT(&which));
	which = set;
	struct pair u[2] = { { 999, 0 }, { KEY_IMA_EXT_0, IMA_FD } };
	printf("WHICH_CPUS with an unknown key: %ld, key now %ld, CPUs kept: %d\n", hwprobe(u, 2, sizeof which, &which, WHICH_CPUS),
	       u[0].key, CPU_COUNT(&which));
	printf("WHICH_CPUS without a CPU set: %ld\n", hwprobe(q, 1, 0, NULL, WHICH_CPUS));
	CPU_ZERO(&which);
	q[0].value = IMA_FD;
	printf("WHICH_CPUS with an empty set means every CPU: %ld, CPUs kept: %s\n", hwprobe(q, 1, sizeof which, &which, WHICH_CPUS),
	       CPU_EQUAL(&which, &set) ? "all" : "not all");
	return 0;
}
