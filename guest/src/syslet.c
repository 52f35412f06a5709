/* Syslets and threadlets as a program sees them (README "Syslets and threadlets"). No kernel but
 * ecall has them, so the expected output is written from the design: each line states a rule. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include "syslet.h"

#define RING_ENTRIES 8
#define STACK_SIZE 65536

static struct async_completion ring[RING_ENTRIES];
static struct async_head_user ahu = { .completion_ring = (uint64_t)(uintptr_t)ring, .ring_size_bytes = sizeof ring };
static int tl_pipe[2];
static char *stack;

/* Waits for and takes one completion. */
static struct async_completion reap_one(void) {
  struct async_completion c = { 0 };
  long n = async_wait(1, ahu.user_ring_idx, &ahu);
  if (n < 1 || !async_reap(&ahu, &c)) printf("async_wait: %ld\n", n);
  return c;
}

static struct threadlet make_threadlet(long (*fn)(void *), long arg) {
  return (struct threadlet){ .fn = (uint64_t)(uintptr_t)fn, .arg = (uint64_t)arg, .stack = (uint64_t)(uintptr_t)stack,
                             .stack_size = STACK_SIZE, .private_data = 77 };
}

/* A threadlet that never blocks. */
static long add_fn(void *arg) {
  return (long)(uintptr_t)arg + 42;
}

/* A threadlet that wipes the callee-saved registers, then blocks on the empty pipe. */
static long block_fn(void *arg) {
  __asm__ volatile("li s2, 0\n li s3, 0\n li s4, 0\n li s5, 0\n li s6, 0\n li s7, 0\n li s8, 0\n li s9, 0\n li s10, 0\n li s11, 0"
                   ::: "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11");
  unsigned char b = 0;
  long n = ecall_raw(SYS_read, tl_pipe[0], (long)&b, 1);
  return n == 1 ? (long)(uintptr_t)arg * 1000 + b : n;
}

/* A threadlet that tries to start another one from inside. */
static long nested_fn(void *arg) {
  struct threadlet inner = make_threadlet(add_fn, 1);
  return threadlet_exec(&inner, &ahu);
}

/* threadlet_exec with s2..s11 set to known values around the ecall; *bad is set if any of them,
 * or sp, differs afterwards (the caller must resume in its own context, not fn's). */
static long exec_checking_context(struct threadlet *th, int *bad) {
  register long a0 __asm__("a0") = (long)th;
  register long a1 __asm__("a1") = (long)&ahu;
  register long a7 __asm__("a7") = SYS_threadlet_exec;
  long mismatch;
  __asm__ volatile(
      "mv t2, sp\n"
      "li s2, 0x1002\n li s3, 0x1003\n li s4, 0x1004\n li s5, 0x1005\n li s6, 0x1006\n"
      "li s7, 0x1007\n li s8, 0x1008\n li s9, 0x1009\n li s10, 0x100a\n li s11, 0x100b\n"
      "ecall\n"
      "li t0, 0\n"
      "li t1, 0x1002\n bne s2, t1, 1f\n li t1, 0x1003\n bne s3, t1, 1f\n li t1, 0x1004\n bne s4, t1, 1f\n"
      "li t1, 0x1005\n bne s5, t1, 1f\n li t1, 0x1006\n bne s6, t1, 1f\n li t1, 0x1007\n bne s7, t1, 1f\n"
      "li t1, 0x1008\n bne s8, t1, 1f\n li t1, 0x1009\n bne s9, t1, 1f\n li t1, 0x100a\n bne s10, t1, 1f\n"
      "li t1, 0x100b\n bne s11, t1, 1f\n bne sp, t2, 1f\n j 2f\n"
      "1: li t0, 1\n"
      "2: mv %1, t0\n"
      : "+r"(a0), "=r"(mismatch)
      : "r"(a1), "r"(a7)
      : "t0", "t1", "t2", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "memory");
  *bad = (int)mismatch;
  return a0;
}

static void threadlets(void) {
  struct threadlet th = make_threadlet(add_fn, 8);
  long r = threadlet_exec(&th, &ahu);
  printf("inline threadlet: returns %s, result %lld\n", r == THREADLET_DONE ? "THREADLET_DONE" : "?", (long long)th.result);
  th = make_threadlet(add_fn, 9);
  r = threadlet_exec(&th, &ahu);
  printf("the stack is free at once: THREADLET_DONE again %s, result %lld\n", r == THREADLET_DONE ? "yes" : "no", (long long)th.result);

  th = make_threadlet(block_fn, 3);
  int bad = -1;
  r = exec_checking_context(&th, &bad);
  printf("blocking threadlet: returns %s; the caller's registers and stack %s\n",
         r == THREADLET_ASYNC ? "THREADLET_ASYNC" : "?", bad == 0 ? "are intact" : "CHANGED");
  struct threadlet other = make_threadlet(add_fn, 1);
  unsigned char b = 5;
  if (write(tl_pipe[1], &b, 1) != 1) perror("write");
  struct async_completion c = reap_one();
  printf("completion: threadlet %s, result %lld, flags THREADLET %s, private %llu; th.result %lld\n",
         c.atom == (uint64_t)(uintptr_t)&th ? "th" : "?", (long long)c.result,
         c.flags == ASYNC_COMPLETION_THREADLET ? "yes" : "no", (unsigned long long)c.private_data, (long long)th.result);
  r = threadlet_exec(&other, &ahu);
  printf("after the completion the stack is free again: %s\n", r == THREADLET_DONE && other.result == 43 ? "yes" : "no");

  th = make_threadlet(nested_fn, 0);
  r = threadlet_exec(&th, &ahu);
  printf("threadlet_exec inside a threadlet: %s\n", r == THREADLET_DONE && th.result == -EBUSY ? "EBUSY" : "?");
  th = make_threadlet(add_fn, 0);
  th.flags = 1;
  printf("threadlet flags 1: %s\n", strerror((int)-threadlet_exec(&th, &ahu)));
  th = make_threadlet(add_fn, 0);
  th.stack_size = 4095;
  printf("threadlet stack of 4095 bytes: %s\n", strerror((int)-threadlet_exec(&th, &ahu)));
  printf("threadlet NULL: %s\n", strerror((int)-threadlet_exec(NULL, &ahu)));
}

static void syslets(void) {
  static struct timespec ms = { 0, 1000000 };
  static uint64_t a_ts, a_zero;
  static int64_t ret;
  a_ts = (uint64_t)(uintptr_t)&ms;
  a_zero = 0;
  struct syslet_uatom a;
  /* nanosleep blocks: without SYSLET_SYNC the chain goes asynchronous, with it the caller sleeps */
  atom_init(&a, 0, SYS_nanosleep, &ret, NULL, 2, (uint64_t *[]){ &a_ts, &a_zero });
  a.private_data = 1;
  long r = async_exec(&a, &ahu);
  printf("nanosleep atom: async_exec returns %s\n", r == 0 ? "0 (asynchronous)" : "?");
  struct async_completion c = reap_one();
  printf("completion: atom %s, result %lld, private %llu\n", c.atom == (uint64_t)(uintptr_t)&a ? "a" : "?",
         (long long)c.result, (unsigned long long)c.private_data);
  atom_init(&a, SYSLET_SYNC, SYS_nanosleep, &ret, NULL, 2, (uint64_t *[]){ &a_ts, &a_zero });
  ret = -1;
  r = async_exec(&a, &ahu);
  printf("SYSLET_SYNC nanosleep atom: async_exec returns %s, ret %lld, ring pending %ld\n",
         r == (long)(uintptr_t)&a ? "the atom" : "?", (long long)ret, async_wait(0, ahu.user_ring_idx, &ahu));

  /* a counting loop: umem_add(counter, -1) until it reaches 0 */
  static uint64_t counter, a_cnt, a_dec;
  counter = 10; a_cnt = (uint64_t)(uintptr_t)&counter; a_dec = (uint64_t)-1;
  atom_init(&a, SYSLET_STOP_ON_ZERO, SYS_umem_add, &ret, &a, 2, (uint64_t *[]){ &a_cnt, &a_dec });
  r = async_exec(&a, &ahu);
  printf("umem_add loop: returns %s, counter %llu\n", r == (long)(uintptr_t)&a ? "the atom" : "?", (unsigned long long)counter);

  atom_init(&a, 0x8000, SYS_getpid, &ret, NULL, 0, NULL);
  printf("unknown atom flag: %s\n", strerror((int)-async_exec(&a, &ahu)));
  atom_init(&a, SYSLET_STOP_ON_ZERO | SYSLET_STOP_ON_NONZERO, SYS_getpid, &ret, NULL, 0, NULL);
  printf("two stop flags: %s\n", strerror((int)-async_exec(&a, &ahu)));
  atom_init(&a, 0, 1000, &ret, NULL, 0, NULL);
  r = async_exec(&a, &ahu);
  printf("unknown syscall 1000: returns %s, ret %s\n", r == (long)(uintptr_t)&a ? "the atom" : "?", strerror((int)-ret));
  printf("detection: async_wait(0, 0, NULL): %s\n", strerror((int)-async_wait(0, 0, NULL)));
}

int main(void) {
  stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (stack == MAP_FAILED || pipe(tl_pipe) != 0) return 1;
  setvbuf(stdout, NULL, _IONBF, 0);
  syslets();
  threadlets();
  return 0;
}
