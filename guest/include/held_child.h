/* A forked child held alive until its parent lets it go, for checks that look at a live child
 * process (its memory, its files, its root) from the parent: hold_child flushes stdout and forks;
 * the child runs setup (if any), tells the parent it is ready, waits for the parent's release and
 * exits with finish's result (0 without finish). The parent's hold_child returns once the child
 * is ready; release_child lets the child go, reaps it and returns its exit status (-1 if it did
 * not exit). */
#ifndef HELD_CHILD_H
#define HELD_CHILD_H

#include <stdio.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

struct held_child {
	pid_t pid;
	/* ready: child to parent; go: parent to child. */
	int ready[2], go[2];
};

/* Forks the child as above and waits until it is ready; returns its pid. */
__attribute__((unused)) static pid_t hold_child(struct held_child *h, void (*setup)(void), int (*finish)(void))
{
	char c = 0;
	pipe(h->ready);
	pipe(h->go);
	fflush(stdout);
	h->pid = fork();
	if (h->pid == 0) {
		if (setup)
			setup();
		write(h->ready[1], &c, 1);
		read(h->go[0], &c, 1);
		_exit(finish ? finish() : 0);
	}
	read(h->ready[0], &c, 1);
	return h->pid;
}

/* Lets the child go, reaps it and closes the pipes: its exit status, or -1. */
__attribute__((unused)) static int release_child(struct held_child *h)
{
	char c = 0;
	int st;
	write(h->go[1], &c, 1);
	waitpid(h->pid, &st, 0);
	close(h->ready[0]);
	close(h->ready[1]);
	close(h->go[0]);
	close(h->go[1]);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#endif
