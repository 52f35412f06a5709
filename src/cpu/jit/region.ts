// Region discovery: from a hot entry point in a code page, the basic blocks reachable by direct
// in-page control flow (branches, jal, fall-through), each a run of instructions the translator
// handles. A block ends at a branch or jump, before an instruction the translator does not
// handle (an exit to the interpreter there), at the end of the page, or where another block of
// the region starts.
import { C_ILLEGAL, compressedTables, decode32, decodeCompressed, decodedImm, INFO_COMPRESSED } from '../decode.js';
import { Op } from '../ops.js';
import { csrTranslatable } from './emit_csr.js';

/** At most this many blocks per region: the block index lives in the low 8 bits of a slot. */
export const MAX_BLOCKS = 256;
/** At most this many instructions per region: keeps one module's compile time small. */
export const MAX_REGION_INSNS = 2000;

/** How a block ends. */
export const enum End {
  Branch = 0,   // a conditional branch (last instruction)
  Jal = 1,      // jal (last instruction)
  Jalr = 2,     // jalr (last instruction): exit with the computed target
  Fall = 3,     // falls through to `next` (another block of the region, or off the page)
  Interp = 4,   // the instruction at `next` is not translated: exit to the interpreter there
  Trap = 5,     // ecall or ebreak (last instruction): exit to the kernel
}

/** One basic block: instructions as parallel arrays of page offset, info word and immediate. */
export interface Block {
  start: number;
  offs: number[];
  infos: number[];
  imms: number[];
  end: End;
  /** For Fall and Interp: the page offset where control goes next. */
  next: number;
}

/** The blocks of one region; blocks[0] starts at the entry. */
export interface Region {
  blocks: Block[];
  /** Page offset -> block index. */
  index: Map<number, number>;
}

const { info: cInfo, imm: cImm } = compressedTables();

/** Returns the info word of the instruction at page offset off (0 for illegal or page-crossing); imm in lastImm. */
let lastImm = 0;
function decodeAt(u8: Uint8Array, base: number, off: number): number {
  const half = u8[base + off]! | (u8[base + off + 1]! << 8);
  if ((half & 3) !== 3) {
    let w = cInfo[half]!;
    if (w === 0) w = decodeCompressed(half);
    lastImm = cImm[half]!;
    return w === C_ILLEGAL ? 0 : w;
  }
  if (off === 0xffe) return 0; // crosses into the next page: the interpreter decodes it
  const inst = u8[base + off]! | (u8[base + off + 1]! << 8) | (u8[base + off + 2]! << 16) | (u8[base + off + 3]! << 24);
  const w = decode32(inst);
  lastImm = decodedImm;
  return w;
}

/**
 * True for the instructions the translator emits (info word w, immediate imm): RV64I, M, A,
 * F and D, ecall and ebreak (as exits), and the CSR accesses emit_csr.ts takes (fflags, frm,
 * fcsr; reads of cycle, instret, time and the cpu number). Other CSR accesses run in the
 * interpreter, which raises SIGILL for them.
 */
export function translatable(w: number, imm: number): boolean {
  const op = w & 0xff;
  if (op >= Op.CSRRW && op <= Op.CSRRCI) return csrTranslatable(op, (w >>> 14) & 31, imm & 0xfff);
  return (op >= Op.NOP && op <= Op.SRAW) || op === Op.FENCE || op === Op.FENCE_I || (op >= Op.MUL && op <= Op.AMOMAXU_D) ||
    op === Op.ECALL || op === Op.EBREAK || (op >= Op.FLW && op <= Op.FCVT_D_S);
}

/**
 * Finds the region reachable from page offset entry of the code page at byte offset base of u8.
 * Returns null when the instruction at entry is not translatable.
 */
export function discover(u8: Uint8Array, base: number, entry: number): Region | null {
  const w0 = decodeAt(u8, base, entry);
  if (w0 === 0 || !translatable(w0, lastImm)) return null;
  const blocks: Block[] = [];
  const index = new Map<number, number>();
  const work: number[] = [];
  let insns = 0;
  /** Adds a block at off if the region has room; returns whether it is (now) a block. */
  const want = (off: number): boolean => {
    if (off < 0 || off >= 4096 || (off & 1)) return false;
    if (index.has(off)) return true;
    if (blocks.length >= MAX_BLOCKS || insns >= MAX_REGION_INSNS) return false;
    index.set(off, blocks.length);
    blocks.push({ start: off, offs: [], infos: [], imms: [], end: End.Fall, next: off });
    work.push(off);
    return true;
  };
  want(entry);
  while (work.length > 0) {
    const start = work.shift()!;
    const b = blocks[index.get(start)!]!;
    let off = start;
    for (;;) {
      if (off >= 4096) { b.end = End.Fall; b.next = off; break; }
      if (off !== start && index.has(off)) { b.end = End.Fall; b.next = off; break; }
      const w = decodeAt(u8, base, off);
      const op = w & 0xff;
      if (w === 0 || !translatable(w, lastImm) || insns >= MAX_REGION_INSNS) { b.end = End.Interp; b.next = off; break; }
      b.offs.push(off); b.infos.push(w); b.imms.push(lastImm);
      insns++;
      const len = w & INFO_COMPRESSED ? 2 : 4;
      if (op >= Op.BEQ && op <= Op.BGEU) {
        b.end = End.Branch;
        want(off + lastImm);
        want(off + len);
        break;
      }
      if (op === Op.JAL) { b.end = End.Jal; want(off + lastImm); break; }
      // After a system call the hart resumes at the next instruction: make it an entry point.
      if (op === Op.ECALL || op === Op.EBREAK) { b.end = End.Trap; want(off + len); break; }
      if (op === Op.JALR) { b.end = End.Jalr; break; }
      off += len;
    }
  }
  return { blocks, index };
}
