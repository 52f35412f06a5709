// The case generator: random straight-line rv64gc sequences per extension group, with random
// initial registers, fcsr and scratch memory. Deterministic from (seed, group).
import * as E from './encode.js';
import { Prng } from './prng.js';
import { REC_SLOTS, SCRATCH_BYTES, SLOT_F0, SLOT_FCSR, REG_S0, REG_SP } from './layout.js';
import { randomDouble, randomFpReg, randomInt, randomSingleBits, boxSingle, INT_SPECIALS } from './values.js';

/** Extension groups the generator knows; each also mixes in a little of RV64I. */
export const GROUPS = ['I', 'M', 'A', 'F', 'D', 'C'] as const;
export type Group = (typeof GROUPS)[number];

/** Sequence length bounds (in generator items; pairs such as lr/sc count once). */
export const MIN_ITEMS = 20;
export const MAX_ITEMS = 40;

/** One instruction: raw bits, size in bytes, a mnemonic and the state slots it reads. */
export interface Insn {
  bits: number;
  size: 2 | 4;
  text: string;
  reads: number[];
}

/** One fuzz case: code, initial register record (x, f, fcsr) and initial scratch bytes. */
export interface FuzzCase {
  seed: number;
  group: Group;
  insns: Insn[];
  init: BigUint64Array;
  scratch: Uint8Array;
}

/** Returns the code bytes of a list of instructions (little-endian). */
export function codeBytes(insns: readonly Insn[]): Uint8Array {
  const len = insns.reduce((n, i) => n + i.size, 0);
  const out = new Uint8Array(len);
  const dv = new DataView(out.buffer);
  let p = 0;
  for (const i of insns) {
    if (i.size === 4) dv.setUint32(p, i.bits >>> 0, true);
    else dv.setUint16(p, i.bits & 0xffff, true);
    p += i.size;
  }
  return out;
}

const RM_VALID = [0, 1, 2, 3, 4, 7] as const; // 5 and 6 are reserved (illegal instruction)
const CSR_FFLAGS = 1, CSR_FRM = 2, CSR_FCSR = 3;
const CSR_NAMES = ['', 'fflags', 'frm', 'fcsr'];
/** Byte offsets from s0 that plain loads/stores use: inside scratch, misaligned allowed. */
const S0_MIN_OFF = -256, S0_MAX_OFF = 248;
/** AMO/LR/SC targets: aligned doublewords at s0 + [0, AMO_SLOTS * 8). */
const AMO_SLOTS = 32;

const xn = (r: number): string => `x${r}`;
const fn = (r: number): string => `f${r}`;
const F = (r: number): number => SLOT_F0 + r;

/** Builds one case's instruction list while tracking the statically known frm. */
class Builder {
  readonly insns: Insn[] = [];
  frm: number;

  constructor(readonly r: Prng, initialFrm: number) {
    this.frm = initialFrm;
  }

  emit(bits: number, size: 2 | 4, text: string, reads: number[]): void {
    this.insns.push({ bits: bits >>> 0, size, text, reads });
  }

  /** Returns a writable integer register (never sp or s0; x0 only if allowZero). */
  rd(allowZero = true): number {
    for (;;) {
      const v = this.r.below(32);
      if (v === REG_SP || v === REG_S0) continue;
      if (v === 0 && !allowZero) continue;
      return v;
    }
  }

  /** Returns a source integer register (any, biased away from x0). */
  rs(): number {
    return this.r.chance(0.05) ? 0 : this.r.range(1, 31);
  }

  /** Returns a writable register among x8..x15 (compressed rd'), never s0. */
  rdp(): number {
    return this.r.range(9, 15);
  }

  rm(): number {
    return this.r.pick(RM_VALID);
  }
}

// ---- RV64I ----------------------------------------------------------------------------

const ALU_RR: readonly [string, number, number][] = [
  ['add', 0, 0], ['sub', 0, 0x20], ['sll', 1, 0], ['slt', 2, 0], ['sltu', 3, 0], ['xor', 4, 0],
  ['srl', 5, 0], ['sra', 5, 0x20], ['or', 6, 0], ['and', 7, 0],
];
const ALU_RRW: readonly [string, number, number][] = [
  ['addw', 0, 0], ['subw', 0, 0x20], ['sllw', 1, 0], ['srlw', 5, 0], ['sraw', 5, 0x20],
];
const ALU_RI: readonly [string, number][] = [['addi', 0], ['slti', 2], ['sltiu', 3], ['xori', 4], ['ori', 6], ['andi', 7]];
const LOADS: readonly [string, number, number][] = [
  ['lb', 0, 1], ['lh', 1, 2], ['lw', 2, 4], ['ld', 3, 8], ['lbu', 4, 1], ['lhu', 5, 2], ['lwu', 6, 4],
];
const STORES: readonly [string, number, number][] = [['sb', 0, 1], ['sh', 1, 2], ['sw', 2, 4], ['sd', 3, 8]];

function imm12(r: Prng): number {
  return r.chance(0.3) ? r.pick([0, 1, -1, 2047, -2048, 31, 32, 63]) : r.range(-2048, 2047);
}

function genI(b: Builder): void {
  const r = b.r;
  const k = r.below(20);
  if (k < 5) {
    const [name, f3, f7] = r.pick(ALU_RR);
    const rd = b.rd(), a = b.rs(), c = b.rs();
    b.emit(E.encR(0x33, f3, f7, rd, a, c), 4, `${name} ${xn(rd)}, ${xn(a)}, ${xn(c)}`, [a, c]);
  } else if (k < 7) {
    const [name, f3, f7] = r.pick(ALU_RRW);
    const rd = b.rd(), a = b.rs(), c = b.rs();
    b.emit(E.encR(0x3b, f3, f7, rd, a, c), 4, `${name} ${xn(rd)}, ${xn(a)}, ${xn(c)}`, [a, c]);
  } else if (k < 10) {
    const [name, f3] = r.pick(ALU_RI);
    const rd = b.rd(), a = b.rs(), imm = imm12(r);
    b.emit(E.encI(0x13, f3, rd, a, imm), 4, `${name} ${xn(rd)}, ${xn(a)}, ${imm}`, [a]);
  } else if (k < 11) {
    const rd = b.rd(), a = b.rs(), imm = imm12(r);
    b.emit(E.encI(0x1b, 0, rd, a, imm), 4, `addiw ${xn(rd)}, ${xn(a)}, ${imm}`, [a]);
  } else if (k < 13) {
    const [name, f3, top] = r.pick([['slli', 1, 0], ['srli', 5, 0], ['srai', 5, 0x400]] as const);
    const rd = b.rd(), a = b.rs(), sh = r.below(64);
    b.emit(E.encI(0x13, f3, rd, a, top | sh), 4, `${name} ${xn(rd)}, ${xn(a)}, ${sh}`, [a]);
  } else if (k < 14) {
    const [name, f3, top] = r.pick([['slliw', 1, 0], ['srliw', 5, 0], ['sraiw', 5, 0x400]] as const);
    const rd = b.rd(), a = b.rs(), sh = r.below(32);
    b.emit(E.encI(0x1b, f3, rd, a, top | sh), 4, `${name} ${xn(rd)}, ${xn(a)}, ${sh}`, [a]);
  } else if (k < 15) {
    const rd = b.rd(), imm = r.u32() >>> 12;
    if (r.chance(0.5)) b.emit(E.encU(0x37, rd, imm), 4, `lui ${xn(rd)}, 0x${imm.toString(16)}`, []);
    else b.emit(E.encU(0x17, rd, imm), 4, `auipc ${xn(rd)}, 0x${imm.toString(16)}`, []);
  } else if (k < 17) {
    genLoad(b);
  } else if (k < 19) {
    genStore(b);
  } else {
    genForwardJump(b, false);
  }
}

/** Returns [base register, offset] for an access of `size` bytes inside scratch. */
function memOperand(b: Builder, size: number): [number, number] {
  if (b.r.chance(0.25)) return [REG_SP, b.r.range(0, 0x200 - size)];
  const off = b.r.chance(0.7) ? b.r.range(S0_MIN_OFF / size, S0_MAX_OFF / size) * size : b.r.range(S0_MIN_OFF, S0_MAX_OFF);
  return [REG_S0, off];
}

function genLoad(b: Builder): void {
  const [name, f3, size] = b.r.pick(LOADS);
  const [base, off] = memOperand(b, size);
  const rd = b.rd();
  b.emit(E.encI(0x03, f3, rd, base, off), 4, `${name} ${xn(rd)}, ${off}(${xn(base)})`, [base]);
}

function genStore(b: Builder): void {
  const [name, f3, size] = b.r.pick(STORES);
  const [base, off] = memOperand(b, size);
  const src = b.rs();
  b.emit(E.encS(0x23, f3, base, src, off), 4, `${name} ${xn(src)}, ${off}(${xn(base)})`, [base, src]);
}

/** Emits one single-instruction ALU op (safe to skip: no pairing, no frm effect). */
function genPlainAlu(b: Builder): void {
  const [name, f3, f7] = b.r.pick(ALU_RR);
  const rd = b.rd(), a = b.rs(), c = b.rs();
  b.emit(E.encR(0x33, f3, f7, rd, a, c), 4, `${name} ${xn(rd)}, ${xn(a)}, ${xn(c)}`, [a, c]);
}

const BRANCHES: readonly [string, number][] = [['beq', 0], ['bne', 1], ['blt', 4], ['bge', 5], ['bltu', 6], ['bgeu', 7]];
/** Largest number of instructions a forward branch or jump skips. */
const MAX_SKIP = 3;

/**
 * Emits a short forward branch or jump over 0..MAX_SKIP plain ALU ops, so the target is always
 * inside the sequence: beq..bgeu, jal, auipc+jalr (with a set low bit jalr must clear), and the
 * compressed c.j, c.beqz, c.bnez, c.jr and c.jalr when `compressed`.
 */
function genForwardJump(b: Builder, compressed: boolean): void {
  const r = b.r;
  const kind = compressed ? r.below(5) : r.below(3);
  const at = b.insns.length;
  // Emit the linking prefix (if any), then the jump itself as a placeholder patched below.
  let t = 0;
  if ((!compressed && kind === 2) || (compressed && kind >= 3)) {
    t = b.rd(false);
    b.emit(E.encU(0x17, t, 0), 4, `auipc ${xn(t)}, 0`, []);
  }
  if (compressed && kind >= 3) b.emit(0, 4, '', []); // addi t, t, off
  const jumpAt = b.insns.length;
  b.emit(0, compressed ? 2 : 4, '', []);
  const skip = r.below(MAX_SKIP + 1);
  for (let i = 0; i < skip; i++) genPlainAlu(b);
  let skipped = 0;
  for (let i = jumpAt + 1; i < b.insns.length; i++) skipped += b.insns[i]!.size;
  const j = b.insns[jumpAt]!;
  const off = j.size + skipped; // from the jump to the first instruction after the skipped ones
  if (!compressed) {
    if (kind === 0) {
      const [name, f3] = r.pick(BRANCHES);
      const a = b.rs(), c = r.chance(0.3) ? a : b.rs();
      Object.assign(j, { bits: E.encB(f3, a, c, off), text: `${name} ${xn(a)}, ${xn(c)}, .+${off}`, reads: [a, c] });
    } else if (kind === 1) {
      const rd = b.rd();
      Object.assign(j, { bits: E.encJ(rd, off), text: `jal ${xn(rd)}, .+${off}`, reads: [] });
    } else {
      const rd = b.rd(), imm = 4 + off + r.below(2); // relative to the auipc; bit 0 is ignored
      Object.assign(j, { bits: E.encI(0x67, 0, rd, t, imm), text: `jalr ${xn(rd)}, ${imm}(${xn(t)})`, reads: [t] });
    }
    return;
  }
  if (kind === 0) {
    Object.assign(j, { bits: E.cJ(off), text: `c.j .+${off}`, reads: [] });
  } else if (kind <= 2) {
    const a = r.range(8, 15), f3 = kind === 1 ? 6 : 7;
    Object.assign(j, { bits: E.cBranch(f3, a, off), text: `${kind === 1 ? 'c.beqz' : 'c.bnez'} ${xn(a)}, .+${off}`, reads: [a] });
  } else {
    const link = kind === 4;
    Object.assign(b.insns[at + 1]!, { bits: E.encI(0x13, 0, t, t, 8 + off), text: `addi ${xn(t)}, ${xn(t)}, ${8 + off}`, reads: [t] });
    Object.assign(j, { bits: E.cR(link ? 9 : 8, t, 0, 2), text: `${link ? 'c.jalr' : 'c.jr'} ${xn(t)}`, reads: [t] });
  }
}

// ---- M --------------------------------------------------------------------------------

const MUL_OPS: readonly [string, number, number][] = [
  ['mul', 0x33, 0], ['mulh', 0x33, 1], ['mulhsu', 0x33, 2], ['mulhu', 0x33, 3], ['div', 0x33, 4],
  ['divu', 0x33, 5], ['rem', 0x33, 6], ['remu', 0x33, 7], ['mulw', 0x3b, 0], ['divw', 0x3b, 4],
  ['divuw', 0x3b, 5], ['remw', 0x3b, 6], ['remuw', 0x3b, 7],
];

/** Loads an edge value (-1, INT64_MIN, INT32_MIN, 0) into a fresh register; returns it. */
function genEdgeValue(b: Builder): number {
  const rd = b.rd(false);
  const k = b.r.below(4);
  if (k === 0) b.emit(E.encI(0x13, 0, rd, 0, -1), 4, `addi ${xn(rd)}, x0, -1`, []);
  else if (k === 1) b.emit(E.encU(0x37, rd, 0x80000), 4, `lui ${xn(rd)}, 0x80000`, []);
  else if (k === 2) {
    b.emit(E.encI(0x13, 0, rd, 0, -1), 4, `addi ${xn(rd)}, x0, -1`, []);
    b.emit(E.encI(0x13, 1, rd, rd, 63), 4, `slli ${xn(rd)}, ${xn(rd)}, 63`, [rd]);
  } else b.emit(E.encI(0x13, 0, rd, 0, 0), 4, `addi ${xn(rd)}, x0, 0`, []);
  return rd;
}

function genM(b: Builder): void {
  if (b.r.chance(0.15)) return genI(b);
  const [name, opc, f3] = b.r.pick(MUL_OPS);
  const a = b.r.chance(0.25) ? genEdgeValue(b) : b.rs();
  const c = b.r.chance(0.25) ? genEdgeValue(b) : b.rs();
  const rd = b.rd();
  b.emit(E.encR(opc, f3, 1, rd, a, c), 4, `${name} ${xn(rd)}, ${xn(a)}, ${xn(c)}`, [a, c]);
}

// ---- A --------------------------------------------------------------------------------

const AMO_OPS: readonly [string, number][] = [
  ['amoswap', 0x01], ['amoadd', 0x00], ['amoxor', 0x04], ['amoand', 0x0c], ['amoor', 0x08],
  ['amomin', 0x10], ['amomax', 0x14], ['amominu', 0x18], ['amomaxu', 0x1c],
];

/** Emits "addi t, s0, off" for an aligned AMO target; returns t. */
function amoAddress(b: Builder, width: number): number {
  const t = b.rd(false);
  const off = b.r.below(AMO_SLOTS * (8 / width)) * width;
  b.emit(E.encI(0x13, 0, t, REG_S0, off), 4, `addi ${xn(t)}, s0, ${off}`, [REG_S0]);
  return t;
}

function genA(b: Builder): void {
  const r = b.r;
  const k = r.below(10);
  if (k < 2) return r.chance(0.5) ? genLoad(b) : genI(b);
  const wide = r.chance(0.5);
  const width = wide ? 8 : 4, f3 = wide ? 3 : 2, sfx = wide ? '.d' : '.w';
  const aq = r.below(2), rl = r.below(2);
  const t = amoAddress(b, width);
  if (k < 7) {
    const [name, f5] = r.pick(AMO_OPS);
    const rd = b.rd(), src = b.rs();
    b.emit(E.encAmo(f5, aq, rl, f3, rd, t, src), 4, `${name}${sfx} ${xn(rd)}, ${xn(src)}, (${xn(t)})`, [t, src]);
    return;
  }
  // lr; a few ALU ops that leave t alone; sc (same width and address: must succeed).
  // lr's rd must not be t: sc needs the reserved address (a mismatch would probe a random one).
  let rd = b.rd();
  while (rd === t) rd = b.rd();
  b.emit(E.encAmo(0x02, aq, rl, f3, rd, t, 0), 4, `lr${sfx} ${xn(rd)}, (${xn(t)})`, [t]);
  const between = r.below(3);
  for (let i = 0; i < between; i++) {
    let d = b.rd();
    while (d === t) d = b.rd();
    const a = b.rs(), c = b.rs();
    b.emit(E.encR(0x33, 0, 0, d, a, c), 4, `add ${xn(d)}, ${xn(a)}, ${xn(c)}`, [a, c]);
  }
  const src = b.rs();
  rd = b.rd();
  b.emit(E.encAmo(0x03, r.below(2), r.below(2), f3, rd, t, src), 4, `sc${sfx} ${xn(rd)}, ${xn(src)}, (${xn(t)})`, [t, src]);
}

// ---- F and D --------------------------------------------------------------------------

/** Emits one F (fmt 0) or D (fmt 1) instruction other than loads, stores and CSR ops. */
function genFpOp(b: Builder, fmt: number): void {
  const r = b.r;
  const s = fmt === 0 ? '.s' : '.d';
  const rd = r.below(32), a = r.below(32), c = r.below(32), d = r.below(32);
  const k = r.below(16);
  if (k < 4) {
    const [name, f7] = r.pick([['fadd', 0x00], ['fsub', 0x04], ['fmul', 0x08], ['fdiv', 0x0c]] as const);
    const rm = b.rm();
    b.emit(E.encR(0x53, rm, f7 | fmt, rd, a, c), 4, `${name}${s} ${fn(rd)}, ${fn(a)}, ${fn(c)}, rm=${rm}`, [F(a), F(c), SLOT_FCSR]);
  } else if (k < 5) {
    const rm = b.rm();
    b.emit(E.encR(0x53, rm, 0x2c | fmt, rd, a, 0), 4, `fsqrt${s} ${fn(rd)}, ${fn(a)}, rm=${rm}`, [F(a), SLOT_FCSR]);
  } else if (k < 7) {
    const [name, opc] = r.pick([['fmadd', 0x43], ['fmsub', 0x47], ['fnmsub', 0x4b], ['fnmadd', 0x4f]] as const);
    const rm = b.rm();
    b.emit(E.encR4(opc, fmt, rd, a, c, d, rm), 4, `${name}${s} ${fn(rd)}, ${fn(a)}, ${fn(c)}, ${fn(d)}, rm=${rm}`, [F(a), F(c), F(d), SLOT_FCSR]);
  } else if (k < 8) {
    const [name, f3] = r.pick([['fsgnj', 0], ['fsgnjn', 1], ['fsgnjx', 2]] as const);
    b.emit(E.encR(0x53, f3, 0x10 | fmt, rd, a, c), 4, `${name}${s} ${fn(rd)}, ${fn(a)}, ${fn(c)}`, [F(a), F(c)]);
  } else if (k < 9) {
    const [name, f3] = r.pick([['fmin', 0], ['fmax', 1]] as const);
    b.emit(E.encR(0x53, f3, 0x14 | fmt, rd, a, c), 4, `${name}${s} ${fn(rd)}, ${fn(a)}, ${fn(c)}`, [F(a), F(c)]);
  } else if (k < 10) {
    const [name, f3] = r.pick([['feq', 2], ['flt', 1], ['fle', 0]] as const);
    const xd = b.rd();
    b.emit(E.encR(0x53, f3, 0x50 | fmt, xd, a, c), 4, `${name}${s} ${xn(xd)}, ${fn(a)}, ${fn(c)}`, [F(a), F(c)]);
  } else if (k < 11) {
    const xd = b.rd();
    if (r.chance(0.5)) b.emit(E.encR(0x53, 1, 0x70 | fmt, xd, a, 0), 4, `fclass${s} ${xn(xd)}, ${fn(a)}`, [F(a)]);
    else b.emit(E.encR(0x53, 0, 0x70 | fmt, xd, a, 0), 4, `fmv.x${fmt ? '.d' : '.w'} ${xn(xd)}, ${fn(a)}`, [F(a)]);
  } else if (k < 13) {
    const xd = b.rd(), t = r.below(4), rm = b.rm();
    const nm = ['w', 'wu', 'l', 'lu'][t]!;
    b.emit(E.encR(0x53, rm, 0x60 | fmt, xd, a, t), 4, `fcvt.${nm}${s} ${xn(xd)}, ${fn(a)}, rm=${rm}`, [F(a), SLOT_FCSR]);
  } else if (k < 14) {
    const xs = b.rs(), t = r.below(4), rm = b.rm();
    const nm = ['w', 'wu', 'l', 'lu'][t]!;
    b.emit(E.encR(0x53, rm, 0x68 | fmt, rd, xs, t), 4, `fcvt${s}.${nm} ${fn(rd)}, ${xn(xs)}, rm=${rm}`, [xs, SLOT_FCSR]);
  } else if (k < 15) {
    const xs = b.rs();
    b.emit(E.encR(0x53, 0, 0x78 | fmt, rd, xs, 0), 4, `fmv${fmt ? '.d' : '.w'}.x ${fn(rd)}, ${xn(xs)}`, [xs]);
  } else {
    // Conversions between the formats: fcvt.s.d (0x20, rs2 = 1) and fcvt.d.s (0x21, rs2 = 0).
    const rm = b.rm();
    if (r.chance(0.5)) b.emit(E.encR(0x53, rm, 0x20, rd, a, 1), 4, `fcvt.s.d ${fn(rd)}, ${fn(a)}, rm=${rm}`, [F(a), SLOT_FCSR]);
    else b.emit(E.encR(0x53, rm, 0x21, rd, a, 0), 4, `fcvt.d.s ${fn(rd)}, ${fn(a)}, rm=${rm}`, [F(a), SLOT_FCSR]);
  }
}

/** Emits flw/fld/fsw/fsd with s0 or sp as the base. */
function genFpMem(b: Builder, fmt: number): void {
  const size = fmt === 0 ? 4 : 8, f3 = fmt === 0 ? 2 : 3;
  const [base, off] = memOperand(b, size);
  const fr = b.r.below(32);
  if (b.r.chance(0.5)) b.emit(E.encI(0x07, f3, fr, base, off), 4, `${fmt ? 'fld' : 'flw'} ${fn(fr)}, ${off}(${xn(base)})`, [base]);
  else b.emit(E.encS(0x27, f3, base, fr, off), 4, `${fmt ? 'fsd' : 'fsw'} ${fn(fr)}, ${off}(${xn(base)})`, [base, F(fr)]);
}

/** Returns the frm a CSR write leaves: op 1 = write, 2 = set, 3 = clear; v is the source value. */
function frmAfter(frm: number, csr: number, op: number, v: number): number {
  if (csr === CSR_FFLAGS) return frm;
  const bits = csr === CSR_FRM ? v & 7 : (v >>> 5) & 7;
  if (op === 1) return bits;
  if (op === 2) return frm | bits;
  return frm & ~bits;
}

/** Emits a csrrw/csrrs/csrrc (register or immediate form) on fflags, frm or fcsr, keeping frm valid. */
function genFcsrOp(b: Builder): void {
  const r = b.r;
  const csr = r.pick([CSR_FFLAGS, CSR_FRM, CSR_FCSR]);
  const op = r.range(1, 3);
  const opName = ['', 'csrrw', 'csrrs', 'csrrc'][op]!;
  const rd = b.rd();
  if (r.chance(0.5)) {
    let uimm = r.below(32);
    for (let i = 0; i < 8 && frmAfter(b.frm, csr, op, uimm) > 4; i++) uimm = r.below(32);
    if (frmAfter(b.frm, csr, op, uimm) > 4) uimm = op === 3 ? 31 : 0;
    b.frm = frmAfter(b.frm, csr, op, uimm);
    b.emit(E.encI(0x73, op + 4, rd, uimm, csr), 4, `${opName}i ${xn(rd)}, ${CSR_NAMES[csr]}, ${uimm}`, [SLOT_FCSR]);
    return;
  }
  if (r.chance(0.15)) {
    // rs1 = x0: a pure read for csrrs/csrrc, a zeroing write for csrrw.
    if (op === 1) b.frm = frmAfter(b.frm, csr, 1, 0);
    b.emit(E.encI(0x73, op, rd, 0, csr), 4, `${opName} ${xn(rd)}, ${CSR_NAMES[csr]}, x0`, [SLOT_FCSR]);
    return;
  }
  // Load a known source value first, so the generator knows the frm that results.
  const src = b.rd(false);
  let v = r.range(-2048, 2047);
  for (let i = 0; i < 16 && frmAfter(b.frm, csr, op, v) > 4; i++) v = r.range(-2048, 2047);
  if (frmAfter(b.frm, csr, op, v) > 4) v = op === 3 ? -1 : 0;
  b.emit(E.encI(0x13, 0, src, 0, v), 4, `addi ${xn(src)}, x0, ${v}`, []);
  b.frm = frmAfter(b.frm, csr, op, v);
  b.emit(E.encI(0x73, op, rd, src, csr), 4, `${opName} ${xn(rd)}, ${CSR_NAMES[csr]}, ${xn(src)}`, [src, SLOT_FCSR]);
}

function genFp(b: Builder, fmt: number): void {
  const k = b.r.below(20);
  if (k < 13) genFpOp(b, fmt);
  else if (k < 15) genFpMem(b, fmt);
  else if (k < 17) genFcsrOp(b);
  else if (k < 18) genFpOp(b, 1 - fmt);
  else genI(b);
}

// ---- C --------------------------------------------------------------------------------

/** Returns a writable rd for compressed forms that need rd != 0 (never sp or s0). */
function cRd(b: Builder): number {
  return b.rd(false);
}

/** Returns a random non-zero 6-bit signed immediate. */
function nz6(r: Prng): number {
  for (;;) {
    const v = r.range(-32, 31);
    if (v !== 0) return v;
  }
}

function genC(b: Builder): void {
  const r = b.r;
  const k = r.below(27);
  switch (k) {
    case 0: {
      const rdp = b.rdp(), imm = r.range(1, 255) * 4;
      return b.emit(E.cAddi4spn(rdp, imm), 2, `c.addi4spn ${xn(rdp)}, sp, ${imm}`, [REG_SP]);
    }
    case 1: case 2: {
      // c.lw/c.ld/c.flw-less forms with s0 as the base.
      const wide = r.chance(0.5), rdp = b.rdp();
      const off = wide ? r.below(32) * 8 : r.below(32) * 4;
      if (wide) return b.emit(E.cLSd(3, REG_S0, rdp, off), 2, `c.ld ${xn(rdp)}, ${off}(s0)`, [REG_S0]);
      return b.emit(E.cLSw(2, REG_S0, rdp, off), 2, `c.lw ${xn(rdp)}, ${off}(s0)`, [REG_S0]);
    }
    case 3: {
      const wide = r.chance(0.5), src = r.range(8, 15);
      const off = wide ? r.below(32) * 8 : r.below(32) * 4;
      if (wide) return b.emit(E.cLSd(7, REG_S0, src, off), 2, `c.sd ${xn(src)}, ${off}(s0)`, [REG_S0, src]);
      return b.emit(E.cLSw(6, REG_S0, src, off), 2, `c.sw ${xn(src)}, ${off}(s0)`, [REG_S0, src]);
    }
    case 4: {
      const fr = r.range(8, 15), off = r.below(32) * 8;
      if (r.chance(0.5)) return b.emit(E.cLSd(1, REG_S0, fr, off), 2, `c.fld ${fn(fr)}, ${off}(s0)`, [REG_S0]);
      return b.emit(E.cLSd(5, REG_S0, fr, off), 2, `c.fsd ${fn(fr)}, ${off}(s0)`, [REG_S0, F(fr)]);
    }
    case 5: {
      const rd = cRd(b), imm = nz6(r);
      return b.emit(E.cI6(0, rd, imm, 1), 2, `c.addi ${xn(rd)}, ${imm}`, [rd]);
    }
    case 6: {
      const rd = cRd(b), imm = r.range(-32, 31);
      return b.emit(E.cI6(1, rd, imm, 1), 2, `c.addiw ${xn(rd)}, ${imm}`, [rd]);
    }
    case 7: {
      const rd = cRd(b), imm = r.range(-32, 31);
      return b.emit(E.cI6(2, rd, imm, 1), 2, `c.li ${xn(rd)}, ${imm}`, []);
    }
    case 8: {
      // c.addi16sp then its inverse, so sp stays the scratch base for later c.*sp accesses.
      let imm = r.range(-32, 31) * 16;
      if (imm === 0 || imm === -512) imm = 16;
      b.emit(E.cAddi16sp(imm), 2, `c.addi16sp sp, ${imm}`, [REG_SP]);
      const rdp = b.rdp(), off = 4 * r.range(1, 255);
      b.emit(E.cAddi4spn(rdp, off), 2, `c.addi4spn ${xn(rdp)}, sp, ${off}`, [REG_SP]);
      return b.emit(E.cAddi16sp(-imm), 2, `c.addi16sp sp, ${-imm}`, [REG_SP]);
    }
    case 9: {
      const rd = cRd(b), imm = nz6(r);
      return b.emit(E.cLui(rd, imm), 2, `c.lui ${xn(rd)}, ${imm}`, []);
    }
    case 10: case 11: {
      const rdp = b.rdp(), f2 = r.below(3);
      const imm = f2 === 2 ? r.range(-32, 31) : r.range(1, 63);
      const name = ['c.srli', 'c.srai', 'c.andi'][f2]!;
      return b.emit(E.cBAlu(f2, rdp, imm), 2, `${name} ${xn(rdp)}, ${imm}`, [rdp]);
    }
    case 12: case 13: {
      const rdp = b.rdp(), rs2p = r.range(8, 15);
      const w = r.below(2), f2 = w ? r.below(2) : r.below(4);
      const name = w ? ['c.subw', 'c.addw'][f2]! : ['c.sub', 'c.xor', 'c.or', 'c.and'][f2]!;
      return b.emit(E.cA(w, f2, rdp, rs2p), 2, `${name} ${xn(rdp)}, ${xn(rs2p)}`, [rdp, rs2p]);
    }
    case 14: {
      const rd = cRd(b), sh = r.range(1, 63);
      return b.emit(E.cI6(0, rd, sh, 2), 2, `c.slli ${xn(rd)}, ${sh}`, [rd]);
    }
    case 15: {
      const fr = r.below(32), off = r.below(64) * 8;
      return b.emit(E.cLdsp(1, fr, off), 2, `c.fldsp ${fn(fr)}, ${off}(sp)`, [REG_SP]);
    }
    case 16: {
      const rd = cRd(b), off = r.below(64) * 4;
      return b.emit(E.cLwsp(rd, off), 2, `c.lwsp ${xn(rd)}, ${off}(sp)`, [REG_SP]);
    }
    case 17: {
      const rd = cRd(b), off = r.below(64) * 8;
      return b.emit(E.cLdsp(3, rd, off), 2, `c.ldsp ${xn(rd)}, ${off}(sp)`, [REG_SP]);
    }
    case 18: {
      const rd = cRd(b), src = r.range(1, 31);
      return b.emit(E.cR(8, rd, src, 2), 2, `c.mv ${xn(rd)}, ${xn(src)}`, [src]);
    }
    case 19: {
      const rd = cRd(b), src = r.range(1, 31);
      return b.emit(E.cR(9, rd, src, 2), 2, `c.add ${xn(rd)}, ${xn(src)}`, [rd, src]);
    }
    case 20: {
      const fr = r.below(32), off = r.below(64) * 8;
      return b.emit(E.cSdsp(5, fr, off), 2, `c.fsdsp ${fn(fr)}, ${off}(sp)`, [REG_SP, F(fr)]);
    }
    case 21: {
      const src = r.below(32), off = r.below(64) * 4;
      return b.emit(E.cSwsp(src, off), 2, `c.swsp ${xn(src)}, ${off}(sp)`, [REG_SP, src]);
    }
    case 22: {
      const src = r.below(32), off = r.below(64) * 8;
      return b.emit(E.cSdsp(7, src, off), 2, `c.sdsp ${xn(src)}, ${off}(sp)`, [REG_SP, src]);
    }
    case 23:
      return b.emit(0x0001, 2, 'c.nop', []);
    case 24:
      return genForwardJump(b, true);
    default:
      return genI(b);
  }
}

// ---- cases ----------------------------------------------------------------------------

const GROUP_GEN: Record<Group, (b: Builder) => void> = {
  I: genI,
  M: genM,
  A: genA,
  F: (b) => genFp(b, 0),
  D: (b) => genFp(b, 1),
  C: genC,
};

/** Returns the case for (seed, group): initial state, scratch and instructions. */
export function generateCase(seed: number, group: Group): FuzzCase {
  const r = new Prng(seed ^ Math.imul(GROUPS.indexOf(group) + 1, 0x27d4eb2d));
  const init = new BigUint64Array(REC_SLOTS);
  for (let i = 1; i < 32; i++) init[i] = randomInt(r);
  init[REG_SP] = 0n; // the harness sets sp and s0 (see layout.ts)
  init[REG_S0] = 0n;
  const singleBias = group === 'F' ? 0.75 : group === 'D' ? 0.2 : 0.5;
  for (let i = 0; i < 32; i++) init[SLOT_F0 + i] = randomFpReg(r, singleBias);
  const frm = r.below(5);
  init[SLOT_FCSR] = BigInt((frm << 5) | r.below(32));

  const scratch = new Uint8Array(SCRATCH_BYTES);
  const dv = new DataView(scratch.buffer);
  for (let i = 0; i < SCRATCH_BYTES; i += 4) dv.setUint32(i, r.u32(), true);
  for (let i = 0; i < SCRATCH_BYTES; i += 8) {
    const k = r.below(8);
    if (k === 0) dv.setBigUint64(i, randomDouble(r), true);
    else if (k === 1) dv.setBigUint64(i, boxSingle(randomSingleBits(r)) ^ (r.chance(0.5) ? 0n : 0xffffffff00000000n), true);
    else if (k === 2) dv.setBigUint64(i, r.pick(INT_SPECIALS), true);
  }

  const b = new Builder(r, frm);
  const items = r.range(MIN_ITEMS, MAX_ITEMS);
  const gen = GROUP_GEN[group];
  for (let i = 0; i < items; i++) gen(b);
  return { seed, group, insns: b.insns, init, scratch };
}

/** Encodings used to blank out instructions: addi x0, x0, 0 and c.nop. */
const NOP32 = 0x00000013, NOP16 = 0x0001;

/**
 * Returns a copy of c that keeps its first n instructions and turns the rest into nops of the
 * same size, so addresses (auipc, jal links) and forward-jump targets stay the same (minimizing).
 */
export function prefixCase(c: FuzzCase, n: number): FuzzCase {
  const insns = c.insns.map((i, k): Insn => k < n ? i : { bits: i.size === 4 ? NOP32 : NOP16, size: i.size, text: 'nop', reads: [] });
  return { ...c, insns };
}
