// A hart's syscall arguments a0..a5 (x10..x15), read lazily from its registers. One per task,
// made once: the syscall path allocates nothing per call.
import { REG_A0, type Hart } from '../cpu/hart.js';
import type { SysArgs } from './request.js';

const TWO32 = 4294967296;
/** Index of a0's low half in the hart's int32 register view. */
const A0_LO = 2 * REG_A0;

/** Argument accessors over a hart's a0..a5. */
export class HartArgs implements SysArgs {
  private readonly x: Int32Array;

  constructor(hart: Hart) {
    this.x = hart.x;
  }

  int(i: number): number { return this.x[A0_LO + 2 * i]!; }
  u32(i: number): number { return this.x[A0_LO + 2 * i]! >>> 0; }
  num(i: number): number { return this.x[A0_LO + 1 + 2 * i]! * TWO32 + (this.x[A0_LO + 2 * i]! >>> 0); }
  big(i: number): bigint { return (BigInt(this.x[A0_LO + 1 + 2 * i]! >>> 0) << 32n) | BigInt(this.x[A0_LO + 2 * i]! >>> 0); }
  addr(i: number): number { return (this.x[A0_LO + 1 + 2 * i]! >>> 0) * TWO32 + (this.x[A0_LO + 2 * i]! >>> 0); }
}
