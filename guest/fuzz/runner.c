/* fuzzrunner: executes differential-fuzz cases read from stdin and writes each final state
 * to stdout (see test/fuzz/protocol.ts for the byte format).
 * One process runs many cases; code goes to CODE_ADDR and data to DATA_ADDR (layout.h). */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "layout.h"

#define CASE_MAGIC 0x435a5546u           /* "FUZC" little-endian: guards against a desynced stream */
#define PROLOGUE_BYTES 4                 /* one "ld t0, IN.t0(s0)" word before the case code */
#define EPILOGUE_BYTES 12                /* sd t0; ld t0, exit; jr t0 */
#define ALTSTACK_BYTES 65536             /* signal stack: the case's sp points into scratch */

void enter_case(void);

#define OUTBUF_BYTES (1 << 20)          /* results are batched into few write() calls */
#define RESULT_BYTES (REC_SLOTS * 8 + SCRATCH_BYTES)

static unsigned long case_index;
static uint8_t outbuf[OUTBUF_BYTES];
static size_t outlen;

/* Writes all of buf to stdout; exits if stdout is gone. */
static void write_full(const void *buf, size_t n) {
    while (n > 0) {
        ssize_t w = write(1, buf, n);
        if (w <= 0) _exit(4);
        buf = (const char *)buf + w;
        n -= (size_t)w;
    }
}

/* Writes the buffered results. */
static void flush_out(void) {
    write_full(outbuf, outlen);
    outlen = 0;
}

/* Returns the I-type encoding of a load/jalr. */
static uint32_t enc_i(uint32_t opc, uint32_t f3, uint32_t rd, uint32_t rs1, int32_t imm) {
    return ((uint32_t)imm << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opc;
}

/* Returns the S-type encoding of a store. */
static uint32_t enc_s(uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t imm) {
    uint32_t u = (uint32_t)imm;
    return ((u >> 5 & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((u & 0x1f) << 7) | 0x23;
}

/* Reads exactly n bytes; returns 0 at a clean EOF before the first byte, exits on a short read. */
static int read_full(void *buf, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(0, (char *)buf + got, n - got);
        if (r <= 0) {
            if (got == 0 && r == 0) return 0;
            fprintf(stderr, "fuzzrunner: short read in case %lu\n", case_index);
            exit(3);
        }
        got += (size_t)r;
    }
    return 1;
}

/* Reports a fault inside a case (a generator bug or an emulator divergence) and exits. */
static void on_fault(int sig, siginfo_t *si, void *uc_) {
    /* The case left random values in tp and gp: restore the runner's before calling libc. */
    __asm__ volatile("li t0, %0\n\tld tp, 24(t0)\n\tld gp, 16(t0)" : : "i"(S0_ADDR + SAVE_OFF) : "t0", "memory");
    ucontext_t *uc = uc_;
    flush_out(); /* the results of the cases before this one */
    char msg[160];
    int n = snprintf(msg, sizeof msg, "fuzzrunner: signal %d in case %lu at pc 0x%lx addr %p\n",
                     sig, case_index, (unsigned long)uc->uc_mcontext.__gregs[0], si->si_addr);
    if (write(2, msg, (size_t)n) < 0) _exit(5);
    _exit(2);
}

int main(void) {
    void *code = mmap((void *)CODE_ADDR, CODE_BYTES, PROT_READ | PROT_WRITE | PROT_EXEC,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    void *data = mmap((void *)DATA_ADDR, DATA_BYTES, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (code != (void *)CODE_ADDR || data != (void *)DATA_ADDR) {
        fprintf(stderr, "fuzzrunner: cannot map fixed buffers\n");
        return 1;
    }
    stack_t ss = { .ss_sp = malloc(ALTSTACK_BYTES), .ss_size = ALTSTACK_BYTES, .ss_flags = 0 };
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGTRAP, &sa, NULL);

    uint8_t *s0 = (uint8_t *)S0_ADDR;
    uint64_t *in = (uint64_t *)(s0 + IN_OFF);
    uint64_t *out = (uint64_t *)(s0 + OUT_OFF);
    uint8_t *code8 = (uint8_t *)CODE_ADDR;

    for (;; case_index++) {
        uint32_t hdr[2];
        if (!read_full(hdr, sizeof hdr)) break;
        if (hdr[0] != CASE_MAGIC || hdr[1] % 2 != 0 ||
            hdr[1] > CODE_BYTES - PROLOGUE_BYTES - EPILOGUE_BYTES) {
            fprintf(stderr, "fuzzrunner: bad header in case %lu\n", case_index);
            return 3;
        }
        read_full(in, REC_SLOTS * 8);
        in[0] = 0;
        in[2] = SP_ADDR;
        in[8] = S0_ADDR;
        read_full(s0 + SCRATCH_OFF, SCRATCH_BYTES);
        uint32_t w = enc_i(0x03, 3, 5, 8, IN_OFF + 5 * 8);          /* ld t0, IN.t0(s0) */
        memcpy(code8, &w, 4);
        read_full(code8 + PROLOGUE_BYTES, hdr[1]);
        uint8_t *p = code8 + PROLOGUE_BYTES + hdr[1];
        uint32_t epi[3] = {
            enc_s(3, 8, 5, OUT_OFF + 5 * 8),                           /* sd t0, OUT.t0(s0) */
            enc_i(0x03, 3, 5, 8, SAVE_OFF + SAVE_EXIT * 8),            /* ld t0, exit(s0) */
            enc_i(0x67, 0, 0, 5, 0),                                   /* jr t0 */
        };
        memcpy(p, epi, sizeof epi);
        __builtin___clear_cache((char *)code8, (char *)p + sizeof epi);
        enter_case();
        out[0] = 0;
        if (outlen + RESULT_BYTES > OUTBUF_BYTES) flush_out();
        memcpy(outbuf + outlen, out, REC_SLOTS * 8);
        memcpy(outbuf + outlen + REC_SLOTS * 8, s0 + SCRATCH_OFF, SCRATCH_BYTES);
        outlen += RESULT_BYTES;
    }
    flush_out();
    return 0;
}
