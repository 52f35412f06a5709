/* bench_compute: a compute-bound integer loop (xorshift, multiply, add) with a printed checksum.
 * argv[1] is the number of outer rounds (default tuned to about 1-2 s under qemu-riscv64). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define DEFAULT_ROUNDS 400L
/* Inner loop length; with the table it keeps a small working set in the data cache. */
#define INNER 1000000L
#define TABLE 256

int main(int argc, char **argv)
{
	long rounds = argc > 1 ? strtol(argv[1], NULL, 10) : DEFAULT_ROUNDS;
	uint32_t table[TABLE];
	for (int i = 0; i < TABLE; i++)
		table[i] = (uint32_t)i * 2654435761u;
	uint64_t x = 88172645463325252ull, sum = 0;
	for (long r = 0; r < rounds; r++) {
		for (long i = 0; i < INNER; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			sum += (x & 0xffff) * 3 + table[x & (TABLE - 1)];
			table[i & (TABLE - 1)] ^= (uint32_t)sum;
		}
	}
	printf("rounds=%ld checksum=%016llx\n", rounds, (unsigned long long)sum);
	return 0;
}
