/* mem_reserve: address spaces beyond 4 GiB. A 6 GiB PROT_NONE reservation (as wasm runtimes, Go,
 * the JVM and V8 make) with 1 MiB put to use 5 GiB into it; mmap hints above 4 GiB honoured, with
 * and without MAP_FIXED_NOREPLACE; code and data at such addresses work like any other.
 * (MAP_FIXED_NOREPLACE over an existing mapping is not tried: qemu-riscv64 7.2 replaces it.) */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define GiB (1ul << 30)
#define MiB (1ul << 20)
#define PAGE 4096ul

/* Sums one byte per page of [p, p+len). */
static unsigned long page_sum(const unsigned char *p, unsigned long len)
{
	unsigned long s = 0;
	for (unsigned long i = 0; i < len; i += PAGE) s += p[i];
	return s;
}

int main(void)
{
	unsigned char *r = mmap(NULL, 6 * GiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r == MAP_FAILED) { perror("reserve 6 GiB"); return 1; }
	printf("reserved 6 GiB of PROT_NONE: %s\n", (uintptr_t)r % PAGE == 0 ? "ok" : "misaligned");
	unsigned char *u = r + 5 * GiB;
	if (mprotect(u, MiB, PROT_READ | PROT_WRITE) != 0) { perror("mprotect"); return 1; }
	for (unsigned long i = 0; i < MiB; i += PAGE) u[i] = (unsigned char)(i / PAGE);
	printf("1 MiB at +5 GiB: page sum %lu\n", page_sum(u, MiB));
	printf("munmap of the reservation: %d\n", munmap(r, 6 * GiB));

	unsigned char *hint = (unsigned char *)(64 * GiB);
	unsigned char *p = mmap(hint, 2 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("hint at 64 GiB: %s\n", p == hint ? "honoured" : "moved");
	memset(p, 0x5a, 2 * MiB);
	printf("written at the hint: page sum %lu\n", page_sum(p, 2 * MiB));

	unsigned char *hint2 = (unsigned char *)(100 * GiB + 16 * PAGE);
	unsigned char *q = mmap(hint2, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	printf("MAP_FIXED_NOREPLACE at 100 GiB: %s\n", q == hint2 ? "honoured" : "refused");
	/* li a0, 7; ret -- run code from above 4 GiB. */
	static const uint32_t code[] = { 0x00700513, 0x00008067 };
	memcpy(q, code, sizeof code);
	__builtin___clear_cache((char *)q, (char *)q + sizeof code);
	int (*fn)(void) = (int (*)(void))q;
	printf("code at 100 GiB returns %d\n", fn());
	return 0;
}
