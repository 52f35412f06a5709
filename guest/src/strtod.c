/* strtod: glibc's decimal and hex float parsing of tricky strings, with endptr and errno. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const inputs[] = {
	"0", "-0", "1", "  +1.5xyz", "0.1", "3.14159265358979323846264338327950288", "1e308", "1.7976931348623157e308",
	"1.7976931348623158e308", "1.7976931348623159e308", "1e309", "-1e309", "1e-320", "4.9406564584124654e-324",
	"2.4703282292062327e-324", "2.4703282292062328e-324", "1e-400", "2.2250738585072011e-308", "2.2250738585072014e-308",
	"0x1p-1074", "0x1.fffffffffffffp1023", "0x1.fffffffffffff8p1023", "0X1P+4", "0x.8p1", "0x1.8", "0x", "0xg",
	"nan", "NAN", "nan(123)", "-nan", "inf", "-INF", "infinity", "infinit", "1e", "1e+", ".5", "5.", ".", "-",
	"9007199254740993", "9007199254740993.0000000001", "123456789012345678901234567890", "1e99999999999999999999",
	"1e-99999999999999999999", "0.000000000000000000000000000000000000000000001e45", "   42", "1_000", "",
};

int main(void)
{
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		const char *s = inputs[i];
		char *end;
		errno = 0;
		double d = strtod(s, &end);
		int e = errno;
		uint64_t bits;
		memcpy(&bits, &d, 8);
		errno = 0;
		float f = strtof(s, NULL);
		int ef = errno;
		uint32_t fbits;
		memcpy(&fbits, &f, 4);
		printf("%-44s -> %016" PRIx64 " %-24.17g consumed=%-3td errno=%-6s strtof=%08" PRIx32 " errno=%s\n", s, bits, d, end - s,
		       e == ERANGE ? "ERANGE" : e ? "other" : "0", fbits, ef == ERANGE ? "ERANGE" : ef ? "other" : "0");
	}
	static const char *const ints[] = { "9223372036854775807", "9223372036854775808", "-9223372036854775809", "0x7f", "077",
					    "0b11", "  -12abc", "18446744073709551615", "18446744073709551616" };
	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		char *end;
		errno = 0;
		long long v = strtoll(ints[i], &end, 0);
		int e = errno;
		errno = 0;
		unsigned long long u = strtoull(ints[i], NULL, 0);
		printf("strtoll(%s) = %lld consumed=%td errno=%s strtoull=%llu errno=%s\n", ints[i], v, end - ints[i],
		       e == ERANGE ? "ERANGE" : e ? "other" : "0", u, errno == ERANGE ? "ERANGE" : errno ? "other" : "0");
	}
	return 0;
}
