/* ecall's syslets and threadlets (README "Syslets and threadlets"): the ABI as C declarations,
 * with raw system calls (no libc support exists for them). ecall extension numbers: "ECL" in
 * ASCII plus an index, on with `ecall run --ext syslet`. Detection: async_wait(0, 0, NULL) fails
 * with EFAULT when they are on, and with ENOSYS when they are off and on Linux. */
#ifndef ECALL_SYSLET_H
#define ECALL_SYSLET_H
#include <stdint.h>
#include <unistd.h>
#include <sys/syscall.h>

#define SYS_async_exec     0x45434c02
#define SYS_async_wait     0x45434c03
#define SYS_threadlet_exec 0x45434c04
#define SYS_umem_add       0x45434c05

#define SYSLET_ASYNC                0x001 /* run at the kernel's event point from the start */
#define SYSLET_SYNC                 0x002 /* never go asynchronous: async_exec sleeps instead */
#define SYSLET_NO_COMPLETE          0x004 /* post no completion if the chain ends here */
#define SYSLET_STOP_ON_NONZERO      0x008 /* at most one STOP_ON bit (several: EINVAL) */
#define SYSLET_STOP_ON_ZERO         0x010
#define SYSLET_STOP_ON_NEGATIVE     0x020
#define SYSLET_STOP_ON_NON_POSITIVE 0x040
#define SYSLET_SKIP_TO_NEXT_ON_STOP 0x080 /* on a stop, go on at this atom + 1 (needs a STOP_ON bit) */
#define SYSLET_STOP_ON_ERROR        0x100 /* stop on -4095..-1 unless the call forced success */

struct syslet_uatom {        /* 88 bytes, the same on every ABI */
  uint32_t flags;
  uint32_t nr;               /* system call number; unknown numbers complete with -ENOSYS */
  uint64_t ret_ptr;          /* int64_t *: the result is stored here (0: not stored) */
  uint64_t next;             /* struct syslet_uatom *: the next atom (0: the chain ends) */
  uint64_t arg_ptr[6];       /* uint64_t *: argument i's value, for i < nargs; 0 beyond */
  uint64_t private_data;     /* the caller's; copied into the completion */
  uint32_t nargs;            /* 0..6 */
  uint32_t reserved;         /* must be 0 */
};

#define ASYNC_COMPLETION_CHAIN_ERROR 1 /* result is the error that ended the chain at atom */
#define ASYNC_COMPLETION_THREADLET   2 /* atom is a struct threadlet */

struct async_completion {    /* 32 bytes */
  uint64_t atom;             /* the final atom (or threadlet); 0 marks an empty slot */
  int64_t result;
  uint32_t flags;
  uint32_t reserved;
  uint64_t private_data;
};

struct async_head_user {     /* 40 bytes */
  uint64_t kernel_ring_idx;  /* written by the kernel: the next slot it fills */
  uint64_t user_ring_idx;    /* the caller's own: the next slot to read */
  uint64_t completion_ring;  /* struct async_completion * */
  uint64_t ring_size_bytes;  /* a multiple of 32, at most 65536 entries */
  uint64_t flags;            /* 0 */
};

#define THREADLET_DONE  0    /* fn returned without blocking: result is in th->result, the stack is free */
#define THREADLET_ASYNC 1    /* fn blocked and goes on in a new thread that owns the stack until th is posted */

struct threadlet {           /* 56 bytes */
  uint64_t fn;               /* long (*)(void *arg) */
  uint64_t arg;
  uint64_t stack;            /* lowest address of fn's own stack */
  uint64_t stack_size;       /* at least 4096 */
  uint64_t flags;            /* 0 */
  int64_t result;            /* fn's return value */
  uint64_t private_data;
};

/* The raw calls: each returns the kernel's value (>= 0) or -errno. */
static inline long ecall_raw(long nr, long a0, long a1, long a2) {
  register long r_a0 __asm__("a0") = a0;
  register long r_a1 __asm__("a1") = a1;
  register long r_a2 __asm__("a2") = a2;
  register long r_a7 __asm__("a7") = nr;
  __asm__ volatile("ecall" : "+r"(r_a0) : "r"(r_a1), "r"(r_a2), "r"(r_a7) : "memory");
  return r_a0;
}
/* The final atom's address (ran to its end inline), 0 (went asynchronous), or -errno. */
static inline long async_exec(struct syslet_uatom *atom, struct async_head_user *ahu) {
  return ecall_raw(SYS_async_exec, (long)atom, (long)ahu, 0);
}
/* The number of completions beyond user_ring_idx, once there are min_wait_events (or nothing is in flight). */
static inline long async_wait(unsigned long min_wait_events, unsigned long user_ring_idx, struct async_head_user *ahu) {
  return ecall_raw(SYS_async_wait, (long)min_wait_events, (long)user_ring_idx, (long)ahu);
}
/* THREADLET_DONE, THREADLET_ASYNC or -errno. Every register the caller had is restored. */
static inline long threadlet_exec(struct threadlet *th, struct async_head_user *ahu) {
  return ecall_raw(SYS_threadlet_exec, (long)th, (long)ahu, 0);
}
static inline long umem_add(uint64_t *uptr, uint64_t inc) {
  return ecall_raw(SYS_umem_add, (long)uptr, (long)inc, 0);
}

/* Takes the next completion of ahu's ring into *out: 1, or 0 if the slot is empty. */
static inline int async_reap(struct async_head_user *ahu, struct async_completion *out) {
  struct async_completion *ring = (struct async_completion *)(uintptr_t)ahu->completion_ring;
  unsigned long n = ahu->ring_size_bytes / sizeof *ring;
  struct async_completion *c = &ring[ahu->user_ring_idx];
  if (__atomic_load_n(&c->atom, __ATOMIC_ACQUIRE) == 0) return 0;
  *out = *c;
  __atomic_store_n(&c->atom, 0, __ATOMIC_RELEASE);
  ahu->user_ring_idx = (ahu->user_ring_idx + 1) % n;
  return 1;
}

/* Fills an atom: nr with nargs argument pointers. */
static inline void atom_init(struct syslet_uatom *a, uint32_t flags, uint32_t nr, int64_t *ret,
                             struct syslet_uatom *next, int nargs, uint64_t *const args[]) {
  a->flags = flags;
  a->nr = nr;
  a->ret_ptr = (uint64_t)(uintptr_t)ret;
  a->next = (uint64_t)(uintptr_t)next;
  for (int i = 0; i < 6; i++) a->arg_ptr[i] = i < nargs ? (uint64_t)(uintptr_t)args[i] : 0;
  a->private_data = 0;
  a->nargs = (uint32_t)nargs;
  a->reserved = 0;
}
#endif
