/* The vvar page: the data the kernel keeps for the vDSO, one page right below the vDSO's first
 * page. The kernel (src/kernel/vdso/vvar.ts) writes it between slices; the layout below is the
 * contract, and vvar.ts repeats its offsets.
 *
 * Time: CLOCK_MONOTONIC = (mono_sec, mono_nsec) + ((rdtime - cycle_last) * mult >> shift) ns, and
 * CLOCK_REALTIME the same from (real_sec, real_nsec); the kernel rewrites the bases every tick, so
 * the nanoseconds are carried into seconds by subtraction, never by a 64-bit division. A seq that
 * is odd, or that changed while reading, means "read again". clock_mode 0 sends every clock to the
 * system call. */
#ifndef ECALL_VVAR_H
#define ECALL_VVAR_H

#define VVAR_CLOCK_SYSCALL 0
#define VVAR_CLOCK_TIMECSR 1
/* Keys 0..13 of riscv_hwprobe (arch/riscv/include/uapi/asm/hwprobe.h). */
#define VVAR_HWPROBE_KEYS 14

struct ecall_vvar {
	unsigned int seq;                 /* 0 */
	unsigned int clock_mode;          /* 4 */
	unsigned int mult;                /* 8 */
	unsigned int shift;               /* 12 */
	unsigned long cycle_last;         /* 16 */
	unsigned long mono_sec;           /* 24: CLOCK_MONOTONIC at cycle_last */
	unsigned long mono_nsec;          /* 32 */
	unsigned long real_sec;           /* 40: CLOCK_REALTIME at cycle_last */
	unsigned long real_nsec;          /* 48 */
	unsigned long coarse_ns;          /* 56: the tick of the _COARSE clocks (divides 10^9) */
	unsigned long hres_ns;            /* 64: the resolution of the fine clocks */
	unsigned int hwprobe_homogeneous; /* 72: 1 if any CPU set may be answered from hwprobe[] */
	unsigned int hwprobe_keys;        /* 76: VVAR_HWPROBE_KEYS */
	unsigned long hwprobe[VVAR_HWPROBE_KEYS]; /* 80: the "all CPUs" answer for each key */
};

#endif
