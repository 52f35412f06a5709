// CONTRACT SKELETON (the FP helper replaces the body; keep the signature).
import type { Hart } from '../hart.js';
import type { Op } from '../ops.js';

/**
 * Executes one F/D arithmetic, conversion, compare, move or classify instruction (not loads or
 * stores). rd/rs1/rs2/rs3 are register numbers; for ops that write an integer register rd may be
 * X_SINK (32) meaning x0. rm is the instruction's rounding-mode field (7 = dynamic, use h.frm).
 * Accrues h.fflags. Returns false if the instruction is illegal (reserved rm, or dynamic with
 * an invalid frm), in which case no state changes.
 */
export function execFp(h: Hart, op: Op, rd: number, rs1: number, rs2: number, rs3: number, rm: number): boolean {
  void h; void op; void rd; void rs1; void rs2; void rs3; void rm;
  return false;
}
