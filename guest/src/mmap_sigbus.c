/* mmap_sigbus: a file mapping's pages past the end of the file give SIGBUS (BUS_ADRERR, si_addr
 * the faulting address), while the bytes of the last page past EOF read as zero; growing the file
 * with ftruncate makes the page accessible, and shrinking it takes the page away again. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096

static sigjmp_buf env;
static volatile void *fault_addr;
static volatile int fault_code;

static void on_bus(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)uc;
	fault_addr = si->si_addr;
	fault_code = si->si_code;
	siglongjmp(env, 1);
}

/* Reads one byte at p; prints it, or the SIGBUS it caused. */
static void probe(const char *what, volatile char *p)
{
	if (sigsetjmp(env, 1) == 0) {
		char c = *p;
		printf("%s: read %d\n", what, c);
	} else {
		printf("%s: SIGBUS %s at the access: %s\n", what, fault_code == BUS_ADRERR ? "BUS_ADRERR" : "(other code)",
			fault_addr == (void *)p ? "yes" : "no");
	}
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_bus;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGBUS, &sa, NULL);

	char path[64];
	snprintf(path, sizeof path, "mmap_sigbus.%d.tmp", (int)getpid());
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) { perror("open"); return 1; }
	write(fd, "0123456789", 10);
	char *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) { perror("mmap"); return 1; }
	probe("byte 5 (in the file)", p + 5);
	probe("byte 4000 (last page, past EOF)", p + 4000);
	probe("second page (past EOF)", p + PAGE + 8);
	probe("third page (past EOF)", p + 2 * PAGE);
	ftruncate(fd, PAGE + 100);
	probe("second page after ftruncate to 4196", p + PAGE + 8);
	p[PAGE + 8] = 'x';
	probe("second page after a store", p + PAGE + 8);
	ftruncate(fd, 10);
	probe("second page after shrinking to 10 bytes", p + PAGE + 8);
	char *v = mmap(NULL, 2 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	probe("private mapping, second page", v + PAGE);
	munmap(p, 3 * PAGE);
	munmap(v, 2 * PAGE);
	close(fd);
	unlink(path);
	return 0;
}
