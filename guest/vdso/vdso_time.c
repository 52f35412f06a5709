/* The vDSO's clock functions: CLOCK_REALTIME, _MONOTONIC, _MONOTONIC_RAW, _BOOTTIME, _TAI and the
 * two _COARSE clocks come from the time CSR and the vvar page without entering the kernel; every
 * other clock id (the CPU-time clocks, the alarm clocks, invalid ids) goes to the system call,
 * which also gives the errors. Compiled freestanding: no libc, no stack protector, no GOT. */
#include "vvar.h"

extern const struct ecall_vvar __ecall_vvar __attribute__((visibility("hidden")));

#define NR_gettimeofday 169
#define NR_clock_gettime 113
#define NR_clock_getres 114
#define NSEC_PER_SEC 1000000000UL

/* Clock ids (include/uapi/linux/time.h). */
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define CLOCK_TAI 11

struct vdso_timespec { long tv_sec; long tv_nsec; };
struct vdso_timeval { long tv_sec; long tv_usec; };
struct vdso_timezone { int tz_minuteswest; int tz_dsttime; };

/* Makes system call nr with two arguments; returns a0 (the result or -errno). */
static long syscall2(long nr, long a, long b)
{
	register long a0 __asm__("a0") = a;
	register long a1 __asm__("a1") = b;
	register long a7 __asm__("a7") = nr;
	__asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a7) : "memory");
	return a0;
}

/* Returns the time CSR. */
static inline unsigned long rdtime(void)
{
	unsigned long t;
	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

enum base { BASE_MONO, BASE_REAL };
enum kind { FINE, COARSE, NOT_HERE };

/* Classifies a clock id: which base it counts from and whether it is coarse; NOT_HERE means the
 * system call answers it. */
static inline __attribute__((always_inline)) enum kind classify(long id, enum base *b)
{
	switch (id) {
	case CLOCK_REALTIME: case CLOCK_TAI: *b = BASE_REAL; return FINE;
	case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_BOOTTIME: *b = BASE_MONO; return FINE;
	case CLOCK_REALTIME_COARSE: *b = BASE_REAL; return COARSE;
	case CLOCK_MONOTONIC_COARSE: *b = BASE_MONO; return COARSE;
	default: return NOT_HERE;
	}
}

/* Reads clock base b into (*sec, *nsec); returns 0, or -1 if the clocks are syscall-only. The
 * nanoseconds since the kernel's last tick are carried into seconds one at a time (the bases
 * are rewritten every tick, so this loop runs at most once or twice). */
static inline __attribute__((always_inline)) int read_clock(enum base b, unsigned long *sec, unsigned long *nsec)
{
	const volatile struct ecall_vvar *v = &__ecall_vvar;
	unsigned int seq;
	unsigned long s, ns;
	do {
		while ((seq = v->seq) & 1)
			;
		__asm__ volatile("fence r,r" ::: "memory");
		if (v->clock_mode != VVAR_CLOCK_TIMECSR)
			return -1;
		unsigned long delta = ((rdtime() - v->cycle_last) * v->mult) >> v->shift;
		s = b == BASE_REAL ? v->real_sec : v->mono_sec;
		ns = (b == BASE_REAL ? v->real_nsec : v->mono_nsec) + delta;
		__asm__ volatile("fence r,r" ::: "memory");
	} while (v->seq != seq);
	while (ns >= NSEC_PER_SEC) {
		ns -= NSEC_PER_SEC;
		s++;
	}
	*sec = s;
	*nsec = ns;
	return 0;
}

int __vdso_clock_gettime(long id, struct vdso_timespec *ts)
{
	enum base b;
	unsigned long sec, ns;
	enum kind k = classify(id, &b);
	if (k == NOT_HERE || read_clock(b, &sec, &ns) != 0)
		return syscall2(NR_clock_gettime, id, (long)ts);
	/* The coarse tick divides a second, so the time modulo the tick is the nanoseconds modulo it. */
	if (k == COARSE)
		ns -= ns % __ecall_vvar.coarse_ns;
	ts->tv_sec = sec;
	ts->tv_nsec = ns;
	return 0;
}

int __vdso_gettimeofday(struct vdso_timeval *tv, struct vdso_timezone *tz)
{
	unsigned long sec, ns;
	if (read_clock(BASE_REAL, &sec, &ns) != 0)
		return syscall2(NR_gettimeofday, (long)tv, (long)tz);
	if (tv) {
		tv->tv_sec = sec;
		tv->tv_usec = ns / 1000;
	}
	if (tz) {
		/* The kernel's timezone is never set (settimeofday is refused): zeros, as the syscall. */
		tz->tz_minuteswest = 0;
		tz->tz_dsttime = 0;
	}
	return 0;
}

int __vdso_clock_getres(long id, struct vdso_timespec *res)
{
	enum base b;
	enum kind k = classify(id, &b);
	if (k == NOT_HERE || __ecall_vvar.clock_mode != VVAR_CLOCK_TIMECSR)
		return syscall2(NR_clock_getres, id, (long)res);
	if (res) {
		res->tv_sec = 0;
		res->tv_nsec = k == COARSE ? __ecall_vvar.coarse_ns : __ecall_vvar.hres_ns;
	}
	return 0;
}
