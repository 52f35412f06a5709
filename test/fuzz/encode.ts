// Instruction encoders for the fuzz generator: the base formats (R, I, S, B, U, J, R4, AMO)
// and the compressed formats. Each returns the raw instruction bits; callers check ranges.

/** Returns the R-type word: funct7 rs2 rs1 funct3 rd opcode. */
export function encR(opc: number, f3: number, f7: number, rd: number, rs1: number, rs2: number): number {
  return ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opc) >>> 0;
}

/** Returns the I-type word; imm is a signed 12-bit value (or shamt/funct bits already merged). */
export function encI(opc: number, f3: number, rd: number, rs1: number, imm: number): number {
  return (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opc) >>> 0;
}

/** Returns the S-type (store) word; imm is a signed 12-bit offset. */
export function encS(opc: number, f3: number, rs1: number, rs2: number, imm: number): number {
  return ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 0x1f) << 7) | opc) >>> 0;
}

/** Returns the B-type word; off is an even signed 13-bit byte offset. */
export function encB(f3: number, rs1: number, rs2: number, off: number): number {
  const b12 = (off >> 12) & 1, b11 = (off >> 11) & 1, hi = (off >> 5) & 0x3f, lo = (off >> 1) & 0xf;
  return ((b12 << 31) | (hi << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (lo << 8) | (b11 << 7) | 0x63) >>> 0;
}

/** Returns the U-type word; imm20 is the upper 20 bits. */
export function encU(opc: number, rd: number, imm20: number): number {
  return (((imm20 & 0xfffff) << 12) | (rd << 7) | opc) >>> 0;
}

/** Returns the J-type (jal) word; off is an even signed 21-bit byte offset. */
export function encJ(rd: number, off: number): number {
  const b20 = (off >> 20) & 1, b10_1 = (off >> 1) & 0x3ff, b11 = (off >> 11) & 1, b19_12 = (off >> 12) & 0xff;
  return ((b20 << 31) | (b10_1 << 21) | (b11 << 20) | (b19_12 << 12) | (rd << 7) | 0x6f) >>> 0;
}

/** Returns the R4-type (fused multiply-add) word; fmt 0 = S, 1 = D. */
export function encR4(opc: number, fmt: number, rd: number, rs1: number, rs2: number, rs3: number, rm: number): number {
  return ((rs3 << 27) | (fmt << 25) | (rs2 << 20) | (rs1 << 15) | (rm << 12) | (rd << 7) | opc) >>> 0;
}

/** Returns an A-extension word: funct5 aq rl rs2 rs1 width rd 0101111. */
export function encAmo(f5: number, aq: number, rl: number, width: number, rd: number, rs1: number, rs2: number): number {
  return encR(0x2f, width, (f5 << 2) | (aq << 1) | rl, rd, rs1, rs2);
}

/** Returns bit `from` of v placed at bit `to`. */
function bit(v: number, from: number, to: number): number {
  return ((v >> from) & 1) << to;
}

/** Returns the bits of v listed (most significant first) in `order` packed from bit `top` down. */
function scatter(v: number, order: readonly number[], top: number): number {
  let w = 0;
  order.forEach((b, i) => { w |= bit(v, b, top - i); });
  return w;
}

/** CR: funct4 rd/rs1 rs2 op. */
export function cR(f4: number, rd: number, rs2: number, op: number): number {
  return (f4 << 12) | (rd << 7) | (rs2 << 2) | op;
}

/** CI with a 6-bit immediate imm[5] | imm[4:0] (c.addi, c.addiw, c.li, c.andi-like, c.slli). */
export function cI6(f3: number, rd: number, imm: number, op: number): number {
  return (f3 << 13) | bit(imm, 5, 12) | (rd << 7) | ((imm & 0x1f) << 2) | op;
}

/** c.addi4spn rd', nzuimm (rd' is x8..x15, nzuimm a non-zero multiple of 4 below 1024). */
export function cAddi4spn(rdp: number, nzuimm: number): number {
  return scatter(nzuimm, [5, 4, 9, 8, 7, 6, 2, 3], 12) | ((rdp - 8) << 2);
}

/** CL/CS with a word offset (c.lw, c.sw): uimm[5:3] at 12:10, uimm[2] at 6, uimm[6] at 5. */
export function cLSw(f3: number, rs1p: number, rdp: number, uimm: number): number {
  return (f3 << 13) | scatter(uimm, [5, 4, 3], 12) | ((rs1p - 8) << 7) | bit(uimm, 2, 6) | bit(uimm, 6, 5) | ((rdp - 8) << 2);
}

/** CL/CS with a doubleword offset (c.ld, c.sd, c.fld, c.fsd): uimm[5:3] at 12:10, [7:6] at 6:5. */
export function cLSd(f3: number, rs1p: number, rdp: number, uimm: number): number {
  return (f3 << 13) | scatter(uimm, [5, 4, 3], 12) | ((rs1p - 8) << 7) | scatter(uimm, [7, 6], 6) | ((rdp - 8) << 2);
}

/** c.addi16sp nzimm (a non-zero multiple of 16 in [-512, 496]). */
export function cAddi16sp(nzimm: number): number {
  return (3 << 13) | bit(nzimm, 9, 12) | (2 << 7) | scatter(nzimm, [4, 6, 8, 7, 5], 6) | 1;
}

/** c.lui rd, nzimm6 (the 6-bit signed value that lands in bits 17:12). */
export function cLui(rd: number, imm6: number): number {
  return cI6(3, rd, imm6, 1);
}

/** CB shift/andi: funct2 selects srli (0), srai (1), andi (2). */
export function cBAlu(f2: number, rdp: number, imm: number): number {
  return (4 << 13) | bit(imm, 5, 12) | (f2 << 10) | ((rdp - 8) << 7) | ((imm & 0x1f) << 2) | 1;
}

/** CA: c.sub/xor/or/and (w = 0) and c.subw/addw (w = 1), selected by funct2. */
export function cA(w: number, f2: number, rdp: number, rs2p: number): number {
  return (4 << 13) | (w << 12) | (3 << 10) | ((rdp - 8) << 7) | (f2 << 5) | ((rs2p - 8) << 2) | 1;
}

/** c.j off (even signed 12-bit offset). */
export function cJ(off: number): number {
  return (5 << 13) | scatter(off, [11, 4, 9, 8, 10, 6, 7, 3, 2, 1, 5], 12) | 1;
}

/** c.beqz (f3 = 6) / c.bnez (f3 = 7) rs1', off (even signed 9-bit offset). */
export function cBranch(f3: number, rs1p: number, off: number): number {
  return (f3 << 13) | scatter(off, [8, 4, 3], 12) | ((rs1p - 8) << 7) | scatter(off, [7, 6, 2, 1, 5], 6) | 1;
}

/** c.lwsp rd, uimm: uimm[5] at 12, uimm[4:2|7:6] at 6:2. */
export function cLwsp(rd: number, uimm: number): number {
  return (2 << 13) | bit(uimm, 5, 12) | (rd << 7) | scatter(uimm, [4, 3, 2, 7, 6], 6) | 2;
}

/** c.ldsp (f3 = 3) / c.fldsp (f3 = 1) rd, uimm: uimm[5] at 12, uimm[4:3|8:6] at 6:2. */
export function cLdsp(f3: number, rd: number, uimm: number): number {
  return (f3 << 13) | bit(uimm, 5, 12) | (rd << 7) | scatter(uimm, [4, 3, 8, 7, 6], 6) | 2;
}

/** c.swsp rs2, uimm: uimm[5:2|7:6] at 12:7. */
export function cSwsp(rs2: number, uimm: number): number {
  return (6 << 13) | scatter(uimm, [5, 4, 3, 2, 7, 6], 12) | (rs2 << 2) | 2;
}

/** c.sdsp (f3 = 7) / c.fsdsp (f3 = 5) rs2, uimm: uimm[5:3|8:6] at 12:7. */
export function cSdsp(f3: number, rs2: number, uimm: number): number {
  return (f3 << 13) | scatter(uimm, [5, 4, 3, 8, 7, 6], 12) | (rs2 << 2) | 2;
}
