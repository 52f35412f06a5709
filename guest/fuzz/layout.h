/* Fixed guest addresses shared by the fuzz runner and test/fuzz/layout.ts (keep in sync).
 * Everything lives below 4 GiB because ecall's guest address space ends there. */
#ifndef FUZZ_LAYOUT_H
#define FUZZ_LAYOUT_H

#define CODE_ADDR    0x40000000      /* executable buffer: prologue word, case code, epilogue */
#define CODE_BYTES   0x10000         /* largest code image a case may carry (64 KiB) */
#define DATA_ADDR    0x40100000      /* one RW page: scratch, input/output records, saved context */
#define DATA_BYTES   0x1000

/* s0 (x8) holds S0_ADDR for the whole case; every data offset below is s0-relative so a
 * 12-bit immediate reaches it. */
#define S0_ADDR      (DATA_ADDR + 0x800)
#define SP_ADDR      (S0_ADDR + 0x100) /* sp (x2) during a case: base of the c.*sp area */
#define SCRATCH_OFF  (-0x100)          /* scratch = [s0-0x100, s0+0x300): compared after a case */
#define SCRATCH_BYTES 0x400
#define OUT_OFF      (-0x800)          /* 32 x, 32 f, fcsr as 8-byte slots (65 * 8 bytes) */
#define IN_OFF       (-0x500)          /* same layout: the initial state */
#define SAVE_OFF     0x400             /* runner context: ra sp gp tp s0..s11, then exit address */

#define SLOT_FCSR    64                /* index of fcsr in an IN/OUT record */
#define REC_SLOTS    65
#define SAVE_EXIT    16                /* SAVE slot holding case_exit's address */

#endif
