/* mem_touch: maps MAP_MIB MiB of anonymous memory in mappings of at most 16 MiB (as malloc
 * arenas grow), writes one byte to each page of the first TOUCH_MIB MiB, reads every page back
 * and unmaps everything, ROUNDS times (default 1). Used for the map-touch-unmap benchmark, the
 * RSS test (map 1024, touch 10) and the out-of-memory test (touch more than --memory). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#define MiB (1ul << 20)
#define PAGE 4096ul
#define CHUNK (16 * MiB)
#define MAX_CHUNKS 4096

static unsigned char *chunks[MAX_CHUNKS];

int main(int argc, char **argv)
{
	unsigned long map = argc > 1 ? strtoul(argv[1], NULL, 10) : 256;
	unsigned long touch = argc > 2 ? strtoul(argv[2], NULL, 10) : map;
	long rounds = argc > 3 ? strtol(argv[3], NULL, 10) : 1;
	if (touch > map) touch = map;
	unsigned long n = (map * MiB + CHUNK - 1) / CHUNK;
	if (n > MAX_CHUNKS) { fprintf(stderr, "too large\n"); return 2; }
	unsigned long sum = 0;
	for (long r = 0; r < rounds; r++) {
		for (unsigned long c = 0; c < n; c++) {
			unsigned long len = c + 1 < n ? CHUNK : map * MiB - c * CHUNK;
			chunks[c] = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (chunks[c] == MAP_FAILED) { perror("mmap"); return 1; }
		}
		for (unsigned long i = 0; i < touch * MiB; i += PAGE) chunks[i / CHUNK][i % CHUNK] = (unsigned char)(i / PAGE + r);
		for (unsigned long i = 0; i < map * MiB; i += PAGE) sum += chunks[i / CHUNK][i % CHUNK];
		for (unsigned long c = 0; c < n; c++) {
			unsigned long len = c + 1 < n ? CHUNK : map * MiB - c * CHUNK;
			if (munmap(chunks[c], len) != 0) { perror("munmap"); return 1; }
		}
	}
	printf("mapped %lu MiB, touched %lu MiB, %ld rounds: page sum %lu\n", map, touch, rounds, sum);
	return 0;
}
