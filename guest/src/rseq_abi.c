/* rseq(2)'s ABI: the auxv entries, every registration and unregistration error, the ids the
 * kernel keeps current (cpu_id follows sched_setaffinity, and agrees with sched_getcpu), the lazy
 * clear of rseq_cs, what unregistration writes, and that a new thread starts unregistered.
 * Portable to x86_64 (rseq_lib.h) so that native Linux is the reference; glibc's own registration,
 * if any, is dropped first, so the output is the same with GLIBC_TUNABLES=glibc.pthread.rseq=0. */
#include "../include/rseq_lib.h"
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#ifndef AT_RSEQ_FEATURE_SIZE
#define AT_RSEQ_FEATURE_SIZE 27
#define AT_RSEQ_ALIGN 28
#endif

static struct rs_area area;
static struct rs_area other;
static char big[64] __attribute__((aligned(64)));

static const char *err(long r)
{
	static char buf[32];
	if (r == 0) return "0";
	switch (-r) {
	case EINVAL: return "EINVAL";
	case EPERM: return "EPERM";
	case EBUSY: return "EBUSY";
	case EFAULT: return "EFAULT";
	case ENOSYS: return "ENOSYS";
	}
	snprintf(buf, sizeof buf, "%ld", r);
	return buf;
}

static void show(const char *what, long r)
{
	printf("%s: %s\n", what, err(r));
}

/* A valid descriptor (the kernel validates it, signature included, even when the thread is not
 * inside) for a section that nothing executes: the fixup only clears the pointer. */
extern const struct rs_cs idle_cs;
__asm__(".pushsection __rseq_failure, \"ax\"\n"
	"idle_start: .long 0\n"
	RS_SIG_ASM
	"idle_abort: .long 0\n"
	".popsection\n"
	".pushsection __rseq_cs, \"aw\"\n"
	".balign 32\n"
	"idle_cs: .long 0, 0\n"
	".quad idle_start, 4, idle_abort\n"
	".popsection\n");

static void *thread_main(void *arg)
{
	(void)arg;
	/* glibc registers a new thread only if the creating thread's cpu_id is valid, which it is not
	 * after main dropped glibc's registration: there is nothing to drop, whatever this returns. */
	rs_drop_glibc();
	struct rs_area *mine = malloc(sizeof *mine * 2);
	struct rs_area *a = (struct rs_area *)(((uintptr_t)mine + 31) & ~(uintptr_t)31);
	memset(a, 0xff, sizeof *a); /* the kernel writes the ids; rseq_cs and flags are the thread's to clear */
	a->rseq_cs = 0;
	a->flags = 0;
	show("thread: unregister the main thread's area (a thread starts unregistered)", rs_sys((long)&area, sizeof area, RS_FLAG_UNREGISTER, RS_SIG));
	show("thread: register its own area", rs_sys((long)a, sizeof *a, 0, RS_SIG));
	printf("thread: cpu_id == sched_getcpu: %s\n", (int)a->cpu_id == sched_getcpu() ? "yes" : "no");
	show("thread: unregister", rs_sys((long)a, sizeof *a, RS_FLAG_UNREGISTER, RS_SIG));
	free(mine);
	return NULL;
}

int main(void)
{
	unsigned long fs = getauxval(AT_RSEQ_FEATURE_SIZE), al = getauxval(AT_RSEQ_ALIGN);
	printf("AT_RSEQ_FEATURE_SIZE at least 28: %s\n", fs >= 28 ? "yes" : "no");
	printf("AT_RSEQ_ALIGN: %lu\n", al);
	show("dropping glibc's registration", rs_drop_glibc());

	show("unregister while unregistered", rs_sys((long)&area, sizeof area, RS_FLAG_UNREGISTER, RS_SIG));
	show("register with unknown flags", rs_sys((long)&area, sizeof area, 2, RS_SIG));
	show("unregister with an extra flag", rs_sys((long)&area, sizeof area, RS_FLAG_UNREGISTER | 2, RS_SIG));
	show("register 31 bytes", rs_sys((long)&area, 31, 0, RS_SIG));
	show("register 32 bytes at an 8-aligned address", rs_sys((long)&big[8], 32, 0, RS_SIG));
	show("register 64 bytes at a 16-aligned address", rs_sys((long)&big[16], 64, 0, RS_SIG));
	show("register beyond the address space", rs_sys(-64L, 32, 0, RS_SIG));

	memset(&area, 0xff, sizeof area);
	area.rseq_cs = 0;
	area.flags = 0;
	show("register", rs_sys((long)&area, sizeof area, 0, RS_SIG));
	int cpu = sched_getcpu();
	printf("cpu_id == cpu_id_start == sched_getcpu: %s\n", (int)area.cpu_id == cpu && (int)area.cpu_id_start == cpu ? "yes" : "no");
	printf("node_id: %u, mm_cid: %u\n", area.node_id, area.mm_cid);

	show("register the same again", rs_sys((long)&area, sizeof area, 0, RS_SIG));
	show("register again with another signature", rs_sys((long)&area, sizeof area, 0, RS_SIG + 1));
	show("register another area", rs_sys((long)&other, sizeof other, 0, RS_SIG));
	show("register again with another length", rs_sys((long)&area, 64, 0, RS_SIG));
	show("unregister another area", rs_sys((long)&other, sizeof other, RS_FLAG_UNREGISTER, RS_SIG));
	show("unregister with another length", rs_sys((long)&area, 64, RS_FLAG_UNREGISTER, RS_SIG));
	show("unregister with another signature", rs_sys((long)&area, sizeof area, RS_FLAG_UNREGISTER, RS_SIG + 1));

	/* cpu_id follows the thread to every CPU it is allowed on, and a stale rseq_cs is cleared on
	 * the way back to user mode after the migration. */
	cpu_set_t all, one;
	sched_getaffinity(0, sizeof all, &all);
	int moved = 1, visited = 0, cleared = 1;
	for (int c = 0; c < 8; c++) {
		if (!CPU_ISSET(c, &all)) continue;
		__atomic_store_n(&area.rseq_cs, (uint64_t)(uintptr_t)&idle_cs, __ATOMIC_RELAXED);
		CPU_ZERO(&one);
		CPU_SET(c, &one);
		if (sched_setaffinity(0, sizeof one, &one) != 0) { perror("sched_setaffinity"); return 1; }
		if ((int)area.cpu_id != c || (int)area.cpu_id_start != c || sched_getcpu() != c) moved = 0;
		if (visited > 0 && __atomic_load_n(&area.rseq_cs, __ATOMIC_RELAXED) != 0) cleared = 0;
		visited++;
	}
	sched_setaffinity(0, sizeof all, &all);
	printf("cpu_id follows sched_setaffinity to every allowed CPU: %s\n", moved && visited > 0 ? "yes" : "no");
	printf("a stale rseq_cs is cleared after a migration: %s\n", cleared ? "yes" : "no");

	pthread_t th;
	pthread_create(&th, NULL, thread_main, NULL);
	pthread_join(th, NULL);

	area.rseq_cs = 0;
	show("unregister", rs_sys((long)&area, sizeof area, RS_FLAG_UNREGISTER, RS_SIG));
	printf("after unregistering: cpu_id_start %u, cpu_id %d, node_id %u, mm_cid %u\n", area.cpu_id_start, (int)area.cpu_id,
	       area.node_id, area.mm_cid);
	show("unregister again", rs_sys((long)&area, sizeof area, RS_FLAG_UNREGISTER, RS_SIG));
	return 0;
}
