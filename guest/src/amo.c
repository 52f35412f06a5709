/* amo: every AMO instruction in .w and .d form (result register and memory afterwards), with the
 * aq/rl variants, and LR/SC success, failure after an intervening store, and SC without a reservation. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#define AMO(name, insn, type)                                                                   \
	static int64_t name(volatile type *p, int64_t v)                                        \
	{                                                                                       \
		int64_t old;                                                                    \
		__asm__ volatile(insn " %0, %2, (%1)" : "=r"(old) : "r"(p), "r"(v) : "memory"); \
		return old;                                                                     \
	}

AMO(amoswap_w, "amoswap.w", int32_t)
AMO(amoadd_w, "amoadd.w", int32_t)
AMO(amoxor_w, "amoxor.w", int32_t)
AMO(amoand_w, "amoand.w", int32_t)
AMO(amoor_w, "amoor.w", int32_t)
AMO(amomin_w, "amomin.w", int32_t)
AMO(amomax_w, "amomax.w", int32_t)
AMO(amominu_w, "amominu.w", int32_t)
AMO(amomaxu_w, "amomaxu.w", int32_t)
AMO(amoswap_d, "amoswap.d", int64_t)
AMO(amoadd_d, "amoadd.d", int64_t)
AMO(amoxor_d, "amoxor.d", int64_t)
AMO(amoand_d, "amoand.d", int64_t)
AMO(amoor_d, "amoor.d", int64_t)
AMO(amomin_d, "amomin.d", int64_t)
AMO(amomax_d, "amomax.d", int64_t)
AMO(amominu_d, "amominu.d", int64_t)
AMO(amomaxu_d, "amomaxu.d", int64_t)
AMO(amoadd_w_aqrl, "amoadd.w.aqrl", int32_t)
AMO(amoswap_d_aq, "amoswap.d.aq", int64_t)
AMO(amoor_d_rl, "amoor.d.rl", int64_t)

struct amo32 { const char *name; int64_t (*fn)(volatile int32_t *, int64_t); };
struct amo64 { const char *name; int64_t (*fn)(volatile int64_t *, int64_t); };

static const struct amo32 ops32[] = {
	{ "amoswap.w", amoswap_w }, { "amoadd.w", amoadd_w }, { "amoxor.w", amoxor_w },
	{ "amoand.w", amoand_w },   { "amoor.w", amoor_w },   { "amomin.w", amomin_w },
	{ "amomax.w", amomax_w },   { "amominu.w", amominu_w }, { "amomaxu.w", amomaxu_w },
	{ "amoadd.w.aqrl", amoadd_w_aqrl },
};
static const struct amo64 ops64[] = {
	{ "amoswap.d", amoswap_d }, { "amoadd.d", amoadd_d }, { "amoxor.d", amoxor_d },
	{ "amoand.d", amoand_d },   { "amoor.d", amoor_d },   { "amomin.d", amomin_d },
	{ "amomax.d", amomax_d },   { "amominu.d", amominu_d }, { "amomaxu.d", amomaxu_d },
	{ "amoswap.d.aq", amoswap_d_aq }, { "amoor.d.rl", amoor_d_rl },
};

static const int64_t mem_init[] = { 0, 5, -5, 0x7fffffff, (int64_t)0xffffffff80000000LL, 0x123456789LL, INT64_MIN };
static const int64_t operands[] = { 3, -3, 0x7fffffff, (int64_t)0x80000000LL, -1, 0x0f0f0f0f0f0f0f0fLL };

/* lr.w/sc.w on p: returns the sc status (0 = success) and stores the value loaded in *loaded. */
static int64_t lrsc_w(volatile int32_t *p, int32_t newv, int64_t *loaded)
{
	int64_t v, st;
	__asm__ volatile("lr.w %0, (%2)\n\tsc.w %1, %3, (%2)" : "=&r"(v), "=&r"(st) : "r"(p), "r"(newv) : "memory");
	*loaded = v;
	return st;
}

static int64_t lrsc_d(volatile int64_t *p, int64_t newv, int64_t *loaded)
{
	int64_t v, st;
	__asm__ volatile("lr.d.aq %0, (%2)\n\tsc.d.rl %1, %3, (%2)" : "=&r"(v), "=&r"(st) : "r"(p), "r"(newv) : "memory");
	*loaded = v;
	return st;
}

int main(void)
{
	printf("== AMO .w ==\n");
	for (size_t o = 0; o < sizeof ops32 / sizeof ops32[0]; o++)
		for (size_t i = 0; i < sizeof mem_init / sizeof mem_init[0]; i++)
			for (size_t j = 0; j < sizeof operands / sizeof operands[0]; j++) {
				/* The neighbour word must not change: .w is a 32-bit access. */
				volatile int32_t cell[2] = { (int32_t)mem_init[i], 0x5a5a5a5a };
				int64_t old = ops32[o].fn(&cell[0], operands[j]);
				printf("%-13s mem=%08" PRIx32 " op=%016" PRIx64 " -> rd=%016" PRIx64 " mem=%08" PRIx32 " next=%08" PRIx32 "\n",
				       ops32[o].name, (uint32_t)(int32_t)mem_init[i], (uint64_t)operands[j], (uint64_t)old,
				       (uint32_t)cell[0], (uint32_t)cell[1]);
			}
	printf("== AMO .d ==\n");
	for (size_t o = 0; o < sizeof ops64 / sizeof ops64[0]; o++)
		for (size_t i = 0; i < sizeof mem_init / sizeof mem_init[0]; i++)
			for (size_t j = 0; j < sizeof operands / sizeof operands[0]; j++) {
				volatile int64_t cell = mem_init[i];
				int64_t old = ops64[o].fn(&cell, operands[j]);
				printf("%-13s mem=%016" PRIx64 " op=%016" PRIx64 " -> rd=%016" PRIx64 " mem=%016" PRIx64 "\n", ops64[o].name,
				       (uint64_t)mem_init[i], (uint64_t)operands[j], (uint64_t)old, (uint64_t)cell);
			}

	printf("== LR/SC ==\n");
	volatile int32_t w = -7;
	volatile int64_t d = 0x1122334455667788LL;
	int64_t loaded, st;
	st = lrsc_w(&w, 99, &loaded);
	printf("lr.w/sc.w: loaded=%" PRId64 " sc=%s mem=%d\n", loaded, st == 0 ? "success" : "failure", (int)w);
	st = lrsc_d(&d, -1, &loaded);
	printf("lr.d/sc.d: loaded=%016" PRIx64 " sc=%s mem=%016" PRIx64 "\n", (uint64_t)loaded, st == 0 ? "success" : "failure",
	       (uint64_t)d);

	/* An sc with no lr before it (after a completed lr/sc pair) must fail and leave memory unchanged. */
	int64_t st2;
	__asm__ volatile("lr.d %0, (%2)\n\tsc.d %0, %3, (%2)\n\tsc.d %1, %3, (%2)"
			 : "=&r"(st), "=&r"(st2) : "r"(&d), "r"((int64_t)42) : "memory");
	printf("sc.d after sc.d: first=%s second=%s mem=%" PRId64 "\n", st == 0 ? "success" : "failure",
	       st2 == 0 ? "success" : "failure", (int64_t)d);

	/* A compare-and-swap loop built from lr/sc, the way glibc's atomics use it. */
	volatile int64_t counter = 0;
	for (int i = 0; i < 1000; i++) {
		int64_t tmp, fail;
		__asm__ volatile("1: lr.d %0, (%2)\n\taddi %0, %0, 3\n\tsc.d %1, %0, (%2)\n\tbnez %1, 1b"
				 : "=&r"(tmp), "=&r"(fail) : "r"(&counter) : "memory");
	}
	printf("lr/sc increment loop: %" PRId64 "\n", (int64_t)counter);

	/* C11 atomics compile to AMOs and lr/sc too. */
	int64_t expected = 3000, value = 0;
	int ok = __atomic_compare_exchange_n(&counter, &expected, 7, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	printf("cas(3000->7): %s now=%" PRId64 "\n", ok ? "ok" : "failed", (int64_t)counter);
	expected = 3000;
	ok = __atomic_compare_exchange_n(&counter, &expected, 9, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	printf("cas(3000->9): %s expected=%" PRId64 "\n", ok ? "ok" : "failed", expected);
	value = __atomic_fetch_add(&counter, 10, __ATOMIC_RELAXED);
	printf("fetch_add: old=%" PRId64 " new=%" PRId64 "\n", value, (int64_t)counter);
	int16_t h = 0x7fff;
	int16_t oldh = __atomic_fetch_add(&h, 1, __ATOMIC_SEQ_CST);
	printf("16-bit fetch_add (lr/sc on a word): old=%d new=%d\n", oldh, h);
	uint8_t bytes[4] = { 1, 2, 3, 4 };
	uint8_t oldb = __atomic_exchange_n(&bytes[2], 0xee, __ATOMIC_SEQ_CST);
	printf("8-bit exchange: old=%u bytes=%u,%u,%u,%u\n", oldb, bytes[0], bytes[1], bytes[2], bytes[3]);
	return 0;
}
