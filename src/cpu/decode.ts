// Decoder: every rv64gc encoding becomes one decoded form (an info word and an immediate).
//
// info bits:  0-7 op | 8-13 rd (0..32) | 14-18 rs1 | 19-23 rs2 | 24-28 rs3 | 29 compressed | 30 valid
// imm: the sign-extended immediate; the rounding-mode field for F/D ops; the CSR number for
// Zicsr (with the 5-bit uimm in the rs1 field for the immediate forms).
// Integer destinations of x0 are decoded as X_SINK, so the interpreter never tests rd == 0.
// Compressed instructions decode to the same ops as their 32-bit expansions (TinyEMU style),
// through a table computed once for all 65536 halfwords.
import { X_SINK } from './hart.js';
import { Op } from './ops.js';

export const INFO_COMPRESSED = 1 << 29;
export const INFO_VALID = 1 << 30;

/** Immediate of the last decode32/decode16 call (avoids allocating a pair per decode). */
export let decodedImm = 0;

/** Packs a decoded instruction; rd is the architectural register (mapped to the sink if x0 and intRd). */
function pack(op: Op, rd: number, rs1: number, rs2: number, rs3: number, imm: number, intRd: boolean): number {
  decodedImm = imm | 0;
  const d = intRd && rd === 0 ? X_SINK : rd;
  return op | (d << 8) | (rs1 << 14) | (rs2 << 19) | (rs3 << 24) | INFO_VALID;
}

const ILLEGAL_INFO = 0;

/** Ops with no side effect besides writing rd: with rd = x0 they become NOP. */
const PURE_ALU = new Set<Op>([
  Op.LUI, Op.AUIPC, Op.ADDI, Op.SLTI, Op.SLTIU, Op.XORI, Op.ORI, Op.ANDI, Op.SLLI, Op.SRLI, Op.SRAI,
  Op.ADD, Op.SUB, Op.SLL, Op.SLT, Op.SLTU, Op.XOR, Op.SRL, Op.SRA, Op.OR, Op.AND,
  Op.ADDIW, Op.SLLIW, Op.SRLIW, Op.SRAIW, Op.ADDW, Op.SUBW, Op.SLLW, Op.SRLW, Op.SRAW,
  Op.MUL, Op.MULH, Op.MULHSU, Op.MULHU, Op.DIV, Op.DIVU, Op.REM, Op.REMU,
  Op.MULW, Op.DIVW, Op.DIVUW, Op.REMW, Op.REMUW,
]);

/** Integer op with an integer rd: packs it, turning rd = x0 into a NOP when it has no side effect. */
function intOp(op: Op, rd: number, rs1: number, rs2: number, imm: number): number {
  if (rd === 0 && PURE_ALU.has(op)) return pack(Op.NOP, 0, 0, 0, 0, 0, false);
  return pack(op, rd, rs1, rs2, 0, imm, true);
}

const immI = (i: number): number => i >> 20;
const immS = (i: number): number => ((i >> 25) << 5) | ((i >>> 7) & 31);
const immB = (i: number): number =>
  ((i >> 31) << 12) | (((i >>> 7) & 1) << 11) | (((i >>> 25) & 63) << 5) | (((i >>> 8) & 15) << 1);
const immU = (i: number): number => i & -4096;
const immJ = (i: number): number =>
  ((i >> 31) << 20) | (((i >>> 12) & 255) << 12) | (((i >>> 20) & 1) << 11) | (((i >>> 21) & 1023) << 1);

const LOADS = [Op.LB, Op.LH, Op.LW, Op.LD, Op.LBU, Op.LHU, Op.LWU];
const STORES = [Op.SB, Op.SH, Op.SW, Op.SD];
const BRANCHES = [Op.BEQ, Op.BNE, -1, -1, Op.BLT, Op.BGE, Op.BLTU, Op.BGEU];
const OP_REG = [Op.ADD, Op.SLL, Op.SLT, Op.SLTU, Op.XOR, Op.SRL, Op.OR, Op.AND];
const OP_MUL = [Op.MUL, Op.MULH, Op.MULHSU, Op.MULHU, Op.DIV, Op.DIVU, Op.REM, Op.REMU];
const OP_MULW = [Op.MULW, -1, -1, -1, Op.DIVW, Op.DIVUW, Op.REMW, Op.REMUW];
const CSR_OPS = [-1, Op.CSRRW, Op.CSRRS, Op.CSRRC, -1, Op.CSRRWI, Op.CSRRSI, Op.CSRRCI];
/** AMO funct5 -> op offset from AMOSWAP (same order in the W and D groups of ops.ts). */
const AMO_FUNCT5: Record<number, number> = {
  0x02: 0, 0x03: 1, 0x01: 2, 0x00: 3, 0x04: 4, 0x0c: 5, 0x08: 6, 0x10: 7, 0x14: 8, 0x18: 9, 0x1c: 10,
};

/** Decodes a 32-bit instruction; returns its info word (0 if illegal); imm in decodedImm. */
export function decode32(inst: number): number {
  const rd = (inst >>> 7) & 31;
  const f3 = (inst >>> 12) & 7;
  const rs1 = (inst >>> 15) & 31;
  const rs2 = (inst >>> 20) & 31;
  const f7 = inst >>> 25;
  switch (inst & 0x7f) {
    case 0x03: // LOAD
      return f3 === 7 ? ILLEGAL_INFO : pack(LOADS[f3]!, rd, rs1, 0, 0, immI(inst), true);
    case 0x07: // LOAD-FP
      if (f3 === 2) return pack(Op.FLW, rd, rs1, 0, 0, immI(inst), false);
      if (f3 === 3) return pack(Op.FLD, rd, rs1, 0, 0, immI(inst), false);
      return ILLEGAL_INFO;
    case 0x0f: // MISC-MEM
      if (f3 === 0) return pack(Op.FENCE, 0, 0, 0, 0, 0, false);
      if (f3 === 1) return pack(Op.FENCE_I, 0, 0, 0, 0, 0, false);
      return ILLEGAL_INFO;
    case 0x13: { // OP-IMM
      const imm = immI(inst);
      const f6 = inst >>> 26;
      switch (f3) {
        case 0: return intOp(Op.ADDI, rd, rs1, 0, imm);
        case 1: return f6 === 0 ? intOp(Op.SLLI, rd, rs1, 0, (inst >>> 20) & 63) : ILLEGAL_INFO;
        case 2: return intOp(Op.SLTI, rd, rs1, 0, imm);
        case 3: return intOp(Op.SLTIU, rd, rs1, 0, imm);
        case 4: return intOp(Op.XORI, rd, rs1, 0, imm);
        case 5:
          if (f6 === 0) return intOp(Op.SRLI, rd, rs1, 0, (inst >>> 20) & 63);
          if (f6 === 0x10) return intOp(Op.SRAI, rd, rs1, 0, (inst >>> 20) & 63);
          return ILLEGAL_INFO;
        case 6: return intOp(Op.ORI, rd, rs1, 0, imm);
        default: return intOp(Op.ANDI, rd, rs1, 0, imm);
      }
    }
    case 0x17: return intOp(Op.AUIPC, rd, 0, 0, immU(inst));
    case 0x1b: { // OP-IMM-32
      if (f3 === 0) return intOp(Op.ADDIW, rd, rs1, 0, immI(inst));
      if (f3 === 1 && f7 === 0) return intOp(Op.SLLIW, rd, rs1, 0, rs2);
      if (f3 === 5 && f7 === 0) return intOp(Op.SRLIW, rd, rs1, 0, rs2);
      if (f3 === 5 && f7 === 0x20) return intOp(Op.SRAIW, rd, rs1, 0, rs2);
      return ILLEGAL_INFO;
    }
    case 0x23: // STORE
      return f3 > 3 ? ILLEGAL_INFO : pack(STORES[f3]!, 0, rs1, rs2, 0, immS(inst), false);
    case 0x27: // STORE-FP
      if (f3 === 2) return pack(Op.FSW, 0, rs1, rs2, 0, immS(inst), false);
      if (f3 === 3) return pack(Op.FSD, 0, rs1, rs2, 0, immS(inst), false);
      return ILLEGAL_INFO;
    case 0x2f: { // AMO
      const k = AMO_FUNCT5[inst >>> 27];
      if (k === undefined || (f3 !== 2 && f3 !== 3)) return ILLEGAL_INFO;
      if (k === 0 && rs2 !== 0) return ILLEGAL_INFO; // LR has rs2 = 0
      return pack((f3 === 2 ? Op.LR_W : Op.LR_D) + k, rd, rs1, rs2, 0, 0, true);
    }
    case 0x33: // OP
      if (f7 === 0) return intOp(OP_REG[f3]!, rd, rs1, rs2, 0);
      if (f7 === 1) return intOp(OP_MUL[f3]!, rd, rs1, rs2, 0);
      if (f7 === 0x20 && f3 === 0) return intOp(Op.SUB, rd, rs1, rs2, 0);
      if (f7 === 0x20 && f3 === 5) return intOp(Op.SRA, rd, rs1, rs2, 0);
      return ILLEGAL_INFO;
    case 0x37: return intOp(Op.LUI, rd, 0, 0, immU(inst));
    case 0x3b: // OP-32
      if (f7 === 0 && f3 === 0) return intOp(Op.ADDW, rd, rs1, rs2, 0);
      if (f7 === 0 && f3 === 1) return intOp(Op.SLLW, rd, rs1, rs2, 0);
      if (f7 === 0 && f3 === 5) return intOp(Op.SRLW, rd, rs1, rs2, 0);
      if (f7 === 0x20 && f3 === 0) return intOp(Op.SUBW, rd, rs1, rs2, 0);
      if (f7 === 0x20 && f3 === 5) return intOp(Op.SRAW, rd, rs1, rs2, 0);
      if (f7 === 1 && OP_MULW[f3]! >= 0) return intOp(OP_MULW[f3]!, rd, rs1, rs2, 0);
      return ILLEGAL_INFO;
    case 0x43: case 0x47: case 0x4b: case 0x4f: { // FMADD FMSUB FNMSUB FNMADD
      const fmt = f7 & 3;
      if (fmt > 1) return ILLEGAL_INFO;
      const base = fmt === 0 ? Op.FMADD_S : Op.FMADD_D;
      return pack(base + ((inst >>> 2) & 3), rd, rs1, rs2, inst >>> 27, f3, false);
    }
    case 0x53: return decodeOpFp(inst, rd, f3, rs1, rs2, f7);
    case 0x63: { // BRANCH
      const op = BRANCHES[f3]!;
      return op < 0 ? ILLEGAL_INFO : pack(op, 0, rs1, rs2, 0, immB(inst), false);
    }
    case 0x67: return f3 === 0 ? pack(Op.JALR, rd, rs1, 0, 0, immI(inst), true) : ILLEGAL_INFO;
    case 0x6f: return pack(Op.JAL, rd, 0, 0, 0, immJ(inst), true);
    case 0x73: { // SYSTEM
      if (f3 === 0) {
        if (inst === 0x00000073) return pack(Op.ECALL, 0, 0, 0, 0, 0, false);
        if (inst === 0x00100073) return pack(Op.EBREAK, 0, 0, 0, 0, 0, false);
        return ILLEGAL_INFO;
      }
      const op = CSR_OPS[f3]!;
      return op < 0 ? ILLEGAL_INFO : pack(op, rd, rs1, 0, 0, inst >>> 20, true);
    }
    default:
      return ILLEGAL_INFO;
  }
}

/** OP-FP (major opcode 0x53): arithmetic, sign injection, min/max, compares, conversions, moves. */
function decodeOpFp(inst: number, rd: number, f3: number, rs1: number, rs2: number, f7: number): number {
  const fp = (op: Op): number => pack(op, rd, rs1, rs2, 0, f3, false);
  const toInt = (op: Op): number => pack(op, rd, rs1, rs2, 0, f3, true);
  const d = f7 & 1; // fmt: 0 = S, 1 = D; H and Q (fmt 2, 3) match no case below, so they are illegal
  switch (f7) {
    case 0x00: case 0x01: return fp(d ? Op.FADD_D : Op.FADD_S);
    case 0x04: case 0x05: return fp(d ? Op.FSUB_D : Op.FSUB_S);
    case 0x08: case 0x09: return fp(d ? Op.FMUL_D : Op.FMUL_S);
    case 0x0c: case 0x0d: return fp(d ? Op.FDIV_D : Op.FDIV_S);
    case 0x2c: case 0x2d: return rs2 === 0 ? fp(d ? Op.FSQRT_D : Op.FSQRT_S) : ILLEGAL_INFO;
    case 0x10: case 0x11:
      if (f3 > 2) return ILLEGAL_INFO;
      return fp((d ? Op.FSGNJ_D : Op.FSGNJ_S) + f3);
    case 0x14: case 0x15:
      if (f3 > 1) return ILLEGAL_INFO;
      return fp((d ? Op.FMIN_D : Op.FMIN_S) + f3);
    case 0x20: return rs2 === 1 ? fp(Op.FCVT_S_D) : ILLEGAL_INFO;
    case 0x21: return rs2 === 0 ? fp(Op.FCVT_D_S) : ILLEGAL_INFO;
    case 0x50: case 0x51: { // FLE FLT FEQ
      const base = d ? Op.FEQ_D : Op.FEQ_S; // FEQ, FLT, FLE are consecutive in ops.ts
      if (f3 === 2) return toInt(base);
      if (f3 === 1) return toInt(base + 1);
      if (f3 === 0) return toInt(base + 2);
      return ILLEGAL_INFO;
    }
    case 0x60: case 0x61:
      if (rs2 > 3) return ILLEGAL_INFO;
      return toInt((d ? Op.FCVT_W_D : Op.FCVT_W_S) + rs2);
    case 0x68: case 0x69:
      if (rs2 > 3) return ILLEGAL_INFO;
      return fp((d ? Op.FCVT_D_W : Op.FCVT_S_W) + rs2);
    case 0x70: case 0x71:
      if (rs2 !== 0) return ILLEGAL_INFO;
      if (f3 === 0) return toInt(d ? Op.FMV_X_D : Op.FMV_X_W);
      if (f3 === 1) return toInt(d ? Op.FCLASS_D : Op.FCLASS_S);
      return ILLEGAL_INFO;
    case 0x78: case 0x79:
      return rs2 === 0 && f3 === 0 ? fp(d ? Op.FMV_D_X : Op.FMV_W_X) : ILLEGAL_INFO;
    default:
      return ILLEGAL_INFO;
  }
}

// ---- RV64C ----

const bits = (h: number, hi: number, lo: number): number => (h >>> lo) & ((1 << (hi - lo + 1)) - 1);
const sext = (v: number, width: number): number => (v << (32 - width)) >> (32 - width);

/** Decodes a 16-bit compressed instruction (low two bits != 3); 0 if reserved/illegal. */
export function decode16(h: number): number {
  const f3 = h >>> 13;
  const rdp = bits(h, 4, 2) + 8; // rd' / rs2'
  const rs1p = bits(h, 9, 7) + 8; // rs1' / rd'
  const rd = bits(h, 11, 7);
  const rs2 = bits(h, 6, 2);
  const imm6 = sext((bits(h, 12, 12) << 5) | bits(h, 6, 2), 6);
  switch (h & 3) {
    case 0: {
      const uLw = (bits(h, 12, 10) << 3) | (bits(h, 6, 6) << 2) | (bits(h, 5, 5) << 6);
      const uLd = (bits(h, 12, 10) << 3) | (bits(h, 6, 5) << 6);
      switch (f3) {
        case 0: { // C.ADDI4SPN
          const nz = (bits(h, 12, 11) << 4) | (bits(h, 10, 7) << 6) | (bits(h, 6, 6) << 2) | (bits(h, 5, 5) << 3);
          return nz === 0 ? ILLEGAL_INFO : intOp(Op.ADDI, rdp, 2, 0, nz);
        }
        case 1: return pack(Op.FLD, rdp, rs1p, 0, 0, uLd, false);
        case 2: return pack(Op.LW, rdp, rs1p, 0, 0, uLw, true);
        case 3: return pack(Op.LD, rdp, rs1p, 0, 0, uLd, true);
        case 5: return pack(Op.FSD, 0, rs1p, rdp, 0, uLd, false);
        case 6: return pack(Op.SW, 0, rs1p, rdp, 0, uLw, false);
        case 7: return pack(Op.SD, 0, rs1p, rdp, 0, uLd, false);
        default: return ILLEGAL_INFO;
      }
    }
    case 1:
      switch (f3) {
        case 0: return intOp(Op.ADDI, rd, rd, 0, imm6); // C.ADDI, C.NOP and hints
        case 1: return rd === 0 ? ILLEGAL_INFO : intOp(Op.ADDIW, rd, rd, 0, imm6);
        case 2: return intOp(Op.ADDI, rd, 0, 0, imm6); // C.LI
        case 3:
          if (rd === 2) { // C.ADDI16SP
            const nz = sext((bits(h, 12, 12) << 9) | (bits(h, 6, 6) << 4) | (bits(h, 5, 5) << 6) |
              (bits(h, 4, 3) << 7) | (bits(h, 2, 2) << 5), 10);
            return nz === 0 ? ILLEGAL_INFO : intOp(Op.ADDI, 2, 2, 0, nz);
          } else { // C.LUI
            const nz = sext((bits(h, 12, 12) << 17) | (bits(h, 6, 2) << 12), 18);
            return nz === 0 ? ILLEGAL_INFO : intOp(Op.LUI, rd, 0, 0, nz);
          }
        case 4: {
          const f2 = bits(h, 11, 10);
          const sh = (bits(h, 12, 12) << 5) | bits(h, 6, 2);
          if (f2 === 0) return intOp(Op.SRLI, rs1p, rs1p, 0, sh);
          if (f2 === 1) return intOp(Op.SRAI, rs1p, rs1p, 0, sh);
          if (f2 === 2) return intOp(Op.ANDI, rs1p, rs1p, 0, imm6);
          const sub = bits(h, 6, 5);
          if (bits(h, 12, 12) === 0) {
            return intOp([Op.SUB, Op.XOR, Op.OR, Op.AND][sub]!, rs1p, rs1p, rdp, 0);
          }
          if (sub === 0) return intOp(Op.SUBW, rs1p, rs1p, rdp, 0);
          if (sub === 1) return intOp(Op.ADDW, rs1p, rs1p, rdp, 0);
          return ILLEGAL_INFO;
        }
        case 5: { // C.J
          const off = sext((bits(h, 12, 12) << 11) | (bits(h, 11, 11) << 4) | (bits(h, 10, 9) << 8) |
            (bits(h, 8, 8) << 10) | (bits(h, 7, 7) << 6) | (bits(h, 6, 6) << 7) | (bits(h, 5, 3) << 1) |
            (bits(h, 2, 2) << 5), 12);
          return pack(Op.JAL, 0, 0, 0, 0, off, true);
        }
        default: { // C.BEQZ, C.BNEZ
          const off = sext((bits(h, 12, 12) << 8) | (bits(h, 11, 10) << 3) | (bits(h, 6, 5) << 6) |
            (bits(h, 4, 3) << 1) | (bits(h, 2, 2) << 5), 9);
          return pack(f3 === 6 ? Op.BEQ : Op.BNE, 0, rs1p, 0, 0, off, false);
        }
      }
    default: // quadrant 2
      switch (f3) {
        case 0: return intOp(Op.SLLI, rd, rd, 0, (bits(h, 12, 12) << 5) | rs2);
        case 1: return pack(Op.FLD, rd, 2, 0, 0, (bits(h, 12, 12) << 5) | (bits(h, 6, 5) << 3) | (bits(h, 4, 2) << 6), false);
        case 2:
          if (rd === 0) return ILLEGAL_INFO;
          return pack(Op.LW, rd, 2, 0, 0, (bits(h, 12, 12) << 5) | (bits(h, 6, 4) << 2) | (bits(h, 3, 2) << 6), true);
        case 3:
          if (rd === 0) return ILLEGAL_INFO;
          return pack(Op.LD, rd, 2, 0, 0, (bits(h, 12, 12) << 5) | (bits(h, 6, 5) << 3) | (bits(h, 4, 2) << 6), true);
        case 4:
          if (bits(h, 12, 12) === 0) {
            if (rs2 === 0) return rd === 0 ? ILLEGAL_INFO : pack(Op.JALR, 0, rd, 0, 0, 0, true); // C.JR
            return intOp(Op.ADD, rd, 0, rs2, 0); // C.MV
          }
          if (rs2 === 0) {
            if (rd === 0) return pack(Op.EBREAK, 0, 0, 0, 0, 0, false);
            return pack(Op.JALR, 1, rd, 0, 0, 0, true); // C.JALR
          }
          return intOp(Op.ADD, rd, rd, rs2, 0); // C.ADD
        case 5: return pack(Op.FSD, 0, 2, rs2, 0, (bits(h, 12, 10) << 3) | (bits(h, 9, 7) << 6), false);
        case 6: return pack(Op.SW, 0, 2, rs2, 0, (bits(h, 12, 9) << 2) | (bits(h, 8, 7) << 6), false);
        default: return pack(Op.SD, 0, 2, rs2, 0, (bits(h, 12, 10) << 3) | (bits(h, 9, 7) << 6), false);
      }
  }
}

/** Marks a halfword whose decode is cached as illegal (no INFO_VALID bit, but not 0 = unknown). */
export const C_ILLEGAL = 1;

/**
 * Decode cache for the 65536 halfwords, filled on first sight: info 0 means not decoded yet,
 * C_ILLEGAL means reserved or illegal, otherwise the info word with INFO_COMPRESSED set.
 */
const cInfo = new Int32Array(65536);
const cImm = new Int32Array(65536);

/** Returns the compressed decode cache (shared; see decodeCompressed for filling it). */
export function compressedTables(): { info: Int32Array; imm: Int32Array } {
  return { info: cInfo, imm: cImm };
}

/** Decodes halfword h into the cache and returns its info word (C_ILLEGAL if illegal). */
export function decodeCompressed(h: number): number {
  const info = decode16(h);
  cInfo[h] = info === 0 ? C_ILLEGAL : info | INFO_COMPRESSED;
  cImm[h] = decodedImm;
  return cInfo[h]!;
}
