#define _GNU_SOURCE
/* badclone: clone and clone3 with invalid arguments must fail before creating anything:
 * CLONE_THREAD without CLONE_SIGHAND, CLONE_SIGHAND without CLONE_VM, CLONE_FS with CLONE_NEWNS
 * (EINVAL), clone3 with a struct smaller than its first version or a bad pointer, unknown flag
 * bits, and an exit signal out of range. A call that wrongly succeeds runs a child that exits at
 * once, and the program says so. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* struct clone_args: flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls,
 * set_tid, set_tid_size, cgroup; 64 bytes is its first version (CLONE_ARGS_SIZE_VER0). */
#define CLONE_ARGS_SIZE_VER0 64
#define CHILD_STACK_SIZE 65536

static char child_stack[CHILD_STACK_SIZE] __attribute__((aligned(16)));

static int child(void *arg)
{
	(void)arg;
	syscall(SYS_exit, 0);
	return 0;
}

static void show(const char *what, long r)
{
	if (r < 0)
		printf("%-52s -1 %s\n", what, strerrorname_np(errno));
	else
		printf("%-52s succeeded (wrong)\n", what);
}

static void try_clone(const char *what, int flags)
{
	show(what, clone(child, child_stack + CHILD_STACK_SIZE, flags, NULL));
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	try_clone("clone CLONE_THREAD without CLONE_SIGHAND", CLONE_VM | CLONE_THREAD);
	try_clone("clone CLONE_SIGHAND without CLONE_VM", CLONE_SIGHAND);
	try_clone("clone CLONE_THREAD|CLONE_SIGHAND without CLONE_VM", CLONE_THREAD | CLONE_SIGHAND);
	try_clone("clone CLONE_FS|CLONE_NEWNS", CLONE_FS | CLONE_NEWNS | SIGCHLD);

	uint64_t args[11];
	memset(args, 0, sizeof args);
	args[0] = CLONE_VM | CLONE_THREAD; /* invalid too, but the size is checked first */
	show("clone3 with size 8", syscall(SYS_clone3, args, 8));
	show("clone3 with size 0", syscall(SYS_clone3, args, 0));
	show("clone3 with an unmapped struct", syscall(SYS_clone3, (void *)16, CLONE_ARGS_SIZE_VER0));
	memset(args, 0, sizeof args);
	args[0] = 1ULL << 40; /* no such flag */
	show("clone3 with an unknown flag bit", syscall(SYS_clone3, args, CLONE_ARGS_SIZE_VER0));
	memset(args, 0, sizeof args);
	args[4] = 65; /* exit_signal beyond _NSIG */
	show("clone3 with exit_signal 65", syscall(SYS_clone3, args, CLONE_ARGS_SIZE_VER0));
	memset(args, 0, sizeof args);
	args[0] = CLONE_VM | CLONE_THREAD;
	show("clone3 CLONE_THREAD without CLONE_SIGHAND", syscall(SYS_clone3, args, CLONE_ARGS_SIZE_VER0));
	memset(args, 0, sizeof args);
	args[0] = CLONE_VM | CLONE_SIGHAND | CLONE_THREAD;
	args[5] = (uintptr_t)child_stack;
	args[6] = 0; /* a stack without a size */
	show("clone3 with a stack of size 0", syscall(SYS_clone3, args, CLONE_ARGS_SIZE_VER0));
	printf("done\n");
	return 0;
}
