// Where a request's six arguments come from: a hart's a0..a5 (HartArgs, read lazily from its
// registers; one per task, made once, so the syscall path allocates nothing per call), or a list
// of values (ValueArgs: io_uring SQEs, syslet atoms and host code, which have no hart).
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

/** Arguments from values (each taken modulo 2^64), decoded exactly as a hart's registers are. */
export class ValueArgs implements SysArgs {
  private readonly v: BigUint64Array;

  constructor(values: readonly (number | bigint)[]) {
    this.v = new BigUint64Array(6);
    values.forEach((x, i) => { if (i < 6) this.v[i] = BigInt.asUintN(64, BigInt(x)); });
  }

  int(i: number): number { return Number(BigInt.asIntN(32, this.v[i]!)); }
  u32(i: number): number { return Number(BigInt.asUintN(32, this.v[i]!)); }
  num(i: number): number { return Number(BigInt.asIntN(64, this.v[i]!)); }
  big(i: number): bigint { return this.v[i]!; }
  addr(i: number): number { return Number(this.v[i]!); }
}
