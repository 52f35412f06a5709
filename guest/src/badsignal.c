#define _GNU_SOURCE
/* badsignal: signal syscalls with bad arguments: kill and tgkill with signal numbers outside
 * 1..64 (EINVAL), a thread that does not exist (ESRCH), rt_sigaction on SIGKILL and SIGSTOP or
 * with a wrong sigset size (EINVAL; reading SIGKILL's action is allowed), rt_sigprocmask with a bad
 * "how" (EINVAL), and sigaltstack smaller than MINSIGSTKSZ (ENOMEM) or with unknown flags
 * (EINVAL). Raw syscalls are used where glibc would check the argument itself. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../include/show.h"

/* The kernel's sigset is 8 bytes on riscv64 (64 signals). */
#define KERNEL_SIGSET_SIZE 8
/* The kernel's MINSIGSTKSZ on riscv64; anything smaller is ENOMEM. */
#define KERNEL_MINSIGSTKSZ 2048
/* A thread id no process here has. */
#define NO_SUCH_TID 999999

struct kernel_sigaction {
	uintptr_t handler;
	unsigned long flags;
	uint64_t mask;
};

static void handler(int sig)
{
	(void)sig;
}

static char small_stack[KERNEL_MINSIGSTKSZ];

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	pid_t pid = getpid();
	long tid = syscall(SYS_gettid);
	show("kill(self, 0)", syscall(SYS_kill, pid, 0));
	show("kill(self, 65)", syscall(SYS_kill, pid, 65));
	show("kill(self, -1)", syscall(SYS_kill, pid, -1));
	show("tkill(self, 65)", syscall(SYS_tkill, tid, 65));
	show("tgkill(self, 65)", syscall(SYS_tgkill, pid, tid, 65));
	show("tgkill with tid 0", syscall(SYS_tgkill, pid, 0, SIGUSR1));
	show("tgkill with tgid -1", syscall(SYS_tgkill, -1, tid, SIGUSR1));
	show("tgkill to a thread that does not exist", syscall(SYS_tgkill, pid, NO_SUCH_TID, 0));
	show("tkill to a thread that does not exist", syscall(SYS_tkill, NO_SUCH_TID, SIGUSR1));
	show("kill to a process that does not exist", syscall(SYS_kill, NO_SUCH_TID, 0));

	struct kernel_sigaction act = { (uintptr_t)handler, 0, 0 }, old;
	show("rt_sigaction(SIGKILL, handler)", syscall(SYS_rt_sigaction, SIGKILL, &act, NULL, KERNEL_SIGSET_SIZE));
	show("rt_sigaction(SIGSTOP, handler)", syscall(SYS_rt_sigaction, SIGSTOP, &act, NULL, KERNEL_SIGSET_SIZE));
	act.handler = (uintptr_t)SIG_IGN;
	show("rt_sigaction(SIGKILL, SIG_IGN)", syscall(SYS_rt_sigaction, SIGKILL, &act, NULL, KERNEL_SIGSET_SIZE));
	show("rt_sigaction(SIGKILL, NULL, &old) (read only)", syscall(SYS_rt_sigaction, SIGKILL, NULL, &old, KERNEL_SIGSET_SIZE));
	act.handler = (uintptr_t)handler;
	show("rt_sigaction(0, handler)", syscall(SYS_rt_sigaction, 0, &act, NULL, KERNEL_SIGSET_SIZE));
	show("rt_sigaction(65, handler)", syscall(SYS_rt_sigaction, 65, &act, NULL, KERNEL_SIGSET_SIZE));
	show("rt_sigaction with sigsetsize 16", syscall(SYS_rt_sigaction, SIGUSR1, &act, NULL, 16));
	show("rt_sigaction with an unmapped act", syscall(SYS_rt_sigaction, SIGUSR1, (void *)16, NULL, KERNEL_SIGSET_SIZE));
	uint64_t set = 0;
	show("rt_sigprocmask with how 3", syscall(SYS_rt_sigprocmask, 3, &set, NULL, KERNEL_SIGSET_SIZE));
	show("rt_sigprocmask with sigsetsize 4", syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 4));
	set = ~0ULL;
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &set, NULL, KERNEL_SIGSET_SIZE);
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, NULL, &set, KERNEL_SIGSET_SIZE);
	printf("blocking everything leaves SIGKILL and SIGSTOP unblocked: %s\n",
	       (set & (1ULL << (SIGKILL - 1))) == 0 && (set & (1ULL << (SIGSTOP - 1))) == 0 ? "yes" : "no");
	set = 0;
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &set, NULL, KERNEL_SIGSET_SIZE);
	show("rt_sigpending with sigsetsize 16", syscall(SYS_rt_sigpending, &set, 16));

	stack_t ss = { .ss_sp = small_stack, .ss_size = KERNEL_MINSIGSTKSZ - 1, .ss_flags = 0 };
	show("sigaltstack smaller than MINSIGSTKSZ", syscall(SYS_sigaltstack, &ss, NULL));
	ss.ss_size = KERNEL_MINSIGSTKSZ;
	ss.ss_flags = 0x4;
	show("sigaltstack with unknown flags", syscall(SYS_sigaltstack, &ss, NULL));
	ss.ss_flags = SS_ONSTACK;
	show("sigaltstack with SS_ONSTACK (accepted)", syscall(SYS_sigaltstack, &ss, NULL));
	ss.ss_flags = SS_DISABLE;
	ss.ss_size = 1;
	show("sigaltstack SS_DISABLE ignores the size", syscall(SYS_sigaltstack, &ss, NULL));
	show("sigaltstack with an unmapped struct", syscall(SYS_sigaltstack, (void *)16, NULL));
	printf("done\n");
	return 0;
}
