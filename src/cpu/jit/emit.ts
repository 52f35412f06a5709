// Code generation: one region (region.ts) becomes one WebAssembly function
//
//   (st: i32, vpn: i32, off: i32, budget: i32, n0: i32) -> exit code
//
// st is the byte offset of the exchange area in the pool (registers in, pc and count out, the
// TLB's array addresses in); vpn is the virtual page the code runs at, so the same translation
// serves every mapping of the frame; off is the page offset to start at; budget bounds the count
// of retired instructions, which starts at n0. The function first checks that it is still valid
// (its exported global), that the hart's TLB maps vpn executable to the frame it was translated
// from, and that off starts one of its blocks; if not, it returns EXIT_MISS having done nothing,
// so the dispatcher (dispatch.ts) may call whatever function its hashed table holds for a pc.
// Guest registers live in i64 locals; a loop with a br_table over the blocks carries control
// between blocks, and every exit stores the registers written, the pc and the retired count
// back into the exchange area.
//
// Exactness: a block runs only if its whole length fits in the budget (else EXIT_BUDGET before
// it), and an instruction that cannot complete inline (a TLB miss, a page-crossing access) exits
// to the interpreter with the pc at that instruction and the count of the instructions before it,
// so the interpreter executes it, with its faults, exactly as it would have anyway.
import { INFO_COMPRESSED } from '../decode.js';
import { Op } from '../ops.js';
import { type Block, End, type Region } from './region.js';
import { BLOCK_VOID, Bytes, type FuncCode, get, global0, i32c, i64c, mem, op, set, T_I32, T_I64, tee, W } from './wasm.js';
import { CSR_CYCLE, CSR_INSTRET, csrIsFp, emitCsr } from './emit_csr.js';
import { FpEmit, type FpLayout, fpReadsX1, fpUse, fpWritesX } from './emit_fp.js';
import { ST_FP_END } from './fp_helpers.js';

/** Exit codes of a translated function. */
export const EXIT_NEXT = 0;    // pc is the next instruction to run (a jump target or the page's end)
export const EXIT_INTERP = 1;  // the instruction at pc must be run by the interpreter
export const EXIT_BUDGET = 2;  // the block at pc does not fit in the budget
export const EXIT_ECALL = 3;   // pc is at an ecall, which is counted as retired (as the interpreter stops)
export const EXIT_EBREAK = 4;  // the same for ebreak
export const EXIT_MISS = 5;    // nothing ran: this function has no valid entry at the pc asked for

/** Exchange area layout (byte offsets from st). */
export const ST_X = 0;        // x0..x32 as i64 (x32 is the interpreter's sink slot, unused here)
export const ST_PC = 264;     // i64: the pc at exit
export const ST_N = 272;      // i32: instructions retired
export const ST_TAGR = 276;   // i32: the byte offsets of the TLB's tagR, tagW and paD arrays
export const ST_TAGW = 280;
export const ST_PAD = 284;
export const ST_TAGX = 288;   // i32: the byte offsets of the TLB's tagX and paX arrays
export const ST_PAX = 292;
export const ST_CALLS = 296;  // i32: functions the dispatcher called
export const ST_RES = 300;    // i32: the LR/SC reservation (pool offset, or -1)
export const ST_INSTRET = 304; // i64: instret before the instructions counted from 0 by this dispatch
export const ST_BYTES = ST_FP_END; // f registers, fflags and frm from 312 (fp_helpers.ts)

// Locals: the five parameters, then i32 scratch, then i64 scratch and the registers.
const P_ST = 0, P_VPN = 1, P_OFF = 2, P_BUDGET = 3, P_N0 = 4;
const L_N = 5, L_CODE = 6, L_TR = 7, L_TW = 8, L_PD = 9, L_A = 10, L_E = 11, L_BLOCK = 12;
const I32_LOCALS = 8;
const L_VB = 13, L_PC = 14, L_T0 = 15, L_T1 = 16, L_T2 = 17, L_T3 = 18, L_T4 = 19, L_T5 = 20;
const L_X = 21; // x_r is local L_X + r (r = 1..32; 32 is the sink)
const I64_LOCALS = 8 + 33;
const LO32 = 0xffffffffn;

/** The function signature's parameter and result types. */
export const PARAMS = [T_I32, T_I32, T_I32, T_I32, T_I32];
export const RESULTS = [T_I32];

/** Emits a function body for region r, translated from the code in physical frame `frame`. */
export function emitRegion(r: Region, frame: number): FuncCode {
  return new Emitter(r, frame).emit();
}

class Emitter {
  readonly b = new Bytes();
  private readonly k: number;
  /** Index of the block being emitted. */
  private cur = 0;
  /** Wasm blocks/ifs opened inside the current block's code. */
  extra = 0;
  private readonly written = new Set<number>();
  private readonly used = new Set<number>();
  /** F, D and the fcsr CSRs (emit_fp.ts, emit_csr.ts); its locals follow the ones above. */
  private readonly fp: FpEmit;
  private readonly lay: FpLayout = { st: P_ST, a: L_A, tr: L_TR, tw: L_TW, x: L_X, stX: ST_X, exitInterp: EXIT_INTERP };

  constructor(private readonly r: Region, private readonly frame: number) {
    this.k = r.blocks.length;
    this.fp = new FpEmit(this, this.lay, 5 + I32_LOCALS + I64_LOCALS);
    for (const bl of r.blocks) {
      for (let i = 0; i < bl.infos.length; i++) {
        const w = bl.infos[i]!;
        const o = w & 0xff;
        const rd = (w >>> 8) & 63, rs1 = (w >>> 14) & 31, rs2 = (w >>> 19) & 31;
        if (fpUse(o) !== 0) {
          this.fp.scan(o, rd, rs1, rs2, (w >>> 24) & 31);
          if (fpReadsX1(o) && rs1 !== 0) this.used.add(rs1);
          if (fpWritesX(o) && rd !== 32) { this.written.add(rd); this.used.add(rd); }
          continue;
        }
        if (o >= Op.CSRRW && o <= Op.CSRRCI && csrIsFp(bl.imms[i]! & 0xfff)) this.fp.touch();
        if (rs1 !== 0) this.used.add(rs1);
        if (rs2 !== 0 && usesRs2(o)) this.used.add(rs2);
        if (writesRd(o) && rd !== 0 && rd !== 32) { this.written.add(rd); this.used.add(rd); }
      }
    }
  }

  emit(): FuncCode {
    const b = this.b;
    this.entryCheck();
    // Prologue: the page's base address, the TLB arrays and every register the region touches.
    get(b, P_N0); set(b, L_N);
    get(b, P_VPN); op(b, W.i64_extend_i32_u); i64c(b, 12); op(b, W.i64_shl); set(b, L_VB);
    get(b, P_ST); mem(b, W.i32_load, 2, ST_TAGR); set(b, L_TR);
    get(b, P_ST); mem(b, W.i32_load, 2, ST_TAGW); set(b, L_TW);
    get(b, P_ST); mem(b, W.i32_load, 2, ST_PAD); set(b, L_PD);
    for (const r of this.used) { get(b, P_ST); mem(b, W.i64_load, 3, ST_X + 8 * r); set(b, L_X + r); }
    this.fp.prologue();
    b.u8(W.block); b.u8(BLOCK_VOID); // $exit
    b.u8(W.loop); b.u8(BLOCK_VOID); // $dispatch
    for (let i = 0; i < this.k; i++) { b.u8(W.block); b.u8(BLOCK_VOID); }
    get(b, L_BLOCK);
    b.u8(W.br_table); b.uleb(this.k); for (let i = 0; i < this.k; i++) b.uleb(i); b.uleb(0);
    for (let i = 0; i < this.k; i++) {
      b.u8(W.end);
      this.cur = i;
      this.extra = 0;
      this.block(this.r.blocks[i]!);
    }
    b.u8(W.end); // $dispatch (every block ends with a br, so nothing falls out)
    b.u8(W.end); // $exit
    // Epilogue: registers written, pc and count back to the exchange area.
    for (const r of this.written) { get(b, P_ST); get(b, L_X + r); mem(b, W.i64_store, 3, ST_X + 8 * r); }
    this.fp.epilogue();
    get(b, P_ST); get(b, L_PC); mem(b, W.i64_store, 3, ST_PC);
    get(b, P_ST); get(b, L_N); mem(b, W.i32_store, 2, ST_N);
    get(b, L_CODE);
    b.u8(W.end);
    return { locals: [[I32_LOCALS, T_I32], [I64_LOCALS, T_I64], ...this.fp.locals()], body: b };
  }

  /**
   * Returns EXIT_MISS unless this function is valid, the TLB maps P_VPN executable to its frame,
   * and P_OFF starts one of its blocks, whose index it leaves in L_BLOCK.
   */
  private entryCheck(): void {
    const b = this.b, k = this.k;
    global0(b); op(b, W.i32_eqz);
    get(b, P_VPN); i32c(b, 1023); op(b, W.i32_and); i32c(b, 2); op(b, W.i32_shl); set(b, L_E);
    get(b, P_ST); mem(b, W.i32_load, 2, ST_TAGX); get(b, L_E); op(b, W.i32_add); mem(b, W.i32_load, 2);
    get(b, P_VPN); op(b, W.i32_ne); op(b, W.i32_or);
    get(b, P_ST); mem(b, W.i32_load, 2, ST_PAX); get(b, L_E); op(b, W.i32_add); mem(b, W.i32_load, 2);
    i32c(b, 12); op(b, W.i32_shr_u); i32c(b, this.frame); op(b, W.i32_ne); op(b, W.i32_or);
    b.u8(W.if); b.u8(BLOCK_VOID); i32c(b, EXIT_MISS); op(b, W.return); b.u8(W.end);
    // off -> block: a br_table over the halfwords from the lowest block start to the highest.
    let min = 4096, max = 0;
    for (const bl of this.r.blocks) { min = Math.min(min, bl.start); max = Math.max(max, bl.start); }
    const span = ((max - min) >> 1) + 1;
    const target = new Array<number>(span).fill(k); // k: the $miss label
    for (let i = 0; i < k; i++) target[(this.r.blocks[i]!.start - min) >> 1] = i;
    b.u8(W.block); b.u8(BLOCK_VOID); // $found
    b.u8(W.block); b.u8(BLOCK_VOID); // $miss
    for (let i = 0; i < k; i++) { b.u8(W.block); b.u8(BLOCK_VOID); }
    // An odd off gets bit 31 set, which no entry of the table reaches.
    get(b, P_OFF); i32c(b, min); op(b, W.i32_sub); i32c(b, 1); op(b, W.i32_shr_u);
    get(b, P_OFF); i32c(b, 31); op(b, W.i32_shl); op(b, W.i32_or);
    b.u8(W.br_table); b.uleb(span); for (const t of target) b.uleb(t); b.uleb(k);
    for (let i = 0; i < k; i++) {
      b.u8(W.end);
      i32c(b, i); set(b, L_BLOCK); b.u8(W.br); b.uleb(k - i);
    }
    b.u8(W.end); // $miss
    i32c(b, EXIT_MISS); op(b, W.return);
    b.u8(W.end); // $found
  }

  /** Depth of the $exit label from the current position. */
  private exitDepth(): number { return this.k - this.cur + this.extra; }
  /** Depth of the $dispatch loop from the current position. */
  private dispatchDepth(): number { return this.k - 1 - this.cur + this.extra; }

  /** Exits with pc = page base + off, code, after un-counting `uncount` instructions. */
  exitAt(off: number, code: number, uncount: number): void {
    const b = this.b;
    if (uncount !== 0) { get(b, L_N); i32c(b, uncount); op(b, W.i32_sub); set(b, L_N); }
    get(b, L_VB); i64c(b, off); op(b, W.i64_add); set(b, L_PC);
    i32c(b, code); set(b, L_CODE);
    b.u8(W.br); b.uleb(this.exitDepth());
  }

  /** Continues at page offset off: a block of the region, or an exit to the dispatcher. */
  private goto(off: number): void {
    const idx = (off & 1) === 0 && off >= 0 && off < 4096 ? this.r.index.get(off) : undefined;
    if (idx === undefined) { this.exitAt(off, EXIT_NEXT, 0); return; }
    const b = this.b;
    i32c(b, idx); set(b, L_BLOCK);
    b.u8(W.br); b.uleb(this.dispatchDepth());
  }

  /** Opens an if (the condition is on the stack). */
  private ifOpen(): void { this.b.u8(W.if); this.b.u8(BLOCK_VOID); this.extra++; }
  /** Closes the innermost if. */
  private ifClose(): void { this.b.u8(W.end); this.extra--; }

  /** Pushes x[r] (0 for x0). */
  rx(r: number): void {
    if (r === 0) i64c(this.b, 0); else get(this.b, L_X + r);
  }

  private block(bl: Block): void {
    const b = this.b, len = bl.offs.length;
    // The budget check: the whole block must fit.
    if (len > 0) {
      get(b, L_N); i32c(b, len); op(b, W.i32_add); tee(b, L_N); get(b, P_BUDGET); op(b, W.i32_gt_u);
      this.ifOpen();
      this.exitAt(bl.start, EXIT_BUDGET, len);
      this.ifClose();
    }
    for (let i = 0; i < len; i++) this.insn(bl.offs[i]!, bl.infos[i]!, bl.imms[i]!, len - i);
    const last = len > 0 ? bl.infos[len - 1]! & 0xff : -1;
    switch (bl.end) {
      case End.Fall: this.goto(bl.next); break;
      case End.Interp: this.exitAt(bl.next, EXIT_INTERP, 0); break;
      default:
        // Branch, jal and jalr emitted their own control transfer.
        if (last < 0) throw new Error('empty block with a control-transfer end');
    }
  }

  /** Emits one instruction at page offset off; `left` is this and the block's later instructions. */
  private insn(off: number, w: number, imm: number, left: number): void {
    const b = this.b;
    const o = w & 0xff;
    const rd = (w >>> 8) & 63, rs1 = (w >>> 14) & 31, rs2 = (w >>> 19) & 31;
    const len = w & INFO_COMPRESSED ? 2 : 4;
    const d = L_X + (rd === 0 ? 32 : rd);
    switch (o) {
      case Op.NOP: case Op.FENCE: case Op.FENCE_I: return;
      case Op.ECALL: this.exitAt(off, EXIT_ECALL, 0); return;
      case Op.EBREAK: this.exitAt(off, EXIT_EBREAK, 0); return;
      case Op.LUI: i64c(b, imm); set(b, d); return;
      case Op.AUIPC: get(b, L_VB); i64c(b, off + imm); op(b, W.i64_add); set(b, d); return;
      case Op.JAL:
        get(b, L_VB); i64c(b, off + len); op(b, W.i64_add); set(b, d);
        this.goto(off + imm);
        return;
      case Op.JALR:
        this.rx(rs1); i64c(b, imm); op(b, W.i64_add); i64c(b, -2); op(b, W.i64_and); set(b, L_PC);
        get(b, L_VB); i64c(b, off + len); op(b, W.i64_add); set(b, d);
        i32c(b, EXIT_NEXT); set(b, L_CODE);
        b.u8(W.br); b.uleb(this.exitDepth());
        return;
      case Op.BEQ: case Op.BNE: case Op.BLT: case Op.BGE: case Op.BLTU: case Op.BGEU:
        this.rx(rs1); this.rx(rs2);
        op(b, [W.i64_eq, W.i64_ne, W.i64_lt_s, W.i64_ge_s, W.i64_lt_u, W.i64_ge_u][o - Op.BEQ]!);
        this.ifOpen();
        this.goto(off + imm);
        this.ifClose();
        this.goto(off + len);
        return;
      case Op.LB: case Op.LH: case Op.LW: case Op.LD: case Op.LBU: case Op.LHU: case Op.LWU: {
        const size = o === Op.LD ? 8 : o === Op.LW || o === Op.LWU ? 4 : o === Op.LB || o === Op.LBU ? 1 : 2;
        this.address(rs1, imm, size, L_TR, off, left);
        const [lop, al] = o === Op.LB ? [W.i64_load8_s, 0] : o === Op.LBU ? [W.i64_load8_u, 0]
          : o === Op.LH ? [W.i64_load16_s, 1] : o === Op.LHU ? [W.i64_load16_u, 1]
            : o === Op.LW ? [W.i64_load32_s, 2] : o === Op.LWU ? [W.i64_load32_u, 2] : [W.i64_load, 3];
        get(b, L_A); mem(b, lop, al); set(b, d);
        return;
      }
      case Op.SB: case Op.SH: case Op.SW: case Op.SD: {
        const size = o === Op.SD ? 8 : o === Op.SW ? 4 : o === Op.SB ? 1 : 2;
        this.address(rs1, imm, size, L_TW, off, left);
        get(b, L_A); this.rx(rs2);
        const [sop, al] = o === Op.SB ? [W.i64_store8, 0] : o === Op.SH ? [W.i64_store16, 1]
          : o === Op.SW ? [W.i64_store32, 2] : [W.i64_store, 3];
        mem(b, sop, al);
        return;
      }
      case Op.ADDI: this.rx(rs1); i64c(b, imm); op(b, W.i64_add); set(b, d); return;
      case Op.SLTI: this.rx(rs1); i64c(b, imm); op(b, W.i64_lt_s); op(b, W.i64_extend_i32_u); set(b, d); return;
      case Op.SLTIU: this.rx(rs1); i64c(b, imm); op(b, W.i64_lt_u); op(b, W.i64_extend_i32_u); set(b, d); return;
      case Op.XORI: this.rx(rs1); i64c(b, imm); op(b, W.i64_xor); set(b, d); return;
      case Op.ORI: this.rx(rs1); i64c(b, imm); op(b, W.i64_or); set(b, d); return;
      case Op.ANDI: this.rx(rs1); i64c(b, imm); op(b, W.i64_and); set(b, d); return;
      case Op.SLLI: this.rx(rs1); i64c(b, imm & 63); op(b, W.i64_shl); set(b, d); return;
      case Op.SRLI: this.rx(rs1); i64c(b, imm & 63); op(b, W.i64_shr_u); set(b, d); return;
      case Op.SRAI: this.rx(rs1); i64c(b, imm & 63); op(b, W.i64_shr_s); set(b, d); return;
      case Op.ADDIW: this.w32(rs1, () => { i32c(b, imm); op(b, W.i32_add); }, d); return;
      case Op.SLLIW: this.w32(rs1, () => { i32c(b, imm & 31); op(b, W.i32_shl); }, d); return;
      case Op.SRLIW: this.w32(rs1, () => { i32c(b, imm & 31); op(b, W.i32_shr_u); }, d); return;
      case Op.SRAIW: this.w32(rs1, () => { i32c(b, imm & 31); op(b, W.i32_shr_s); }, d); return;
      case Op.ADD: this.rr(rs1, rs2, W.i64_add, d); return;
      case Op.SUB: this.rr(rs1, rs2, W.i64_sub, d); return;
      case Op.SLL: this.rr(rs1, rs2, W.i64_shl, d); return;
      case Op.SRL: this.rr(rs1, rs2, W.i64_shr_u, d); return;
      case Op.SRA: this.rr(rs1, rs2, W.i64_shr_s, d); return;
      case Op.XOR: this.rr(rs1, rs2, W.i64_xor, d); return;
      case Op.OR: this.rr(rs1, rs2, W.i64_or, d); return;
      case Op.AND: this.rr(rs1, rs2, W.i64_and, d); return;
      case Op.MUL: this.rr(rs1, rs2, W.i64_mul, d); return;
      case Op.SLT: this.rx(rs1); this.rx(rs2); op(b, W.i64_lt_s); op(b, W.i64_extend_i32_u); set(b, d); return;
      case Op.SLTU: this.rx(rs1); this.rx(rs2); op(b, W.i64_lt_u); op(b, W.i64_extend_i32_u); set(b, d); return;
      case Op.ADDW: this.rr32(rs1, rs2, W.i32_add, d); return;
      case Op.SUBW: this.rr32(rs1, rs2, W.i32_sub, d); return;
      case Op.SLLW: this.rr32(rs1, rs2, W.i32_shl, d); return;
      case Op.SRLW: this.rr32(rs1, rs2, W.i32_shr_u, d); return;
      case Op.SRAW: this.rr32(rs1, rs2, W.i32_shr_s, d); return;
      case Op.MULW: this.rr32(rs1, rs2, W.i32_mul, d); return;
      case Op.MULHU: this.mulh(rs1, rs2, d, false, false); return;
      case Op.MULH: this.mulh(rs1, rs2, d, true, true); return;
      case Op.MULHSU: this.mulh(rs1, rs2, d, true, false); return;
      case Op.DIV: case Op.DIVU: case Op.REM: case Op.REMU: this.div64(o, rs1, rs2, d); return;
      case Op.DIVW: case Op.DIVUW: case Op.REMW: case Op.REMUW: this.div32(o, rs1, rs2, d); return;
      case Op.CSRRW: case Op.CSRRS: case Op.CSRRC: case Op.CSRRWI: case Op.CSRRSI: case Op.CSRRCI:
        if ((imm & 0xfff) !== CSR_CYCLE && (imm & 0xfff) !== CSR_INSTRET) { emitCsr(this, this.lay, this.fp, o, d, rs1, imm & 0xfff, off, left); return; }
        // Reads of cycle and instret (region.ts): the count through this instruction.
        get(b, P_ST); mem(b, W.i64_load, 3, ST_INSTRET);
        get(b, L_N); i32c(b, left - 1); op(b, W.i32_sub); op(b, W.i64_extend_i32_u); op(b, W.i64_add);
        set(b, d);
        return;
      default:
        if (o >= Op.LR_W && o <= Op.AMOMAXU_D) { this.atomic(o, rs1, rs2, d, off, left); return; }
        if (fpUse(o) !== 0) { this.fp.insn(o, rd, rs1, rs2, (w >>> 24) & 31, imm, off, left); return; }
        throw new Error(`translator: unexpected op ${o}`);
    }
  }

  /**
   * An AMO or LR/SC at x[rs1]: inline when the address is aligned and the TLB has it readable
   * (and, but for LR, writable); otherwise exits to the interpreter at this instruction, which
   * raises the misaligned trap or fault or takes the miss path. The reservation is the
   * interpreter's: a pool offset in the exchange area, set by LR, taken by SC.
   */
  private atomic(o: number, rs1: number, rs2: number, d: number, off: number, left: number): void {
    const b = this.b;
    const word = o <= Op.AMOMAXU_W;
    const k = o - (word ? Op.LR_W : Op.LR_D); // 0 LR, 1 SC, 2 SWAP, 3 ADD, 4 XOR, 5 AND, 6 OR, 7 MIN, 8 MAX, 9 MINU, 10 MAXU
    this.rx(rs1); set(b, L_T0);
    get(b, L_T0); op(b, W.i32_wrap_i64); i32c(b, word ? 3 : 7); op(b, W.i32_and);
    get(b, L_T0); i64c(b, 38); op(b, W.i64_shr_u); op(b, W.i64_eqz); op(b, W.i32_eqz); op(b, W.i32_or);
    get(b, L_T0); i64c(b, 12); op(b, W.i64_shr_u); op(b, W.i32_wrap_i64); tee(b, L_A);
    i32c(b, 1023); op(b, W.i32_and); i32c(b, 2); op(b, W.i32_shl); set(b, L_E);
    get(b, L_TR); get(b, L_E); op(b, W.i32_add); mem(b, W.i32_load, 2); get(b, L_A); op(b, W.i32_ne); op(b, W.i32_or);
    if (k !== 0) { get(b, L_TW); get(b, L_E); op(b, W.i32_add); mem(b, W.i32_load, 2); get(b, L_A); op(b, W.i32_ne); op(b, W.i32_or); }
    this.ifOpen();
    this.exitAt(off, EXIT_INTERP, left);
    this.ifClose();
    get(b, L_PD); get(b, L_E); op(b, W.i32_add); mem(b, W.i32_load, 2);
    get(b, L_T0); op(b, W.i32_wrap_i64); i32c(b, 0xfff); op(b, W.i32_and); op(b, W.i32_or); set(b, L_A);
    const load = (): void => { get(b, L_A); mem(b, word ? W.i64_load32_s : W.i64_load, word ? 2 : 3); };
    const store = (): void => { mem(b, word ? W.i64_store32 : W.i64_store, word ? 2 : 3); };
    if (k === 0) { // LR
      load(); set(b, d);
      get(b, P_ST); get(b, L_A); mem(b, W.i32_store, 2, ST_RES);
      return;
    }
    if (k === 1) { // SC: succeeds (rd = 0) only on the reserved address; the reservation goes either way
      get(b, P_ST); mem(b, W.i32_load, 2, ST_RES); get(b, L_A); op(b, W.i32_eq);
      b.u8(W.if); b.u8(T_I64);
      get(b, L_A); this.rx(rs2); store(); i64c(b, 0);
      b.u8(W.else); i64c(b, 1); b.u8(W.end);
      set(b, d);
      get(b, P_ST); i32c(b, -1); mem(b, W.i32_store, 2, ST_RES);
      return;
    }
    // old in T1, rs2 in T2 (sign-extended from 32 bits for the W forms, so compares work on i64)
    load(); set(b, L_T1);
    this.rx(rs2); if (word) { op(b, W.i32_wrap_i64); op(b, W.i64_extend_i32_s); } set(b, L_T2);
    get(b, L_A);
    switch (k) {
      case 2: get(b, L_T2); break;
      case 3: get(b, L_T1); get(b, L_T2); op(b, W.i64_add); break;
      case 4: get(b, L_T1); get(b, L_T2); op(b, W.i64_xor); break;
      case 5: get(b, L_T1); get(b, L_T2); op(b, W.i64_and); break;
      case 6: get(b, L_T1); get(b, L_T2); op(b, W.i64_or); break;
      default: {
        // min/max: select(old, new, old < new) for MIN/MINU, the reverse for MAX/MAXU; the
        // unsigned W forms compare the zero-extended words.
        const unsigned = k >= 9;
        get(b, L_T1); get(b, L_T2);
        if (unsigned && word) {
          get(b, L_T1); op(b, W.i32_wrap_i64); get(b, L_T2); op(b, W.i32_wrap_i64); op(b, W.i32_lt_u);
        } else {
          get(b, L_T1); get(b, L_T2); op(b, unsigned ? W.i64_lt_u : W.i64_lt_s);
        }
        if (k === 8 || k === 10) op(b, W.i32_eqz);
        op(b, W.select);
      }
    }
    store();
    get(b, L_T1); set(b, d);
  }

  /** rd = rs1 OP rs2 on i64. */
  private rr(rs1: number, rs2: number, o: W, d: number): void {
    this.rx(rs1); this.rx(rs2); op(this.b, o); set(this.b, d);
  }

  /** rd = sext32(lo32(rs1) OP lo32(rs2)). */
  private rr32(rs1: number, rs2: number, o: W, d: number): void {
    const b = this.b;
    this.rx(rs1); op(b, W.i32_wrap_i64); this.rx(rs2); op(b, W.i32_wrap_i64); op(b, o);
    op(b, W.i64_extend_i32_s); set(b, d);
  }

  /** rd = sext32(f(lo32(rs1))) where f emits the operation on the i32 on the stack. */
  private w32(rs1: number, f: () => void, d: number): void {
    const b = this.b;
    this.rx(rs1); op(b, W.i32_wrap_i64); f(); op(b, W.i64_extend_i32_s); set(b, d);
  }

  /**
   * Computes the pool address of a `size`-byte access at x[rs1] + imm into L_A through the TLB
   * tags at local `tags` (tagR or tagW); on a miss, an address beyond the address space or an
   * access that crosses a page, exits to the interpreter at this instruction.
   */
  address(rs1: number, imm: number, size: number, tags: number, off: number, left: number): void {
    const b = this.b;
    this.rx(rs1); i64c(b, imm); op(b, W.i64_add); tee(b, L_T0);
    i64c(b, 12); op(b, W.i64_shr_u); op(b, W.i32_wrap_i64); tee(b, L_A); // vpn (low 32 bits)
    i32c(b, 1023); op(b, W.i32_and); i32c(b, 2); op(b, W.i32_shl); set(b, L_E);
    // hit = tag[e] == vpn && addr < 2^38 && (addr & 0xfff) <= 4096 - size
    get(b, tags); get(b, L_E); op(b, W.i32_add); mem(b, W.i32_load, 2); get(b, L_A); op(b, W.i32_eq);
    get(b, L_T0); i64c(b, 38); op(b, W.i64_shr_u); op(b, W.i64_eqz); op(b, W.i32_and);
    if (size > 1) {
      get(b, L_T0); op(b, W.i32_wrap_i64); i32c(b, 0xfff); op(b, W.i32_and); i32c(b, 4096 - size); op(b, W.i32_le_u);
      op(b, W.i32_and);
    }
    op(b, W.i32_eqz);
    this.ifOpen();
    this.exitAt(off, EXIT_INTERP, left);
    this.ifClose();
    get(b, L_PD); get(b, L_E); op(b, W.i32_add); mem(b, W.i32_load, 2);
    get(b, L_T0); op(b, W.i32_wrap_i64); i32c(b, 0xfff); op(b, W.i32_and); op(b, W.i32_or); set(b, L_A);
  }

  /** rd = the high 64 bits of rs1 * rs2 (signedness of each operand given), from 32-bit partial products. */
  private mulh(rs1: number, rs2: number, d: number, aSigned: boolean, bSigned: boolean): void {
    const b = this.b;
    const lo = (): void => { b.u8(W.i64_const); b.sleb64(LO32); op(b, W.i64_and); };
    this.rx(rs1); set(b, L_T0);
    this.rx(rs2); set(b, L_T1);
    // a0*b0, a0*b1, a1*b0 with a1, b1 the unsigned high halves
    get(b, L_T0); lo(); get(b, L_T1); lo(); op(b, W.i64_mul); set(b, L_T2);           // p00
    get(b, L_T0); lo(); get(b, L_T1); i64c(b, 32); op(b, W.i64_shr_u); op(b, W.i64_mul); set(b, L_T3); // p01
    get(b, L_T0); i64c(b, 32); op(b, W.i64_shr_u); get(b, L_T1); lo(); op(b, W.i64_mul); set(b, L_T4); // p10
    // mid = (p00 >> 32) + lo(p01) + lo(p10)
    get(b, L_T2); i64c(b, 32); op(b, W.i64_shr_u);
    get(b, L_T3); lo(); op(b, W.i64_add);
    get(b, L_T4); lo(); op(b, W.i64_add); set(b, L_T5);
    // hi = a1*b1 + (p01 >> 32) + (p10 >> 32) + (mid >> 32)
    get(b, L_T0); i64c(b, 32); op(b, W.i64_shr_u); get(b, L_T1); i64c(b, 32); op(b, W.i64_shr_u); op(b, W.i64_mul);
    get(b, L_T3); i64c(b, 32); op(b, W.i64_shr_u); op(b, W.i64_add);
    get(b, L_T4); i64c(b, 32); op(b, W.i64_shr_u); op(b, W.i64_add);
    get(b, L_T5); i64c(b, 32); op(b, W.i64_shr_u); op(b, W.i64_add);
    // signed corrections: - (a < 0 ? b : 0) - (b < 0 ? a : 0)
    if (aSigned) { get(b, L_T1); get(b, L_T0); i64c(b, 63); op(b, W.i64_shr_s); op(b, W.i64_and); op(b, W.i64_sub); }
    if (bSigned) { get(b, L_T0); get(b, L_T1); i64c(b, 63); op(b, W.i64_shr_s); op(b, W.i64_and); op(b, W.i64_sub); }
    set(b, d);
  }

  /** 64-bit division and remainder with RISC-V results for a zero divisor and overflow. */
  private div64(o: number, rs1: number, rs2: number, d: number): void {
    const b = this.b;
    this.rx(rs1); set(b, L_T0);
    this.rx(rs2); set(b, L_T1);
    get(b, L_T1); op(b, W.i64_eqz);
    b.u8(W.if); b.u8(T_I64);
    if (o === Op.DIV || o === Op.DIVU) i64c(b, -1); else get(b, L_T0);
    b.u8(W.else);
    if (o === Op.DIV) {
      // MIN / -1 overflows (a wasm trap): the result is MIN, which is also what 0 - MIN gives.
      get(b, L_T1); i64c(b, -1); op(b, W.i64_eq);
      b.u8(W.if); b.u8(T_I64);
      i64c(b, 0); get(b, L_T0); op(b, W.i64_sub);
      b.u8(W.else);
      get(b, L_T0); get(b, L_T1); op(b, W.i64_div_s);
      b.u8(W.end);
    } else {
      get(b, L_T0); get(b, L_T1);
      op(b, o === Op.DIVU ? W.i64_div_u : o === Op.REM ? W.i64_rem_s : W.i64_rem_u);
    }
    b.u8(W.end);
    set(b, d);
  }

  /** 32-bit division and remainder (W forms), sign-extended. */
  private div32(o: number, rs1: number, rs2: number, d: number): void {
    const b = this.b;
    this.rx(rs1); op(b, W.i32_wrap_i64); set(b, L_A);
    this.rx(rs2); op(b, W.i32_wrap_i64); set(b, L_E);
    get(b, L_E); op(b, W.i32_eqz);
    b.u8(W.if); b.u8(T_I32);
    if (o === Op.DIVW || o === Op.DIVUW) i32c(b, -1); else get(b, L_A);
    b.u8(W.else);
    if (o === Op.DIVW) {
      get(b, L_E); i32c(b, -1); op(b, W.i32_eq);
      b.u8(W.if); b.u8(T_I32);
      i32c(b, 0); get(b, L_A); op(b, W.i32_sub);
      b.u8(W.else);
      get(b, L_A); get(b, L_E); op(b, W.i32_div_s);
      b.u8(W.end);
    } else {
      get(b, L_A); get(b, L_E);
      op(b, o === Op.DIVUW ? W.i32_div_u : o === Op.REMW ? W.i32_rem_s : W.i32_rem_u);
    }
    b.u8(W.end);
    op(b, W.i64_extend_i32_s);
    set(b, d);
  }
}

/** True for ops that read rs2 (R-type ALU, stores, branches). */
function usesRs2(o: number): boolean {
  return (o >= Op.BEQ && o <= Op.BGEU) || (o >= Op.SB && o <= Op.SD) || (o >= Op.ADD && o <= Op.AND) ||
    (o >= Op.ADDW && o <= Op.SRAW) || (o >= Op.MUL && o <= Op.REMUW) || (o >= Op.SC_W && o <= Op.AMOMAXU_W) ||
    (o >= Op.SC_D && o <= Op.AMOMAXU_D);
}

/** True for ops that write rd. */
function writesRd(o: number): boolean {
  return !((o >= Op.BEQ && o <= Op.BGEU) || (o >= Op.SB && o <= Op.SD) || o === Op.NOP || o === Op.FENCE || o === Op.FENCE_I ||
    o === Op.ECALL || o === Op.EBREAK);
}
