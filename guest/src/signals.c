#define _GNU_SOURCE
/* signals: delivery to handlers as Linux does it on riscv64: siginfo codes (SI_USER, SI_TKILL,
 * SI_QUEUE, SEGV_MAPERR, ILL_ILLOPC), the ucontext (saved registers and mask, rewritten by the
 * handler and honoured by sigreturn), sigaltstack, SA_NODEFER nesting, SA_RESETHAND, siglongjmp
 * out of a SIGSEGV handler, queued real-time signals (lowest number first, FIFO within a number),
 * sigpending, sigsuspend, sigtimedwait and sigwaitinfo. sa_mask during a handler is tested by
 * sigmask.c instead, because qemu-riscv64 7.2 does not apply it. */
#include <errno.h>
#include <setjmp.h>
#include "../include/rt_plan.h"
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

/* riscv64 register slots in uc_mcontext.__gregs (pc in slot 0, then x1..x31). */
#define REG_PC_SLOT 0
#define REG_SP_SLOT 2
#define REG_A0_SLOT 10
#define REG_A7_SLOT 17
/* Both faulting instructions below are 4 bytes long (assembled with .option norvc). */
#define FAULT_INSN_LEN 4

static const char *code_name(int signo, int code)
{
	switch (code) {
	case SI_USER: return "SI_USER";
	case SI_KERNEL: return "SI_KERNEL";
	case SI_QUEUE: return "SI_QUEUE";
	case SI_TIMER: return "SI_TIMER";
	case SI_TKILL: return "SI_TKILL";
	}
	if (signo == SIGSEGV && code == SEGV_MAPERR) return "SEGV_MAPERR";
	if (signo == SIGSEGV && code == SEGV_ACCERR) return "SEGV_ACCERR";
	if (signo == SIGILL && code == ILL_ILLOPC) return "ILL_ILLOPC";
	if (signo == SIGTRAP && code == TRAP_BRKPT) return "TRAP_BRKPT";
	return "other";
}

static void set_handler(int sig, void (*fn)(int, siginfo_t *, void *), int flags, const sigset_t *mask)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	if (mask)
		sa.sa_mask = *mask;
	else
		sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL) != 0)
		printf("sigaction(%d) failed: %s\n", sig, strerror(errno));
}

static int blocked_now(int sig)
{
	sigset_t cur;
	sigprocmask(SIG_SETMASK, NULL, &cur);
	return sigismember(&cur, sig);
}

/* ---- siginfo and ucontext ---- */
static siginfo_t last_info;
static ucontext_t last_uc;
static int self_blocked_in_handler;

static void record(int sig, siginfo_t *si, void *ucv)
{
	(void)sig;
	last_info = *si;
	memcpy(&last_uc, ucv, sizeof last_uc);
	self_blocked_in_handler = blocked_now(sig);
}

static void show_info(const char *how)
{
	printf("%-28s signo %d code %s pid is self: %s", how, last_info.si_signo,
	       code_name(last_info.si_signo, last_info.si_code), last_info.si_pid == getpid() ? "yes" : "no");
	if (last_info.si_code == SI_QUEUE)
		printf(" value %d", last_info.si_value.sival_int);
	printf(" uid matches: %s\n", last_info.si_uid == getuid() ? "yes" : "no");
}

static void siginfo_and_ucontext(void)
{
	set_handler(SIGUSR1, record, 0, NULL);
	raise(SIGUSR1);
	show_info("raise(SIGUSR1)");
	printf("  handler ran with SIGUSR1 blocked: %s; not blocked after: %s\n", self_blocked_in_handler ? "yes" : "no",
	       blocked_now(SIGUSR1) ? "no" : "yes");
	/* glibc's raise sends to the calling thread with tgkill, and the signal is delivered on the
	 * way back from that syscall: the saved a7 is tgkill's number and a0 its result. */
	printf("  saved a7 %lld (tgkill is %d), saved a0 %lld, saved mask has SIGUSR1: %s\n",
	       (long long)last_uc.uc_mcontext.__gregs[REG_A7_SLOT], SYS_tgkill,
	       (long long)last_uc.uc_mcontext.__gregs[REG_A0_SLOT], sigismember(&last_uc.uc_sigmask, SIGUSR1) ? "yes" : "no");
	printf("  uc_stack.ss_flags %s, uc_link %s\n", last_uc.uc_stack.ss_flags == SS_DISABLE ? "SS_DISABLE" : "other",
	       last_uc.uc_link == NULL ? "NULL" : "set");

	kill(getpid(), SIGUSR1);
	show_info("kill(getpid(), SIGUSR1)");
	union sigval v = { .sival_int = 1234 };
	sigqueue(getpid(), SIGUSR1, v);
	show_info("sigqueue(SIGUSR1, 1234)");
	syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1);
	show_info("tgkill(SIGUSR1)");
	signal(SIGUSR1, SIG_DFL);
}

/* ---- a handler that rewrites the saved pc and a0 ---- */
static int fault_count;
static uintptr_t fault_addr;

static void skip_insn(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	last_info = *si;
	fault_count++;
	fault_addr = (uintptr_t)si->si_addr;
	uc->uc_mcontext.__gregs[REG_PC_SLOT] += FAULT_INSN_LEN;
	uc->uc_mcontext.__gregs[REG_A0_SLOT] = 4242;
	(void)sig;
}

static long load_from_null(void)
{
	register long a0 __asm__("a0") = 1;
	__asm__ volatile(".option push\n.option norvc\nld t0, 0(zero)\n.option pop" : "+r"(a0) : : "t0", "memory");
	return a0;
}

static long illegal_insn(void)
{
	register long a0 __asm__("a0") = 1;
	__asm__ volatile(".option push\n.option norvc\n.4byte 0xffffffff\n.option pop" : "+r"(a0) : : "memory");
	return a0;
}

static void rewrite_pc(void)
{
	set_handler(SIGSEGV, skip_insn, 0, NULL);
	long r = load_from_null();
	printf("SIGSEGV skipped: a0 after %ld, faults %d, code %s, si_addr %#lx\n", r, fault_count,
	       code_name(last_info.si_signo, last_info.si_code), (unsigned long)fault_addr);
	set_handler(SIGILL, skip_insn, 0, NULL);
	uintptr_t insn = 0;
	r = illegal_insn();
	insn = fault_addr;
	printf("SIGILL skipped: a0 after %ld, faults %d, code %s, si_addr is the instruction: %s\n", r, fault_count,
	       code_name(last_info.si_signo, last_info.si_code), insn != 0 ? "yes" : "no");
	signal(SIGSEGV, SIG_DFL);
	signal(SIGILL, SIG_DFL);
}

/* ---- sigaltstack ---- */
/* Bigger than SIGSTKSZ so printf-free handlers have room; static so its range is known. */
#define ALT_STACK_SIZE 65536
static char alt_stack[ALT_STACK_SIZE] __attribute__((aligned(16)));
static uintptr_t handler_local;
static int handler_ss_flags;

static void on_alt(int sig, siginfo_t *si, void *ucv)
{
	volatile int local = 0;
	stack_t now;
	(void)sig, (void)si, (void)ucv;
	handler_local = (uintptr_t)&local;
	sigaltstack(NULL, &now);
	handler_ss_flags = now.ss_flags;
}

static void alternate_stack(void)
{
	stack_t ss = { .ss_sp = alt_stack, .ss_size = ALT_STACK_SIZE, .ss_flags = 0 }, cur;
	printf("sigaltstack set: %d\n", sigaltstack(&ss, NULL));
	set_handler(SIGUSR2, on_alt, SA_ONSTACK, NULL);
	raise(SIGUSR2);
	int inside = handler_local >= (uintptr_t)alt_stack && handler_local < (uintptr_t)alt_stack + ALT_STACK_SIZE;
	printf("SA_ONSTACK handler ran on the alternate stack: %s, sigaltstack inside reports SS_ONSTACK: %s\n",
	       inside ? "yes" : "no", handler_ss_flags == SS_ONSTACK ? "yes" : "no");
	sigaltstack(NULL, &cur);
	printf("after return: ss_flags %d, size %zu, same base: %s\n", cur.ss_flags, cur.ss_size,
	       cur.ss_sp == alt_stack ? "yes" : "no");
	set_handler(SIGUSR2, on_alt, 0, NULL);
	raise(SIGUSR2);
	inside = handler_local >= (uintptr_t)alt_stack && handler_local < (uintptr_t)alt_stack + ALT_STACK_SIZE;
	printf("without SA_ONSTACK the handler used the normal stack: %s\n", inside ? "no" : "yes");
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
	sigaltstack(NULL, &cur);
	printf("disabled: ss_flags %s\n", cur.ss_flags == SS_DISABLE ? "SS_DISABLE" : "other");
	signal(SIGUSR2, SIG_DFL);
}

/* ---- SA_NODEFER nesting, and deferral without it ---- */
#define NEST_LIMIT 3
static volatile int depth, max_depth, entries;

static void nesting(int sig, siginfo_t *si, void *ucv)
{
	(void)si, (void)ucv;
	entries++;
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	if (entries < NEST_LIMIT)
		raise(sig);
	depth--;
}

static void nodefer(void)
{
	depth = max_depth = entries = 0;
	set_handler(SIGUSR1, nesting, SA_NODEFER, NULL);
	raise(SIGUSR1);
	printf("SA_NODEFER: %d entries, maximum nesting %d\n", entries, max_depth);
	depth = max_depth = entries = 0;
	set_handler(SIGUSR1, nesting, 0, NULL);
	raise(SIGUSR1);
	printf("without SA_NODEFER: %d entries, maximum nesting %d\n", entries, max_depth);
	signal(SIGUSR1, SIG_DFL);
}

/* ---- SA_RESETHAND ---- */
static int reset_runs;

static void count_run(int sig, siginfo_t *si, void *ucv)
{
	(void)sig, (void)si, (void)ucv;
	reset_runs++;
}

static void resethand(void)
{
	set_handler(SIGUSR2, count_run, SA_RESETHAND, NULL);
	raise(SIGUSR2);
	struct sigaction old;
	sigaction(SIGUSR2, NULL, &old);
	printf("SA_RESETHAND: handler ran %d time(s), disposition now %s\n", reset_runs,
	       old.sa_handler == SIG_DFL ? "SIG_DFL" : "still the handler");
	/* SIGCHLD's default action is to ignore, so a reset handler makes a second raise harmless. */
	reset_runs = 0;
	set_handler(SIGCHLD, count_run, SA_RESETHAND, NULL);
	raise(SIGCHLD);
	raise(SIGCHLD);
	printf("SA_RESETHAND on SIGCHLD, raised twice: handler ran %d time(s)\n", reset_runs);
}

/* ---- siglongjmp out of a SIGSEGV handler ---- */
static sigjmp_buf jump;

static void jump_out(int sig, siginfo_t *si, void *ucv)
{
	(void)sig, (void)ucv;
	fault_addr = (uintptr_t)si->si_addr;
	siglongjmp(jump, 1);
}

static void longjmp_out(void)
{
	set_handler(SIGSEGV, jump_out, 0, NULL);
	for (int round = 1; round <= 2; round++) {
		volatile int *bad = (volatile int *)(uintptr_t)(0x10 * round);
		if (sigsetjmp(jump, 1) == 0) {
			*bad = 1;
			printf("store to %p succeeded (wrong)\n", (void *)bad);
		} else {
			printf("siglongjmp out of SIGSEGV handler, round %d, si_addr %#lx, SIGSEGV blocked after: %s\n", round,
			       (unsigned long)fault_addr, blocked_now(SIGSEGV) ? "yes" : "no");
		}
	}
	signal(SIGSEGV, SIG_DFL);
}

/* ---- queued real-time signals, dequeued by sigwaitinfo ---- */
static void realtime_queue(void)
{
	sigset_t set;
	sigemptyset(&set);
	for (int s = SIGRTMIN; s <= SIGRTMIN + 3; s++)
		sigaddset(&set, s);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	queue_rt_plan();
	sigset_t p;
	sigpending(&p);
	printf("sigpending: USR1 %d RTMIN %d RTMIN+1 %d RTMIN+2 %d RTMIN+3 %d USR2 %d\n", sigismember(&p, SIGUSR1),
	       sigismember(&p, SIGRTMIN), sigismember(&p, SIGRTMIN + 1), sigismember(&p, SIGRTMIN + 2),
	       sigismember(&p, SIGRTMIN + 3), sigismember(&p, SIGUSR2));
	printf("dequeue order:");
	struct timespec zero = { 0, 0 };
	siginfo_t si;
	int sig;
	while ((sig = sigtimedwait(&set, &si, &zero)) > 0) {
		if (sig == SIGUSR1)
			printf(" USR1(%s)", code_name(sig, si.si_code));
		else
			printf(" RTMIN+%d:%d(%s)", sig - SIGRTMIN, si.si_value.sival_int, code_name(sig, si.si_code));
	}
	printf(", then %s\n", strerrorname_np(errno));
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* ---- sigsuspend, sigtimedwait, sigwaitinfo ---- */
static int suspend_hits;

static void suspend_handler(int sig, siginfo_t *si, void *ucv)
{
	(void)sig, (void)si, (void)ucv;
	suspend_hits++;
}

static void waiting(void)
{
	sigset_t usr1, empty, cur;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigemptyset(&empty);
	set_handler(SIGUSR1, suspend_handler, 0, NULL);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	raise(SIGUSR1);
	printf("pending while blocked, handler runs: %d\n", suspend_hits);
	errno = 0;
	int r = sigsuspend(&empty);
	sigprocmask(SIG_SETMASK, NULL, &cur);
	printf("sigsuspend: %d %s, handler ran %d time(s), SIGUSR1 blocked again after: %s\n", r, strerrorname_np(errno),
	       suspend_hits, sigismember(&cur, SIGUSR1) ? "yes" : "no");

	sigset_t usr2;
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	sigprocmask(SIG_BLOCK, &usr2, NULL);
	struct timespec timeout = { 0, 20000000 };
	siginfo_t si;
	errno = 0;
	r = sigtimedwait(&usr2, &si, &timeout);
	printf("sigtimedwait with nothing pending: %d %s\n", r, strerrorname_np(errno));
	raise(SIGUSR2);
	r = sigtimedwait(&usr2, &si, &timeout);
	printf("sigtimedwait with SIGUSR2 pending: %s, code %s\n", r == SIGUSR2 ? "SIGUSR2" : "other",
	       code_name(si.si_signo, si.si_code));
	struct timespec zero = { 0, 0 };
	errno = 0;
	r = sigtimedwait(&usr2, &si, &zero);
	printf("sigtimedwait with a zero timeout (poll): %d %s\n", r, strerrorname_np(errno));
	struct timespec bad = { 0, 1000000000 };
	errno = 0;
	r = sigtimedwait(&usr2, &si, &bad);
	printf("sigtimedwait with tv_nsec 1e9: %d %s\n", r, strerrorname_np(errno));

	sigset_t rt;
	sigemptyset(&rt);
	sigaddset(&rt, SIGRTMIN + 1);
	sigprocmask(SIG_BLOCK, &rt, NULL);
	union sigval v = { .sival_int = 77 };
	sigqueue(getpid(), SIGRTMIN + 1, v);
	r = sigwaitinfo(&rt, &si);
	printf("sigwaitinfo: RTMIN+%d code %s value %d\n", r - SIGRTMIN, code_name(si.si_signo, si.si_code),
	       si.si_value.sival_int);
	sigpending(&cur);
	printf("nothing left pending: %s\n", sigisemptyset(&cur) ? "yes" : "no");
	sigprocmask(SIG_SETMASK, &empty, NULL);
	printf("suspend handler ran %d time(s) in all\n", suspend_hits);
	signal(SIGUSR1, SIG_DFL);
}

/* ---- ignored signals and sigaction readback ---- */
static void dispositions(void)
{
	signal(SIGUSR2, SIG_IGN);
	raise(SIGUSR2);
	printf("ignored SIGUSR2 raised: still running\n");
	sigset_t p;
	sigpending(&p);
	printf("ignored signal is not left pending: %s\n", sigismember(&p, SIGUSR2) ? "no" : "yes");
	set_handler(SIGUSR2, count_run, SA_RESTART | SA_ONSTACK, NULL);
	struct sigaction old;
	sigaction(SIGUSR2, NULL, &old);
	printf("sigaction readback: SA_SIGINFO %d SA_RESTART %d SA_ONSTACK %d SA_NODEFER %d\n", !!(old.sa_flags & SA_SIGINFO),
	       !!(old.sa_flags & SA_RESTART), !!(old.sa_flags & SA_ONSTACK), !!(old.sa_flags & SA_NODEFER));
	signal(SIGUSR2, SIG_DFL);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	siginfo_and_ucontext();
	rewrite_pc();
	alternate_stack();
	nodefer();
	resethand();
	longjmp_out();
	realtime_queue();
	waiting();
	dispositions();
	printf("done\n");
	return 0;
}
