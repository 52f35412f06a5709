/* malloc: allocates sizes from 1 byte to 64 MiB, writes every page, verifies and frees them;
 * also calloc zeroing, realloc growth with content kept, and many small blocks. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Stride for touching memory: the smallest riscv64 page size, so every page is written. */
#define PAGE 4096
#define MAX_SIZE (64u << 20)
#define SMALL_BLOCKS 10000

static int fill_and_check(size_t size)
{
	unsigned char *p = malloc(size);
	if (!p)
		return -1;
	for (size_t off = 0; off < size; off += PAGE)
		p[off] = (unsigned char)(off / PAGE + size);
	p[size - 1] = 0x5a;
	int bad = 0;
	for (size_t off = 0; off + 1 < size; off += PAGE)
		if (p[off] != (unsigned char)(off / PAGE + size))
			bad++;
	if (p[size - 1] != 0x5a)
		bad++;
	free(p);
	return bad;
}

int main(void)
{
	for (size_t size = 1; size <= MAX_SIZE; size *= 2) {
		int r1 = fill_and_check(size);
		int r2 = size < MAX_SIZE ? fill_and_check(size + size / 2 + 3) : 0;
		printf("size %9zu: %s, size %9zu: %s\n", size, r1 == 0 ? "ok" : r1 < 0 ? "NULL" : "corrupt",
		       size < MAX_SIZE ? size + size / 2 + 3 : 0,
		       r2 == 0 ? "ok" : r2 < 0 ? "NULL" : "corrupt");
	}

	size_t csize = 8u << 20;
	unsigned char *z = calloc(csize, 1);
	size_t nonzero = 0;
	for (size_t i = 0; z && i < csize; i += 512)
		nonzero += z[i] != 0;
	printf("calloc 8 MiB: %s, nonzero bytes sampled: %zu\n", z ? "ok" : "NULL", nonzero);
	free(z);

	char *r = malloc(16);
	strcpy(r, "keep me");
	for (size_t n = 32; n <= (32u << 20); n *= 4) {
		r = realloc(r, n);
		if (!r) {
			printf("realloc to %zu failed\n", n);
			return 1;
		}
		r[n - 1] = 'x';
	}
	printf("realloc grown to 32 MiB, content: %s\n", r);
	free(r);

	void **blocks = malloc(SMALL_BLOCKS * sizeof(void *));
	uint64_t sum = 0;
	for (int i = 0; i < SMALL_BLOCKS; i++) {
		size_t n = 1 + (size_t)(i * 37 % 300);
		blocks[i] = malloc(n);
		memset(blocks[i], i & 0xff, n);
	}
	for (int i = 0; i < SMALL_BLOCKS; i += 2)
		free(blocks[i]);
	for (int i = 1; i < SMALL_BLOCKS; i += 2)
		sum += ((unsigned char *)blocks[i])[0];
	for (int i = 1; i < SMALL_BLOCKS; i += 2)
		free(blocks[i]);
	free(blocks);
	printf("small blocks: %d allocated, checksum of survivors %llu\n", SMALL_BLOCKS, (unsigned long long)sum);

	void *huge = malloc(SIZE_MAX / 2);
	printf("malloc(SIZE_MAX / 2): %s\n", huge ? "succeeded (unexpected)" : "NULL");
	free(huge);
	return 0;
}
