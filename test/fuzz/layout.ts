// Fixed guest addresses of the fuzz runner (mirror of guest/fuzz/layout.h; keep in sync).

/** Executable buffer: a prologue word, then the case code, then the epilogue (or an ecall). */
export const CODE_ADDR = 0x40000000;
/** Largest code image (64 KiB), as mapped by the runner. */
export const CODE_BYTES = 0x10000;
/** One RW page holding scratch, the IN/OUT records and the runner's saved context. */
export const DATA_ADDR = 0x40100000;
export const DATA_BYTES = 0x1000;
/** s0 (x8) during a case: the base register for loads, stores and AMOs. */
export const S0_ADDR = DATA_ADDR + 0x800;
/** sp (x2) during a case: the base of the c.lwsp/c.ldsp/c.swsp/c.sdsp area. */
export const SP_ADDR = S0_ADDR + 0x100;
/** Scratch memory compared after each case: [s0 - 0x100, s0 + 0x300). */
export const SCRATCH_ADDR = S0_ADDR - 0x100;
export const SCRATCH_BYTES = 0x400;
/** The runner puts one "ld t0, IN.t0(s0)" word before the case code, so a case starts here. */
export const PROLOGUE_BYTES = 4;
export const CASE_PC = CODE_ADDR + PROLOGUE_BYTES;
/** Registers the harness reserves: sp and s0 keep the values above for the whole case. */
export const REG_SP = 2;
export const REG_S0 = 8;
/** A state record: x0..x31, f0..f31, fcsr, each as one 64-bit slot. */
export const SLOT_F0 = 32;
export const SLOT_FCSR = 64;
export const REC_SLOTS = 65;
/** Room the runner needs after the case code for its 3-word epilogue. */
export const EPILOGUE_BYTES = 12;
