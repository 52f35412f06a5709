// The interpreter: runs a hart until its instruction budget is spent or it traps.
// Registers are (lo, hi) int32 pairs in h.x; every 64-bit operation works on the halves, so the
// hot path never converts between BigInt and Number.
import * as alu from './alu64.js';
import { codeCacheFor } from './code_cache.js';
import { C_ILLEGAL, compressedTables, decode32, decodeCompressed, decodedImm } from './decode.js';
import { execFp } from './fp/index.js';
import { Access, Hart, Stop } from './hart.js';
import { Op } from './ops.js';
import { GuestMemory, PAGE_WATCH, PROT_EXEC, PROT_READ, PROT_WRITE } from '../mem/guest_memory.js';

const TWO32 = 4294967296;
const NO_CODE = new Int32Array(0);
const WMASK = PROT_WRITE | PAGE_WATCH;

/** CSR numbers readable from U-mode (riscv privileged spec, table of CSR addresses). */
const CSR_FFLAGS = 0x001, CSR_FRM = 0x002, CSR_FCSR = 0x003;
const CSR_CYCLE = 0xc00, CSR_TIME = 0xc01, CSR_INSTRET = 0xc02;
/** ecall's custom user-mode read-only CSR (the 0xcc0-0xcff range is for custom use): the hart's
 *  virtual CPU number, readable only while hart.cpuCsr is set (the percpu extension). */
export const CSR_ECALL_CPU = 0xcc0;

/**
 * Runs h from h.pc for at most budget instructions in mem. Returns why it stopped; h.pc is the
 * next instruction (Budget) or the trapping one (Ecall, Ebreak, Fault, Illegal, Misaligned).
 */
export function run(h: Hart, mem: GuestMemory, budget: number): Stop {
  const x = h.x, f = h.f, prot = mem.prot, dv = mem.dv, u8 = mem.u8;
  const cache = codeCacheFor(mem);
  const ctab = compressedTables();
  const cInfo = ctab.info, cImm = ctab.imm;
  let pc = h.pc;
  let curPage = -1;
  let code: Int32Array = NO_CODE;
  let n = 0;
  let stop = Stop.Budget;
  // A pc set from outside (sigreturn, clone) may be anything: beyond 4 GiB it cannot be fetched,
  // and an odd pc is an instruction-address-misaligned trap.
  if (!(pc >= 0 && pc < TWO32)) return jumpOut(h, pc, 0);
  if (pc & 1) { h.faultAddr = pc; h.faultAccess = Access.Exec; return Stop.Misaligned; }

  // Records a data fault at address hi:lo (64-bit) and leaves pc at the faulting instruction.
  const fault = (hi: number, lo: number, access: Access): void => {
    h.faultAddr = (hi >>> 0) * TWO32 + (lo >>> 0);
    h.faultAccess = access;
    stop = Stop.Fault;
  };
  // Slow path of a store: the page is unwritable (fault) or watched (drop cached code, then store).
  const storeSlow = (a: number, size: number): boolean => {
    const last = a + size - 1;
    if ((prot[a >>> 12]! & PROT_WRITE) === 0) { fault(0, a, Access.Write); return false; }
    if ((prot[last >>> 12]! & PROT_WRITE) === 0 || last >= TWO32) { fault(0, last & ~0xfff, Access.Write); return false; }
    if (prot[a >>> 12]! & PAGE_WATCH) mem.invalidate(a >>> 12, 1);
    if (prot[last >>> 12]! & PAGE_WATCH) mem.invalidate(last >>> 12, 1);
    curPage = -1; // the current code page may have been dropped
    return true;
  };
  // Checks that [a, a+size) is readable; records the fault otherwise.
  const readSlow = (a: number, size: number): boolean => {
    if ((prot[a >>> 12]! & PROT_READ) === 0) { fault(0, a, Access.Read); return false; }
    const last = a + size - 1;
    if (last >= TWO32 || (prot[last >>> 12]! & PROT_READ) === 0) { fault(0, last & ~0xfff, Access.Read); return false; }
    return true;
  };

  while (n < budget) {
    const pg = pc >>> 12;
    if (pg !== curPage) {
      if ((prot[pg]! & PROT_EXEC) === 0) { h.faultAddr = pc; h.faultAccess = Access.Exec; stop = Stop.Fault; break; }
      code = cache.page(pg);
      curPage = pg;
    }
    const ci = pc & 0xffe;
    let w = code[ci]!;
    let imm: number;
    if (w !== 0) {
      imm = code[ci + 1]!;
    } else {
      const half = u8[pc]! | (u8[pc + 1]! << 8);
      if ((half & 3) !== 3) {
        w = cInfo[half]!;
        if (w === 0) w = decodeCompressed(half);
        imm = cImm[half]!;
        if (w === C_ILLEGAL) { h.faultAddr = half; stop = Stop.Illegal; break; }
        code[ci] = w;
        code[ci + 1] = imm;
      } else if (ci === 0xffe) {
        // A 32-bit instruction that crosses into the next page: decoded every time, never cached.
        if ((prot[pg + 1]! & PROT_EXEC) === 0) { h.faultAddr = pc + 2; h.faultAccess = Access.Exec; stop = Stop.Fault; break; }
        const inst = half | ((u8[pc + 2]! | (u8[pc + 3]! << 8)) << 16);
        w = decode32(inst);
        imm = decodedImm;
        if (w === 0) { h.faultAddr = inst >>> 0; stop = Stop.Illegal; break; }
      } else {
        const inst = dv.getInt32(pc, true);
        w = decode32(inst);
        imm = decodedImm;
        if (w === 0) { h.faultAddr = inst >>> 0; stop = Stop.Illegal; break; }
        code[ci] = w;
        code[ci + 1] = imm;
      }
    }
    const next = pc + (w & 0x20000000 ? 2 : 4);
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
        const v = pc + imm;
        x[d] = v | 0; x[d + 1] = v < 0 ? -1 : v >= TWO32 ? 1 : 0;
        break;
      }
      case Op.JAL: {
        const t = pc + imm;
        x[d] = next | 0; x[d + 1] = next >= TWO32 ? 1 : 0;
        if (t < 0 || t >= TWO32) return jumpOut(h, t, n);
        pc = t;
        continue;
      }
      case Op.JALR: {
        const al = x[s1]!, lo = (al + imm) & ~1;
        const hi = (x[s1 + 1]! + (imm >> 31) + (((al + imm) >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
        x[d] = next | 0; x[d + 1] = next >= TWO32 ? 1 : 0;
        if (hi !== 0) return jumpOut(h, (hi >>> 0) * TWO32 + (lo >>> 0), n);
        pc = lo >>> 0;
        continue;
      }
      case Op.BEQ:
        if (x[s1] === x[s2] && x[s1 + 1] === x[s2 + 1]) { pc += imm; if (pc >>> 0 !== pc) return jumpOut(h, pc, n); continue; }
        break;
      case Op.BNE:
        if (x[s1] !== x[s2] || x[s1 + 1] !== x[s2 + 1]) { pc += imm; if (pc >>> 0 !== pc) return jumpOut(h, pc, n); continue; }
        break;
      case Op.BLT: {
        const ah = x[s1 + 1]!, bh = x[s2 + 1]!;
        if (ah < bh || (ah === bh && (x[s1]! >>> 0) < (x[s2]! >>> 0))) { pc += imm; if (pc >>> 0 !== pc) return jumpOut(h, pc, n); continue; }
        break;
      }
      case Op.BGE: {
        const ah = x[s1 + 1]!, bh = x[s2 + 1]!;
        if (!(ah < bh || (ah === bh && (x[s1]! >>> 0) < (x[s2]! >>> 0)))) { pc += imm; if (pc >>> 0 !== pc) return jumpOut(h, pc, n); continue; }
        break;
      }
      case Op.BLTU: {
        const ah = x[s1 + 1]! >>> 0, bh = x[s2 + 1]! >>> 0;
        if (ah < bh || (ah === bh && (x[s1]! >>> 0) < (x[s2]! >>> 0))) { pc += imm; if (pc >>> 0 !== pc) return jumpOut(h, pc, n); continue; }
        break;
      }
      case Op.BGEU: {
        const ah = x[s1 + 1]! >>> 0, bh = x[s2 + 1]! >>> 0;
        if (!(ah < bh || (ah === bh && (x[s1]! >>> 0) < (x[s2]! >>> 0)))) { pc += imm; if (pc >>> 0 !== pc) return jumpOut(h, pc, n); continue; }
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
        if (hi !== 0) { fault(hi, lo, Access.Read); n--; break; }
        const a = lo >>> 0;
        if ((prot[a >>> 12]! & PROT_READ) === 0 || ((a & 0xfff) > 4096 - size && !readSlow(a, size))) {
          if (stop === Stop.Budget) fault(0, a, Access.Read);
          n--; break;
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
        if (hi !== 0) { fault(hi, lo, Access.Write); n--; break; }
        const a = lo >>> 0;
        if (((prot[a >>> 12]! & WMASK) !== PROT_WRITE || ((a & 0xfff) > 4096 - size &&
          (prot[(a + size - 1) >>> 12]! & WMASK) !== PROT_WRITE)) && !storeSlow(a, size)) { n--; break; }
        const fs2 = 2 * ((w >>> 19) & 31);
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
      case Op.ANDI: x[d + 1] = x[s1 + 1]! & (imm >> 31); x[d] = x[s1]! & imm; break;
      case Op.SLLI: shl(x, d, x[s1 + 1]!, x[s1]!, imm); break;
      case Op.SRLI: shr(x, d, x[s1 + 1]!, x[s1]!, imm); break;
      case Op.SRAI: sar(x, d, x[s1 + 1]!, x[s1]!, imm); break;
      case Op.ADDIW: { const v = (x[s1]! + imm) | 0; x[d] = v; x[d + 1] = v >> 31; break; }
      case Op.SLLIW: { const v = x[s1]! << imm; x[d] = v; x[d + 1] = v >> 31; break; }
      case Op.SRLIW: { const v = (x[s1]! >>> imm) | 0; x[d] = v; x[d + 1] = v >> 31; break; }
      case Op.SRAIW: { const v = x[s1]! >> imm; x[d] = v; x[d + 1] = v >> 31; break; }

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
      case Op.XOR: x[d + 1] = x[s1 + 1]! ^ x[s2 + 1]!; x[d] = x[s1]! ^ x[s2]!; break;
      case Op.OR: x[d + 1] = x[s1 + 1]! | x[s2 + 1]!; x[d] = x[s1]! | x[s2]!; break;
      case Op.AND: x[d + 1] = x[s1 + 1]! & x[s2 + 1]!; x[d] = x[s1]! & x[s2]!; break;
      case Op.ADDW: { const v = (x[s1]! + x[s2]!) | 0; x[d] = v; x[d + 1] = v >> 31; break; }
      case Op.SUBW: { const v = (x[s1]! - x[s2]!) | 0; x[d] = v; x[d + 1] = v >> 31; break; }
      case Op.SLLW: { const v = x[s1]! << (x[s2]! & 31); x[d] = v; x[d + 1] = v >> 31; break; }
      case Op.SRLW: { const v = (x[s1]! >>> (x[s2]! & 31)) | 0; x[d] = v; x[d + 1] = v >> 31; break; }
      case Op.SRAW: { const v = x[s1]! >> (x[s2]! & 31); x[d] = v; x[d + 1] = v >> 31; break; }

      // ---- M ----
      case Op.MUL: alu.mul64(x[s1 + 1]!, x[s1]!, x[s2 + 1]!, x[s2]!); x[d] = alu.rLo; x[d + 1] = alu.rHi; break;
      case Op.MULH: alu.mulh64(x[s1 + 1]!, x[s1]!, x[s2 + 1]!, x[s2]!); x[d] = alu.rLo; x[d + 1] = alu.rHi; break;
      case Op.MULHSU: alu.mulhsu64(x[s1 + 1]!, x[s1]!, x[s2 + 1]!, x[s2]!); x[d] = alu.rLo; x[d + 1] = alu.rHi; break;
      case Op.MULHU: alu.mulhu64(x[s1 + 1]!, x[s1]!, x[s2 + 1]!, x[s2]!); x[d] = alu.rLo; x[d + 1] = alu.rHi; break;
      case Op.DIV: alu.div64(x[s1 + 1]!, x[s1]!, x[s2 + 1]!, x[s2]!); x[d] = alu.rLo; x[d + 1] = alu.rHi; break;
      case Op.DIVU: alu.divu64(x[s1 + 1]!, x[s1]!, x[s2 + 1]!, x[s2]!); x[d] = alu.rLo; x[d + 1] = alu.rHi; break;
      case Op.REM: alu.rem64(x[s1 + 1]!, x[s1]!, x[s2 + 1]!, x[s2]!); x[d] = alu.rLo; x[d + 1] = alu.rHi; break;
      case Op.REMU: alu.remu64(x[s1 + 1]!, x[s1]!, x[s2 + 1]!, x[s2]!); x[d] = alu.rLo; x[d + 1] = alu.rHi; break;
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

      // ---- system ----
      case Op.ECALL:
        stop = Stop.Ecall;
        break;
      case Op.EBREAK:
        stop = Stop.Ebreak;
        break;
      case Op.CSRRW: case Op.CSRRS: case Op.CSRRC: case Op.CSRRWI: case Op.CSRRSI: case Op.CSRRCI: {
        const op = w & 0xff;
        const csr = imm & 0xfff;
        const src = op >= Op.CSRRWI ? (w >>> 14) & 31 : x[s1]!;
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
        } else { n--; h.faultAddr = 0; stop = Stop.Illegal; break; }
        if (writes) {
          const v = op === Op.CSRRW || op === Op.CSRRWI ? src : op === Op.CSRRS || op === Op.CSRRSI ? old | src : old & ~src;
          if (csr === CSR_FFLAGS) h.fflags = v & 0x1f;
          else if (csr === CSR_FRM) h.frm = v & 7;
          else h.fcsr = v & 0xff;
        }
        x[d] = old | 0; x[d + 1] = Math.floor(old / TWO32) | 0;
        break;
      }

      // ---- A ----
      case Op.LR_W: case Op.SC_W: case Op.AMOSWAP_W: case Op.AMOADD_W: case Op.AMOXOR_W: case Op.AMOAND_W:
      case Op.AMOOR_W: case Op.AMOMIN_W: case Op.AMOMAX_W: case Op.AMOMINU_W: case Op.AMOMAXU_W: {
        const op = w & 0xff;
        const hi = x[s1 + 1]!, a = x[s1]! >>> 0;
        if (hi !== 0) { fault(hi, a, op === Op.LR_W ? Access.Read : Access.Write); n--; break; }
        if (a & 3) { h.faultAddr = a; h.faultAccess = op === Op.LR_W ? Access.Read : Access.Write; stop = Stop.Misaligned; n--; break; }
        const need = op === Op.LR_W ? PROT_READ : PROT_READ | PROT_WRITE;
        if ((prot[a >>> 12]! & need) !== need) { fault(0, a, op === Op.LR_W ? Access.Read : Access.Write); n--; break; }
        if (op !== Op.LR_W && (prot[a >>> 12]! & PAGE_WATCH)) { mem.invalidate(a >>> 12, 1); curPage = -1; }
        const b = x[s2]!;
        if (op === Op.LR_W) {
          const v = dv.getInt32(a, true); x[d] = v; x[d + 1] = v >> 31; h.reservation = a;
          break;
        }
        if (op === Op.SC_W) {
          if (h.reservation === a) { dv.setInt32(a, b, true); x[d] = 0; } else x[d] = 1;
          x[d + 1] = 0; h.reservation = -1;
          break;
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
        break;
      }
      case Op.LR_D: case Op.SC_D: case Op.AMOSWAP_D: case Op.AMOADD_D: case Op.AMOXOR_D: case Op.AMOAND_D:
      case Op.AMOOR_D: case Op.AMOMIN_D: case Op.AMOMAX_D: case Op.AMOMINU_D: case Op.AMOMAXU_D: {
        const op = w & 0xff;
        const hi = x[s1 + 1]!, a = x[s1]! >>> 0;
        if (hi !== 0) { fault(hi, a, op === Op.LR_D ? Access.Read : Access.Write); n--; break; }
        if (a & 7) { h.faultAddr = a; h.faultAccess = op === Op.LR_D ? Access.Read : Access.Write; stop = Stop.Misaligned; n--; break; }
        const need = op === Op.LR_D ? PROT_READ : PROT_READ | PROT_WRITE;
        if ((prot[a >>> 12]! & need) !== need) { fault(0, a, op === Op.LR_D ? Access.Read : Access.Write); n--; break; }
        if (op !== Op.LR_D && (prot[a >>> 12]! & PAGE_WATCH)) { mem.invalidate(a >>> 12, 1); curPage = -1; }
        const bl = x[s2]!, bh = x[s2 + 1]!;
        if (op === Op.LR_D) {
          const lo = dv.getInt32(a, true); x[d + 1] = dv.getInt32(a + 4, true); x[d] = lo; h.reservation = a;
          break;
        }
        if (op === Op.SC_D) {
          if (h.reservation === a) { dv.setInt32(a, bl, true); dv.setInt32(a + 4, bh, true); x[d] = 0; } else x[d] = 1;
          x[d + 1] = 0; h.reservation = -1;
          break;
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
        break;
      }

      default: {
        // F and D arithmetic, conversions, compares and moves.
        if ((w & 0xff) >= Op.FMADD_S && execFp(h, (w & 0xff) as Op, (w >>> 8) & 63, (w >>> 14) & 31, (w >>> 19) & 31, (w >>> 24) & 31, imm)) break;
        n--;
        h.faultAddr = 0;
        stop = Stop.Illegal;
      }
    }
    if (stop !== Stop.Budget) break;
    pc = next;
  }
  x[64] = 0; x[65] = 0;
  h.pc = pc;
  h.instret += n;
  return stop;
}

/**
 * A jump or branch retired with a target outside the 4 GiB space: the fetch there faults, with
 * pc = the target (as an unsigned 64-bit value in a double), as Linux reports it.
 */
function jumpOut(h: Hart, target: number, n: number): Stop {
  const t = target < 0 ? target + 2 ** 64 : target;
  h.pc = t;
  h.faultAddr = t;
  h.faultAccess = Access.Exec;
  h.instret += n;
  return Stop.Fault;
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
