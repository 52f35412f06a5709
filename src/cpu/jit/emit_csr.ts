// Code generation for Zicsr (emit.ts calls in for CSRRW..CSRRCI): which CSR accesses the
// translator takes, and the code for fflags, frm and fcsr (reads and writes, inline on the
// fflags and frm locals of emit_fp.ts), time and ecall's cpu number (reads, through the imported
// "csr" function: the hart's own time source, so seeded runs read the same virtual clock), and
// cycle and instret (reads, the retired count, emitted by emit.ts). Every other access (an
// unknown CSR, a write to a read-only one) is left to the interpreter, which raises SIGILL.
import { Op } from '../ops.js';
import type { FpEmit, FpHost, FpLayout } from './emit_fp.js';
import { CSR_ECALL_CPU, CSR_IMPORT, CSR_TIME } from './fp_helpers.js';
import { f64c, get, i32c, op, set, tee, W } from './wasm.js';

/** CSR numbers (the unprivileged spec's, as the interpreter's run.ts). */
export const CSR_FFLAGS = 0x001, CSR_FRM = 0x002, CSR_FCSR = 0x003;
export const CSR_CYCLE = 0xc00, CSR_INSTRET = 0xc02;

/** True when the op writes the CSR: csrrw/csrrwi always, the set/clear forms unless rs1 (or uimm) is 0. */
function writes(o: number, rs1: number): boolean {
  return o === Op.CSRRW || o === Op.CSRRWI || rs1 !== 0;
}

/** True for the CSR accesses the translator emits (csr = imm & 0xfff, rs1 the register or uimm field). */
export function csrTranslatable(o: number, rs1: number, csr: number): boolean {
  if (csr === CSR_FFLAGS || csr === CSR_FRM || csr === CSR_FCSR) return true;
  if (writes(o, rs1)) return false;
  return csr === CSR_CYCLE || csr === CSR_INSTRET || csr === CSR_TIME || csr === CSR_ECALL_CPU;
}

/** True when the access goes through the fflags/frm locals. */
export function csrIsFp(csr: number): boolean {
  return csr === CSR_FFLAGS || csr === CSR_FRM || csr === CSR_FCSR;
}

/**
 * Emits a CSR access other than cycle/instret: rd's local is d, rs1 the register or uimm field.
 * As the interpreter: old value read, then the write (the source read before rd is written),
 * then rd = old.
 */
export function emitCsr(h: FpHost, lay: FpLayout, fp: FpEmit, o: number, d: number, rs1: number, csr: number, off: number,
  left: number): void {
  const b = h.b;
  if (!csrIsFp(csr)) {
    // time or the cpu number: a helper call; -1 means illegal here (the interpreter raises it).
    i32c(b, csr); b.u8(W.call); b.uleb(CSR_IMPORT);
    set(b, fp.lD0);
    get(b, fp.lD0); f64c(b, 0); op(b, W.f64_lt);
    b.u8(W.if); b.u8(0x40); h.extra++;
    h.exitAt(off, lay.exitInterp, left);
    b.u8(W.end); h.extra--;
    get(b, fp.lD0); op(b, W.i64_trunc_f64_s); set(b, d);
    return;
  }
  // old -> I0
  if (csr === CSR_FFLAGS) get(b, fp.lFF);
  else if (csr === CSR_FRM) get(b, fp.lFRM);
  else { get(b, fp.lFRM); i32c(b, 5); op(b, W.i32_shl); get(b, fp.lFF); op(b, W.i32_or); }
  set(b, fp.lI0);
  if (writes(o, rs1)) {
    // v -> I1
    if (o >= Op.CSRRWI) i32c(b, rs1); else { h.rx(rs1); op(b, W.i32_wrap_i64); }
    if (o === Op.CSRRS || o === Op.CSRRSI) { get(b, fp.lI0); op(b, W.i32_or); }
    else if (o === Op.CSRRC || o === Op.CSRRCI) { i32c(b, -1); op(b, W.i32_xor); get(b, fp.lI0); op(b, W.i32_and); }
    tee(b, fp.lI1);
    if (csr === CSR_FFLAGS) { i32c(b, 0x1f); op(b, W.i32_and); set(b, fp.lFF); }
    else if (csr === CSR_FRM) { i32c(b, 7); op(b, W.i32_and); set(b, fp.lFRM); }
    else {
      i32c(b, 0x1f); op(b, W.i32_and); set(b, fp.lFF);
      get(b, fp.lI1); i32c(b, 5); op(b, W.i32_shr_u); i32c(b, 7); op(b, W.i32_and); set(b, fp.lFRM);
    }
  }
  get(b, fp.lI0); op(b, W.i64_extend_i32_u); set(b, d);
}
