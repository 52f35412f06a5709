/* shm_thread: MAP_SHARED anonymous memory seen through a second mapping of it (mremap with
 * old_size 0), by another thread: its stores through one view are read through the other, and a
 * shared FUTEX_WAIT on one view is woken by a FUTEX_WAKE on the other view's address (shared
 * futex keys name the page, not the address). A private mapping cannot be duplicated (EINVAL). */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096
#define LEN (4 * PAGE)

static char *view_a, *view_b;

static long futex(void *addr, int op, int val)
{
	return syscall(SYS_futex, addr, op, val, NULL, NULL, 0);
}

static void *worker(void *arg)
{
	(void)arg;
	strcpy(view_b + 3 * PAGE, "from the thread, through view b");
	atomic_int *word_b = (atomic_int *)(view_b + PAGE);
	/* Wait until main sleeps on the same word through view a, then wake it through view b. */
	while (atomic_load(word_b) != 1) usleep(1000);
	usleep(20000);
	atomic_store(word_b, 2);
	long woken = 0;
	while (woken == 0) woken = futex(word_b, FUTEX_WAKE, 1);
	return (void *)woken;
}

int main(void)
{
	view_a = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (view_a == MAP_FAILED) { perror("mmap"); return 1; }
	view_b = mremap(view_a, 0, LEN, MREMAP_MAYMOVE);
	if (view_b == MAP_FAILED) { perror("mremap"); return 1; }
	printf("second view at another address: %s\n", view_b != view_a ? "yes" : "no");
	strcpy(view_a, "written through view a");
	printf("view b reads: %s\n", view_b);

	pthread_t th;
	pthread_create(&th, NULL, worker, NULL);
	atomic_int *word_a = (atomic_int *)(view_a + PAGE);
	atomic_store(word_a, 1);
	while (atomic_load(word_a) == 1) futex(word_a, FUTEX_WAIT, 1);
	void *woken;
	pthread_join(th, &woken);
	printf("woken through the other view: word %d, FUTEX_WAKE woke %ld\n", atomic_load(word_a), (long)woken);
	printf("view a reads: %s\n", view_a + 3 * PAGE);

	char *priv = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	errno = 0;
	void *dup = mremap(priv, 0, PAGE, MREMAP_MAYMOVE);
	printf("duplicating a private mapping: %s\n", dup == MAP_FAILED && errno == EINVAL ? "EINVAL" : "allowed (wrong)");
	return 0;
}
