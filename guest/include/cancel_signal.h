/* The cancel request of the designs that cancel with a signal of their own (cancel_counter,
 * cancel_thunk, cancel_vdso; included after cancel_workload.h): main sets cancel_flag and sends
 * SIGCANCEL to the consumer thread, whose tid the consumer records first (note_consumer_tid). The
 * design's handler starts with cancel_requested(), which treats the signal itself as the request
 * on the consumer, so that a cancel `ecall explore --strategy inject` injects acts as main's. */
#ifndef CANCEL_SIGNAL_H
#define CANCEL_SIGNAL_H

#include <signal.h>
#include <sys/syscall.h>

#define SIGCANCEL SIGUSR2

static volatile int cancel_flag;
static volatile pid_t consumer_tid;

/* Records the calling thread (the consumer) as the one cancel_consumer() signals. */
static void note_consumer_tid(void)
{
	consumer_tid = (pid_t)syscall(SYS_gettid);
}

/* In SIGCANCEL's handler: 0 on a thread that is not the consumer (the handler does nothing);
 * else sets the flag, since the signal is the request (an injected one comes without the
 * flag), and returns 1. */
static int cancel_requested(void)
{
	if (!is_consumer) return 0;
	cancel_flag = 1;
	return 1;
}

/* Main's cancel request: the flag, then SIGCANCEL to the consumer thread. */
static void cancel_consumer(pthread_t t)
{
	(void)t;
	cancel_flag = 1;
	syscall(SYS_tgkill, getpid(), consumer_tid, SIGCANCEL);
}

/* Installs action (an SA_SIGINFO handler) for SIGCANCEL, with interrupted calls restarted. */
__attribute__((unused)) static void install_cancel_action(void (*action)(int, siginfo_t *, void *))
{
	struct sigaction sa = { 0 };
	sa.sa_sigaction = action;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigaction(SIGCANCEL, &sa, NULL);
}

#endif
