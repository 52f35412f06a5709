/* intarith: RISC-V integer edge cases through inline asm, so the compiler cannot fold or trap:
 * div/rem by zero and INT_MIN/-1 in 32 and 64 bits, mulh/mulhu/mulhsu, W-form sign extension, shifts. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#define OP2(name, insn)                                                          \
	static int64_t name(int64_t a, int64_t b)                                \
	{                                                                        \
		int64_t r;                                                       \
		__asm__ volatile(insn " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b)); \
		return r;                                                        \
	}

OP2(op_div, "div")
OP2(op_divu, "divu")
OP2(op_rem, "rem")
OP2(op_remu, "remu")
OP2(op_divw, "divw")
OP2(op_divuw, "divuw")
OP2(op_remw, "remw")
OP2(op_remuw, "remuw")
OP2(op_mul, "mul")
OP2(op_mulh, "mulh")
OP2(op_mulhu, "mulhu")
OP2(op_mulhsu, "mulhsu")
OP2(op_mulw, "mulw")
OP2(op_addw, "addw")
OP2(op_subw, "subw")
OP2(op_sllw, "sllw")
OP2(op_srlw, "srlw")
OP2(op_sraw, "sraw")
OP2(op_sll, "sll")
OP2(op_srl, "srl")
OP2(op_sra, "sra")
OP2(op_slt, "slt")
OP2(op_sltu, "sltu")

struct op {
	const char *name;
	int64_t (*fn)(int64_t, int64_t);
};

static const struct op divops[] = {
	{ "div", op_div },   { "divu", op_divu },   { "rem", op_rem },   { "remu", op_remu },
	{ "divw", op_divw }, { "divuw", op_divuw }, { "remw", op_remw }, { "remuw", op_remuw },
};

static const struct op mulops[] = {
	{ "mul", op_mul }, { "mulh", op_mulh }, { "mulhu", op_mulhu }, { "mulhsu", op_mulhsu }, { "mulw", op_mulw },
};

static const struct op shiftops[] = {
	{ "sll", op_sll }, { "srl", op_srl }, { "sra", op_sra }, { "sllw", op_sllw }, { "srlw", op_srlw }, { "sraw", op_sraw },
};

static const int64_t values[] = {
	0, 1, -1, 2, -2, 7, -7, INT32_MAX, INT32_MIN, (int64_t)UINT32_MAX, INT64_MAX, INT64_MIN,
	0x123456789abcdef0LL, (int64_t)0xfedcba9876543210ULL,
};
#define NVALUES (sizeof values / sizeof values[0])

static void print2(const char *name, int64_t a, int64_t b, int64_t r)
{
	printf("%-7s %016" PRIx64 " %016" PRIx64 " = %016" PRIx64 "\n", name, (uint64_t)a, (uint64_t)b, (uint64_t)r);
}

int main(void)
{
	printf("== division and remainder ==\n");
	for (size_t o = 0; o < sizeof divops / sizeof divops[0]; o++)
		for (size_t i = 0; i < NVALUES; i++)
			for (size_t j = 0; j < NVALUES; j++)
				print2(divops[o].name, values[i], values[j], divops[o].fn(values[i], values[j]));

	printf("== multiply ==\n");
	for (size_t o = 0; o < sizeof mulops / sizeof mulops[0]; o++)
		for (size_t i = 0; i < NVALUES; i++)
			for (size_t j = 0; j < NVALUES; j++)
				print2(mulops[o].name, values[i], values[j], mulops[o].fn(values[i], values[j]));

	printf("== __int128 products agree with mulh* ==\n");
	int mismatches = 0;
	for (size_t i = 0; i < NVALUES; i++)
		for (size_t j = 0; j < NVALUES; j++) {
			int64_t a = values[i], b = values[j];
			__int128 ss = (__int128)a * (__int128)b;
			unsigned __int128 uu = (unsigned __int128)(uint64_t)a * (uint64_t)b;
			__int128 su = (__int128)a * (__int128)(unsigned __int128)(uint64_t)b;
			if ((int64_t)(ss >> 64) != op_mulh(a, b) || (int64_t)(uu >> 64) != op_mulhu(a, b) ||
			    (int64_t)(su >> 64) != op_mulhsu(a, b))
				mismatches++;
		}
	printf("mismatches: %d\n", mismatches);

	printf("== W-form sign extension ==\n");
	for (size_t i = 0; i < NVALUES; i++) {
		int64_t a = values[i];
		print2("addw", a, a, op_addw(a, a));
		print2("subw", a, 1, op_subw(a, 1));
		print2("addw+0", a, 0, op_addw(a, 0));
	}

	printf("== shifts ==\n");
	static const int64_t amounts[] = { 0, 1, 31, 32, 33, 63, 64, 65, -1 };
	static const int64_t shvals[] = { 1, -1, INT64_MIN, 0x80000000LL, 0x0123456789abcdefLL, -0x0123456789abcdefLL };
	for (size_t o = 0; o < sizeof shiftops / sizeof shiftops[0]; o++)
		for (size_t i = 0; i < sizeof shvals / sizeof shvals[0]; i++)
			for (size_t j = 0; j < sizeof amounts / sizeof amounts[0]; j++)
				print2(shiftops[o].name, shvals[i], amounts[j], shiftops[o].fn(shvals[i], amounts[j]));

	printf("== comparisons ==\n");
	for (size_t i = 0; i < NVALUES; i += 3)
		for (size_t j = 0; j < NVALUES; j += 2) {
			print2("slt", values[i], values[j], op_slt(values[i], values[j]));
			print2("sltu", values[i], values[j], op_sltu(values[i], values[j]));
		}

	printf("== C-level checks ==\n");
	volatile int32_t m32 = INT32_MIN;
	volatile int64_t m64 = INT64_MIN;
	printf("(uint32)INT32_MIN >> 31 = %u\n", (uint32_t)m32 >> 31);
	printf("INT32_MIN >> 31 = %d\n", m32 >> 31);
	printf("INT64_MIN >> 63 = %" PRId64 "\n", m64 >> 63);
	printf("(int32)0x80000000u = %d\n", (int32_t)(volatile uint32_t){ 0x80000000u });
	printf("(int64)(int32)0xffffffff = %" PRId64 "\n", (int64_t)(int32_t)(volatile uint32_t){ 0xffffffffu });
	return 0;
}
