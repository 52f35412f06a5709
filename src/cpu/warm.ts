// The interpreter's training program: one straight run through every integer instruction kind
// the interpreter has a case for (32-bit and compressed forms, loads and stores on both sides
// of a page edge, branches taken and not taken, jumps within and across pages, an instruction
// that straddles two pages, CSR reads, a few FP instructions), ending in ecall; then single
// instructions that fault, trap or are illegal. run.ts runs it once per process on a throwaway machine
// before the first guest instruction, so that V8 has type feedback for every case of interp()
// when it optimizes it: without it, each instruction kind a program reaches for the first time
// after the optimization throws the optimized code away ("insufficient type feedback"), and
// V8 recompiles that large function again, about ten times in a Go program's first second.
import { Op } from './ops.js';

/** Where the training program runs: code, then data (sp, s0 and t0 point into the data). */
export const TRAIN_CODE = 0x10000;
export const TRAIN_CODE_PAGES = 2;
export const TRAIN_DATA = 0x20000;
export const TRAIN_DATA_PAGES = 2;

const ZERO = 0, RA = 1, SP = 2, T0 = 5, T1 = 6, T2 = 7, S0 = 8, A0 = 10, A1 = 11, A2 = 12, A3 = 13, A4 = 14;

const r = (f7: number, rs2: number, rs1: number, f3: number, rd: number, opc: number): number =>
  ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opc) >>> 0;
const i = (imm: number, rs1: number, f3: number, rd: number, opc: number): number =>
  (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opc) >>> 0;
const s = (imm: number, rs2: number, rs1: number, f3: number, opc: number): number =>
  ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | opc) >>> 0;
const b = (imm: number, rs2: number, rs1: number, f3: number): number =>
  ((((imm >> 12) & 1) << 31) | (((imm >> 5) & 63) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12)
    | (((imm >> 1) & 15) << 8) | (((imm >> 11) & 1) << 7) | 0x63) >>> 0;
const u = (imm20: number, rd: number, opc: number): number => ((imm20 << 12) | (rd << 7) | opc) >>> 0;
const j = (imm: number, rd: number): number =>
  ((((imm >> 20) & 1) << 31) | (((imm >> 1) & 1023) << 21) | (((imm >> 11) & 1) << 20)
    | (((imm >> 12) & 255) << 12) | (rd << 7) | 0x6f) >>> 0;
const amo = (f5: number, dbl: boolean, rd: number, rs1: number, rs2: number): number => r(f5 << 2, rs2, rs1, dbl ? 3 : 2, rd, 0x2f);

/** One instruction of the program: its encoding (a halfword when compressed) and the op it decodes to. */
export interface TrainInsn {
  word: number;
  compressed: boolean;
  op: Op;
}

/** Returns the training program, in order (it is laid out from TRAIN_CODE; the one jump to the
 *  second code page lands at its start, where the rest follows). */
export function trainingProgram(): TrainInsn[] {
  const p: TrainInsn[] = [];
  const w = (word: number, op: Op): void => { p.push({ word, compressed: false, op }); };
  const c = (half: number, op: Op): void => { p.push({ word: half, compressed: true, op }); };
  // Addresses: t0 = s0 = sp = TRAIN_DATA; operands a0..a3 with both signs and wide values.
  w(u(TRAIN_DATA >>> 12, T0, 0x37), Op.LUI);
  w(i(0, T0, 0, S0, 0x13), Op.ADDI);
  w(i(0, T0, 0, SP, 0x13), Op.ADDI);
  w(u(0, T1, 0x17), Op.AUIPC);
  w(i(-100, ZERO, 0, A4, 0x13), Op.ADDI); // the same high half as a0: the low halves decide
  w(i(-7, ZERO, 0, A0, 0x13), Op.ADDI);
  w(i(1234, ZERO, 0, A1, 0x13), Op.ADDI);
  w(u(0x80000, A2, 0x37), Op.LUI);
  w(i(3, ZERO, 0, A3, 0x13), Op.ADDI);
  // Register-immediate and register-register arithmetic, RV64I and M.
  const opImm: [number, number, Op][] = [[0, 5, Op.ADDI], [2, -1, Op.SLTI], [3, 9, Op.SLTIU], [4, 0x55, Op.XORI],
    [6, 0x0f0, Op.ORI], [7, -16, Op.ANDI], [1, 33, Op.SLLI], [5, 35, Op.SRLI], [5, 0x400 | 37, Op.SRAI]];
  for (const [f3, imm, op] of opImm) w(i(imm, A0, f3, A2 + (p.length & 1), 0x13), op);
  const opImm32: [number, number, Op][] = [[0, -3, Op.ADDIW], [1, 5, Op.SLLIW], [5, 6, Op.SRLIW], [5, 0x400 | 7, Op.SRAIW]];
  for (const [f3, imm, op] of opImm32) w(i(imm, A1, f3, A3, 0x1b), op);
  const opReg: [number, number, Op][] = [[0, 0, Op.ADD], [0x20, 0, Op.SUB], [0, 1, Op.SLL], [0, 2, Op.SLT], [0, 3, Op.SLTU],
    [0, 4, Op.XOR], [0, 5, Op.SRL], [0x20, 5, Op.SRA], [0, 6, Op.OR], [0, 7, Op.AND],
    [1, 0, Op.MUL], [1, 1, Op.MULH], [1, 2, Op.MULHSU], [1, 3, Op.MULHU], [1, 4, Op.DIV], [1, 5, Op.DIVU], [1, 6, Op.REM], [1, 7, Op.REMU]];
  for (const [f7, f3, op] of opReg) w(r(f7, A1, A0, f3, A2, 0x33), op);
  // Products whose 16-bit partial sums pass 2^31 (alu64's mulu32 then computes in doubles).
  w(r(1, A0, A0, 0, A2, 0x33), Op.MUL);
  w(r(1, A0, A0, 3, A2, 0x33), Op.MULHU);
  w(r(0, A4, A0, 2, A2, 0x33), Op.SLT);
  w(r(0, A4, A0, 3, A2, 0x33), Op.SLTU);
  w(i(-1, A0, 3, A2, 0x13), Op.SLTIU);
  const opReg32: [number, number, Op][] = [[0, 0, Op.ADDW], [0x20, 0, Op.SUBW], [0, 1, Op.SLLW], [0, 5, Op.SRLW], [0x20, 5, Op.SRAW],
    [1, 0, Op.MULW], [1, 4, Op.DIVW], [1, 5, Op.DIVUW], [1, 6, Op.REMW], [1, 7, Op.REMUW]];
  for (const [f7, f3, op] of opReg32) w(r(f7, A3, A0, f3, A2, 0x3b), op);
  // Division's edge cases: by zero, and the most negative value by -1 (t1 and t2 are free here).
  w(i(-1, ZERO, 0, T2, 0x13), Op.ADDI); // t2 = -1
  w(u(0x80000, T1, 0x37), Op.LUI); // t1 = -2^31
  for (const [f3, op] of [[4, Op.DIVW], [6, Op.REMW]] as const) w(r(1, T2, T1, f3, A2, 0x3b), op);
  for (const [f3, op] of [[4, Op.DIVW], [5, Op.DIVUW], [6, Op.REMW], [7, Op.REMUW]] as const) w(r(1, ZERO, A0, f3, A2, 0x3b), op);
  for (const [f3, op] of [[4, Op.DIV], [5, Op.DIVU], [6, Op.REM], [7, Op.REMU]] as const) w(r(1, ZERO, A0, f3, A2, 0x33), op);
  w(i(63, T2, 1, T1, 0x13), Op.SLLI); // t1 = -2^63
  for (const [f3, op] of [[4, Op.DIV], [6, Op.REM]] as const) w(r(1, T2, T1, f3, A2, 0x33), op);
  for (const [f3, op] of [[4, Op.DIV], [5, Op.DIVU], [6, Op.REM], [7, Op.REMU]] as const) w(r(1, A1, T1, f3, A2, 0x33), op); // wide: the BigInt paths
  // Loads and stores, then the same across the data pages' edge (the slow paths).
  const stores: [number, Op][] = [[0, Op.SB], [1, Op.SH], [2, Op.SW], [3, Op.SD]];
  for (const [f3, op] of stores) w(s(8 * f3, A0, T0, f3, 0x23), op);
  const loads: [number, Op][] = [[0, Op.LB], [1, Op.LH], [2, Op.LW], [3, Op.LD], [4, Op.LBU], [5, Op.LHU], [6, Op.LWU]];
  for (const [f3, op] of loads) w(i(8 * (f3 & 3), T0, f3, A3, 0x03), op);
  w(i(2047, T0, 0, T2, 0x13), Op.ADDI);
  w(i(2045, T2, 0, T2, 0x13), Op.ADDI); // t2 = TRAIN_DATA + 4092
  w(s(0, A1, T2, 3, 0x23), Op.SD);
  w(i(0, T2, 3, A3, 0x03), Op.LD);
  // FP loads, stores and a few operations (the interpreter's default case).
  w(i(0, T0, 3, 1, 0x07), Op.FLD);
  w(i(8, T0, 2, 2, 0x07), Op.FLW);
  w(s(16, 1, T0, 3, 0x27), Op.FSD);
  w(s(24, 2, T0, 2, 0x27), Op.FSW);
  w(r(0x69, 2, A1, 7, 3, 0x53), Op.FCVT_D_L);
  w(r(0x01, 3, 3, 7, 4, 0x53), Op.FADD_D);
  w(r(0x09, 4, 3, 7, 5, 0x53), Op.FMUL_D);
  w(((3 << 27) | (1 << 25) | (4 << 20) | (5 << 15) | (7 << 12) | (6 << 7) | 0x43) >>> 0, Op.FMADD_D);
  w(r(0x51, 4, 3, 1, A2, 0x53), Op.FLT_D);
  w(r(0x61, 0, 6, 1, A3, 0x53), Op.FCVT_W_D);
  w(r(0x71, 0, 6, 0, A3, 0x53), Op.FMV_X_D);
  w(r(0x20, 1, 6, 7, 7, 0x53), Op.FCVT_S_D);
  w(r(0x08, 7, 7, 7, 7, 0x53), Op.FMUL_S);
  // Atomics (t0 is 8-aligned).
  w(amo(0x02, false, A2, T0, ZERO), Op.LR_W);
  w(amo(0x03, false, A3, T0, A1), Op.SC_W);
  w(amo(0x03, false, A3, T0, A1), Op.SC_W); // without a reservation: fails
  const amoOps: [number, Op, Op][] = [[0x01, Op.AMOSWAP_W, Op.AMOSWAP_D], [0x00, Op.AMOADD_W, Op.AMOADD_D], [0x04, Op.AMOXOR_W, Op.AMOXOR_D],
    [0x0c, Op.AMOAND_W, Op.AMOAND_D], [0x08, Op.AMOOR_W, Op.AMOOR_D], [0x10, Op.AMOMIN_W, Op.AMOMIN_D], [0x14, Op.AMOMAX_W, Op.AMOMAX_D],
    [0x18, Op.AMOMINU_W, Op.AMOMINU_D], [0x1c, Op.AMOMAXU_W, Op.AMOMAXU_D]];
  for (const [f5, op] of amoOps.map((a) => [a[0], a[1]] as const)) w(amo(f5, false, A2, T0, A0), op);
  w(amo(0x02, true, A2, T0, ZERO), Op.LR_D);
  w(amo(0x03, true, A3, T0, A1), Op.SC_D);
  w(amo(0x03, true, A3, T0, A1), Op.SC_D);
  for (const [f5, , op] of amoOps) w(amo(f5, true, A2, T0, A0), op);
  // CSRs: the FP ones read and written, the counters read.
  w(i(0x001, ZERO, 2, A2, 0x73), Op.CSRRS);
  w(i(0x002, A3, 1, A2, 0x73), Op.CSRRW);
  w(i(0x003, ZERO, 3, A2, 0x73), Op.CSRRC);
  w(i(0x001, 1, 5, A2, 0x73), Op.CSRRWI);
  w(i(0x002, 0, 6, A2, 0x73), Op.CSRRSI);
  w(i(0x001, 1, 7, A2, 0x73), Op.CSRRCI);
  for (const csr of [0xc00, 0xc01, 0xc02]) w(i(csr, ZERO, 2, A3, 0x73), Op.CSRRS);
  w(0x0ff0000f, Op.FENCE);
  w(0x0000100f, Op.FENCE_I);
  // Branches, each not taken and then taken (to the next instruction).
  const br: [number, Op][] = [[0, Op.BEQ], [1, Op.BNE], [4, Op.BLT], [5, Op.BGE], [6, Op.BLTU], [7, Op.BGEU]];
  for (const [f3, op] of br) {
    // a0 = -7 and a1 = 1234 compared both ways and with itself: each branch goes both ways.
    w(b(4, A1, A0, f3), op);
    w(b(4, A0, A1, f3), op);
    w(b(4, A0, A0, f3), op);
    w(b(4, A4, A0, f3), op);
    w(b(4, A0, A4, f3), op);
  }
  // Compressed forms of the common instructions.
  c(0x0001, Op.NOP);
  c(0x0505, Op.ADDI); // c.addi a0, 1
  c(0x458d, Op.ADDI); // c.li a1, 3
  c(0x6605, Op.LUI); // c.lui a2, 1
  c(0x86aa, Op.ADD); // c.mv a3, a0
  c(0x96ae, Op.ADD); // c.add a3, a1
  c(0x0506, Op.SLLI); // c.slli a0, 1
  c(0x8105, Op.SRLI); // c.srli a0, 1
  c(0x8505, Op.SRAI); // c.srai a0, 1
  c(0x891d, Op.ANDI); // c.andi a0, 7
  c(0x8d0d, Op.SUB); c(0x8d2d, Op.XOR); c(0x8d4d, Op.OR); c(0x8d6d, Op.AND); c(0x9d0d, Op.SUBW); c(0x9d2d, Op.ADDW); // a0 op= a1
  c(0x2505, Op.ADDIW); // c.addiw a0, 1
  c(0xc00c, Op.SW); c(0x400c, Op.LW); c(0xe00c, Op.SD); c(0x600c, Op.LD); // a1 at 0(s0)
  c(0xe032, Op.SD); c(0x6602, Op.LD); c(0xc032, Op.SW); c(0x4602, Op.LW); // a2 at 0(sp)
  c(0xa008, Op.FSD); c(0x2008, Op.FLD); // fa0 at 0(s0)
  c(0x0028, Op.ADDI); // c.addi4spn a0, sp, 8
  c(0x6141, Op.ADDI); c(0x717d, Op.ADDI); // c.addi16sp sp, 16; c.addi16sp sp, -16
  c(0xc009, Op.BEQ); c(0xe009, Op.BNE); // c.beqz s0, +2 (not taken); c.bnez s0, +2 (taken)
  c(0xa009, Op.JAL); // c.j +2
  // Jumps: jal and jalr within the page, c.jalr/c.jr, then jalr to the second code page.
  w(j(4, RA), Op.JAL);
  w(u(0, T1, 0x17), Op.AUIPC);
  w(i(8, T1, 0, RA, 0x67), Op.JALR); // to the next instruction
  w(u(0, T1, 0x17), Op.AUIPC);
  w(i(10, T1, 0, T1, 0x13), Op.ADDI); // t1 = the c.jalr's successor
  c(0x9302, Op.JALR); // c.jalr t1
  w(u(0, T1, 0x17), Op.AUIPC);
  w(i(10, T1, 0, T1, 0x13), Op.ADDI);
  c(0x8302, Op.JALR); // c.jr t1
  w(u(1, T1, 0x37), Op.LUI);
  w(i(0, T1, 0, T1, 0x1b), Op.ADDIW); // t1 = 4096
  w(u(0, T2, 0x17), Op.AUIPC);
  w(r(0, T1, T2, 0, T2, 0x33), Op.ADD);
  w(i(0, T2, 0, T2, 0x13), Op.ADDI); // placeholder: trainingImage patches the offset in
  w(i(0, T2, 0, RA, 0x67), Op.JALR); // to the instruction that straddles the pages
  return p;
}

/** Where the image puts the 32-bit instruction that straddles the two code pages. */
const STRADDLE_AT = 4094;

/** What trainingImage returns. */
export interface TrainImage {
  /** The code pages' bytes, from TRAIN_CODE. */
  bytes: Uint8Array;
  /** Instructions from TRAIN_CODE to the first ecall (which counts). */
  count: number;
  /** Instructions up to and with the jump to the straddling instruction. */
  beforeStraddle: number;
  /** Addresses of single instructions that stop the interpreter: a load and a store that fault,
   *  an illegal halfword, ebreak. */
  stops: number[];
  /** Addresses of the first LR.W and the SC.W after it (atomics that read, and write). */
  atomics: number[];
  /** Address of the program's last instruction, a jalr through register jalrReg, and a target
   *  for it on the second page (after the straddling instruction). */
  jalr: number;
  jalrReg: number;
  secondPage: number;
}

/** Lays the program out from TRAIN_CODE: trainingProgram() on the first page, its last jump to a
 *  32-bit instruction that straddles into the second page, then three instructions and ecall,
 *  then the stopping instructions. */
export function trainingImage(): TrainImage {
  const p = trainingProgram();
  const bytes = new Uint8Array(TRAIN_CODE_PAGES * 4096);
  let at = 0, auipcAt = 0;
  const atomics: number[] = [];
  const put = (x: TrainInsn): void => {
    bytes[at] = x.word & 0xff; bytes[at + 1] = (x.word >>> 8) & 0xff;
    if (!x.compressed) { bytes[at + 2] = (x.word >>> 16) & 0xff; bytes[at + 3] = x.word >>> 24; }
    at += x.compressed ? 2 : 4;
  };
  for (let k = 0; k < p.length; k++) {
    if (k === p.length - 4) auipcAt = at;
    if (k === p.length - 2) {
      // t2 = auipc's pc + 4096 + this immediate: the straddling instruction.
      p[k] = { word: i(STRADDLE_AT - 4096 - auipcAt, T2, 0, T2, 0x13), compressed: false, op: Op.ADDI };
    }
    if ((p[k]!.op === Op.LR_W && atomics.length === 0) || (p[k]!.op === Op.SC_W && atomics.length === 1)) atomics.push(TRAIN_CODE + at);
    put(p[k]!);
  }
  const jalr = TRAIN_CODE + at - 4;
  at = STRADDLE_AT;
  put({ word: i(1, A0, 0, A0, 0x13), compressed: false, op: Op.ADDI });
  const secondPage = TRAIN_CODE + at;
  put({ word: 0x0505, compressed: true, op: Op.ADDI });
  put({ word: i(1, A0, 0, A0, 0x13), compressed: false, op: Op.ADDI });
  put({ word: 0x00000073, compressed: false, op: Op.ECALL });
  const stops: number[] = [];
  for (const x of [i(0, ZERO, 3, A0, 0x03), s(0, A0, ZERO, 3, 0x23), 0x00100073]) {
    stops.push(TRAIN_CODE + at);
    put({ word: x, compressed: false, op: Op.NOP });
  }
  stops.push(TRAIN_CODE + at); // a zero halfword: illegal
  return { bytes, count: p.length + 4, beforeStraddle: p.length, stops, atomics, jalr, jalrReg: T2, secondPage };
}
