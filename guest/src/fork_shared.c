// MAP_SHARED memory between processes: a counter in a shared anonymous mapping, incremented by a
// parent and two children under a lock built on a shared futex (FUTEX_WAIT/FUTEX_WAKE without
// FUTEX_PRIVATE_FLAG, so the kernel must key it by the shared page, not by the address space);
// a private mapping stays private; and a MAP_SHARED file mapping written by a child is read back
// with read() by the parent.
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct shared {
	atomic_int lock; // 0 free, 1 taken, 2 taken with waiters
	long counter;
	atomic_int waits;
};

static long futex(atomic_int *addr, int op, int val) {
	return syscall(SYS_futex, addr, op, val, NULL, NULL, 0);
}

static void lock(struct shared *s) {
	int c = 0;
	if (atomic_compare_exchange_strong(&s->lock, &c, 1)) return;
	if (c != 2) c = atomic_exchange(&s->lock, 2);
	while (c != 0) {
		atomic_fetch_add(&s->waits, 1);
		futex(&s->lock, FUTEX_WAIT, 2);
		c = atomic_exchange(&s->lock, 2);
	}
}

static void unlock(struct shared *s) {
	if (atomic_fetch_sub(&s->lock, 1) != 1) {
		atomic_store(&s->lock, 0);
		futex(&s->lock, FUTEX_WAKE, 1);
	}
}

static void work(struct shared *s, long n) {
	for (long i = 0; i < n; i++) {
		lock(s);
		long v = s->counter;
		// Widen the window inside the lock so that preemption there makes the others wait.
		for (volatile int k = 0; k < 20; k++) {}
		s->counter = v + 1;
		unlock(s);
	}
}

int main(int argc, char **argv) {
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 20000;
	struct shared *s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int *priv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s == MAP_FAILED || priv == MAP_FAILED) return 1;
	*priv = 5;
	pid_t kids[2];
	for (int i = 0; i < 2; i++) {
		kids[i] = fork();
		if (kids[i] == 0) { *priv = 100 + i; work(s, n); _exit(*priv == 100 + i ? 0 : 1); }
	}
	work(s, n);
	int ok = 1;
	for (int i = 0; i < 2; i++) {
		int st;
		waitpid(kids[i], &st, 0);
		ok &= WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	printf("shared counter %ld (expected %ld); children exited cleanly: %s; private value still %d\n",
	       s->counter, 3 * n, ok ? "yes" : "no", *priv);

	char path[] = "/tmp/fork_shared.XXXXXX"; /* the kernel's own tmpfs: two seeded runs side by side draw the same name */
	int fd = mkstemp(path);
	if (fd < 0) return 1;
	unlink(path);
	ftruncate(fd, 4096);
	char *map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) return 1;
	pid_t p = fork();
	if (p == 0) { strcpy(map, "written by the child through MAP_SHARED"); _exit(0); }
	waitpid(p, NULL, 0);
	char buf[64] = {0};
	pread(fd, buf, sizeof buf - 1, 0);
	printf("parent read(): \"%s\"\n", buf);
	return 0;
}
