/* printf: glibc's formatted output over many conversions, flags, widths and precisions. */
#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <string.h>
#include <wchar.h>

int main(void)
{
	static const double dv[] = { 0.0, -0.0, 1.0, -1.5, 0.1, 1.0 / 3.0, 123456789.0, 1e-300, 1e300, 2.5e-310,
				     DBL_MAX, DBL_MIN, DBL_EPSILON, M_PI, INFINITY, -INFINITY, NAN };
	for (size_t i = 0; i < sizeof dv / sizeof dv[0]; i++) {
		double d = dv[i];
		printf("[%a] [%A] [%.3a] [%e] [%.0e] [%E] [%f] [%.2f]\n", d, d, d, d, d, d, d, d);
		printf("[%g] [%G] [%.17g] [%#g] [%#.3g] [%+.4g] [% g] [%-12.5g] [%012.4g]\n", d, d, d, d, d, d, d, d, d);
	}
	printf("[%Lf] [%La] [%.30Lg]\n", (long double)1 / 3, (long double)1 / 3, (long double)1 / 3);
	printf("[%d] [%i] [%5d] [%-5d|] [%05d] [%+d] [% d] [%.3d] [%x] [%X] [%#x] [%#o] [%o] [%u]\n", 42, -42, 42, 42, 42, 42, 42, 7,
	       255, 255, 255, 8, 8, -1);
	printf("[%d] [%d] [%u] [%x]\n", INT_MAX, INT_MIN, UINT_MAX, UINT_MAX);
	printf("[%lld] [%lld] [%llu] [%llx] [%#llo]\n", LLONG_MAX, LLONG_MIN, ULLONG_MAX, ULLONG_MAX, ULLONG_MAX);
	printf("[%ld] [%lu] [%zu] [%zd] [%td] [%jd] [%ju]\n", LONG_MIN, ULONG_MAX, (size_t)SIZE_MAX, (ssize_t)-1, (ptrdiff_t)-5,
	       INTMAX_MIN, UINTMAX_MAX);
	printf("[%hd] [%hu] [%hhd] [%hhu] [%hhx]\n", (short)-32768, (unsigned short)65535, (signed char)-128, (unsigned char)255,
	       (unsigned char)0xab);
	printf("[%" PRId8 "] [%" PRIu16 "] [%" PRIx32 "] [%" PRIX64 "] [%" PRIdFAST16 "]\n", (int8_t)-1, (uint16_t)65535,
	       (uint32_t)0xdeadbeef, (uint64_t)0xcafebabe12345678ULL, (int_fast16_t)-2);
	printf("[%s] [%10s] [%-10s|] [%.3s] [%*s] [%-*s|] [%.*s]\n", "hello", "hi", "hi", "truncate", 6, "star", 6, "star", 2, "precision");
	printf("[%c] [%3c] [%-3c|] [%%]\n", 'A', 'B', 'C');
	printf("[%ls] [%lc] [%5ls]\n", L"wide", (wint_t)L'w', L"ab");
	printf("[%p] [%p]\n", (void *)0, (void *)0x1234);
	printf("[%*d] [%-*d|] [%.*f] [%*.*f]\n", 8, 12, 8, 12, 3, M_PI, 10, 2, M_E);
	printf("[%2$s %1$s] [%3$*4$d]\n", "world", "hello", 7, 4);
	int n1 = 0, n2 = 0;
	printf("count%n these%n\n", &n1, &n2);
	printf("n1=%d n2=%d\n", n1, n2);
	char buf[16];
	int len = snprintf(buf, sizeof buf, "%s-%d-%s", "truncated", 12345, "output");
	printf("snprintf returned %d, buffer \"%s\"\n", len, buf);
	char big[512];
	snprintf(big, sizeof big, "%.100f", 1e-50);
	printf("%%.100f of 1e-50 = %s\n", big);
	snprintf(big, sizeof big, "%.0f", 1e300);
	printf("%%.0f of 1e300 has %zu digits, starts %.20s\n", strlen(big), big);
	for (int p = 0; p <= 20; p += 4)
		printf("%%.%dg of 2/3: %.*g | %%.%de of 5e-324: %.*e\n", p, p, 2.0 / 3.0, p, p, 5e-324);
	static const double ties[] = { 0.5, 1.5, 2.5, 0.125, 0.375, 2.675, 1.005 };
	for (size_t i = 0; i < sizeof ties / sizeof ties[0]; i++)
		printf("round-trip %.17g: %.0f %.1f %.2f\n", ties[i], ties[i], ties[i], ties[i]);
	fprintf(stderr, "printf: %s %d\n", "stderr works", 7);
	return 0;
}
