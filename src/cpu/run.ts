// The interpreter: runs a hart until its instruction budget is spent or it traps.
// Registers are (lo, hi) int32 pairs in h.x; every 64-bit operation works on the halves, so the
// hot path never converts between BigInt and Number. Every load, store, fetch and AMO goes
// through the hart's TLB (src/mem/tlb.ts): a hit is one tag compare and an array load; a miss
// takes the slow paths at the end of this file, which walk the page table and fault pages in.
import * as alu from './alu64.js';
import { CodeCache, NO_CODE } from './code_cache.js';
import { C_ILLEGAL, compressedTables, decode32, decodeCompressed, decodedImm } from './decode.js';
import { execFp } from './fp/index.js';
import { Access, Hart, Stop } from './hart.js';
import { EXEC_INTERPRET, jitOf } from './jit/jit.js';
import { Op } from './ops.js';
import { FAULT_MAPERR, pteNeed } from '../mem/fault.js';
import { GuestMemory, PAGE_SIZE, PROT_EXEC, PROT_READ, PROT_WRITE, TASK_SIZE } from '../mem/guest_memory.js';
import { MIN_MEMORY_BYTES, PhysMem, SCRATCH_FRAME } from '../mem/phys.js';
import { Tlb, TLB_MASK } from '../mem/tlb.js';
import { TRAIN_CODE, TRAIN_CODE_PAGES, TRAIN_DATA, TRAIN_DATA_PAGES, trainingImage } from './warm.js';

const TWO32 = 4294967296;
/** Pool byte offset of the scratch where a load that straddles two pages is assembled. */
const SCRATCH_PA = SCRATCH_FRAME * PAGE_SIZE;
/**
 * High word bits of an address beyond the 2^38-byte address space (hi >>> HI_SHIFT !== 0).
 * run() and the helpers it inlines spell this, TLB_MASK, PAGE_SIZE, TASK_SIZE, TWO32 and
 * REFETCH as literals: imported and module-level bindings are loads (with a hole check) on
 * every use in V8's optimized code, literals are free.
 */
const HI_SHIFT = 6;
/** Added to run()'s page offset to make the next fetch go through the TLB (see run): far beyond
 *  any branch or jump offset (+-1 MiB), so the two never mix. */
const REFETCH = 1 << 24;
if (TLB_MASK !== 1023 || PAGE_SIZE !== 4096 || TASK_SIZE !== 274877906944 || REFETCH !== 16777216) {
  throw new Error('run.ts spells TLB_MASK, PAGE_SIZE, TASK_SIZE and REFETCH as literals: update them');
}
const { info: cInfo, imm: cImm } = compressedTables();

/** CSR numbers readable from U-mode (riscv privileged spec, table of CSR addresses). */
const CSR_FFLAGS = 0x001, CSR_FRM = 0x002, CSR_FCSR = 0x003;
const CSR_CYCLE = 0xc00, CSR_TIME = 0xc01, CSR_INSTRET = 0xc02;
/** ecall's custom user-mode read-only CSR (the 0xcc0-0xcff range is for custom use): the hart's
 *  virtual CPU number, readable only while hart.cpuCsr is set (the percpu extension). */
export const CSR_ECALL_CPU = 0xcc0;

/** interp()'s extra stop reason (never returned by run): pc is an entry point the translator
 *  has code for, or one that just became hot. */
const STOP_JIT = 6 as Stop;

/**
 * Runs h from h.pc for at most budget instructions in mem. Returns why it stopped; h.pc is the
 * next instruction (Budget) or the trapping one (Ecall, Ebreak, Fault, Illegal, Misaligned).
 * With the translator on (jit/jit.ts), hot code runs translated; instret, the stop point and
 * every register are the same as the interpreter's alone.
 */
export function run(h: Hart, mem: GuestMemory, budget: number): Stop {
  if (!trained) trainInterpreter();
  const jit = jitOf(mem.phys);
  if (jit === null) return interp(h, mem, budget, false, 0);
  const start = h.instret;
  // Translated code first: after a system call the hart usually resumes inside a region.
  let tlb = h.tlb;
  if (tlb === null || tlb.mem !== mem) tlb = attachTlb(h, mem);
  const r0 = jit.exec(h, tlb, budget);
  if (r0 !== EXEC_INTERPRET) return r0 as Stop;
  for (;;) {
    let left = budget - (h.instret - start);
    if (left <= 0) return Stop.Budget;
    jit.stats.interpRuns++;
    const s = interp(h, mem, left, true, -jit.threshold);
    if (s !== STOP_JIT) return s;
    left = budget - (h.instret - start);
    if (left <= 0) return Stop.Budget;
    const r = jit.exec(h, h.tlb!, left);
    if (r !== EXEC_INTERPRET) return r as Stop;
  }
}

/** Whether this process ran the training program yet (see warm.ts). */
let trained = false;
/** Instructions the training runs may take at most (the program is straight-line: far fewer). */
const TRAIN_BUDGET = 10_000;
/** The training hart's instret and time: above 2^32, as a long-running guest's are. */
const TRAIN_INSTRET = 2 ** 40 + 12345;
/** The training code's second address: above 4 GiB with bit 31 set, below the 2^38-byte address space's end. */
const TRAIN_CODE_HIGH = 2 ** 37 + 2 ** 31 + TRAIN_CODE;

/** The translator's count limit during most of the training: never reached, so runs go to their end. */
const TRAIN_NO_LIMIT = -(1 << 29);

/**
 * Runs warm.ts's training program through interp() on a throwaway machine of its own, once per
 * process, before the first guest instruction: V8 marks interp() for optimization after a few
 * thousand guest instructions whatever the program, so type feedback for every case must be
 * there by then, or the optimized code is thrown away ("insufficient type feedback") and
 * compiled again each time a program first reaches a new instruction kind. The code runs high
 * (beyond 2^31, where doubles appear) before low, with the translator's counting first (its
 * calls then have feedback), then without it from the decode cache, then with both; the counts
 * once reach the limit (arrive() returns true); atomics also run on an empty TLB. The time CSR reads through two functions, so
 * the call is generic, as the kernel's per-task clocks make it. Nothing of it is visible to any
 * guest.
 */
function trainInterpreter(): void {
  trained = true;
  const mem = new GuestMemory(new PhysMem(MIN_MEMORY_BYTES));
  const img = trainingImage();
  // The code both low and above 4 GiB (the vDSO and signal trampolines live high).
  for (const base of [TRAIN_CODE, TRAIN_CODE_HIGH]) {
    mem.setPages(base / PAGE_SIZE, TRAIN_CODE_PAGES, PROT_READ | PROT_EXEC, true);
    mem.writeForce(base, img.bytes);
  }
  mem.setPages(TRAIN_DATA >>> 12, TRAIN_DATA_PAGES, PROT_READ | PROT_WRITE, true);
  const h = new Hart();
  // Counters as a long-running guest sees them: beyond int32.
  h.instret = TRAIN_INSTRET;
  const clocks = [(): number => TRAIN_INSTRET, (): number => TRAIN_INSTRET + 1];
  for (const base of [TRAIN_CODE_HIGH, TRAIN_CODE]) {
    for (const jit of [true, false, true]) {
      // Budgets as the scheduler gives them: small integers, and a double.
      for (const budget of [TRAIN_BUDGET, TRAIN_INSTRET]) {
        h.timeSource = clocks[budget === TRAIN_BUDGET ? 0 : 1]!;
        h.pc = base;
        interp(h, mem, budget, jit, TRAIN_NO_LIMIT);
      }
      // The counts at the limit: stops at the first jump.
      if (jit) {
        h.pc = base;
        interp(h, mem, TRAIN_BUDGET, jit, 0);
      }
      // Stopping right after the jump to the straddling instruction, before fetching it.
      h.pc = base;
      interp(h, mem, img.beforeStraddle, jit, TRAIN_NO_LIMIT);
      for (const pc of img.stops) {
        h.pc = pc - TRAIN_CODE + base;
        interp(h, mem, TRAIN_BUDGET, jit, TRAIN_NO_LIMIT);
      }
      // A jalr to another page (the program's own jumps stay on theirs).
      h.setX(img.jalrReg, img.secondPage - TRAIN_CODE + base);
      h.pc = img.jalr - TRAIN_CODE + base;
      interp(h, mem, 2, jit, TRAIN_NO_LIMIT);
      // Atomics whose address misses the TLB (the program's own hit it: loads came first).
      for (const pc of img.atomics) {
        h.tlb?.flushAll();
        h.pc = pc - TRAIN_CODE + base;
        interp(h, mem, 1, jit, TRAIN_NO_LIMIT);
      }
    }
  }
  h.tlb?.release();
  // A new hart's first run, which attaches its TLB: the hart above attached its own on the first
  // call, before V8 records feedback for interp() (so a new thread's first run would deoptimize it).
  const fresh = new Hart();
  fresh.instret = TRAIN_INSTRET;
  fresh.pc = TRAIN_CODE;
  interp(fresh, mem, 2, false, TRAIN_NO_LIMIT);
  fresh.tlb?.release();
}

/**
 * Gives every Hart its final V8 object shape before any guest runs: pc, instret and faultAddr
 * start as small integers, which V8 stores as Smis, and the first hart to hold a double there
 * (code above 2 GiB, an instruction count past 2^31, a fault address) changes the shape of all
 * of them. That deprecates the old shape, and an optimization of interp() under way then is
 * thrown away ("Maps became deprecated during optimization") and starts over, hundreds of
 * milliseconds later. A throwaway hart takes the doubles now, at module load, instead.
 */
function settleHartShape(): void {
  const h = new Hart();
  h.pc = TRAIN_CODE_HIGH;
  h.instret = TRAIN_INSTRET;
  h.faultAddr = TRAIN_CODE_HIGH;
}
settleHartShape();

/**
 * At a jump to page offset off of a code page: counts the arrival in the page's translator slot
 * and returns true when the translator has code there or the count reached limit (negative),
 * but not while its translation compiles (a slot at or below jit.ts's PENDING, -2^30).
 */
function arrive(code: Int32Array, off: number, limit: number): boolean {
  const i = 4096 + (off >> 1);
  const s = code[i]!;
  if (s > 0) return true;
  code[i] = s - 1;
  return s <= limit && s > -1073741824;
}

/**
 * The interpreter: run() without the translator. With jit set, it stops with STOP_JIT at a jump
 * (after at least one instruction) to an entry point that arrive() picks.
 */
function interp(h: Hart, mem: GuestMemory, budget: number, jit: boolean, limit: number): Stop {
  let tlb = h.tlb;
  if (tlb === null || tlb.mem !== mem) tlb = attachTlb(h, mem);
  const tagR = tlb.tagR, tagW = tlb.tagW, paD = tlb.paD;
  const x = h.x, f = h.f, phys = mem.phys, dv = phys.dv, u8 = phys.u8;
  if (phys.code === null) new CodeCache(phys); // the refill below reads phys.code
  const pc0 = h.pc;
  // A pc set from outside (sigreturn, clone) may be anything: beyond the address space it cannot
  // be fetched, and an odd pc is an instruction-address-misaligned trap.
  if (!(pc0 >= 0 && pc0 < 274877906944)) return jumpOut(h, pc0, 0);
  if (pc0 & 1) { h.faultAddr = pc0; h.faultAccess = Access.Exec; return Stop.Misaligned; }
  // pc is codeHi:codeLo + off: the current code page's address as two int32 halves and an int32
  // offset into it, so calls, returns, branches and links are int32 arithmetic wherever the code
  // lives. An off outside [0, 4096) means "fetch through the TLB first": relative to this page,
  // or, from REFETCH up, at off - REFETCH in the page codeHi:codeLo names (after a jump to
  // another page, a write that may have dropped decoded code, and at the start).
  const vpn0 = (pc0 / 4096) | 0;
  let codeHi = vpn0 >>> 20;
  let codeLo = vpn0 << 12;
  let off = ((pc0 - vpn0 * 4096) | 0) + 16777216;
  let codeBase = 0; // the current code page's frame, as a byte offset in the pool
  let code: Int32Array = NO_CODE;
  let n = 0;
  let stop = Stop.Budget;

  while (n < budget) {
    if ((off >>> 12) !== 0) {
      if (off >= 16777216) off -= 16777216;
      const vpn = ((codeHi << 20) | (codeLo >>> 12)) + (off >> 12);
      if ((vpn >>> 26) !== 0) return jumpOut(h, codeHi * 4294967296 + (codeLo >>> 0) + off, n);
      codeHi = vpn >>> 20;
      codeLo = vpn << 12;
      off &= 0xfff;
      const base = codeFrame(h, mem, tlb, vpn, off);
      if (base < 0) { stop = Stop.Fault; break; }
      codeBase = base;
      code = (phys.code as CodeCache).pages[base >>> 12] ?? NO_CODE;
      if (code.length === 0) code = (phys.code as CodeCache).page(base >>> 12);
      if (jit && n !== 0 && arrive(code, off, limit)) { stop = STOP_JIT; break; }
    }
    const ci = off & 0xffe;
    let w = code[ci]!;
    let imm: number;
    if (w !== 0) {
      imm = code[ci + 1]!;
    } else {
      // Not decoded yet (out of line: it keeps interp() small, so V8 compiles it sooner). The
      // results are wrapped with | 0: a call's result is a tagged value, and one tagged input
      // would make V8 keep w and imm tagged on every instruction's path.
      w = decodeMiss(h, mem, tlb, code, codeBase, ci, codeHi, codeLo) | 0;
      if (w <= 0) { stop = w === 0 ? Stop.Illegal : Stop.Fault; break; }
      imm = missImm | 0;
    }
    // 2 for a compressed instruction (INFO_COMPRESSED, bit 29), else 4: arithmetic, not a branch
    // (V8 compiles the conditional to a jump, which mispredicts on mixed code).
    const len = 4 - ((w >>> 28) & 2);
    const d = (w >>> 7) & 126;
    const s1 = (w >>> 13) & 62;
    const s2 = (w >>> 18) & 62;
    n++;

    switch (w & 0xff) {
      case Op.NOP: case Op.FENCE: case Op.FENCE_I:
        break;
      case Op.LUI:
        x[d] = imm; x[d + 1] = imm >> 31;
        break;
      case Op.AUIPC: {
        const v = (codeLo >>> 0) + off + imm; // codeHi:0 + v, v within (-2^31, 2^33)
        x[d] = v | 0; x[d + 1] = (codeHi + (v < 0 ? -1 : v < 4294967296 ? 0 : 1)) | 0;
        break;
      }
      case Op.JAL: {
        // A target outside the address space faults at the next fetch (with pc = the target).
        const link = (codeLo + off + len) | 0;
        x[d] = link; x[d + 1] = (link >>> 0) < (codeLo >>> 0) ? codeHi + 1 : codeHi;
        off += imm;
        if (jit && (off >>> 12) === 0 && arrive(code, off, limit)) { stop = STOP_JIT; break; }
        continue;
      }
      case Op.JALR: {
        const al = x[s1]!, lo = (al + imm) & ~1;
        const hi = (x[s1 + 1]! + (imm >> 31) + (((al + imm) >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
        const link = (codeLo + off + len) | 0;
        x[d] = link; x[d + 1] = (link >>> 0) < (codeLo >>> 0) ? codeHi + 1 : codeHi;
        if (hi === codeHi && ((lo - codeLo) >>> 12) === 0) {
          off = (lo - codeLo) | 0;
          if (jit && arrive(code, off, limit)) { stop = STOP_JIT; break; }
          continue;
        }
        if ((hi >>> 6) !== 0) return jumpOut(h, (hi >>> 0) * 4294967296 + (lo >>> 0), n);
        // Another page: the next fetch goes through the TLB.
        codeHi = hi;
        codeLo = lo & -4096;
        off = (lo & 0xfff) + 16777216;
        continue;
      }
      case Op.BEQ:
        if (x[s1] === x[s2] && x[s1 + 1] === x[s2 + 1]) { off += imm; if (jit && (off >>> 12) === 0 && arrive(code, off, limit)) { stop = STOP_JIT; break; } continue; }
        break;
      case Op.BNE:
        if (x[s1] !== x[s2] || x[s1 + 1] !== x[s2 + 1]) { off += imm; if (jit && (off >>> 12) === 0 && arrive(code, off, limit)) { stop = STOP_JIT; break; } continue; }
        break;
      case Op.BLT: {
        const ah = x[s1 + 1]!, bh = x[s2 + 1]!;
        if (ah < bh || (ah === bh && (x[s1]! >>> 0) < (x[s2]! >>> 0))) { off += imm; if (jit && (off >>> 12) === 0 && arrive(code, off, limit)) { stop = STOP_JIT; break; } continue; }
        break;
      }
      case Op.BGE: {
        const ah = x[s1 + 1]!, bh = x[s2 + 1]!;
        if (!(ah < bh || (ah === bh && (x[s1]! >>> 0) < (x[s2]! >>> 0)))) { off += imm; if (jit && (off >>> 12) === 0 && arrive(code, off, limit)) { stop = STOP_JIT; break; } continue; }
        break;
      }
      case Op.BLTU: {
        const ah = x[s1 + 1]! >>> 0, bh = x[s2 + 1]! >>> 0;
        if (ah < bh || (ah === bh && (x[s1]! >>> 0) < (x[s2]! >>> 0))) { off += imm; if (jit && (off >>> 12) === 0 && arrive(code, off, limit)) { stop = STOP_JIT; break; } continue; }
        break;
      }
      case Op.BGEU: {
        const ah = x[s1 + 1]! >>> 0, bh = x[s2 + 1]! >>> 0;
        if (!(ah < bh || (ah === bh && (x[s1]! >>> 0) < (x[s2]! >>> 0)))) { off += imm; if (jit && (off >>> 12) === 0 && arrive(code, off, limit)) { stop = STOP_JIT; break; } continue; }
        break;
      }

      // ---- loads ----
      case Op.LB: case Op.LH: case Op.LW: case Op.LD: case Op.LBU: case Op.LHU: case Op.LWU:
      case Op.FLW: case Op.FLD: {
        const al = x[s1]!, lo = (al + imm) | 0;
        const hi = (x[s1 + 1]! + (imm >> 31) + ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
        const op = w & 0xff;
        const size = op === Op.LD || op === Op.FLD ? 8 : op === Op.LW || op === Op.LWU || op === Op.FLW ? 4
          : op === Op.LB || op === Op.LBU ? 1 : 2;
        const vpn = (hi << 20) | (lo >>> 12);
        let a: number;
        if (tagR[vpn & 1023] === vpn && (hi >>> 6) === 0 && (lo & 0xfff) <= 4096 - size) {
          a = (paD[vpn & 1023]! | (lo & 0xfff)) >>> 0;
        } else if ((a = loadSlow(h, mem, tlb, hi, lo, size)) < 0) {
          stop = Stop.Fault; n--; break;
        }
        const fd = 2 * ((w >>> 8) & 63);
        switch (op) {
          case Op.LB: { const v = (u8[a]! << 24) >> 24; x[d] = v; x[d + 1] = v >> 31; break; }
          case Op.LBU: x[d] = u8[a]!; x[d + 1] = 0; break;
          case Op.LH: { const v = dv.getInt16(a, true); x[d] = v; x[d + 1] = v >> 31; break; }
          case Op.LHU: x[d] = dv.getUint16(a, true); x[d + 1] = 0; break;
          case Op.LW: { const v = dv.getInt32(a, true); x[d] = v; x[d + 1] = v >> 31; break; }
          case Op.LWU: x[d] = dv.getInt32(a, true); x[d + 1] = 0; break;
          case Op.LD: { const v = dv.getInt32(a, true); x[d + 1] = dv.getInt32(a + 4, true); x[d] = v; break; }
          case Op.FLW: f[fd] = dv.getInt32(a, true); f[fd + 1] = -1; break;
          default: f[fd] = dv.getInt32(a, true); f[fd + 1] = dv.getInt32(a + 4, true); break;
        }
        break;
      }

      // ---- stores ----
      case Op.SB: case Op.SH: case Op.SW: case Op.SD: case Op.FSW: case Op.FSD: {
        const al = x[s1]!, lo = (al + imm) | 0;
        const hi = (x[s1 + 1]! + (imm >> 31) + ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
        const op = w & 0xff;
        const size = op === Op.SD || op === Op.FSD ? 8 : op === Op.SW || op === Op.FSW ? 4 : op === Op.SB ? 1 : 2;
        const vpn = (hi << 20) | (lo >>> 12);
        const fs2 = 2 * ((w >>> 19) & 31);
        if (tagW[vpn & 1023] !== vpn || (hi >>> 6) !== 0 || (lo & 0xfff) > 4096 - size) {
          // The slow path does the whole store; it may have dropped decoded code: refetch.
          off += 16777216;
          if (!storeSlow(h, mem, tlb, hi, lo, size, op >= Op.FSW ? f : x, op >= Op.FSW ? fs2 : s2)) {
            stop = Stop.Fault; n--;
          }
          break;
        }
        const a = (paD[vpn & 1023]! | (lo & 0xfff)) >>> 0;
        switch (op) {
          case Op.SB: u8[a] = x[s2]!; break;
          case Op.SH: dv.setInt16(a, x[s2]!, true); break;
          case Op.SW: dv.setInt32(a, x[s2]!, true); break;
          case Op.SD: dv.setInt32(a, x[s2]!, true); dv.setInt32(a + 4, x[s2 + 1]!, true); break;
          case Op.FSW: dv.setInt32(a, f[fs2]!, true); break;
          default: dv.setInt32(a, f[fs2]!, true); dv.setInt32(a + 4, f[fs2 + 1]!, true); break;
        }
        break;
      }

      // ---- integer register-immediate ----
      case Op.ADDI: {
        const al = x[s1]!, lo = (al + imm) | 0;
        x[d + 1] = (x[s1 + 1]! + (imm >> 31) + ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
        x[d] = lo;
        break;
      }
      case Op.ANDI: x[d + 1] = x[s1 + 1]! & (imm >> 31); x[d] = x[s1]! & imm; break;
      case Op.SLLI: shl(x, d, x[s1 + 1]!, x[s1]!, imm); break;
      case Op.SRLI: shr(x, d, x[s1 + 1]!, x[s1]!, imm); break;
      case Op.SRAI: sar(x, d, x[s1 + 1]!, x[s1]!, imm); break;
      case Op.ADDIW: { const v = (x[s1]! + imm) | 0; x[d] = v; x[d + 1] = v >> 31; break; }

      // ---- integer register-register ----
      case Op.ADD: {
        const al = x[s1]!, bl = x[s2]!, lo = (al + bl) | 0;
        x[d + 1] = (x[s1 + 1]! + x[s2 + 1]! + ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
        x[d] = lo;
        break;
      }
      case Op.SUB: {
        const al = x[s1]!, bl = x[s2]!;
        x[d + 1] = (x[s1 + 1]! - x[s2 + 1]! - ((al >>> 0) < (bl >>> 0) ? 1 : 0)) | 0;
        x[d] = (al - bl) | 0;
        break;
      }
      case Op.XOR: x[d + 1] = x[s1 + 1]! ^ x[s2 + 1]!; x[d] = x[s1]! ^ x[s2]!; break;
      case Op.OR: x[d + 1] = x[s1 + 1]! | x[s2 + 1]!; x[d] = x[s1]! | x[s2]!; break;
      case Op.AND: x[d + 1] = x[s1 + 1]! & x[s2 + 1]!; x[d] = x[s1]! & x[s2]!; break;
      case Op.ADDW: { const v = (x[s1]! + x[s2]!) | 0; x[d] = v; x[d + 1] = v >> 31; break; }

      // ---- M (the 32-bit forms are in aluOp) ----
      case Op.MUL: alu.mul64(x[s1 + 1]!, x[s1]!, x[s2 + 1]!, x[s2]!); x[d] = alu.rLo; x[d + 1] = alu.rHi; break;
      case Op.MULH: alu.mulh64(x[s1 + 1]!, x[s1]!, x[s2 + 1]!, x[s2]!); x[d] = alu.rLo; x[d + 1] = alu.rHi; break;
      case Op.MULHSU: alu.mulhsu64(x[s1 + 1]!, x[s1]!, x[s2 + 1]!, x[s2]!); x[d] = alu.rLo; x[d + 1] = alu.rHi; break;
      case Op.MULHU: alu.mulhu64(x[s1 + 1]!, x[s1]!, x[s2 + 1]!, x[s2]!); x[d] = alu.rLo; x[d + 1] = alu.rHi; break;
      case Op.DIV: alu.div64(x[s1 + 1]!, x[s1]!, x[s2 + 1]!, x[s2]!); x[d] = alu.rLo; x[d + 1] = alu.rHi; break;
      case Op.DIVU: alu.divu64(x[s1 + 1]!, x[s1]!, x[s2 + 1]!, x[s2]!); x[d] = alu.rLo; x[d + 1] = alu.rHi; break;
      case Op.REM: alu.rem64(x[s1 + 1]!, x[s1]!, x[s2 + 1]!, x[s2]!); x[d] = alu.rLo; x[d + 1] = alu.rHi; break;
      case Op.REMU: alu.remu64(x[s1 + 1]!, x[s1]!, x[s2 + 1]!, x[s2]!); x[d] = alu.rLo; x[d + 1] = alu.rHi; break;

      // ---- system ----
      case Op.ECALL:
        stop = Stop.Ecall;
        break;
      case Op.EBREAK:
        stop = Stop.Ebreak;
        break;
      case Op.CSRRW: case Op.CSRRS: case Op.CSRRC: case Op.CSRRWI: case Op.CSRRSI: case Op.CSRRCI:
        if (!csrOp(h, w, imm, n)) { n--; h.faultAddr = 0; stop = Stop.Illegal; }
        break;

      // ---- A ----
      case Op.LR_W: case Op.SC_W: case Op.AMOSWAP_W: case Op.AMOADD_W: case Op.AMOXOR_W: case Op.AMOAND_W:
      case Op.AMOOR_W: case Op.AMOMIN_W: case Op.AMOMAX_W: case Op.AMOMINU_W: case Op.AMOMAXU_W:
      case Op.LR_D: case Op.SC_D: case Op.AMOSWAP_D: case Op.AMOADD_D: case Op.AMOXOR_D: case Op.AMOAND_D:
      case Op.AMOOR_D: case Op.AMOMIN_D: case Op.AMOMAX_D: case Op.AMOMINU_D: case Op.AMOMAXU_D: {
        const s = (w & 0xff) <= Op.AMOMAXU_W ? atomicW(h, mem, tlb, w) : atomicD(h, mem, tlb, w);
        if (s !== Stop.Budget) { stop = s; n--; break; }
        if ((w & 0xff) !== Op.LR_W && (w & 0xff) !== Op.LR_D) off += 16777216; // the write may have dropped decoded code
        break;
      }

      default: {
        // The less common integer ops (aluOp); F and D arithmetic, conversions, compares and moves.
        if ((w & 0xff) < Op.FMADD_S ? aluOp(x, w, imm) : execFp(h, (w & 0xff) as Op, (w >>> 8) & 63, (w >>> 14) & 31, (w >>> 19) & 31, (w >>> 24) & 31, imm)) break;
        n--;
        h.faultAddr = 0;
        stop = Stop.Illegal;
      }
    }
    if (stop !== Stop.Budget) break;
    off += len;
  }
  x[64] = 0; x[65] = 0;
  if (off >= 16777216) off -= 16777216;
  h.pc = codeHi * 4294967296 + (codeLo >>> 0) + off;
  h.instret += n;
  return stop;
}

/**
 * For interp(): does w (with its immediate imm) when it is one of the less common integer ops,
 * which write only x[rd]: the set-less-thans, xori and ori, the 32-bit and variable shifts,
 * subw, and the M extension's 32-bit forms; returns false for any other op (the 64-bit
 * multiplies and divides stay in interp(): here V8 would inline alu64's functions, a
 * compile that costs a short run more than it saves). Out of line: interp() compiles
 * sooner without them (V8 runs the guest in its slow baseline code until it is done).
 */
function aluOp(x: Int32Array, w: number, imm: number): boolean {
  const d = (w >>> 7) & 126;
  const s1 = (w >>> 13) & 62;
  const s2 = (w >>> 18) & 62;
  switch (w & 0xff) {
    case Op.SLTI: {
      const ah = x[s1 + 1]!, bh = imm >> 31;
      x[d] = ah < bh || (ah === bh && (x[s1]! >>> 0) < (imm >>> 0)) ? 1 : 0; x[d + 1] = 0;
      break;
    }
    case Op.SLTIU: {
      const ah = x[s1 + 1]! >>> 0, bh = (imm >> 31) >>> 0;
      x[d] = ah < bh || (ah === bh && (x[s1]! >>> 0) < (imm >>> 0)) ? 1 : 0; x[d + 1] = 0;
      break;
    }
    case Op.XORI: x[d + 1] = x[s1 + 1]! ^ (imm >> 31); x[d] = x[s1]! ^ imm; break;
    case Op.ORI: x[d + 1] = x[s1 + 1]! | (imm >> 31); x[d] = x[s1]! | imm; break;
    case Op.SLLIW: { const v = x[s1]! << imm; x[d] = v; x[d + 1] = v >> 31; break; }
    case Op.SRLIW: { const v = (x[s1]! >>> imm) | 0; x[d] = v; x[d + 1] = v >> 31; break; }
    case Op.SRAIW: { const v = x[s1]! >> imm; x[d] = v; x[d + 1] = v >> 31; break; }
    case Op.SLL: shl(x, d, x[s1 + 1]!, x[s1]!, x[s2]! & 63); break;
    case Op.SRL: shr(x, d, x[s1 + 1]!, x[s1]!, x[s2]! & 63); break;
    case Op.SRA: sar(x, d, x[s1 + 1]!, x[s1]!, x[s2]! & 63); break;
    case Op.SLT: {
      const ah = x[s1 + 1]!, bh = x[s2 + 1]!;
      x[d] = ah < bh || (ah === bh && (x[s1]! >>> 0) < (x[s2]! >>> 0)) ? 1 : 0; x[d + 1] = 0;
      break;
    }
    case Op.SLTU: {
      const ah = x[s1 + 1]! >>> 0, bh = x[s2 + 1]! >>> 0;
      x[d] = ah < bh || (ah === bh && (x[s1]! >>> 0) < (x[s2]! >>> 0)) ? 1 : 0; x[d + 1] = 0;
      break;
    }
    case Op.SUBW: { const v = (x[s1]! - x[s2]!) | 0; x[d] = v; x[d + 1] = v >> 31; break; }
    case Op.SLLW: { const v = x[s1]! << (x[s2]! & 31); x[d] = v; x[d + 1] = v >> 31; break; }
    case Op.SRLW: { const v = (x[s1]! >>> (x[s2]! & 31)) | 0; x[d] = v; x[d + 1] = v >> 31; break; }
    case Op.SRAW: { const v = x[s1]! >> (x[s2]! & 31); x[d] = v; x[d + 1] = v >> 31; break; }
    case Op.MULW: { const v = Math.imul(x[s1]!, x[s2]!); x[d] = v; x[d + 1] = v >> 31; break; }
    case Op.DIVW: {
      const a = x[s1]!, b = x[s2]!;
      const v = b === 0 ? -1 : (a === -2147483648 && b === -1) ? a : (a / b) | 0;
      x[d] = v; x[d + 1] = v >> 31;
      break;
    }
    case Op.DIVUW: {
      const a = x[s1]! >>> 0, b = x[s2]! >>> 0;
      const v = b === 0 ? -1 : (a / b) | 0;
      x[d] = v; x[d + 1] = v >> 31;
      break;
    }
    case Op.REMW: {
      const a = x[s1]!, b = x[s2]!;
      const v = b === 0 ? a : (a % b) | 0;
      x[d] = v; x[d + 1] = v >> 31;
      break;
    }
    case Op.REMUW: {
      const a = x[s1]! >>> 0, b = x[s2]! >>> 0;
      const v = b === 0 ? a | 0 : (a % b) | 0;
      x[d] = v; x[d + 1] = v >> 31;
      break;
    }
    default:
      return false;
  }
  return true;
}

/** decodeMiss()'s second result: the immediate of the instruction it decoded. */
let missImm = 0;

/**
 * For interp(): decodes the instruction at page offset ci of the code page codeHi:codeLo (its
 * frame at byte offset codeBase of the pool, its decode array code) and caches it there, unless
 * it crosses into the next page (decoded every time, never cached). Returns its info word, with
 * its immediate in missImm; or 0 for an illegal instruction (its bits in h.faultAddr), or -1
 * after recording a fault on fetching the next page's half.
 */
function decodeMiss(h: Hart, mem: GuestMemory, tlb: Tlb, code: Int32Array, codeBase: number, ci: number, codeHi: number, codeLo: number): number {
  const u8 = mem.phys.u8;
  const half = u8[codeBase + ci]! | (u8[codeBase + ci + 1]! << 8);
  let w: number;
  if ((half & 3) !== 3) {
    w = cInfo[half]!;
    if (w === 0) w = decodeCompressed(half);
    if (w === C_ILLEGAL) { h.faultAddr = half; return 0; }
    missImm = cImm[half]!;
  } else if (ci === 0xffe) {
    const next = fetchNextPage(h, mem, tlb, ((codeHi << 20) | (codeLo >>> 12)) + 1, codeHi * TWO32 + (codeLo >>> 0) + ci + 2);
    if (next < 0) return -1;
    const inst = half | ((u8[next]! | (u8[next + 1]! << 8)) << 16);
    w = decode32(inst);
    if (w === 0) { h.faultAddr = inst >>> 0; return 0; }
    missImm = decodedImm;
    return w;
  } else {
    const inst = mem.phys.dv.getInt32(codeBase + ci, true);
    w = decode32(inst);
    if (w === 0) { h.faultAddr = inst >>> 0; return 0; }
    missImm = decodedImm;
  }
  code[ci] = w;
  code[ci + 1] = missImm;
  return w;
}

/**
 * For interp(): does w, a CSR instruction (imm the CSR number) that is the nth of the run (for
 * instret); returns false, having changed nothing, when the CSR is not one U-mode may access so.
 * Out of line: rare, and interp() compiles sooner without it.
 */
function csrOp(h: Hart, w: number, imm: number, n: number): boolean {
  const x = h.x;
  const op = w & 0xff;
  const csr = imm & 0xfff;
  const src = op >= Op.CSRRWI ? (w >>> 14) & 31 : x[(w >>> 13) & 62]!;
  // CSRRS/CSRRC with x0 or a zero uimm read without writing (so read-only CSRs allow them).
  const writes = op === Op.CSRRW || op === Op.CSRRWI || ((w >>> 14) & 31) !== 0;
  let old: number;
  if (csr === CSR_FFLAGS) old = h.fflags;
  else if (csr === CSR_FRM) old = h.frm;
  else if (csr === CSR_FCSR) old = h.fcsr;
  else if ((csr === CSR_CYCLE || csr === CSR_INSTRET || csr === CSR_TIME) && !writes) {
    old = csr === CSR_TIME ? h.timeSource() : h.instret + n;
  } else if (csr === CSR_ECALL_CPU && !writes && h.cpuCsr) {
    old = h.cpuId;
  } else return false;
  if (writes) {
    const v = op === Op.CSRRW || op === Op.CSRRWI ? src : op === Op.CSRRS || op === Op.CSRRSI ? old | src : old & ~src;
    if (csr === CSR_FFLAGS) h.fflags = v & 0x1f;
    else if (csr === CSR_FRM) h.frm = v & 7;
    else h.fcsr = v & 0xff;
  }
  const d = (w >>> 7) & 126;
  x[d] = old | 0; x[d + 1] = Math.floor(old / TWO32) | 0;
  return true;
}

/**
 * For interp(): does instruction w, an LR.W, SC.W or AMO*.W (decoded as decode.ts packs it), and
 * returns Stop.Budget; or returns Stop.Fault or Stop.Misaligned, recorded on h, having changed
 * nothing. Out of line: atomics are rare, and interp() compiles faster without them.
 */
function atomicW(h: Hart, mem: GuestMemory, tlb: Tlb, w: number): Stop {
  const x = h.x, dv = mem.phys.dv;
  const d = (w >>> 7) & 126, s1 = (w >>> 13) & 62, s2 = (w >>> 18) & 62;
  const op = w & 0xff;
  const a = amoAddress(h, mem, tlb, x[s1 + 1]!, x[s1]!, 3, op === Op.LR_W ? Access.Read : Access.Write);
  if (a < 0) return a === -1 ? Stop.Fault : Stop.Misaligned;
  const b = x[s2]!;
  if (op === Op.LR_W) {
    const v = dv.getInt32(a, true); x[d] = v; x[d + 1] = v >> 31; h.reservation = a;
    return Stop.Budget;
  }
  if (op === Op.SC_W) {
    if (h.reservation === a) { dv.setInt32(a, b, true); x[d] = 0; } else x[d] = 1;
    x[d + 1] = 0; h.reservation = -1;
    return Stop.Budget;
  }
  const old = dv.getInt32(a, true);
  let v: number;
  switch (op) {
    case Op.AMOSWAP_W: v = b; break;
    case Op.AMOADD_W: v = (old + b) | 0; break;
    case Op.AMOXOR_W: v = old ^ b; break;
    case Op.AMOAND_W: v = old & b; break;
    case Op.AMOOR_W: v = old | b; break;
    case Op.AMOMIN_W: v = old < b ? old : b; break;
    case Op.AMOMAX_W: v = old > b ? old : b; break;
    case Op.AMOMINU_W: v = (old >>> 0) < (b >>> 0) ? old : b; break;
    default: v = (old >>> 0) > (b >>> 0) ? old : b; break;
  }
  dv.setInt32(a, v, true);
  x[d] = old; x[d + 1] = old >> 31;
  return Stop.Budget;
}

/** atomicW() for the doubleword forms: LR.D, SC.D and AMO*.D. */
function atomicD(h: Hart, mem: GuestMemory, tlb: Tlb, w: number): Stop {
  const x = h.x, dv = mem.phys.dv;
  const d = (w >>> 7) & 126, s1 = (w >>> 13) & 62, s2 = (w >>> 18) & 62;
  const op = w & 0xff;
  const a = amoAddress(h, mem, tlb, x[s1 + 1]!, x[s1]!, 7, op === Op.LR_D ? Access.Read : Access.Write);
  if (a < 0) return a === -1 ? Stop.Fault : Stop.Misaligned;
  const bl = x[s2]!, bh = x[s2 + 1]!;
  if (op === Op.LR_D) {
    const lo = dv.getInt32(a, true); x[d + 1] = dv.getInt32(a + 4, true); x[d] = lo; h.reservation = a;
    return Stop.Budget;
  }
  if (op === Op.SC_D) {
    if (h.reservation === a) { dv.setInt32(a, bl, true); dv.setInt32(a + 4, bh, true); x[d] = 0; } else x[d] = 1;
    x[d + 1] = 0; h.reservation = -1;
    return Stop.Budget;
  }
  const ol = dv.getInt32(a, true), oh = dv.getInt32(a + 4, true);
  let vl: number, vh: number;
  switch (op) {
    case Op.AMOSWAP_D: vl = bl; vh = bh; break;
    case Op.AMOADD_D: vl = (ol + bl) | 0; vh = (oh + bh + ((vl >>> 0) < (ol >>> 0) ? 1 : 0)) | 0; break;
    case Op.AMOXOR_D: vl = ol ^ bl; vh = oh ^ bh; break;
    case Op.AMOAND_D: vl = ol & bl; vh = oh & bh; break;
    case Op.AMOOR_D: vl = ol | bl; vh = oh | bh; break;
    default: {
      const signed = op === Op.AMOMIN_D || op === Op.AMOMAX_D;
      const ohc = signed ? oh : oh >>> 0, bhc = signed ? bh : bh >>> 0;
      const less = ohc < bhc || (ohc === bhc && (ol >>> 0) < (bl >>> 0));
      const takeOld = op === Op.AMOMIN_D || op === Op.AMOMINU_D ? less : !less;
      if (takeOld) { vl = ol; vh = oh; } else { vl = bl; vh = bh; }
    }
  }
  dv.setInt32(a, vl, true); dv.setInt32(a + 4, vh, true);
  x[d] = ol; x[d + 1] = oh;
  return Stop.Budget;
}

/**
 * A jump or branch retired with a target outside the address space: the fetch there faults,
 * with pc = the target (as an unsigned 64-bit value in a double), as Linux reports it.
 */
function jumpOut(h: Hart, target: number, n: number): Stop {
  const t = target < 0 ? target + 2 ** 64 : target;
  h.pc = t;
  h.faultAddr = t;
  h.faultAccess = Access.Exec;
  h.faultKind = FAULT_MAPERR;
  h.instret += n;
  return Stop.Fault;
}

/** Gives h a TLB over mem's pool (a new one if it had none or one over another pool); returns it. */
function attachTlb(h: Hart, mem: GuestMemory): Tlb {
  let tlb = h.tlb;
  if (tlb === null || tlb.phys !== mem.phys) {
    tlb?.release();
    tlb = new Tlb(mem.phys);
    h.tlb = tlb;
  }
  tlb.attach(mem);
  return tlb;
}

/** Records a fault at addr on h (for run() to stop with Stop.Fault). */
function recordFault(h: Hart, addr: number, access: Access, kind: number): void {
  h.faultAddr = addr;
  h.faultAccess = access;
  h.faultKind = kind;
}

/**
 * The TLB miss path: makes page vpn accessible for `access` (walking the page table, faulting the
 * page in if needed), fills the TLB entry, and returns the frame's byte offset in the pool; or
 * records the fault at addr on h and returns -1.
 */
function translate(h: Hart, mem: GuestMemory, tlb: Tlb, vpn: number, addr: number, access: Access): number {
  let pte = mem.pt.get(vpn);
  const need = pteNeed(access);
  if ((pte & need) !== need) {
    const r = mem.fault(vpn, access);
    if (r !== 0) { recordFault(h, addr, access, r); return -1; }
    pte = mem.pt.get(vpn);
  }
  const base = (pte & ~0xfff) >>> 0;
  if (access === Access.Exec) {
    tlb.fillCode(vpn, pte);
  } else {
    if (access === Access.Write) mem.phys.noteWrite(base / PAGE_SIZE);
    tlb.fillData(vpn, pte);
  }
  return base;
}

/** The frame (byte offset in the pool) holding code page vpn, from the TLB or its miss path; -1 after recording the fault at offset off. */
function codeFrame(h: Hart, mem: GuestMemory, tlb: Tlb, vpn: number, off: number): number {
  const e = vpn & 1023; // TLB_MASK (a literal: see HI_SHIFT)
  if (tlb.tagX[e] === vpn) return tlb.paX[e]! >>> 0;
  return translate(h, mem, tlb, vpn, vpn * PAGE_SIZE + off, Access.Exec);
}

/** Returns the byte offset of the page after a page-crossing instruction (vpn, starting at addr), or -1 after recording the fault. */
function fetchNextPage(h: Hart, mem: GuestMemory, tlb: Tlb, vpn: number, addr: number): number {
  if (vpn * PAGE_SIZE >= TASK_SIZE) { recordFault(h, addr, Access.Exec, FAULT_MAPERR); return -1; }
  const e = vpn & TLB_MASK;
  return tlb.tagX[e] === vpn ? tlb.paX[e]! >>> 0 : translate(h, mem, tlb, vpn, addr, Access.Exec);
}

/** Translates the address hi:lo for an access; returns its byte offset in the pool or -1 after recording the fault. */
function dataAddress(h: Hart, mem: GuestMemory, tlb: Tlb, hi: number, lo: number, access: Access): number {
  if ((hi >>> HI_SHIFT) !== 0) { recordFault(h, (hi >>> 0) * TWO32 + (lo >>> 0), access, FAULT_MAPERR); return -1; }
  const base = translate(h, mem, tlb, (hi << 20) | (lo >>> 12), hi * TWO32 + (lo >>> 0), access);
  return base < 0 ? -1 : base + (lo & 0xfff);
}

/**
 * The slow path of a load of `size` bytes at hi:lo: returns the byte offset to read from (the
 * scratch frame when the bytes straddle two pages), or -1 after recording the fault. A fault
 * on the second page is reported at its first byte, as Linux reports it.
 */
function loadSlow(h: Hart, mem: GuestMemory, tlb: Tlb, hi: number, lo: number, size: number): number {
  const first = dataAddress(h, mem, tlb, hi, lo, Access.Read);
  if (first < 0 || (lo & 0xfff) <= 4096 - size) return first;
  const n1 = 4096 - (lo & 0xfff);
  const second = secondPage(h, mem, tlb, hi, lo, Access.Read);
  if (second < 0) return -1;
  const u8 = mem.phys.u8;
  for (let i = 0; i < n1; i++) u8[SCRATCH_PA + i] = u8[first + i]!;
  for (let i = n1; i < size; i++) u8[SCRATCH_PA + i] = u8[second + i - n1]!;
  return SCRATCH_PA;
}

/** The byte offset of the page after the one holding hi:lo, translated for access; -1 after recording the fault. */
function secondPage(h: Hart, mem: GuestMemory, tlb: Tlb, hi: number, lo: number, access: Access): number {
  const next = hi * TWO32 + (lo >>> 0) - (lo & 0xfff) + PAGE_SIZE;
  if (next >= TASK_SIZE) { recordFault(h, next, access, FAULT_MAPERR); return -1; }
  return translate(h, mem, tlb, next / PAGE_SIZE, next, access);
}

/**
 * The slow path of a store of `size` bytes of register r of regs (x or f) at hi:lo: translates
 * (faulting pages in, dropping decoded code) and writes the bytes; false after recording the fault.
 */
function storeSlow(h: Hart, mem: GuestMemory, tlb: Tlb, hi: number, lo: number, size: number, regs: Int32Array, r: number): boolean {
  const first = dataAddress(h, mem, tlb, hi, lo, Access.Write);
  if (first < 0) return false;
  const n1 = Math.min(size, 4096 - (lo & 0xfff));
  let second = 0;
  if (n1 < size && (second = secondPage(h, mem, tlb, hi, lo, Access.Write)) < 0) return false;
  const u8 = mem.phys.u8;
  const vlo = regs[r]!, vhi = regs[r + 1]!;
  for (let i = 0; i < size; i++) {
    const b = (i < 4 ? vlo >>> (8 * i) : vhi >>> (8 * (i - 4))) & 0xff;
    u8[i < n1 ? first + i : second + i - n1] = b;
  }
  return true;
}

/**
 * The address of an AMO or LR/SC at hi:lo (alignment mask 3 or 7): its byte offset in the pool,
 * -1 after recording a fault, or -2 for a misaligned address (Stop.Misaligned, recorded on h).
 * AMOs read and write, so they need a page that is both readable and writable.
 */
function amoAddress(h: Hart, mem: GuestMemory, tlb: Tlb, hi: number, lo: number, mask: number, access: Access): number {
  if ((hi >>> HI_SHIFT) !== 0) { recordFault(h, (hi >>> 0) * TWO32 + (lo >>> 0), access, FAULT_MAPERR); return -1; }
  if (lo & mask) { h.faultAddr = hi * TWO32 + (lo >>> 0); h.faultAccess = access; return -2; }
  const vpn = (hi << 20) | (lo >>> 12), e = vpn & TLB_MASK;
  if (tlb.tagR[e] === vpn && (access === Access.Read || tlb.tagW[e] === vpn)) return (tlb.paD[e]! | (lo & 0xfff)) >>> 0;
  if (access === Access.Write && dataAddress(h, mem, tlb, hi, lo, Access.Read) < 0) {
    h.faultAccess = Access.Write;
    return -1;
  }
  return dataAddress(h, mem, tlb, hi, lo, access);
}

/** x[d] = (ah:al) << sh, for sh in 0..63. */
function shl(x: Int32Array, d: number, ah: number, al: number, sh: number): void {
  if (sh & 32) { x[d + 1] = al << (sh & 31); x[d] = 0; }
  else if (sh === 0) { x[d + 1] = ah; x[d] = al; }
  else { x[d + 1] = (ah << sh) | (al >>> (32 - sh)); x[d] = al << sh; }
}

/** x[d] = (ah:al) >>> sh (logical), for sh in 0..63. */
function shr(x: Int32Array, d: number, ah: number, al: number, sh: number): void {
  if (sh & 32) { x[d] = ah >>> (sh & 31); x[d + 1] = 0; }
  else if (sh === 0) { x[d + 1] = ah; x[d] = al; }
  else { x[d] = (al >>> sh) | (ah << (32 - sh)); x[d + 1] = ah >>> sh; }
}

/** x[d] = (ah:al) >> sh (arithmetic), for sh in 0..63. */
function sar(x: Int32Array, d: number, ah: number, al: number, sh: number): void {
  if (sh & 32) { x[d] = ah >> (sh & 31); x[d + 1] = ah >> 31; }
  else if (sh === 0) { x[d + 1] = ah; x[d] = al; }
  else { x[d] = (al >>> sh) | (ah << (32 - sh)); x[d + 1] = ah >> sh; }
}
