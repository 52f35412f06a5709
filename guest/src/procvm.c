/*
 * procvm: futex_waitv (argument checks, EAGAIN, an absolute timeout, and a wake on the third of
 * three words from another thread), process_vm_readv/writev on a forked child (whole, partial
 * and failing copies) and kcmp (VM, FILES, FS, FILE and SIGHAND between threads, a child and
 * dup'd or separately opened files). qemu-riscv64 7.2 has none of these calls, so the expected
 * output is the same program run natively on Linux.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <linux/kcmp.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../include/expect.h"
#include "../include/held_child.h"

#ifndef FUTEX_32
#define FUTEX_32 2
#endif

/* The fields of struct futex_waitv, declared here for headers that predate it. */
struct waitv {
	uint64_t val;
	uint64_t uaddr;
	uint32_t flags;
	uint32_t reserved;
};

static uint32_t words[3];

static long waitv(struct waitv *w, unsigned n, unsigned flags, struct timespec *ts, int clock)
{
	return syscall(SYS_futex_waitv, w, n, flags, ts, clock);
}

/* Wakes words[2] once a waiter is there to be woken. */
static void *waker(void *arg)
{
	(void)arg;
	words[2] = 7;
	while (syscall(SYS_futex, &words[2], FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) < 1) sched_yield();
	return NULL;
}

static void futex_waitv_checks(void)
{
	struct waitv w[3];
	for (int i = 0; i < 3; i++) w[i] = (struct waitv){ 0, (uintptr_t)&words[i], FUTEX_32 | FUTEX_PRIVATE_FLAG, 0 };
	struct timespec past = { 0, 0 };
	expect("futex_waitv flags 1", waitv(w, 3, 1, NULL, 0), EINVAL);
	expect("futex_waitv no words", waitv(w, 0, 0, NULL, 0), EINVAL);
	expect("futex_waitv 129 words", waitv(w, 129, 0, NULL, 0), EINVAL);
	expect("futex_waitv NULL array", waitv(NULL, 1, 0, NULL, 0), EINVAL);
	expect("futex_waitv clock CLOCK_PROCESS_CPUTIME_ID", waitv(w, 3, 0, &past, CLOCK_PROCESS_CPUTIME_ID), EINVAL);
	w[1].flags = FUTEX_PRIVATE_FLAG;
	expect("futex_waitv entry without FUTEX_32", waitv(w, 3, 0, NULL, 0), EINVAL);
	w[1].flags = FUTEX_32 | 4;
	expect("futex_waitv entry with flag 4", waitv(w, 3, 0, NULL, 0), EINVAL);
	w[1].flags = FUTEX_32 | FUTEX_PRIVATE_FLAG;
	w[1].reserved = 1;
	expect("futex_waitv reserved field set", waitv(w, 3, 0, NULL, 0), EINVAL);
	w[1].reserved = 0;
	w[1].uaddr += 1;
	expect("futex_waitv misaligned word", waitv(w, 3, 0, NULL, 0), EINVAL);
	w[1].uaddr -= 1;
	w[1].val = 5;
	expect("futex_waitv second word differs", waitv(w, 3, 0, NULL, 0), EAGAIN);
	w[1].val = 0;
	expect("futex_waitv absolute timeout in the past", waitv(w, 3, 0, &past, CLOCK_MONOTONIC), ETIMEDOUT);
	struct timespec soon;
	clock_gettime(CLOCK_MONOTONIC, &soon);
	soon.tv_nsec += 20000000;
	if (soon.tv_nsec >= 1000000000) { soon.tv_sec++; soon.tv_nsec -= 1000000000; }
	expect("futex_waitv times out 20 ms later", waitv(w, 3, 0, &soon, CLOCK_MONOTONIC), ETIMEDOUT);
	pthread_t th;
	pthread_create(&th, NULL, waker, NULL);
	expect_val("futex_waitv woken on word 2", waitv(w, 3, 0, NULL, 0), 2);
	pthread_join(th, NULL);
}

static char secret[32] = "the child's secret";
static char spare[32];

/* The held child's exit status: 0 if the parent's process_vm_writev reached its secret. */
static int saw_write(void)
{
	return strcmp(secret, "written by the parent") == 0 ? 0 : 1;
}

static void process_vm_checks(void)
{
	struct held_child h;
	pid_t child = hold_child(&h, NULL, saw_write);
	char buf[64] = { 0 };
	struct iovec local = { buf, sizeof buf }, remote = { secret, 18 };
	expect_val("process_vm_readv the child's secret", process_vm_readv(child, &local, 1, &remote, 1, 0), 18);
	printf("read \"%s\"\n", buf);
	struct iovec two[2] = { { secret, 4 }, { secret + 4, 14 } };
	struct iovec halves[2] = { { buf, 9 }, { buf + 32, 20 } };
	memset(buf, 0, sizeof buf);
	expect_val("readv two remote into two local pieces", process_vm_readv(child, halves, 2, two, 2, 0), 18);
	printf("pieces \"%s\" \"%s\"\n", buf, buf + 32);
	struct iovec part[2] = { { secret, 8 }, { NULL, 8 } };
	expect_val("remote second iovec NULL: short", process_vm_readv(child, &local, 1, part, 2, 0), 8);
	struct iovec bad = { NULL, 8 };
	expect("remote NULL only", process_vm_readv(child, &local, 1, &bad, 1, 0), EFAULT);
	expect("local NULL only", process_vm_readv(child, &bad, 1, &remote, 1, 0), EFAULT);
	expect("flags 1", process_vm_readv(child, &local, 1, &remote, 1, 1), EINVAL);
	expect("1025 local iovecs", process_vm_readv(child, &local, 1025, &remote, 1, 0), EINVAL);
	expect("no such process", process_vm_readv(0x3ffffff, &local, 1, &remote, 1, 0), ESRCH);
	struct iovec none = { buf, 0 };
	expect_val("empty local vector, no such process", process_vm_readv(0x3ffffff, &none, 1, &remote, 1, 0), 0);
	const char *msg = "written by the parent";
	struct iovec out = { (void *)msg, strlen(msg) + 1 }, dst = { secret, sizeof secret };
	expect_val("process_vm_writev into the child", process_vm_writev(child, &out, 1, &dst, 1, 0), (long)strlen(msg) + 1);
	expect_val("the parent's own copy unchanged", strcmp(secret, "the child's secret"), 0);
	expect_val("the child saw the write", release_child(&h), 0);
	(void)spare;
}

static long kcmp(pid_t a, pid_t b, int type, unsigned long i1, unsigned long i2)
{
	return syscall(SYS_kcmp, a, b, type, i1, i2);
}

static pid_t thread_tid;
static volatile int thread_stop;

static void *idle_thread(void *arg)
{
	(void)arg;
	thread_tid = gettid();
	while (!thread_stop) sched_yield();
	return NULL;
}

static void kcmp_checks(void)
{
	pid_t me = getpid();
	int fd = open("/proc/self/status", O_RDONLY), dupfd = dup(fd), other = open("/proc/self/status", O_RDONLY);
	pthread_t th;
	pthread_create(&th, NULL, idle_thread, NULL);
	while (__atomic_load_n(&thread_tid, __ATOMIC_SEQ_CST) == 0) sched_yield();
	expect_val("KCMP_VM self/self", kcmp(me, me, KCMP_VM, 0, 0), 0);
	expect_val("KCMP_VM self/thread", kcmp(me, thread_tid, KCMP_VM, 0, 0), 0);
	expect_val("KCMP_FILES self/thread", kcmp(me, thread_tid, KCMP_FILES, 0, 0), 0);
	expect_val("KCMP_FS self/thread", kcmp(me, thread_tid, KCMP_FS, 0, 0), 0);
	expect_val("KCMP_SIGHAND self/thread", kcmp(me, thread_tid, KCMP_SIGHAND, 0, 0), 0);
	expect_val("KCMP_FILE fd and its dup", kcmp(me, me, KCMP_FILE, fd, dupfd), 0);
	long r1 = kcmp(me, me, KCMP_FILE, fd, other), r2 = kcmp(me, me, KCMP_FILE, other, fd);
	printf("KCMP_FILE two opens: differ %d, ordered consistently %d\n", r1 != 0, (r1 == 1 && r2 == 2) || (r1 == 2 && r2 == 1));
	thread_stop = 1;
	pthread_join(th, NULL);
	struct held_child h;
	pid_t child = hold_child(&h, NULL, NULL);
	printf("KCMP_VM parent/child differ %d\n", kcmp(me, child, KCMP_VM, 0, 0) != 0);
	printf("KCMP_FILES parent/child differ %d\n", kcmp(me, child, KCMP_FILES, 0, 0) != 0);
	printf("KCMP_FS parent/child differ %d\n", kcmp(me, child, KCMP_FS, 0, 0) != 0);
	expect_val("KCMP_FILE inherited fd", kcmp(me, child, KCMP_FILE, fd, fd), 0);
	expect("KCMP_FILE closed fd", kcmp(me, child, KCMP_FILE, fd, 999), EBADF);
	expect("kcmp unknown type 99", kcmp(me, child, 99, 0, 0), EINVAL);
	expect("kcmp pid 0", kcmp(0, me, KCMP_VM, 0, 0), ESRCH);
	expect("kcmp no such process", kcmp(me, 0x3ffffff, KCMP_VM, 0, 0), ESRCH);
	release_child(&h);
	close(fd); close(dupfd); close(other);
}

int main(void)
{
	futex_waitv_checks();
	process_vm_checks();
	kcmp_checks();
	return expect_done("procvm");
}
