// Code generation for F and D (emit.ts calls in for ops FLW..FCVT_D_S): loads and stores through
// the TLB like integer ones, and arithmetic, conversions, compares and moves.
//
// f0..f31 live in f64 locals holding the registers' raw bits (wasm loads, stores, locals,
// reinterpretations and the integer ops used on them never change a NaN's bits); singles are
// NaN-boxed there as in the hart (high word all ones). fflags and frm live in i32 locals. The
// exchange area holds all three across exits (fp_helpers.ts's layout).
//
// Exactness: each arithmetic op inlines the interpreter's own round-to-nearest fast path (src/cpu/fp:
// the same binary64 operations in the same order, the same range tests, the same error-free
// transforms for the inexact flag), so whenever that path would commit a result this code
// commits the same bits and flags. Every other case (another rounding mode, an invalid dynamic
// frm, NaNs, results that may be tiny or overflow) spills the operands to the exchange area and
// calls the interpreter's execFp through the imported "fp" function, which returns the flags it
// raised or -1 for an illegal op; on -1 the instruction exits to the interpreter, which raises
// SIGILL at it exactly as it would have anyway.
import { Op } from '../ops.js';
import { FP_IMPORT, ST_F, ST_FFLAGS, ST_FRM } from './fp_helpers.js';
import { type Bytes, f64c, get, i32c, i64c, i64cBig, mem, op, set, T_F64, T_I32, T_I64, tee, W } from './wasm.js';

/** What emit_fp.ts needs from the region emitter (emit.ts). */
export interface FpHost {
  readonly b: Bytes;
  /** Wasm blocks and ifs open inside the current guest block's code (exit depths count them). */
  extra: number;
  /** Pushes x[r] (0 for x0). */
  rx(r: number): void;
  /** Exits with pc = page base + off and code, un-counting `uncount` instructions. */
  exitAt(off: number, code: number, uncount: number): void;
  /** Leaves the pool address of a size-byte access at x[rs1] + imm in local lay.a, or exits to
   *  the interpreter at this instruction (miss, page crossing). */
  address(rs1: number, imm: number, size: number, tags: number, off: number, left: number): void;
}

/** Local indices and constants of the region emitter that this code uses. */
export interface FpLayout {
  st: number;        // the exchange area's pool offset (a parameter)
  a: number;         // i32 scratch holding a pool address after address()
  tr: number;        // the TLB's read and write tag arrays
  tw: number;
  x: number;         // x_r is local x + r (r = 1..32)
  stX: number;       // exchange-area offset of x0
  exitInterp: number; // the exit code "run the instruction at pc in the interpreter"
}

/** Register-use bits of an F/D op. */
const RS1_X = 1, RS1_F = 2, RS2_F = 4, RS3_F = 8, RD_X = 16, RD_F = 32;

/** Returns the register-use bits of op o (FLW..FCVT_D_S); 0 for other ops. */
export function fpUse(o: number): number {
  if (o === Op.FLW || o === Op.FLD) return RS1_X | RD_F;
  if (o === Op.FSW || o === Op.FSD) return RS1_X | RS2_F;
  if (o < Op.FMADD_S || o > Op.FCVT_D_S) return 0;
  if (o >= Op.FMADD_D) o -= Op.FMADD_D - Op.FMADD_S; // the D ops repeat the S ops' order
  if (o <= Op.FNMADD_S) return RS1_F | RS2_F | RS3_F | RD_F;
  if (o === Op.FSQRT_S) return RS1_F | RD_F;
  if (o <= Op.FMAX_S) return RS1_F | RS2_F | RD_F;
  if (o <= Op.FMV_X_W) return RS1_F | RD_X;
  if (o <= Op.FLE_S) return RS1_F | RS2_F | RD_X;
  if (o === Op.FCLASS_S) return RS1_F | RD_X;
  if (o <= Op.FMV_W_X) return RS1_X | RD_F;
  return RS1_F | RD_F; // FCVT_S_D, FCVT_D_S (past the folded range, but both read f and write f)
}

/** True when op o reads x[rs1] / writes x[rd] (F/D ops only). */
export function fpReadsX1(o: number): boolean { return (fpUse(o) & RS1_X) !== 0; }
export function fpWritesX(o: number): boolean { return (fpUse(o) & RD_X) !== 0; }

/** Constants of the interpreter's fast paths (src/cpu/fp/arith_d.ts, arith_s.ts, convert.ts, eft.ts). */
const MIN_NORMAL_D = 2 ** -1022;
const SPLIT_LIMIT = 2 ** 995;
const EFT_FLOOR = 2 ** -960;
const FMA_CEIL = 2 ** 1000;
const MIN_NORMAL_S = 2 ** -126;
const SPLITTER = 134217729;
const TWO53 = 2 ** 53;
const BOX = -0x100000000n; // 0xffffffff00000000: a NaN-boxed single's high word
const SIGN64 = -0x8000000000000000n;
const MAG64 = 0x7fffffffffffffffn;
const RM_RNE = 0, RM_RTZ = 1, RM_DYN = 7, RM_MAX_VALID = 4;

/** f64 scratch locals: operands and intermediates (0..13), twoSum's (14), twoProd's (15..19). */
const SCRATCH = 20;
const S_BB = 14, S_T = 15, S_AH = 16, S_AL = 17, S_BH = 18, S_BL = 19;

/** What an op's inline path needs of the rounding mode. */
const enum Need { Rne, Valid, None }

export class FpEmit {
  /** f registers the region reads or writes, and writes. */
  private readonly fUsed = new Set<number>();
  private readonly fWritten = new Set<number>();
  /** Whether the region has F/D ops or fcsr accesses (fflags and frm locals needed). */
  touched = false;
  private readonly lF: number;
  private readonly lD: number;
  readonly lFF: number;
  readonly lFRM: number;
  readonly lI0: number;
  readonly lI1: number;
  private readonly lQ0: number;
  /** Labels ($done, $slow) of the op being emitted, as host.extra levels. */
  private done = 0;
  private slow = 0;

  /** base: the first free local index of the function. */
  constructor(private readonly h: FpHost, private readonly lay: FpLayout, base: number) {
    this.lF = base;
    this.lD = base + 32;
    this.lFF = base + 32 + SCRATCH;
    this.lFRM = this.lFF + 1;
    this.lI0 = this.lFF + 2;
    this.lI1 = this.lFF + 3;
    this.lQ0 = this.lFF + 4;
  }

  /** The locals this code adds, as (count, type) runs after the emitter's. */
  locals(): [number, number][] {
    return [[32 + SCRATCH, T_F64], [4, T_I32], [1, T_I64]];
  }

  /** The first f64 scratch local (free between instructions). */
  get lD0(): number { return this.lD; }

  /** Notes that the region reads or writes fflags or frm (a CSR access). */
  touch(): void { this.touched = true; }

  /** Records the registers op o (decoded fields rd, rs1, rs2, rs3) uses. */
  scan(o: number, rd: number, rs1: number, rs2: number, rs3: number): void {
    const u = fpUse(o);
    if (u === 0) return;
    this.touched = true;
    if (u & RS1_F) this.fUsed.add(rs1);
    if (u & RS2_F) this.fUsed.add(rs2);
    if (u & RS3_F) this.fUsed.add(rs3);
    if (u & RD_F) { this.fUsed.add(rd); this.fWritten.add(rd); }
  }

  /** Loads the f registers used, fflags and frm from the exchange area. */
  prologue(): void {
    if (!this.touched) return;
    const b = this.h.b, st = this.lay.st;
    for (const r of this.fUsed) { get(b, st); mem(b, W.f64_load, 3, ST_F + 8 * r); set(b, this.lF + r); }
    get(b, st); mem(b, W.i32_load, 2, ST_FFLAGS); set(b, this.lFF);
    get(b, st); mem(b, W.i32_load, 2, ST_FRM); set(b, this.lFRM);
  }

  /** Stores the f registers written, fflags and frm back (at the function's one exit). */
  epilogue(): void {
    if (!this.touched) return;
    const b = this.h.b, st = this.lay.st;
    for (const r of this.fWritten) { get(b, st); get(b, this.lF + r); mem(b, W.f64_store, 3, ST_F + 8 * r); }
    get(b, st); get(b, this.lFF); mem(b, W.i32_store, 2, ST_FFLAGS);
    get(b, st); get(b, this.lFRM); mem(b, W.i32_store, 2, ST_FRM);
  }

  // ---- small emitters ----
  private o(...ops: W[]): void { for (const x of ops) op(this.h.b, x); }
  private f(r: number): void { get(this.h.b, this.lF + r); }
  private setF(r: number): void { set(this.h.b, this.lF + r); }
  private d(k: number): void { get(this.h.b, this.lD + k); }
  private setD(k: number): void { set(this.h.b, this.lD + k); }
  private teeD(k: number): void { tee(this.h.b, this.lD + k); }
  private c(v: number): void { f64c(this.h.b, v); }
  /** Pushes |D_k| < v (or <= etc.: the comparison given). */
  private absCmp(k: number, cmp: W, v: number): void { this.d(k); this.o(W.f64_abs); this.c(v); this.o(cmp); }
  /** Pushes f_r read as a single, widened (NaN when not NaN-boxed), as the interpreter's readS. */
  private s(r: number): void {
    const b = this.h.b;
    this.f(r); this.o(W.i64_reinterpret_f64); tee(b, this.lQ0);
    this.o(W.i32_wrap_i64, W.f32_reinterpret_i32, W.f64_promote_f32);
    this.c(NaN);
    get(b, this.lQ0); i64c(b, 32); this.o(W.i64_shr_u, W.i32_wrap_i64); i32c(b, -1); this.o(W.i32_eq);
    this.o(W.select);
  }
  /** Pops a binary32-representable f64 and writes it NaN-boxed to f_rd. */
  private setS(rd: number): void {
    this.o(W.f32_demote_f64);
    this.box32(rd);
  }
  /** Pops an f32 and writes its bits NaN-boxed to f_rd. */
  private box32(rd: number): void {
    this.o(W.i32_reinterpret_f32);
    this.boxBits(rd);
  }
  /** Pops single bits (i32) and writes them NaN-boxed to f_rd. */
  private boxBits(rd: number): void {
    this.o(W.i64_extend_i32_u); i64cBig(this.h.b, BOX); this.o(W.i64_or, W.f64_reinterpret_i64);
    this.setF(rd);
  }
  /** Pushes f_r's single bits (i32), the canonical NaN when not NaN-boxed (the interpreter's boxedBits). */
  private boxed(r: number): void {
    const b = this.h.b;
    this.f(r); this.o(W.i64_reinterpret_f64); tee(b, this.lQ0); this.o(W.i32_wrap_i64);
    i32c(b, 0x7fc00000);
    get(b, this.lQ0); i64c(b, 32); this.o(W.i64_shr_u, W.i32_wrap_i64); i32c(b, -1); this.o(W.i32_eq);
    this.o(W.select);
  }
  /** fflags |= NX (bit 0) when the i32 on the stack is 1 (it is 0 or 1). */
  private nxIf(): void {
    const b = this.h.b;
    get(b, this.lFF); this.o(W.i32_or); set(b, this.lFF);
  }
  /** fflags |= NX when compute() (which pushes 0 or 1) says so, computed only while NX is clear:
   *  the flag is sticky, so once set, the error-free transforms that only decide it are skipped. */
  private nxLazy(compute: () => void): void {
    get(this.h.b, this.lFF); i32c(this.h.b, 1); this.o(W.i32_and, W.i32_eqz);
    this.ifOpen(); compute(); this.nxIf(); this.close();
  }
  /** Pushes twoSumErr(a, b, s) (eft.ts) for scratch locals a, b, s. */
  private twoSum(a: number, bb: number, s: number): void {
    this.d(s); this.d(a); this.o(W.f64_sub); this.setD(S_BB);
    this.d(a); this.d(s); this.d(S_BB); this.o(W.f64_sub, W.f64_sub);
    this.d(bb); this.d(S_BB); this.o(W.f64_sub, W.f64_add);
  }
  /** Pushes twoProdErr(a, b, p) (eft.ts, Dekker with Veltkamp's split) for scratch locals a, b, p. */
  private twoProd(a: number, bb: number, p: number): void {
    this.c(SPLITTER); this.d(a); this.o(W.f64_mul); this.setD(S_T);
    this.d(S_T); this.d(S_T); this.d(a); this.o(W.f64_sub, W.f64_sub); this.setD(S_AH);
    this.d(a); this.d(S_AH); this.o(W.f64_sub); this.setD(S_AL);
    this.c(SPLITTER); this.d(bb); this.o(W.f64_mul); this.setD(S_T);
    this.d(S_T); this.d(S_T); this.d(bb); this.o(W.f64_sub, W.f64_sub); this.setD(S_BH);
    this.d(bb); this.d(S_BH); this.o(W.f64_sub); this.setD(S_BL);
    this.d(S_AL); this.d(S_BL); this.o(W.f64_mul);
    this.d(p); this.d(S_AH); this.d(S_BH); this.o(W.f64_mul, W.f64_sub);
    this.d(S_AL); this.d(S_BH); this.o(W.f64_mul, W.f64_sub);
    this.d(S_AH); this.d(S_BL); this.o(W.f64_mul, W.f64_sub);
    this.o(W.f64_sub);
  }
  /** Pushes toOdd(s, err) (eft.ts): s unless err != 0 and s's last bit is 0, then its neighbour on err's side. */
  private toOdd(s: number, err: number): void {
    const b = this.h.b;
    this.d(s);
    this.d(s); this.o(W.i64_reinterpret_f64);
    i64c(b, 1); i64c(b, -1);
    this.d(err); this.c(0); this.o(W.f64_gt); this.d(s); this.c(0); this.o(W.f64_gt); this.o(W.i32_eq);
    this.o(W.select, W.i64_add, W.f64_reinterpret_i64);
    this.d(err); this.c(0); this.o(W.f64_eq);
    this.d(s); this.o(W.i64_reinterpret_f64, W.i32_wrap_i64); i32c(b, 1); this.o(W.i32_and, W.i32_or);
    this.o(W.select);
  }
  /** Pushes Math.fround(D_k). */
  private fround(k: number): void { this.d(k); this.o(W.f32_demote_f64, W.f64_promote_f32); }
  /** Pushes the interpreter's safe(D_k) for singles: MIN_NORMAL_S < |r| < inf. */
  private safeS(k: number): void {
    this.absCmp(k, W.f64_gt, MIN_NORMAL_S); this.absCmp(k, W.f64_lt, Infinity); this.o(W.i32_and);
  }
  /** Pushes D_k == D_k (not NaN). */
  private eqSelf(k: number): void { this.d(k); this.d(k); this.o(W.f64_eq); }
  /** Pushes D_k == v. */
  private eq(k: number, v: number): void { this.d(k); this.c(v); this.o(W.f64_eq); }

  // ---- control ----
  private open(): void { this.h.b.u8(W.block); this.h.b.u8(0x40); this.h.extra++; }
  private ifOpen(): void { this.h.b.u8(W.if); this.h.b.u8(0x40); this.h.extra++; }
  private close(): void { this.h.b.u8(W.end); this.h.extra--; }
  private br(level: number): void { this.h.b.u8(W.br); this.h.b.uleb(this.h.extra - level); }
  private brIf(level: number): void { this.h.b.u8(W.br_if); this.h.b.uleb(this.h.extra - level); }
  /** Branches to the slow path unless the i32 on the stack is nonzero. */
  private orSlow(): void { this.o(W.i32_eqz); this.brIf(this.slow); }
  private toDone(): void { this.br(this.done); }

  /**
   * Emits op o: the inline path `fast` under the rounding-mode requirement `need` (it ends
   * every path with toDone() or a branch to the slow path), then the helper call.
   */
  private withSlow(o: number, rd: number, rs1: number, rs2: number, rs3: number, rm: number, need: Need, off: number,
    left: number, fast: () => void): void {
    const b = this.h.b;
    let inline = true;
    if (need === Need.Rne) inline = rm === RM_RNE || rm === RM_DYN;
    else if (need === Need.Valid) inline = rm <= RM_MAX_VALID || rm === RM_DYN;
    if (inline) {
      this.open(); const done = this.h.extra;
      this.open(); const slow = this.h.extra;
      this.done = done; this.slow = slow;
      if (rm === RM_DYN && need !== Need.None) {
        get(b, this.lFRM);
        if (need === Need.Valid) { i32c(b, RM_MAX_VALID); this.o(W.i32_gt_u); }
        this.brIf(slow);
      }
      fast();
      this.close();
      this.slowCall(o, rd, rs1, rs2, rs3, rm, off, left);
      this.close();
    } else {
      this.slowCall(o, rd, rs1, rs2, rs3, rm, off, left);
    }
  }

  /** Spills op o's sources, calls the interpreter's execFp, merges its flags and reloads rd. */
  private slowCall(o: number, rd: number, rs1: number, rs2: number, rs3: number, rm: number, off: number, left: number): void {
    const b = this.h.b, st = this.lay.st, u = fpUse(o);
    for (const [bit, r] of [[RS1_F, rs1], [RS2_F, rs2], [RS3_F, rs3]] as const) {
      if (u & bit) { get(b, st); this.f(r); mem(b, W.f64_store, 3, ST_F + 8 * r); }
    }
    if (u & RS1_X) { get(b, st); this.h.rx(rs1); mem(b, W.i64_store, 3, this.lay.stX + 8 * rs1); }
    i32c(b, o); i32c(b, rd); i32c(b, rs1); i32c(b, rs2); i32c(b, rs3);
    if (rm === RM_DYN) get(b, this.lFRM); else i32c(b, rm);
    b.u8(W.call); b.uleb(FP_IMPORT);
    tee(b, this.lI0); i32c(b, 0); this.o(W.i32_lt_s);
    this.ifOpen();
    this.h.exitAt(off, this.lay.exitInterp, left);
    this.close();
    get(b, this.lFF); get(b, this.lI0); this.o(W.i32_or); set(b, this.lFF);
    if (u & RD_F) { get(b, st); mem(b, W.f64_load, 3, ST_F + 8 * rd); this.setF(rd); }
    if (u & RD_X) { get(b, st); mem(b, W.i64_load, 3, this.lay.stX + 8 * rd); set(b, this.lay.x + rd); }
  }

  /** Emits F/D op o at page offset off (`left`: this and the block's later instructions). */
  insn(o: number, rd: number, rs1: number, rs2: number, rs3: number, imm: number, off: number, left: number): void {
    const b = this.h.b, lay = this.lay;
    const rm = imm & 7;
    const slowOnly = (): void => this.slowCall(o, rd, rs1, rs2, rs3, rm, off, left);
    const xd = lay.x + rd; // for ops writing x (rd is then 1..32)
    switch (o) {
      case Op.FLW: case Op.FLD:
        this.h.address(rs1, imm, o === Op.FLW ? 4 : 8, lay.tr, off, left);
        get(b, lay.a);
        if (o === Op.FLW) { mem(b, W.i32_load, 2); this.boxBits(rd); }
        else { mem(b, W.f64_load, 3); this.setF(rd); }
        return;
      case Op.FSW: case Op.FSD:
        this.h.address(rs1, imm, o === Op.FSW ? 4 : 8, lay.tw, off, left);
        get(b, lay.a); this.f(rs2);
        if (o === Op.FSW) { this.o(W.i64_reinterpret_f64); mem(b, W.i64_store32, 2); } else mem(b, W.f64_store, 3);
        return;
      case Op.FADD_D: case Op.FSUB_D: this.withSlow(o, rd, rs1, rs2, rs3, rm, Need.Rne, off, left, () => this.addD(rd, rs1, rs2, o === Op.FSUB_D)); return;
      case Op.FMUL_D: this.withSlow(o, rd, rs1, rs2, rs3, rm, Need.Rne, off, left, () => this.mulD(rd, rs1, rs2)); return;
      case Op.FDIV_D: this.withSlow(o, rd, rs1, rs2, rs3, rm, Need.Rne, off, left, () => this.divD(rd, rs1, rs2)); return;
      case Op.FSQRT_D: this.withSlow(o, rd, rs1, rs2, rs3, rm, Need.Rne, off, left, () => this.sqrtD(rd, rs1)); return;
      case Op.FMADD_D: case Op.FMSUB_D: case Op.FNMSUB_D: case Op.FNMADD_D:
        this.withSlow(o, rd, rs1, rs2, rs3, rm, Need.Rne, off, left,
          () => this.fmaD(rd, rs1, rs2, rs3, o === Op.FNMSUB_D || o === Op.FNMADD_D, o === Op.FMSUB_D || o === Op.FNMADD_D));
        return;
      case Op.FADD_S: case Op.FSUB_S: this.withSlow(o, rd, rs1, rs2, rs3, rm, Need.Rne, off, left, () => this.addS(rd, rs1, rs2, o === Op.FSUB_S)); return;
      case Op.FMUL_S: case Op.FDIV_S:
        this.withSlow(o, rd, rs1, rs2, rs3, rm, Need.Rne, off, left, () => this.mulDivS(rd, rs1, rs2, o === Op.FDIV_S));
        return;
      case Op.FSQRT_S: this.withSlow(o, rd, rs1, rs2, rs3, rm, Need.Rne, off, left, () => this.sqrtS(rd, rs1)); return;
      case Op.FMADD_S: case Op.FMSUB_S: case Op.FNMSUB_S: case Op.FNMADD_S:
        this.withSlow(o, rd, rs1, rs2, rs3, rm, Need.Rne, off, left,
          () => this.fmaS(rd, rs1, rs2, rs3, o === Op.FNMSUB_S || o === Op.FNMADD_S, o === Op.FMSUB_S || o === Op.FNMADD_S));
        return;
      case Op.FSGNJ_D: case Op.FSGNJN_D: case Op.FSGNJX_D: {
        const k = o - Op.FSGNJ_D;
        this.f(rs1); this.o(W.i64_reinterpret_f64);
        if (k !== 2) { i64cBig(b, MAG64); this.o(W.i64_and); }
        this.f(rs2); this.o(W.i64_reinterpret_f64); i64cBig(b, SIGN64); this.o(W.i64_and);
        if (k === 1) { i64cBig(b, SIGN64); this.o(W.i64_xor); }
        this.o(k === 2 ? W.i64_xor : W.i64_or, W.f64_reinterpret_i64);
        this.setF(rd);
        return;
      }
      case Op.FSGNJ_S: case Op.FSGNJN_S: case Op.FSGNJX_S: {
        const k = o - Op.FSGNJ_S;
        this.boxed(rs1);
        if (k !== 2) { i32c(b, 0x7fffffff); this.o(W.i32_and); }
        this.boxed(rs2); i32c(b, -0x80000000); this.o(W.i32_and);
        if (k === 1) { i32c(b, -0x80000000); this.o(W.i32_xor); }
        this.o(k === 2 ? W.i32_xor : W.i32_or);
        this.boxBits(rd);
        return;
      }
      case Op.FMIN_D: case Op.FMAX_D: case Op.FMIN_S: case Op.FMAX_S: {
        const single = o === Op.FMIN_S || o === Op.FMAX_S, max = o === Op.FMAX_D || o === Op.FMAX_S;
        this.withSlow(o, rd, rs1, rs2, rs3, rm, Need.None, off, left, () => {
          this.operands2(single, rs1, rs2);
          this.d(0); this.d(1); this.o(max ? W.f64_max : W.f64_min);
          if (single) this.setS(rd); else this.setF(rd);
          this.toDone();
        });
        return;
      }
      case Op.FEQ_D: case Op.FLT_D: case Op.FLE_D: case Op.FEQ_S: case Op.FLT_S: case Op.FLE_S: {
        const single = o <= Op.FLE_S, k = o - (single ? Op.FEQ_S : Op.FEQ_D);
        this.withSlow(o, rd, rs1, rs2, rs3, rm, Need.None, off, left, () => {
          this.operands2(single, rs1, rs2);
          this.d(0); this.d(1); this.o(k === 0 ? W.f64_eq : k === 1 ? W.f64_lt : W.f64_le, W.i64_extend_i32_u);
          set(b, xd);
          this.toDone();
        });
        return;
      }
      case Op.FCLASS_S: case Op.FCLASS_D: slowOnly(); return;
      case Op.FMV_X_W: this.f(rs1); this.o(W.i64_reinterpret_f64, W.i32_wrap_i64, W.i64_extend_i32_s); set(b, xd); return;
      case Op.FMV_X_D: this.f(rs1); this.o(W.i64_reinterpret_f64); set(b, xd); return;
      case Op.FMV_W_X: this.h.rx(rs1); this.o(W.i32_wrap_i64); this.boxBits(rd); return;
      case Op.FMV_D_X: this.h.rx(rs1); this.o(W.f64_reinterpret_i64); this.setF(rd); return;
      case Op.FCVT_S_D:
        this.withSlow(o, rd, rs1, rs2, rs3, rm, Need.Rne, off, left, () => {
          this.f(rs1); this.setD(0); this.fround(0); this.setD(1);
          this.safeS(1);
          this.ifOpen(); this.d(1); this.setS(rd); this.d(1); this.d(0); this.o(W.f64_ne); this.nxIf(); this.toDone(); this.close();
          this.eq(0, 0); this.orSlow(); this.d(0); this.setS(rd); this.toDone();
        });
        return;
      case Op.FCVT_D_S:
        this.withSlow(o, rd, rs1, rs2, rs3, rm, Need.Valid, off, left, () => {
          this.s(rs1); this.setD(0); this.eqSelf(0); this.orSlow();
          this.d(0); this.setF(rd); this.toDone();
        });
        return;
      default:
        if ((o >= Op.FCVT_W_S && o <= Op.FCVT_LU_S) || (o >= Op.FCVT_W_D && o <= Op.FCVT_LU_D)) { this.toInt(o, rd, rs1, rm, off, left); return; }
        if ((o >= Op.FCVT_S_W && o <= Op.FCVT_S_LU) || (o >= Op.FCVT_D_W && o <= Op.FCVT_D_LU)) { this.fromInt(o, rd, rs1, rm, off, left); return; }
        throw new Error(`translator: unexpected F/D op ${o}`);
    }
  }

  /** D_0, D_1 = the two operands (singles widened); branches to the slow path if either is NaN. */
  private operands2(single: boolean, rs1: number, rs2: number): void {
    if (single) this.s(rs1); else this.f(rs1);
    this.setD(0);
    if (single) this.s(rs2); else this.f(rs2);
    this.setD(1);
    this.eqSelf(0); this.eqSelf(1); this.o(W.i32_and);
    this.orSlow();
  }

  /** addD's fast path (arith_d.ts). */
  private addD(rd: number, rs1: number, rs2: number, neg: boolean): void {
    this.f(rs1); this.setD(0);
    this.f(rs2); if (neg) this.o(W.f64_neg); this.setD(1);
    this.d(0); this.d(1); this.o(W.f64_add); this.setD(2);
    this.d(2); this.d(2); this.o(W.f64_sub); this.c(0); this.o(W.f64_eq); this.orSlow();
    // The error decides NX and, when it overflows, sends the interpreter to its exact path; with
    // NX already set that path gives the same sum (a finite sum is the correctly rounded one)
    // and no other flag (a sum that does not overflow cannot underflow inexactly), so only while
    // NX is clear is it computed.
    get(this.h.b, this.lFF); i32c(this.h.b, 1); this.o(W.i32_and, W.i32_eqz);
    this.ifOpen();
    this.twoSum(0, 1, 2); this.setD(3);
    this.d(3); this.d(3); this.o(W.f64_sub); this.c(0); this.o(W.f64_eq); this.orSlow();
    this.d(3); this.c(0); this.o(W.f64_ne); this.nxIf();
    this.close();
    this.d(2); this.setF(rd);
    this.toDone();
  }

  /**
   * With NX already set, commits D_k (a product or quotient) when 2^-960 <= |D_k| < inf: the
   * interpreter's fast path, or else its exact path, gives the same correctly rounded value and
   * no flag but NX (a finite result that large is neither tiny nor an overflow, and an invalid
   * or divide-by-zero op has a NaN or infinite result), so the operand range tests that guard
   * its error-free transforms are not needed.
   */
  private nxSetAndNormal(k: number, rd: number): void {
    get(this.h.b, this.lFF); i32c(this.h.b, 1); this.o(W.i32_and);
    this.absCmp(k, W.f64_ge, EFT_FLOOR); this.o(W.i32_and); this.absCmp(k, W.f64_lt, Infinity); this.o(W.i32_and);
    this.ifOpen(); this.d(k); this.setF(rd); this.toDone(); this.close();
  }

  /** mulD's fast path. */
  private mulD(rd: number, rs1: number, rs2: number): void {
    this.f(rs1); this.setD(0); this.f(rs2); this.setD(1);
    this.d(0); this.d(1); this.o(W.f64_mul); this.setD(2);
    this.nxSetAndNormal(2, rd);
    this.absCmp(2, W.f64_ge, EFT_FLOOR); this.absCmp(2, W.f64_lt, Infinity); this.o(W.i32_and);
    this.absCmp(0, W.f64_lt, SPLIT_LIMIT); this.o(W.i32_and); this.absCmp(1, W.f64_lt, SPLIT_LIMIT); this.o(W.i32_and);
    this.absCmp(0, W.f64_ge, MIN_NORMAL_D); this.o(W.i32_and); this.absCmp(1, W.f64_ge, MIN_NORMAL_D); this.o(W.i32_and);
    this.ifOpen();
    this.d(2); this.setF(rd); this.nxLazy(() => { this.twoProd(0, 1, 2); this.c(0); this.o(W.f64_ne); }); this.toDone();
    this.close();
    this.eq(2, 0); this.eq(0, 0); this.eq(1, 0); this.o(W.i32_or, W.i32_and);
    this.absCmp(0, W.f64_lt, Infinity); this.o(W.i32_and); this.absCmp(1, W.f64_lt, Infinity); this.o(W.i32_and);
    this.orSlow();
    this.d(2); this.setF(rd); this.toDone();
  }

  /** divD's fast path. */
  private divD(rd: number, rs1: number, rs2: number): void {
    this.f(rs1); this.setD(0); this.f(rs2); this.setD(1);
    this.d(0); this.d(1); this.o(W.f64_div); this.setD(2);
    this.nxSetAndNormal(2, rd);
    this.absCmp(0, W.f64_ge, EFT_FLOOR); this.absCmp(0, W.f64_lt, SPLIT_LIMIT); this.o(W.i32_and);
    this.absCmp(1, W.f64_ge, MIN_NORMAL_D); this.o(W.i32_and); this.absCmp(1, W.f64_lt, SPLIT_LIMIT); this.o(W.i32_and);
    this.absCmp(2, W.f64_ge, EFT_FLOOR); this.o(W.i32_and); this.absCmp(2, W.f64_lt, SPLIT_LIMIT); this.o(W.i32_and);
    this.ifOpen();
    this.d(2); this.d(1); this.o(W.f64_mul); this.setD(3);
    this.d(2); this.setF(rd);
    this.nxLazy(() => { this.d(3); this.d(0); this.o(W.f64_ne); this.twoProd(2, 1, 3); this.c(0); this.o(W.f64_ne, W.i32_or); });
    this.toDone();
    this.close();
    this.eq(0, 0); this.d(1); this.c(0); this.o(W.f64_ne, W.i32_and);
    this.d(1); this.o(W.f64_abs); this.d(1); this.o(W.f64_abs, W.f64_eq, W.i32_and);
    this.orSlow();
    this.d(2); this.setF(rd); this.toDone();
  }

  /** sqrtD's fast path. */
  private sqrtD(rd: number, rs1: number): void {
    this.f(rs1); this.setD(0);
    this.d(0); this.c(EFT_FLOOR); this.o(W.f64_ge); this.d(0); this.c(Infinity); this.o(W.f64_lt, W.i32_and);
    this.ifOpen();
    this.d(0); this.o(W.f64_sqrt); this.teeD(1); this.d(1); this.o(W.f64_mul); this.setD(2);
    this.d(1); this.setF(rd);
    this.nxLazy(() => { this.d(2); this.d(0); this.o(W.f64_ne); this.twoProd(1, 1, 2); this.c(0); this.o(W.f64_ne, W.i32_or); });
    this.toDone();
    this.close();
    this.eq(0, 0); this.orSlow();
    this.d(0); this.setF(rd); this.toDone();
  }

  /** fmaD's fast path (Boldo and Melquiond's emulation, as arith_d.ts). */
  private fmaD(rd: number, rs1: number, rs2: number, rs3: number, negProd: boolean, negC: boolean): void {
    const A = 0, B = 1, C = 2, UH = 3, UL = 4, TH = 5, TL = 6, VS = 7, VE = 8, V = 9, Z = 10;
    this.f(rs1); if (negProd) this.o(W.f64_neg); this.setD(A);
    this.f(rs2); this.setD(B);
    this.f(rs3); if (negC) this.o(W.f64_neg); this.setD(C);
    this.absCmp(A, W.f64_ge, MIN_NORMAL_D); this.absCmp(A, W.f64_lt, SPLIT_LIMIT); this.o(W.i32_and);
    this.absCmp(B, W.f64_ge, MIN_NORMAL_D); this.o(W.i32_and); this.absCmp(B, W.f64_lt, SPLIT_LIMIT); this.o(W.i32_and);
    this.absCmp(C, W.f64_lt, FMA_CEIL); this.o(W.i32_and);
    this.ifOpen();
    this.d(A); this.d(B); this.o(W.f64_mul); this.setD(UH);
    this.absCmp(UH, W.f64_ge, EFT_FLOOR); this.absCmp(UH, W.f64_lt, FMA_CEIL); this.o(W.i32_and); this.orSlow();
    this.twoProd(A, B, UH); this.setD(UL);
    this.d(C); this.d(UH); this.o(W.f64_add); this.setD(TH);
    this.twoSum(C, UH, TH); this.setD(TL);
    this.d(TL); this.d(UL); this.o(W.f64_add); this.setD(VS);
    this.twoSum(TL, UL, VS); this.setD(VE);
    this.toOdd(VS, VE); this.setD(V);
    this.d(TH); this.d(V); this.o(W.f64_add); this.setD(Z);
    this.absCmp(Z, W.f64_ge, EFT_FLOOR); this.absCmp(Z, W.f64_lt, Infinity); this.o(W.i32_and); this.orSlow();
    this.d(Z); this.setF(rd);
    this.nxLazy(() => { this.d(VE); this.c(0); this.o(W.f64_ne); this.twoSum(TH, V, Z); this.c(0); this.o(W.f64_ne, W.i32_or); });
    this.toDone();
    this.close();
    this.eq(A, 0); this.eq(B, 0); this.o(W.i32_or);
    this.absCmp(A, W.f64_lt, Infinity); this.o(W.i32_and); this.absCmp(B, W.f64_lt, Infinity); this.o(W.i32_and);
    this.absCmp(C, W.f64_lt, Infinity); this.o(W.i32_and);
    this.orSlow();
    this.d(A); this.d(B); this.o(W.f64_mul); this.d(C); this.o(W.f64_add); this.setF(rd);
    this.toDone();
  }

  /** addS's fast path (arith_s.ts): binary64 sum rounded once to single. */
  private addS(rd: number, rs1: number, rs2: number, neg: boolean): void {
    this.s(rs1); this.setD(0);
    this.s(rs2); if (neg) this.o(W.f64_neg); this.setD(1);
    this.d(0); this.d(1); this.o(W.f64_add); this.setD(2);
    this.fround(2); this.setD(3);
    this.safeS(3);
    this.ifOpen();
    this.d(3); this.setS(rd);
    this.nxLazy(() => { this.d(3); this.d(2); this.o(W.f64_ne); this.twoSum(0, 1, 2); this.c(0); this.o(W.f64_ne, W.i32_or); });
    this.toDone();
    this.close();
    this.eq(2, 0); this.orSlow();
    this.d(2); this.setS(rd); this.toDone();
  }

  /** mulS's and divS's fast paths. */
  private mulDivS(rd: number, rs1: number, rs2: number, div: boolean): void {
    this.s(rs1); this.setD(0); this.s(rs2); this.setD(1);
    this.d(0); this.d(1); this.o(div ? W.f64_div : W.f64_mul); this.setD(2);
    this.fround(2); this.setD(3);
    this.safeS(3);
    this.ifOpen();
    this.d(3); this.setS(rd);
    if (div) { this.d(3); this.d(1); this.o(W.f64_mul); this.d(0); this.o(W.f64_ne); } else { this.d(3); this.d(2); this.o(W.f64_ne); }
    this.nxIf();
    this.toDone();
    this.close();
    this.eq(2, 0); this.orSlow();
    this.d(2); this.setS(rd); this.toDone();
  }

  /** sqrtS's fast path. */
  private sqrtS(rd: number, rs1: number): void {
    this.s(rs1); this.setD(0);
    this.d(0); this.o(W.f64_sqrt, W.f32_demote_f64, W.f64_promote_f32); this.setD(1);
    this.safeS(1);
    this.ifOpen();
    this.d(1); this.setS(rd);
    this.d(1); this.d(1); this.o(W.f64_mul); this.d(0); this.o(W.f64_ne); this.nxIf();
    this.toDone();
    this.close();
    this.eq(0, 0); this.orSlow();
    this.d(0); this.setS(rd); this.toDone();
  }

  /** fmaS's fast path: exact binary64 product, sum rounded to odd, then once to single. */
  private fmaS(rd: number, rs1: number, rs2: number, rs3: number, negProd: boolean, negC: boolean): void {
    const A = 0, B = 1, C = 2, P = 3, S = 4, ERR = 5, SO = 6, R = 7;
    this.s(rs1); if (negProd) this.o(W.f64_neg); this.setD(A);
    this.s(rs2); this.setD(B);
    this.s(rs3); if (negC) this.o(W.f64_neg); this.setD(C);
    this.d(A); this.d(B); this.o(W.f64_mul); this.setD(P);
    this.d(P); this.d(C); this.o(W.f64_add); this.setD(S);
    this.d(S); this.d(S); this.o(W.f64_sub); this.c(0); this.o(W.f64_eq); this.orSlow();
    this.twoSum(P, C, S); this.setD(ERR);
    this.toOdd(S, ERR); this.setD(SO);
    this.fround(SO); this.setD(R);
    this.safeS(R);
    this.ifOpen();
    this.d(R); this.setS(rd);
    this.d(ERR); this.c(0); this.o(W.f64_ne); this.d(R); this.d(SO); this.o(W.f64_ne, W.i32_or); this.nxIf();
    this.toDone();
    this.close();
    this.eq(S, 0); this.eq(ERR, 0); this.o(W.i32_and); this.orSlow();
    this.d(S); this.setS(rd); this.toDone();
  }

  /** fcvt.{w,wu,l,lu}.{s,d}: inline for rtz and rne (static, or dynamic with frm = rne) when the
   *  rounded value is in range (convert.ts's cvtToInt); else the helper. */
  private toInt(o: number, rd: number, rs1: number, rm: number, off: number, left: number): void {
    const b = this.h.b, single = o <= Op.FCVT_LU_S, kind = o - (single ? Op.FCVT_W_S : Op.FCVT_W_D);
    const rtz = rm === RM_RTZ;
    this.withSlow(o, rd, rs1, 0, 0, rm, rtz ? Need.None : Need.Rne, off, left, () => {
      if (single) this.s(rs1); else this.f(rs1);
      this.teeD(0); this.o(rtz ? W.f64_trunc : W.f64_nearest); this.setD(1);
      const [lo, hi, hiCmp] = kind === 0 ? [-2147483648, 2147483647, W.f64_le] : kind === 1 ? [0, 4294967295, W.f64_le]
        : kind === 2 ? [-(2 ** 63), 2 ** 63, W.f64_lt] : [0, 2 ** 64, W.f64_lt];
      this.d(1); this.c(lo); this.o(W.f64_ge); this.d(1); this.c(hi); this.o(hiCmp, W.i32_and); this.orSlow();
      this.d(1);
      if (kind === 0 || kind === 2) this.o(W.i64_trunc_f64_s);
      else { this.o(W.i64_trunc_f64_u); if (kind === 1) this.o(W.i32_wrap_i64, W.i64_extend_i32_s); }
      set(b, this.lay.x + rd);
      this.d(1); this.d(0); this.o(W.f64_ne); this.nxIf();
      this.toDone();
    });
  }

  /** fcvt.{s,d}.{w,wu,l,lu}: inline under rne (the 32-bit ones to double under any valid rm,
   *  being exact), as convert.ts's cvtFromInt; else the helper. */
  private fromInt(o: number, rd: number, rs1: number, rm: number, off: number, left: number): void {
    const b = this.h.b, toDouble = o >= Op.FCVT_D_W, kind = o - (toDouble ? Op.FCVT_D_W : Op.FCVT_S_W);
    const need = toDouble && kind <= 1 ? Need.Valid : Need.Rne;
    this.withSlow(o, rd, rs1, 0, 0, rm, need, off, left, () => {
      if (toDouble && kind <= 1) {
        this.h.rx(rs1); this.o(W.i32_wrap_i64, kind === 0 ? W.f64_convert_i32_s : W.f64_convert_i32_u); this.setF(rd);
        this.toDone();
        return;
      }
      if (toDouble) {
        // hv = the high part exactly, lo = the low word: one rounding of their sum, NX from its error.
        this.h.rx(rs1); i64cBig(b, -0x100000000n); this.o(W.i64_and, kind === 2 ? W.f64_convert_i64_s : W.f64_convert_i64_u); this.setD(0);
        this.h.rx(rs1); i64cBig(b, 0xffffffffn); this.o(W.i64_and, W.f64_convert_i64_u); this.setD(1);
        this.d(0); this.d(1); this.o(W.f64_add); this.setD(2);
        this.d(2); this.setF(rd);
        this.nxLazy(() => { this.twoSum(0, 1, 2); this.c(0); this.o(W.f64_ne); });
        this.toDone();
        return;
      }
      // To single: exact in binary64 first (|x| < 2^53), then one rounding.
      this.h.rx(rs1);
      if (kind <= 1) this.o(W.i32_wrap_i64, kind === 0 ? W.f64_convert_i32_s : W.f64_convert_i32_u);
      else {
        set(b, this.lQ0);
        if (kind === 2) { get(b, this.lQ0); i64cBig(b, BigInt(TWO53)); this.o(W.i64_add); i64cBig(b, BigInt(2 * TWO53)); this.o(W.i64_lt_u); }
        else { get(b, this.lQ0); i64cBig(b, BigInt(TWO53)); this.o(W.i64_lt_u); }
        this.orSlow();
        get(b, this.lQ0); this.o(kind === 2 ? W.f64_convert_i64_s : W.f64_convert_i64_u);
      }
      this.setD(0);
      this.fround(0); this.setD(1);
      this.d(1); this.setS(rd);
      this.d(1); this.d(0); this.o(W.f64_ne); this.nxIf();
      this.toDone();
    });
  }
}
