#define _GNU_SOURCE
/* sigmask: the blocked mask while handlers run: sa_mask and the signal itself are blocked during
 * the handler, a signal raised there stays pending until the handler returns, the interrupted
 * mask comes back afterwards, and signals that become unblocked together are delivered lowest
 * number first and FIFO within a real-time number (one after another when each handler's sa_mask
 * blocks the rest; as nested frames, so the highest runs first, when it does not).
 * Portable C: qemu-riscv64 7.2 ignores sa_mask, so the expected output of this program is
 * recorded from a native build on Linux (cases.json "reference": "native"). */
#include "../include/rt_plan.h"
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char order[512];

static int blocked_now(int sig)
{
	sigset_t cur;
	sigprocmask(SIG_SETMASK, NULL, &cur);
	return sigismember(&cur, sig);
}

static void on_usr1(int sig)
{
	(void)sig;
	strcat(order, blocked_now(SIGUSR1) && blocked_now(SIGUSR2) && blocked_now(SIGTERM) ? "usr1(usr1+usr2+term blocked) "
											    : "usr1(mask wrong) ");
	raise(SIGUSR2);
	sigset_t p;
	sigpending(&p);
	strcat(order, sigismember(&p, SIGUSR2) ? "usr2-pending " : "usr2-not-pending ");
	strcat(order, "usr1-end ");
}

static void on_usr2(int sig)
{
	(void)sig;
	strcat(order, blocked_now(SIGUSR1) ? "usr2(usr1 still blocked) " : "usr2(usr1 unblocked) ");
}

static void masks(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = on_usr2;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, NULL);

	sigset_t orig, after;
	sigemptyset(&orig);
	sigaddset(&orig, SIGHUP);
	sigprocmask(SIG_SETMASK, &orig, NULL);
	order[0] = 0;
	raise(SIGUSR1);
	sigprocmask(SIG_SETMASK, NULL, &after);
	printf("sa_mask: %s\n", order);
	printf("mask after the handlers: SIGHUP %s, SIGUSR1 %s, SIGUSR2 %s, SIGTERM %s\n",
	       sigismember(&after, SIGHUP) ? "blocked" : "unblocked", sigismember(&after, SIGUSR1) ? "blocked" : "unblocked",
	       sigismember(&after, SIGUSR2) ? "blocked" : "unblocked", sigismember(&after, SIGTERM) ? "blocked" : "unblocked");
	sigemptyset(&orig);
	sigprocmask(SIG_SETMASK, &orig, NULL);
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
}

static void on_rt(int sig, siginfo_t *si, void *uc)
{
	char item[48];
	(void)uc;
	if (sig == SIGUSR1)
		snprintf(item, sizeof item, "USR1 ");
	else
		snprintf(item, sizeof item, "RTMIN+%d:%d ", sig - SIGRTMIN, si->si_value.sival_int);
	strcat(order, item);
}

static void queued(int block_others)
{
	sigset_t set, none;
	sigemptyset(&set);
	for (int s = SIGRTMIN; s <= SIGRTMIN + 3; s++)
		sigaddset(&set, s);
	sigaddset(&set, SIGUSR1);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_rt;
	sa.sa_flags = SA_SIGINFO;
	if (block_others)
		sa.sa_mask = set;
	else
		sigemptyset(&sa.sa_mask);
	for (int s = SIGRTMIN; s <= SIGRTMIN + 3; s++)
		sigaction(s, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigprocmask(SIG_BLOCK, &set, NULL);
	queue_rt_plan();
	order[0] = 0;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	printf("handler order, %s: %s\n", block_others ? "sa_mask blocks the others" : "empty sa_mask", order);
	for (int s = SIGRTMIN; s <= SIGRTMIN + 3; s++)
		signal(s, SIG_DFL);
	signal(SIGUSR1, SIG_DFL);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	masks();
	queued(1);
	queued(0);
	printf("done\n");
	return 0;
}
