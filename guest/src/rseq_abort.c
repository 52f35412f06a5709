/* What aborts a restartable sequence (abi-riscv64.md §4.3): a signal delivered inside it (the
 * handler's saved pc is already the abort address, and rseq_cs is already cleared), a preemption
 * by another thread on the same CPU (with no system call inside the section), and a migration to
 * another CPU. Each section spins until told to stop, so only the interruption can end it early.
 * Portable to x86_64 so that native Linux is the reference. */
#include "../include/rseq_lib.h"
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

/* The abort handlers' section (ld defines these for a section named like a C identifier). */
extern const char __start___rseq_failure[], __stop___rseq_failure[];

/* Tries of the signal experiment (see main). */
#define ATTEMPTS 5

static struct rs_area *main_rs;
static volatile int in_cs, stop;
static volatile uintptr_t handler_pc;
static volatile uint64_t handler_rseq_cs = 1;
static pid_t main_tid;

/* Returns the pc saved in a signal frame. */
static uintptr_t saved_pc(ucontext_t *uc)
{
#if defined(__riscv)
	return uc->uc_mcontext.__gregs[0];
#else
	return uc->uc_mcontext.gregs[REG_RIP];
#endif
}

/* True if pc is an abort address: in __rseq_failure, right after a signature. */
static int is_abort_ip(uintptr_t pc)
{
	return pc >= (uintptr_t)__start___rseq_failure && pc < (uintptr_t)__stop___rseq_failure && *(const uint32_t *)(pc - 4) == RS_SIG;
}

static void on_usr1(int sig, siginfo_t *si, void *ctx)
{
	(void)sig; (void)si;
	handler_pc = saved_pc(ctx);
	handler_rseq_cs = __atomic_load_n(&main_rs->rseq_cs, __ATOMIC_RELAXED);
	stop = 1;
}

/* Waits until the spinning thread is inside its section. */
static void wait_in_cs(void)
{
	while (!in_cs)
		sched_yield();
}

static void *send_signal(void *arg)
{
	(void)arg;
	wait_in_cs();
	syscall(SYS_tgkill, getpid(), main_tid, SIGUSR1);
	return NULL;
}

static void pin(pid_t tid, int cpu)
{
	cpu_set_t s;
	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	if (sched_setaffinity(tid, sizeof s, &s) != 0) { perror("sched_setaffinity"); exit(1); }
}

static void *preempt_on_cpu0(void *arg)
{
	(void)arg;
	pin(0, 0); /* it shares CPU 0 with the spinning thread: it runs only when that one is off it */
	wait_in_cs();
	stop = 1;
	return NULL;
}

static void *migrate_main(void *arg)
{
	(void)arg;
	wait_in_cs();
	pin(main_tid, 1);
	return NULL;
}

/* Runs rs_spin until it commits; returns how many times it aborted first. */
static int spin_until_commit(void)
{
	int aborts = 0;
	while (rs_spin(main_rs, &in_cs, &stop) != 0)
		aborts++;
	return aborts;
}

int main(void)
{
	main_tid = (pid_t)syscall(SYS_gettid);
	main_rs = rs_thread_area();
	if (!main_rs) { perror("rseq"); return 1; }
	pthread_t th;

	/* 1. A signal inside the section. On a busy native host the thread is now and then preempted
	 *    inside the section before the signal comes (an abort too, but not this one): then the
	 *    signal finds it outside, and the experiment is made again. */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_usr1;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	int r = 0;
	for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
		in_cs = stop = 0;
		handler_pc = 0;
		pthread_create(&th, NULL, send_signal, NULL);
		r = rs_spin(main_rs, &in_cs, &stop);
		pthread_join(th, NULL);
		if (is_abort_ip(handler_pc)) break;
	}
	printf("signal: the section aborted: %s\n", r == -1 ? "yes" : "no");
	printf("signal: the handler's saved pc is the abort address: %s\n", is_abort_ip(handler_pc) ? "yes" : "no");
	printf("signal: rseq_cs was cleared before the handler ran: %s\n", handler_rseq_cs == 0 ? "yes" : "no");

	/* 2. A preemption by another thread on the same CPU: it sets stop, so the spinning thread sees
	 *    stop only after being preempted, and aborts at least once. */
	cpu_set_t all;
	sched_getaffinity(0, sizeof all, &all);
	pin(0, 0);
	in_cs = stop = 0;
	pthread_create(&th, NULL, preempt_on_cpu0, NULL);
	int aborts = spin_until_commit();
	pthread_join(th, NULL);
	printf("preemption: the section aborted before it committed: %s\n", aborts >= 1 ? "yes" : "no");

	/* 3. A migration: another thread moves the spinning thread from CPU 0 to CPU 1. */
	if (CPU_COUNT(&all) >= 2 && CPU_ISSET(1, &all)) {
		in_cs = stop = 0;
		pthread_create(&th, NULL, migrate_main, NULL);
		r = rs_spin(main_rs, &in_cs, &stop);
		pthread_join(th, NULL);
		printf("migration: the section aborted: %s; cpu_id is now 1: %s\n", r == -1 ? "yes" : "no",
		       rs_cpu(main_rs) == 1 ? "yes" : "no");
	} else {
		printf("migration: the section aborted: yes; cpu_id is now 1: yes (one CPU: not run)\n");
	}
	sched_setaffinity(0, sizeof all, &all);
	return 0;
}
