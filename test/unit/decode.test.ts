// Decoder vectors: encodings produced by binutils 2.40 (riscv64-linux-gnu-as -march=rv64gc).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { C_ILLEGAL, compressedTables, decode16, decode32, decodeCompressed, decodedImm, INFO_COMPRESSED } from '../../src/cpu/decode.js';
import { X_SINK } from '../../src/cpu/hart.js';
import { Op, OP_NAMES } from '../../src/cpu/ops.js';

interface Fields { op: Op; rd?: number; rs1?: number; rs2?: number; rs3?: number; imm?: number }

/** Splits an info word into its fields. */
function fields(info: number): Required<Fields> {
  return { op: info & 0xff, rd: (info >>> 8) & 63, rs1: (info >>> 14) & 31, rs2: (info >>> 19) & 31, rs3: (info >>> 24) & 31, imm: decodedImm };
}

function check(info: number, want: Fields, label: string): void {
  assert.notEqual(info, 0, `${label}: decoded as illegal`);
  const got = fields(info);
  assert.equal(OP_NAMES[got.op], OP_NAMES[want.op], `${label}: op`);
  for (const k of ['rd', 'rs1', 'rs2', 'rs3', 'imm'] as const) {
    if (want[k] !== undefined) assert.equal(got[k], want[k], `${label}: ${k}`);
  }
}

const A0 = 10, A1 = 11, A2 = 12, A3 = 13, SP = 2, RA = 1, T0 = 5;

test('32-bit encodings decode to the right op, registers and immediate', () => {
  const vectors: [number, Fields, string][] = [
    [0x00c58533, { op: Op.ADD, rd: A0, rs1: A1, rs2: A2 }, 'add a0,a1,a2'],
    [0xfff5851b, { op: Op.ADDIW, rd: A0, rs1: A1, imm: -1 }, 'addiw a0,a1,-1'],
    [0x41f5d51b, { op: Op.SRAIW, rd: A0, rs1: A1, imm: 31 }, 'sraiw a0,a1,31'],
    [0x43f5d513, { op: Op.SRAI, rd: A0, rs1: A1, imm: 63 }, 'srai a0,a1,63'],
    [0x00001297, { op: Op.AUIPC, rd: T0, imm: 0x1000 }, 'auipc t0,1'],
    [0x001000ef, { op: Op.JAL, rd: RA, imm: 2048 }, 'jal ra,.+2048'],
    [0x00008067, { op: Op.JALR, rd: X_SINK, rs1: RA, imm: 0 }, 'jalr zero,0(ra)'],
    [0x80b50063, { op: Op.BEQ, rs1: A0, rs2: A1, imm: -4096 }, 'beq a0,a1,.-4096'],
    [0xff813503, { op: Op.LD, rd: A0, rs1: SP, imm: -8 }, 'ld a0,-8(sp)'],
    [0x7eb13c23, { op: Op.SD, rs1: SP, rs2: A1, imm: 2040 }, 'sd a1,2040(sp)'],
    [0x00b6352f, { op: Op.AMOADD_D, rd: A0, rs1: A2, rs2: A1 }, 'amoadd.d a0,a1,(a2)'],
    [0x1005a52f, { op: Op.LR_W, rd: A0, rs1: A1 }, 'lr.w a0,(a1)'],
    [0x18c5b52f, { op: Op.SC_D, rd: A0, rs1: A1, rs2: A2 }, 'sc.d a0,a2,(a1)'],
    [0x00302573, { op: Op.CSRRS, rd: A0, rs1: 0, imm: 3 }, 'csrrs a0,fcsr,zero'],
    [0x0021d573, { op: Op.CSRRWI, rd: A0, rs1: 3, imm: 2 }, 'csrrwi a0,frm,3'],
    [0x6ac59543, { op: Op.FMADD_D, rd: A0, rs1: A1, rs2: A2, rs3: A3, imm: 1 }, 'fmadd.d fa0,fa1,fa2,fa3,rtz'],
    [0xc0053553, { op: Op.FCVT_W_S, rd: A0, rs1: A0, imm: 3 }, 'fcvt.w.s a0,fa0,rup'],
    [0x20c5a553, { op: Op.FSGNJX_S, rd: A0, rs1: A1, rs2: A2 }, 'fsgnjx.s fa0,fa1,fa2'],
    [0xe2050553, { op: Op.FMV_X_D, rd: A0, rs1: A0 }, 'fmv.x.d a0,fa0'],
    [0x02c5a533, { op: Op.MULHSU, rd: A0, rs1: A1, rs2: A2 }, 'mulhsu a0,a1,a2'],
    [0x02c5f53b, { op: Op.REMUW, rd: A0, rs1: A1, rs2: A2 }, 'remuw a0,a1,a2'],
    [0x00000073, { op: Op.ECALL }, 'ecall'],
    [0x0ff0000f, { op: Op.FENCE }, 'fence iorw,iorw'],
    [0x0000100f, { op: Op.FENCE_I }, 'fence.i'],
  ];
  for (const [inst, want, label] of vectors) check(decode32(inst | 0), want, label);
});

test('16-bit encodings decode to their 32-bit equivalents', () => {
  const S0 = 8, S1 = 9, A4 = 14, A5 = 15, FS0 = 8, FS1 = 9;
  const vectors: [number, Fields, string][] = [
    [0x1fe0, { op: Op.ADDI, rd: S0, rs1: SP, imm: 1020 }, 'c.addi4spn s0,sp,1020'],
    [0x3fe0, { op: Op.FLD, rd: FS0, rs1: A5, imm: 248 }, 'c.fld fs0,248(a5)'],
    [0x5de8, { op: Op.LW, rd: A0, rs1: A1, imm: 124 }, 'c.lw a0,124(a1)'],
    [0x7de8, { op: Op.LD, rd: A0, rs1: A1, imm: 248 }, 'c.ld a0,248(a1)'],
    [0xa504, { op: Op.FSD, rs1: A0, rs2: FS1, imm: 8 }, 'c.fsd fs1,8(a0)'],
    [0xc24c, { op: Op.SW, rs1: A2, rs2: A1, imm: 4 }, 'c.sw a1,4(a2)'],
    [0xe60c, { op: Op.SD, rs1: A2, rs2: A1, imm: 8 }, 'c.sd a1,8(a2)'],
    [0x1501, { op: Op.ADDI, rd: A0, rs1: A0, imm: -32 }, 'c.addi a0,-32'],
    [0x25fd, { op: Op.ADDIW, rd: A1, rs1: A1, imm: 31 }, 'c.addiw a1,31'],
    [0x567d, { op: Op.ADDI, rd: A2, rs1: 0, imm: -1 }, 'c.li a2,-1'],
    [0x7101, { op: Op.ADDI, rd: SP, rs1: SP, imm: -512 }, 'c.addi16sp sp,-512'],
    [0x66fd, { op: Op.LUI, rd: A3, imm: 0x1f000 }, 'c.lui a3,0x1f'],
    [0x937d, { op: Op.SRLI, rd: A4, rs1: A4, imm: 63 }, 'c.srli a4,63'],
    [0x8785, { op: Op.SRAI, rd: A5, rs1: A5, imm: 1 }, 'c.srai a5,1'],
    [0x987d, { op: Op.ANDI, rd: S0, rs1: S0, imm: -1 }, 'c.andi s0,-1'],
    [0x8c89, { op: Op.SUB, rd: S1, rs1: S1, rs2: A0 }, 'c.sub s1,a0'],
    [0x8ca9, { op: Op.XOR, rd: S1, rs1: S1, rs2: A0 }, 'c.xor s1,a0'],
    [0x8cc9, { op: Op.OR, rd: S1, rs1: S1, rs2: A0 }, 'c.or s1,a0'],
    [0x8ce9, { op: Op.AND, rd: S1, rs1: S1, rs2: A0 }, 'c.and s1,a0'],
    [0x9c89, { op: Op.SUBW, rd: S1, rs1: S1, rs2: A0 }, 'c.subw s1,a0'],
    [0x9ca9, { op: Op.ADDW, rd: S1, rs1: S1, rs2: A0 }, 'c.addw s1,a0'],
    [0xb001, { op: Op.JAL, rd: X_SINK, imm: -2048 }, 'c.j .-2048'],
    [0xcd7d, { op: Op.BEQ, rs1: A0, rs2: 0, imm: 254 }, 'c.beqz a0,.+254'],
    [0xf181, { op: Op.BNE, rs1: A1, rs2: 0, imm: -256 }, 'c.bnez a1,.-256'],
    [0x157e, { op: Op.SLLI, rd: A0, rs1: A0, imm: 63 }, 'c.slli a0,63'],
    [0x357e, { op: Op.FLD, rd: A0, rs1: SP, imm: 504 }, 'c.fldsp fa0,504(sp)'],
    [0x557e, { op: Op.LW, rd: A0, rs1: SP, imm: 252 }, 'c.lwsp a0,252(sp)'],
    [0x757e, { op: Op.LD, rd: A0, rs1: SP, imm: 504 }, 'c.ldsp a0,504(sp)'],
    [0x8082, { op: Op.JALR, rd: X_SINK, rs1: RA, imm: 0 }, 'c.jr ra'],
    [0x852e, { op: Op.ADD, rd: A0, rs1: 0, rs2: A1 }, 'c.mv a0,a1'],
    [0x9282, { op: Op.JALR, rd: RA, rs1: T0, imm: 0 }, 'c.jalr t0'],
    [0x952e, { op: Op.ADD, rd: A0, rs1: A0, rs2: A1 }, 'c.add a0,a1'],
    [0xbfaa, { op: Op.FSD, rs1: SP, rs2: A0, imm: 504 }, 'c.fsdsp fa0,504(sp)'],
    [0xdfaa, { op: Op.SW, rs1: SP, rs2: A0, imm: 252 }, 'c.swsp a0,252(sp)'],
    [0xffaa, { op: Op.SD, rs1: SP, rs2: A0, imm: 504 }, 'c.sdsp a0,504(sp)'],
    [0x9002, { op: Op.EBREAK }, 'c.ebreak'],
    [0x0001, { op: Op.NOP }, 'c.nop'],
  ];
  for (const [half, want, label] of vectors) check(decode16(half), want, label);
});

test('the compressed decode cache marks entries compressed and agrees with decode16', () => {
  const { info, imm } = compressedTables();
  assert.equal(decodeCompressed(0x0000), C_ILLEGAL, 'an illegal halfword is cached as C_ILLEGAL');
  for (const half of [0x1fe0, 0x7101, 0x9282, 0xcd7d]) {
    decodeCompressed(half);
    assert.ok(info[half]! & INFO_COMPRESSED, `0x${half.toString(16)} carries the compressed bit`);
    const d = decode16(half);
    assert.equal(info[half]! & ~INFO_COMPRESSED, d);
    assert.equal(imm[half], decodedImm);
  }
});

test('reserved and illegal encodings decode as illegal', () => {
  assert.equal(decode16(0x0000), 0, 'all-zero halfword (c.addi4spn with nzuimm 0)');
  assert.equal(decode16(0x6101), 0, 'c.addi16sp with imm 0');
  assert.equal(decode16(0x8002), 0, 'c.jr with rs1 = x0');
  assert.equal(decode16(0x4002), 0, 'c.lwsp with rd = x0');
  assert.equal(decode16(0x2001), 0, 'c.addiw with rd = x0');
  assert.equal(decode16(0x9c41 | (1 << 6)), 0, 'c.subw/addw reserved encodings (funct2 10)');
  assert.equal(decode32(0xffffffff | 0), 0, 'all-ones word');
  assert.equal(decode32(0x30200073), 0, 'mret is not a user instruction');
  assert.equal(decode32(0x10500073), 0, 'wfi is not decoded as a user instruction');
  assert.equal(decode32(0x0405d51b), 0, 'sraiw with a nonzero funct7 other than 0x20');
  assert.equal(decode32(0x04c5f553), 0, 'half-precision fadd.h (fmt 2) is not rv64gc');
});

test('writes to x0 decode to the sink register or to a nop', () => {
  // addi x0, a0, 5 has no effect: a NOP. ld x0, 0(sp) still loads (it can fault): rd = sink.
  assert.equal(decode32(0x00550013) & 0xff, Op.NOP);
  const ld = decode32(0x00013003);
  assert.equal(ld & 0xff, Op.LD);
  assert.equal((ld >>> 8) & 63, X_SINK);
});
