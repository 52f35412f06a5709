/* compress: integer, memory and call-heavy code built twice, as rv64gc (compressed instructions)
 * and rv64g (none); both builds must print the same lines. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define N 64

static uint32_t crc_table[256];

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

static uint32_t crc32(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	while (n--)
		c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

static __attribute__((noinline)) int64_t fib(int n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static __attribute__((noinline)) void matmul(int64_t a[N][N], int64_t b[N][N], int64_t c[N][N])
{
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			int64_t s = 0;
			for (int k = 0; k < N; k++)
				s += a[i][k] * b[k][j];
			c[i][j] = s;
		}
}

static int64_t ma[N][N], mb[N][N], mc[N][N];

int main(void)
{
	crc_init();
	const char *text = "The quick brown fox jumps over the lazy dog";
	printf("crc32(\"%s\") = %08" PRIx32 "\n", text, crc32((const uint8_t *)text, strlen(text)));
	printf("fib(25) = %" PRId64 "\n", fib(25));
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			ma[i][j] = (i * 31 + j * 17) % 101 - 50;
			mb[i][j] = (i * 7 - j * 13) % 53;
		}
	matmul(ma, mb, mc);
	int64_t trace = 0, sum = 0;
	for (int i = 0; i < N; i++) {
		trace += mc[i][i];
		for (int j = 0; j < N; j++)
			sum += mc[i][j] * (i + 1);
	}
	printf("matmul trace = %" PRId64 " weighted sum = %" PRId64 "\n", trace, sum);
	int16_t halves[16];
	int8_t bytes[16];
	for (int i = 0; i < 16; i++) {
		halves[i] = (int16_t)(i * 4099 - 30000);
		bytes[i] = (int8_t)(i * 37 - 100);
	}
	int64_t hs = 0, bs = 0;
	for (int i = 0; i < 16; i++) {
		hs += halves[i] * (uint16_t)halves[15 - i];
		bs += bytes[i] * (uint8_t)bytes[15 - i];
	}
	printf("halves %" PRId64 " bytes %" PRId64 "\n", hs, bs);
	float fs = 0;
	double ds = 0;
	for (int i = 1; i <= 1000; i++) {
		fs += 1.0f / (float)i;
		ds += 1.0 / ((double)i * i);
	}
	printf("harmonic(1000) float = %.9g, basel(1000) = %.17g\n", (double)fs, ds);
	return 0;
}
