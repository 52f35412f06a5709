/* A small user-space rseq library for the guest tests, written against Linux's plain rseq ABI
 * (include/uapi/linux/rseq.h): the per-thread area, registration (or glibc's area when glibc has
 * registered one), and the critical sections that Linux's rseq selftests build their per-CPU
 * counter and list from, for riscv64 (what ecall runs) and x86_64 (so that the same source runs
 * natively on a Linux host, which is the reference for these programs: qemu-riscv64 7.2 has no rseq).
 *
 * Each critical section is a struct rseq_cs in section __rseq_cs (start_ip, post_commit_offset,
 * abort_ip), its start stored into the area's rseq_cs, a commit that is the section's last
 * instruction, and an abort handler in __rseq_failure preceded by the signature. */
#ifndef RSEQ_LIB_H
#define RSEQ_LIB_H

#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__riscv)
/* `csrw mhartid, x0`: traps if executed (tools/testing/selftests/rseq/rseq-riscv.h). */
#define RS_SIG 0xf1401073
#define RS_SIG_ASM ".long 0xf1401073\n"
#elif defined(__x86_64__)
#define RS_SIG 0x53053053
/* The signature as the operand of a ud1, so a disassembler shows an instruction. */
#define RS_SIG_ASM ".byte 0x0f, 0xb9, 0x3d\n.long 0x53053053\n"
#else
#error "rseq_lib.h: riscv64 or x86_64 only"
#endif

#define RS_FLAG_UNREGISTER 1
#define RS_CPU_ID_UNINITIALIZED (-1)

/* struct rseq with the Linux 6.3 fields. */
struct rs_area {
	uint32_t cpu_id_start;
	uint32_t cpu_id;
	uint64_t rseq_cs;
	uint32_t flags;
	uint32_t node_id;
	uint32_t mm_cid;
	uint32_t pad;
} __attribute__((aligned(32)));

struct rs_cs {
	uint32_t version;
	uint32_t flags;
	uint64_t start_ip;
	uint64_t post_commit_offset;
	uint64_t abort_ip;
} __attribute__((aligned(32)));

/* glibc's registration (glibc >= 2.35 registers an area at every thread start where it knows the
 * signature: x86_64, and riscv64 only from glibc 2.41); __rseq_size is 0 when it did not. */
extern const ptrdiff_t __rseq_offset;
extern const unsigned int __rseq_size;
/* The length glibc 2.35-2.39 registers (sizeof its struct rseq), whatever __rseq_size says. */
#define RS_GLIBC_LEN 32

/* Returns the raw syscall's result: the value, or -errno. */
static inline long rs_sys(long area, long len, long flags, long sig)
{
	long r = syscall(SYS_rseq, area, len, flags, sig);
	return r < 0 ? -errno : r;
}

/* Returns glibc's area for this thread, or NULL if glibc registered none. */
static inline struct rs_area *rs_glibc_area(void)
{
	if (__rseq_size == 0)
		return NULL;
	return (struct rs_area *)((char *)__builtin_thread_pointer() + __rseq_offset);
}

static __thread struct rs_area rs_own;
static __thread int rs_own_registered, rs_glibc_dropped;

/* Returns this thread's registered area: glibc's if it registered one, else rs_own, registered
 * now; NULL (errno set) if registration failed. */
static inline struct rs_area *rs_thread_area(void)
{
	struct rs_area *g = rs_glibc_area();
	if (g && !rs_glibc_dropped)
		return g;
	if (!rs_own_registered) {
		long r = rs_sys((long)&rs_own, sizeof rs_own, 0, RS_SIG);
		if (r != 0) {
			errno = (int)-r;
			return NULL;
		}
		rs_own_registered = 1;
	}
	return &rs_own;
}

/* Unregisters glibc's area, if glibc registered one, so that the thread starts from nothing;
 * returns 0 or -errno. */
static inline long rs_drop_glibc(void)
{
	struct rs_area *g = rs_glibc_area();
	if (!g || rs_glibc_dropped)
		return 0;
	rs_glibc_dropped = 1;
	return rs_sys((long)g, RS_GLIBC_LEN, RS_FLAG_UNREGISTER, RS_SIG);
}

/* The CPU the area says the thread runs on (may change at once). */
static inline int rs_cpu(const struct rs_area *rs)
{
	return (int)__atomic_load_n(&rs->cpu_id_start, __ATOMIC_RELAXED);
}

/* ---- critical sections ------------------------------------------------------------------- */

#if defined(__riscv)
/* Emits the descriptor for a section from label 1 to label 2 with abort at 4, stores its address
 * into the area (%[rs]), using t6 as scratch. */
#define RS_CS_START(rs)                                                                  \
	".pushsection __rseq_cs, \"aw\"\n"                                               \
	".balign 32\n"                                                                   \
	"3: .long 0, 0\n"                                                                \
	".quad 1f, 2f - 1f, 4f\n"                                                        \
	".popsection\n"                                                                  \
	"la t6, 3b\n"                                                                    \
	"sd t6, 8(" rs ")\n"
/* The abort handler: the signature, then a jump to the C label. */
#define RS_CS_ABORT(label)                                                               \
	".pushsection __rseq_failure, \"ax\"\n"                                          \
	".option push\n.option norvc\n"                                                  \
	RS_SIG_ASM                                                                       \
	"4: j " label "\n"                                                               \
	".option pop\n"                                                                  \
	".popsection\n"
#elif defined(__x86_64__)
#define RS_CS_START(rs)                                                                  \
	".pushsection __rseq_cs, \"aw\"\n"                                               \
	".balign 32\n"                                                                   \
	"3: .long 0, 0\n"                                                                \
	".quad 1f, 2f - 1f, 4f\n"                                                        \
	".popsection\n"                                                                  \
	"leaq 3b(%%rip), %%rax\n"                                                        \
	"movq %%rax, 8(" rs ")\n"
#define RS_CS_ABORT(label)                                                               \
	".pushsection __rseq_failure, \"ax\"\n"                                          \
	RS_SIG_ASM                                                                       \
	"4: jmp " label "\n"                                                             \
	".popsection\n"
#endif

/* *v += count if the thread is on cpu: 0; -2 if it is on another CPU; -1 if the section aborted.
 * The selftests' rseq_addv: the add's store is the commit. */
static inline int rs_addv(struct rs_area *rs, intptr_t *v, intptr_t count, int cpu)
{
#if defined(__riscv)
	__asm__ goto(RS_CS_START("%[rs]")
		"1: lw t5, 4(%[rs])\n"
		"bne t5, %[cpu], %l[moved]\n"
		"ld t5, 0(%[v])\n"
		"add t5, t5, %[count]\n"
		"sd t5, 0(%[v])\n"
		"2:\n"
		RS_CS_ABORT("%l[abort]")
		: : [rs] "r"(rs), [v] "r"(v), [count] "r"(count), [cpu] "r"((long)cpu)
		: "memory", "t5", "t6" : abort, moved);
#else
	__asm__ goto(RS_CS_START("%[rs]")
		"1: cmpl %[cpu], 4(%[rs])\n"
		"jnz %l[moved]\n"
		"addq %[count], (%[v])\n"
		"2:\n"
		RS_CS_ABORT("%l[abort]")
		: : [rs] "r"(rs), [v] "r"(v), [count] "r"(count), [cpu] "r"(cpu)
		: "memory", "cc", "rax" : abort, moved);
#endif
	return 0;
abort:
	return -1;
moved:
	return -2;
}

/* If the thread is on cpu and *v == expect: *v = newv and 0; 1 if *v != expect; -1 if not on
 * cpu or aborted. The selftests' rseq_cmpeqv_storev. */
static inline int rs_cmpeqv_storev(struct rs_area *rs, intptr_t *v, intptr_t expect, intptr_t newv, int cpu)
{
#if defined(__riscv)
	__asm__ goto(RS_CS_START("%[rs]")
		"1: lw t5, 4(%[rs])\n"
		"bne t5, %[cpu], %l[abort]\n"
		"ld t5, 0(%[v])\n"
		"bne t5, %[expect], %l[ne]\n"
		"sd %[newv], 0(%[v])\n"
		"2:\n"
		RS_CS_ABORT("%l[abort]")
		: : [rs] "r"(rs), [v] "r"(v), [expect] "r"(expect), [newv] "r"(newv), [cpu] "r"((long)cpu)
		: "memory", "t5", "t6" : abort, ne);
#else
	__asm__ goto(RS_CS_START("%[rs]")
		"1: cmpl %[cpu], 4(%[rs])\n"
		"jnz %l[abort]\n"
		"cmpq %[expect], (%[v])\n"
		"jnz %l[ne]\n"
		"movq %[newv], (%[v])\n"
		"2:\n"
		RS_CS_ABORT("%l[abort]")
		: : [rs] "r"(rs), [v] "r"(v), [expect] "r"(expect), [newv] "r"(newv), [cpu] "r"(cpu)
		: "memory", "cc", "rax" : abort, ne);
#endif
	return 0;
abort:
	return -1;
ne:
	return 1;
}

/* If the thread is on cpu and *v != NULL: *load = *v, *v = *(*v + off), 0; 1 if *v is NULL; -1
 * if not on cpu or aborted. The selftests' rseq_cmpnev_storeoffp_load (a per-CPU list pop). */
static inline int rs_pop(struct rs_area *rs, intptr_t *v, long off, intptr_t *load, int cpu)
{
#if defined(__riscv)
	__asm__ goto(RS_CS_START("%[rs]")
		"1: lw t5, 4(%[rs])\n"
		"bne t5, %[cpu], %l[abort]\n"
		"ld t5, 0(%[v])\n"
		"beqz t5, %l[empty]\n"
		"sd t5, 0(%[load])\n"
		"add t5, t5, %[off]\n"
		"ld t5, 0(t5)\n"
		"sd t5, 0(%[v])\n"
		"2:\n"
		RS_CS_ABORT("%l[abort]")
		: : [rs] "r"(rs), [v] "r"(v), [off] "r"(off), [load] "r"(load), [cpu] "r"((long)cpu)
		: "memory", "t5", "t6" : abort, empty);
#else
	__asm__ goto(RS_CS_START("%[rs]")
		"1: cmpl %[cpu], 4(%[rs])\n"
		"jnz %l[abort]\n"
		"movq (%[v]), %%rbx\n"
		"testq %%rbx, %%rbx\n"
		"jz %l[empty]\n"
		"movq %%rbx, (%[load])\n"
		"addq %[off], %%rbx\n"
		"movq (%%rbx), %%rbx\n"
		"movq %%rbx, (%[v])\n"
		"2:\n"
		RS_CS_ABORT("%l[abort]")
		: : [rs] "r"(rs), [v] "r"(v), [off] "r"(off), [load] "r"(load), [cpu] "r"(cpu)
		: "memory", "cc", "rax", "rbx" : abort, empty);
#endif
	return 0;
abort:
	return -1;
empty:
	return 1;
}

/* Enters a critical section that stores 1 to *in_cs and then spins until *stop is non-zero,
 * and commits by storing 2 to *in_cs: returns 0 after the commit, -1 after an abort. A test
 * interrupts it (a signal, membarrier, a preemption) and checks that it aborted. */
static inline int rs_spin(struct rs_area *rs, volatile int *in_cs, volatile int *stop)
{
#if defined(__riscv)
	__asm__ goto(RS_CS_START("%[rs]")
		"1: li t5, 1\n"
		"sw t5, 0(%[in_cs])\n"
		"5: lw t5, 0(%[stop])\n"
		"beqz t5, 5b\n"
		"li t5, 2\n"
		"sw t5, 0(%[in_cs])\n"
		"2:\n"
		RS_CS_ABORT("%l[abort]")
		: : [rs] "r"(rs), [in_cs] "r"(in_cs), [stop] "r"(stop)
		: "memory", "t5", "t6" : abort);
#else
	__asm__ goto(RS_CS_START("%[rs]")
		"1: movl $1, (%[in_cs])\n"
		"5: cmpl $0, (%[stop])\n"
		"je 5b\n"
		"movl $2, (%[in_cs])\n"
		"2:\n"
		RS_CS_ABORT("%l[abort]")
		: : [rs] "r"(rs), [in_cs] "r"(in_cs), [stop] "r"(stop)
		: "memory", "cc", "rax" : abort);
#endif
	return 0;
abort:
	return -1;
}

#endif
