// A tiny rv64 instruction encoder for CPU unit tests (only the formats the tests use).
export const r = (f7: number, rs2: number, rs1: number, f3: number, rd: number, opc: number): number =>
  ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opc) >>> 0;
export const i = (imm: number, rs1: number, f3: number, rd: number, opc: number): number =>
  (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opc) >>> 0;
export const s = (imm: number, rs2: number, rs1: number, f3: number, opc: number): number =>
  ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | opc) >>> 0;

export const ADDI = (rd: number, rs1: number, imm: number): number => i(imm, rs1, 0, rd, 0x13);
export const ADD = (rd: number, rs1: number, rs2: number): number => r(0, rs2, rs1, 0, rd, 0x33);
export const SLL = (rd: number, rs1: number, rs2: number): number => r(0, rs2, rs1, 1, rd, 0x33);
export const SRA = (rd: number, rs1: number, rs2: number): number => r(0x20, rs2, rs1, 5, rd, 0x33);
export const MUL = (rd: number, rs1: number, rs2: number): number => r(1, rs2, rs1, 0, rd, 0x33);
export const MULH = (rd: number, rs1: number, rs2: number): number => r(1, rs2, rs1, 1, rd, 0x33);
export const MULHSU = (rd: number, rs1: number, rs2: number): number => r(1, rs2, rs1, 2, rd, 0x33);
export const MULHU = (rd: number, rs1: number, rs2: number): number => r(1, rs2, rs1, 3, rd, 0x33);
export const DIV = (rd: number, rs1: number, rs2: number): number => r(1, rs2, rs1, 4, rd, 0x33);
export const DIVU = (rd: number, rs1: number, rs2: number): number => r(1, rs2, rs1, 5, rd, 0x33);
export const REM = (rd: number, rs1: number, rs2: number): number => r(1, rs2, rs1, 6, rd, 0x33);
export const REMU = (rd: number, rs1: number, rs2: number): number => r(1, rs2, rs1, 7, rd, 0x33);
export const DIVW = (rd: number, rs1: number, rs2: number): number => r(1, rs2, rs1, 4, rd, 0x3b);
export const REMW = (rd: number, rs1: number, rs2: number): number => r(1, rs2, rs1, 6, rd, 0x3b);
export const LD = (rd: number, rs1: number, imm: number): number => i(imm, rs1, 3, rd, 0x03);
export const LW = (rd: number, rs1: number, imm: number): number => i(imm, rs1, 2, rd, 0x03);
export const SD = (rs2: number, rs1: number, imm: number): number => s(imm, rs2, rs1, 3, 0x23);
export const SW = (rs2: number, rs1: number, imm: number): number => s(imm, rs2, rs1, 2, 0x23);
export const AMO = (f5: number, rd: number, rs1: number, rs2: number, dbl: boolean): number =>
  r(f5 << 2, rs2, rs1, dbl ? 3 : 2, rd, 0x2f);
export const ECALL = 0x00000073;
