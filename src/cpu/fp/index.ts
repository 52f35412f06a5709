// F and D extension execution: one dispatch from decoded op to the handlers in this directory.
import type { Hart } from '../hart.js';
import { Op, OP_COUNT } from '../ops.js';
import { addD, divD, fmaD, mulD, sqrtD } from './arith_d.js';
import { addS, divS, fmaS, mulS, sqrtS } from './arith_s.js';
import { IntKind, cvtDS, cvtFromInt, cvtSD, cvtToInt } from './convert.js';
import { RM_DYN, RM_MAX_VALID } from './flags.js';
import { CmpKind, SgnjKind, classD, classS, cmpD, cmpS, minMaxD, minMaxS, mvDX, mvWX, mvXD, mvXW, sgnjD, sgnjS } from './misc.js';
import { readS } from './regs.js';

export { FFLAG_DZ, FFLAG_NV, FFLAG_NX, FFLAG_OF, FFLAG_UF, RM_DYN, RM_RDN, RM_RMM, RM_RNE, RM_RTZ, RM_RUP } from './flags.js';

/** 1 for ops whose rm field selects a rounding mode (and so can be a reserved encoding). */
const USES_RM = new Uint8Array(OP_COUNT);
for (const op of [
  Op.FMADD_S, Op.FMSUB_S, Op.FNMSUB_S, Op.FNMADD_S, Op.FADD_S, Op.FSUB_S, Op.FMUL_S, Op.FDIV_S, Op.FSQRT_S,
  Op.FCVT_W_S, Op.FCVT_WU_S, Op.FCVT_L_S, Op.FCVT_LU_S, Op.FCVT_S_W, Op.FCVT_S_WU, Op.FCVT_S_L, Op.FCVT_S_LU,
  Op.FMADD_D, Op.FMSUB_D, Op.FNMSUB_D, Op.FNMADD_D, Op.FADD_D, Op.FSUB_D, Op.FMUL_D, Op.FDIV_D, Op.FSQRT_D,
  Op.FCVT_W_D, Op.FCVT_WU_D, Op.FCVT_L_D, Op.FCVT_LU_D, Op.FCVT_D_W, Op.FCVT_D_WU, Op.FCVT_D_L, Op.FCVT_D_LU,
  Op.FCVT_S_D, Op.FCVT_D_S,
]) USES_RM[op] = 1;

/**
 * Executes one F/D arithmetic, conversion, compare, move or classify instruction (not loads or
 * stores). rd/rs1/rs2/rs3 are register numbers; for ops that write an integer register rd may be
 * X_SINK (32) meaning x0. rm is the instruction's rounding-mode field (7 = dynamic, use h.frm).
 * Accrues h.fflags. Returns false if the instruction is illegal (reserved rm, or dynamic with
 * an invalid frm), in which case no state changes.
 */
export function execFp(h: Hart, op: Op, rd: number, rs1: number, rs2: number, rs3: number, rm: number): boolean {
  // Ops without a rounding mode ignore rm, so the table is consulted only for a bad one.
  if (rm === RM_DYN) rm = h.frm;
  if (rm > RM_MAX_VALID && USES_RM[op] === 1) return false;
  switch (op) {
    case Op.FADD_D: addD(h, rd, rs1, rs2, rm, false); return true;
    case Op.FSUB_D: addD(h, rd, rs1, rs2, rm, true); return true;
    case Op.FMUL_D: mulD(h, rd, rs1, rs2, rm); return true;
    case Op.FDIV_D: divD(h, rd, rs1, rs2, rm); return true;
    case Op.FSQRT_D: sqrtD(h, rd, rs1, rm); return true;
    case Op.FMADD_D: fmaD(h, rd, rs1, rs2, rs3, rm, false, false); return true;
    case Op.FMSUB_D: fmaD(h, rd, rs1, rs2, rs3, rm, false, true); return true;
    case Op.FNMSUB_D: fmaD(h, rd, rs1, rs2, rs3, rm, true, false); return true;
    case Op.FNMADD_D: fmaD(h, rd, rs1, rs2, rs3, rm, true, true); return true;
    case Op.FADD_S: addS(h, rd, rs1, rs2, rm, false); return true;
    case Op.FSUB_S: addS(h, rd, rs1, rs2, rm, true); return true;
    case Op.FMUL_S: mulS(h, rd, rs1, rs2, rm); return true;
    case Op.FDIV_S: divS(h, rd, rs1, rs2, rm); return true;
    case Op.FSQRT_S: sqrtS(h, rd, rs1, rm); return true;
    case Op.FMADD_S: fmaS(h, rd, rs1, rs2, rs3, rm, false, false); return true;
    case Op.FMSUB_S: fmaS(h, rd, rs1, rs2, rs3, rm, false, true); return true;
    case Op.FNMSUB_S: fmaS(h, rd, rs1, rs2, rs3, rm, true, false); return true;
    case Op.FNMADD_S: fmaS(h, rd, rs1, rs2, rs3, rm, true, true); return true;
    case Op.FSGNJ_S: sgnjS(h, rd, rs1, rs2, SgnjKind.J); return true;
    case Op.FSGNJN_S: sgnjS(h, rd, rs1, rs2, SgnjKind.JN); return true;
    case Op.FSGNJX_S: sgnjS(h, rd, rs1, rs2, SgnjKind.JX); return true;
    case Op.FSGNJ_D: sgnjD(h, rd, rs1, rs2, SgnjKind.J); return true;
    case Op.FSGNJN_D: sgnjD(h, rd, rs1, rs2, SgnjKind.JN); return true;
    case Op.FSGNJX_D: sgnjD(h, rd, rs1, rs2, SgnjKind.JX); return true;
    case Op.FMIN_S: minMaxS(h, rd, rs1, rs2, false); return true;
    case Op.FMAX_S: minMaxS(h, rd, rs1, rs2, true); return true;
    case Op.FMIN_D: minMaxD(h, rd, rs1, rs2, false); return true;
    case Op.FMAX_D: minMaxD(h, rd, rs1, rs2, true); return true;
    case Op.FEQ_S: cmpS(h, rd, rs1, rs2, CmpKind.EQ); return true;
    case Op.FLT_S: cmpS(h, rd, rs1, rs2, CmpKind.LT); return true;
    case Op.FLE_S: cmpS(h, rd, rs1, rs2, CmpKind.LE); return true;
    case Op.FEQ_D: cmpD(h, rd, rs1, rs2, CmpKind.EQ); return true;
    case Op.FLT_D: cmpD(h, rd, rs1, rs2, CmpKind.LT); return true;
    case Op.FLE_D: cmpD(h, rd, rs1, rs2, CmpKind.LE); return true;
    case Op.FCLASS_S: classS(h, rd, rs1); return true;
    case Op.FCLASS_D: classD(h, rd, rs1); return true;
    case Op.FMV_X_W: mvXW(h, rd, rs1); return true;
    case Op.FMV_W_X: mvWX(h, rd, rs1); return true;
    case Op.FMV_X_D: mvXD(h, rd, rs1); return true;
    case Op.FMV_D_X: mvDX(h, rd, rs1); return true;
    case Op.FCVT_W_S: cvtToInt(h, rd, readS(h, rs1), IntKind.W, rm); return true;
    case Op.FCVT_WU_S: cvtToInt(h, rd, readS(h, rs1), IntKind.WU, rm); return true;
    case Op.FCVT_L_S: cvtToInt(h, rd, readS(h, rs1), IntKind.L, rm); return true;
    case Op.FCVT_LU_S: cvtToInt(h, rd, readS(h, rs1), IntKind.LU, rm); return true;
    case Op.FCVT_W_D: cvtToInt(h, rd, h.fd[rs1]!, IntKind.W, rm); return true;
    case Op.FCVT_WU_D: cvtToInt(h, rd, h.fd[rs1]!, IntKind.WU, rm); return true;
    case Op.FCVT_L_D: cvtToInt(h, rd, h.fd[rs1]!, IntKind.L, rm); return true;
    case Op.FCVT_LU_D: cvtToInt(h, rd, h.fd[rs1]!, IntKind.LU, rm); return true;
    case Op.FCVT_S_W: cvtFromInt(h, rd, rs1, IntKind.W, false, rm); return true;
    case Op.FCVT_S_WU: cvtFromInt(h, rd, rs1, IntKind.WU, false, rm); return true;
    case Op.FCVT_S_L: cvtFromInt(h, rd, rs1, IntKind.L, false, rm); return true;
    case Op.FCVT_S_LU: cvtFromInt(h, rd, rs1, IntKind.LU, false, rm); return true;
    case Op.FCVT_D_W: cvtFromInt(h, rd, rs1, IntKind.W, true, rm); return true;
    case Op.FCVT_D_WU: cvtFromInt(h, rd, rs1, IntKind.WU, true, rm); return true;
    case Op.FCVT_D_L: cvtFromInt(h, rd, rs1, IntKind.L, true, rm); return true;
    case Op.FCVT_D_LU: cvtFromInt(h, rd, rs1, IntKind.LU, true, rm); return true;
    case Op.FCVT_S_D: cvtSD(h, rd, rs1, rm); return true;
    case Op.FCVT_D_S: cvtDS(h, rd, rs1); return true;
  }
  return false;
}
