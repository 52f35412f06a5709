/* qsort: sorts 100,000 pseudo-random ints and 100,000 generated strings; prints checksums and checks order. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT 100000
/* Long enough for "s" plus ten digits and a suffix. */
#define STR_LEN 24

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t next_rand(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng_state >> 33);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	int *v = malloc(COUNT * sizeof(int));
	char **s = malloc(COUNT * sizeof(char *));
	char *pool = malloc((size_t)COUNT * STR_LEN);
	if (!v || !s || !pool)
		return 1;
	int64_t sum = 0;
	for (int i = 0; i < COUNT; i++) {
		v[i] = (int)next_rand() - (1 << 30);
		sum += v[i];
	}
	qsort(v, COUNT, sizeof(int), cmp_int);
	int ordered = 1;
	int64_t sum2 = 0, weighted = 0;
	for (int i = 0; i < COUNT; i++) {
		if (i && v[i - 1] > v[i])
			ordered = 0;
		sum2 += v[i];
		weighted += (int64_t)v[i] * (i % 7);
	}
	printf("ints: sorted=%s sum preserved=%s min=%d median=%d max=%d weighted=%" PRId64 "\n", ordered ? "yes" : "no",
	       sum == sum2 ? "yes" : "no", v[0], v[COUNT / 2], v[COUNT - 1], weighted);

	for (int i = 0; i < COUNT; i++) {
		s[i] = pool + (size_t)i * STR_LEN;
		snprintf(s[i], STR_LEN, "s%u-%c", next_rand() % 1000000u, 'a' + (int)(next_rand() % 26));
	}
	qsort(s, COUNT, sizeof(char *), cmp_str);
	ordered = 1;
	uint64_t hash = 1469598103934665603ull;
	for (int i = 0; i < COUNT; i++) {
		if (i && strcmp(s[i - 1], s[i]) > 0)
			ordered = 0;
		for (const char *p = s[i]; *p; p++)
			hash = (hash ^ (uint8_t)*p) * 1099511628211ull;
	}
	printf("strings: sorted=%s first=%s last=%s fnv=%016" PRIx64 "\n", ordered ? "yes" : "no", s[0], s[COUNT - 1], hash);
	free(pool);
	free(s);
	free(v);
	return 0;
}
