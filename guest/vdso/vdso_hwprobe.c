/* __vdso_riscv_hwprobe: answers the common query (every CPU, no flags) from the vvar page, and
 * any CPU set when the kernel says the CPUs are alike; everything else is the system call. */
#include "vvar.h"

extern const struct ecall_vvar __ecall_vvar __attribute__((visibility("hidden")));

#define NR_riscv_hwprobe 258

struct riscv_hwprobe { long key; unsigned long value; };

/* Makes the riscv_hwprobe system call. */
static long hwprobe_syscall(struct riscv_hwprobe *pairs, unsigned long count, unsigned long cpusetsize,
			    unsigned long *cpus, unsigned long flags)
{
	register long a0 __asm__("a0") = (long)pairs;
	register long a1 __asm__("a1") = (long)count;
	register long a2 __asm__("a2") = (long)cpusetsize;
	register long a3 __asm__("a3") = (long)cpus;
	register long a4 __asm__("a4") = (long)flags;
	register long a7 __asm__("a7") = NR_riscv_hwprobe;
	__asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a7) : "memory");
	return a0;
}

int __vdso_riscv_hwprobe(struct riscv_hwprobe *pairs, unsigned long count, unsigned long cpusetsize,
			 unsigned long *cpus, unsigned int flags)
{
	const struct ecall_vvar *v = &__ecall_vvar;
	int all_cpus = cpusetsize == 0 && cpus == 0;
	if (flags != 0 || (!all_cpus && !v->hwprobe_homogeneous))
		return hwprobe_syscall(pairs, count, cpusetsize, cpus, flags);
	for (unsigned long i = 0; i < count; i++) {
		long key = pairs[i].key;
		if (key >= 0 && key < (long)v->hwprobe_keys) {
			pairs[i].value = v->hwprobe[key];
		} else {
			pairs[i].key = -1;
			pairs[i].value = 0;
		}
	}
	return 0;
}
