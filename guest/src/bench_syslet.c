/* Syslets and threadlets against plain system calls (bench/run.ts rows, and guest cases):
 *   bench_syslet syslet MIB    copies a MIB-MiB file into a pipe with a syslet chain (read, then
 *                              write of what read returned, looping) while this thread drains the pipe
 *   bench_syslet rw MIB        the same copy with read and write calls
 *   bench_syslet threadlet N   N threadlets that block on an empty pipe (each moves to a new thread)
 *                              until this thread writes the byte they wait for
 * Each prints what it moved and a checksum; a slow path is never taken silently. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "syslet.h"

#define CHUNK 65536 /* one pipe's capacity: a write of it into an empty pipe never blocks */
#define RING_ENTRIES 16

static struct async_completion ring[RING_ENTRIES];
static struct async_head_user ahu = { .completion_ring = (uint64_t)(uintptr_t)ring, .ring_size_bytes = sizeof ring };

/* A memfd of mib MiB: chunk k is CHUNK bytes with byte i = (i * 7 + i / 4096) & 0xff, except that
 * its first 8 bytes hold k (cheap to make, so the rows time the copy, not the guest's loops). */
static int make_file(long mib) {
  int fd = memfd_create("src", 0);
  if (fd < 0) { perror("memfd_create"); exit(1); }
  static unsigned char buf[CHUNK];
  for (int i = 0; i < CHUNK; i++) buf[i] = (unsigned char)((i * 7 + i / 4096) & 0xff);
  for (uint64_t k = 0; k < (uint64_t)(mib << 20) / CHUNK; k++) {
    memcpy(buf, &k, sizeof k);
    if (write(fd, buf, CHUNK) != CHUNK) { perror("write"); exit(1); }
  }
  lseek(fd, 0, SEEK_SET);
  return fd;
}

/* Reads what the pipe has until total bytes arrived; returns the checksum: FNV-1a over 64-bit
 * little-endian words (every read here is a multiple of 8 bytes). */
static uint64_t drain(int rfd, long total, uint64_t sum, long *got) {
  static uint64_t buf[CHUNK / 8];
  while (*got < total) {
    long n = read(rfd, buf, sizeof buf);
    if (n <= 0 || n % 8 != 0) { perror("read pipe"); exit(1); }
    for (long i = 0; i < n / 8; i++) sum = (sum ^ buf[i]) * 0x100000001b3ull;
    *got += n;
  }
  return sum;
}

static int copy_syslet(long mib) {
  int fd = make_file(mib), p[2];
  if (pipe(p) != 0) { perror("pipe"); return 1; }
  static unsigned char buf[CHUNK];
  static uint64_t a_fd, a_buf, a_len, a_pipe;
  static int64_t got_read, got_write;
  a_fd = (uint64_t)fd; a_buf = (uint64_t)(uintptr_t)buf; a_len = CHUNK; a_pipe = (uint64_t)p[1];
  static struct syslet_uatom rd, wr;
  /* read(fd, buf, CHUNK) -> got_read; stop at EOF or an error (the chain's final atom) */
  atom_init(&rd, SYSLET_STOP_ON_NON_POSITIVE, SYS_read, &got_read, &wr, 3, (uint64_t *[]){ &a_fd, &a_buf, &a_len });
  /* write(pipe, buf, got_read): the length argument points at the read's result */
  atom_init(&wr, SYSLET_STOP_ON_NEGATIVE, SYS_write, &got_write, &rd, 3, (uint64_t *[]){ &a_pipe, &a_buf, (uint64_t *)&got_read });
  long r = async_exec(&rd, &ahu);
  if (r < 0) { printf("async_exec: %s\n", strerror((int)-r)); return 1; }
  long got = 0;
  uint64_t sum = drain(p[0], mib << 20, 0xcbf29ce484222325ull, &got);
  struct async_completion c;
  long n = async_wait(1, ahu.user_ring_idx, &ahu);
  if (n != 1 || !async_reap(&ahu, &c)) { printf("async_wait: %ld\n", n); return 1; }
  printf("syslet: async_exec went %s; %ld bytes through the pipe, checksum %016llx\n", r == 0 ? "asynchronous" : "inline",
         got, (unsigned long long)sum);
  printf("completion: final atom %s, result %lld, flags %u\n", c.atom == (uint64_t)(uintptr_t)&rd ? "read" : "other",
         (long long)c.result, c.flags);
  return 0;
}

static int copy_rw(long mib) {
  int fd = make_file(mib), p[2];
  if (pipe(p) != 0) { perror("pipe"); return 1; }
  static unsigned char buf[CHUNK];
  long got = 0;
  uint64_t sum = 0xcbf29ce484222325ull;
  for (;;) {
    long n = read(fd, buf, CHUNK);
    if (n < 0) { perror("read"); return 1; }
    if (n == 0) break;
    if (write(p[1], buf, n) != n) { perror("write"); return 1; }
    sum = drain(p[0], got + n, sum, &got);
  }
  printf("rw: %ld bytes through the pipe, checksum %016llx\n", got, (unsigned long long)sum);
  return 0;
}

static int tl_pipe[2];

/* The threadlet: reads one byte from the pipe (blocking while it is empty); returns it + 1000. */
static long tl_fn(void *arg) {
  (void)arg;
  unsigned char b;
  long n = ecall_raw(SYS_read, tl_pipe[0], (long)&b, 1);
  return n == 1 ? b + 1000 : n;
}

static int threadlets(long count) {
  if (pipe(tl_pipe) != 0) { perror("pipe"); return 1; }
  static struct threadlet th;
  size_t size = 65536;
  char *stack = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  long moved = 0, inline_done = 0;
  int64_t sum = 0;
  for (long i = 0; i < count; i++) {
    th = (struct threadlet){ .fn = (uint64_t)(uintptr_t)tl_fn, .stack = (uint64_t)(uintptr_t)stack, .stack_size = size,
                             .private_data = (uint64_t)i };
    long r = threadlet_exec(&th, &ahu);
    if (r == THREADLET_DONE) { inline_done++; sum += th.result; continue; }
    if (r != THREADLET_ASYNC) { printf("threadlet_exec: %ld\n", r); return 1; }
    moved++;
    unsigned char b = (unsigned char)(i & 0xff);
    if (write(tl_pipe[1], &b, 1) != 1) { perror("write"); return 1; }
    struct async_completion c;
    long n = async_wait(1, ahu.user_ring_idx, &ahu);
    if (n < 1 || !async_reap(&ahu, &c) || c.atom != (uint64_t)(uintptr_t)&th || c.flags != ASYNC_COMPLETION_THREADLET ||
        c.private_data != (uint64_t)i || c.result != th.result) {
      printf("bad completion %ld\n", n);
      return 1;
    }
    sum += c.result;
  }
  printf("threadlet: %ld moved to a new thread, %ld ran inline, result sum %lld\n", moved, inline_done, (long long)sum);
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 3) { fprintf(stderr, "usage: bench_syslet syslet|rw MIB | threadlet N\n"); return 2; }
  long n = atol(argv[2]);
  if (strcmp(argv[1], "syslet") == 0) return copy_syslet(n);
  if (strcmp(argv[1], "rw") == 0) return copy_rw(n);
  if (strcmp(argv[1], "threadlet") == 0) return threadlets(n);
  return 2;
}
