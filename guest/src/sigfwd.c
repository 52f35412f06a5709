/* sigfwd: a program that catches the signals a terminal sends. It prints "ready", then waits;
 * each of SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH (with the terminal size TIOCGWINSZ
 * then reports) and SIGCONT prints one line with the sender's si_code and si_pid. SIGTERM and
 * SIGTSTP keep their default actions: termination, and stopping. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Room for one line. */
#define LINE_LEN 128

/* Appends the decimal digits of v to p; returns the new end (async-signal-safe). */
static char *put_num(char *p, long v)
{
	char digits[24];
	int n = 0;
	if (v < 0) {
		*p++ = '-';
		v = -v;
	}
	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	while (n > 0)
		*p++ = digits[--n];
	return p;
}

static char *put_str(char *p, const char *s)
{
	size_t n = strlen(s);
	memcpy(p, s, n);
	return p + n;
}

static void on_signal(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	char line[LINE_LEN], *p = line;
	p = put_str(p, "got ");
	p = put_str(p, sig == SIGINT ? "SIGINT" : sig == SIGHUP ? "SIGHUP" : sig == SIGQUIT ? "SIGQUIT" : sig == SIGUSR1 ? "SIGUSR1"
		: sig == SIGUSR2 ? "SIGUSR2" : sig == SIGWINCH ? "SIGWINCH" : sig == SIGCONT ? "SIGCONT" : "?");
	p = put_str(p, " si_code ");
	p = put_num(p, si->si_code);
	if (sig == SIGWINCH) {
		struct winsize ws;
		if (ioctl(1, TIOCGWINSZ, &ws) == 0) {
			p = put_str(p, " size ");
			p = put_num(p, ws.ws_row);
			p = put_str(p, "x");
			p = put_num(p, ws.ws_col);
		} else {
			p = put_str(p, " (not a terminal)");
		}
	}
	*p++ = '\n';
	write(1, line, (size_t)(p - line));
}

int main(void)
{
	static const int caught[] = {SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT};
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	for (unsigned i = 0; i < sizeof caught / sizeof caught[0]; i++)
		sigaction(caught[i], &sa, NULL);
	write(1, "ready\n", 6);
	for (;;)
		pause();
}
