/* settle(): the pause of the socket programs (sock_inet, sock_unix) that lets a thread that
 * announced its blocking call enter it before it is signalled, or a peer's close or data reach
 * the other end; a program that detects a signal that still came first runs the case again with
 * a longer pause. */
#ifndef SETTLE_H
#define SETTLE_H

#include <time.h>

/* How long settle() sleeps (the first pause a retrying program tries). */
#define SETTLE_NS 50000000

/* Sleeps SETTLE_NS. */
static void settle(void)
{
	struct timespec ts = { 0, SETTLE_NS };
	nanosleep(&ts, NULL);
}

#endif
