// Shared helpers for the fp tests: run one F/D op on a fresh hart from raw operand bits.
import { Hart } from '../../src/cpu/hart.js';
import type { Op } from '../../src/cpu/ops.js';
import { execFp } from '../../src/cpu/fp/index.js';

const buf = new Float64Array(1);
const bits64 = new BigUint64Array(buf.buffer);
const buf32 = new Float32Array(1);
const bits32 = new Uint32Array(buf32.buffer);

/** Returns the binary64 bits of x. */
export function D(x: number): bigint {
  buf[0] = x;
  return bits64[0]!;
}

/** Returns the NaN-boxed binary32 bits of x (x must be representable, or it is rounded). */
export function S(x: number): bigint {
  buf32[0] = x;
  return 0xffffffff00000000n | BigInt(bits32[0]!);
}

/** Returns raw single bits NaN-boxed. */
export function SB(bits: number): bigint {
  return 0xffffffff00000000n | BigInt(bits >>> 0);
}

/** Result of one instruction: fp register bits (64), integer register value (unsigned 64), fflags. */
export interface FpOut {
  ok: boolean;
  f: bigint;
  x: bigint;
  flags: number;
}

/**
 * Runs op with f1, f2, f3 = fa, fb, fc (raw 64-bit patterns) and x11 = xa, rd = 4, rm field
 * rmField (default 7 = dynamic) and frm. Returns f4, x4 and fflags.
 */
export function run(op: Op, fa: bigint, fb = 0n, fc = 0n, opts: { rm?: number; frm?: number; xa?: bigint } = {}): FpOut {
  const h = new Hart();
  const regs = [fa, fb, fc];
  for (let i = 0; i < 3; i++) {
    h.f[2 * (i + 1)] = Number(regs[i]! & 0xffffffffn) | 0;
    h.f[2 * (i + 1) + 1] = Number(regs[i]! >> 32n) | 0;
  }
  h.x64[11] = BigInt.asIntN(64, opts.xa ?? 0n);
  h.frm = opts.frm ?? 0;
  const rs1 = opts.xa === undefined ? 1 : 11;
  const ok = execFp(h, op, 4, rs1, 2, 3, opts.rm ?? 7);
  return {
    ok,
    f: (BigInt(h.f[9]! >>> 0) << 32n) | BigInt(h.f[8]! >>> 0),
    x: BigInt.asUintN(64, h.x64[4]!),
    flags: h.fflags,
  };
}
