// Binary32 and binary64 encodings, and the unpacked form used by the exact (BigInt) path.

/** Encoding parameters of an IEEE 754 binary format. */
export interface FpFormat {
  /** Significand precision in bits, hidden bit included. */
  readonly p: number;
  /** Exponent of the smallest normal number. */
  readonly emin: number;
  /** Exponent of the largest finite number. */
  readonly emax: number;
  readonly bias: number;
  readonly signBit: bigint;
  /** Exponent field mask, in place. */
  readonly expMask: bigint;
  /** Fraction field mask. */
  readonly fracMask: bigint;
  /** Quiet bit (fraction MSB). */
  readonly quietBit: bigint;
  /** RISC-V canonical NaN. */
  readonly canonicalNaN: bigint;
  /** +infinity. */
  readonly inf: bigint;
  /** Largest finite positive value. */
  readonly maxFinite: bigint;
}

/** IEEE 754 binary32 (the F extension's single). */
export const F32: FpFormat = {
  p: 24, emin: -126, emax: 127, bias: 127,
  signBit: 0x80000000n, expMask: 0x7f800000n, fracMask: 0x7fffffn, quietBit: 0x400000n,
  canonicalNaN: 0x7fc00000n, inf: 0x7f800000n, maxFinite: 0x7f7fffffn,
};

/** IEEE 754 binary64 (the D extension's double). */
export const F64: FpFormat = {
  p: 53, emin: -1022, emax: 1023, bias: 1023,
  signBit: 0x8000000000000000n, expMask: 0x7ff0000000000000n, fracMask: 0xfffffffffffffn,
  quietBit: 0x8000000000000n, canonicalNaN: 0x7ff8000000000000n, inf: 0x7ff0000000000000n,
  maxFinite: 0x7fefffffffffffffn,
};

/** Kinds of unpacked values. */
export const enum FpClass {
  Zero = 0,
  Finite = 1,
  Inf = 2,
  QNaN = 3,
  SNaN = 4,
}

/** A decoded value: for Finite, (-1)^sign * mant * 2^exp with mant > 0. */
export interface Unpacked {
  cls: FpClass;
  sign: number;
  mant: bigint;
  exp: number;
}

/** Returns the decoded form of bits in fmt (bits must fit the format's width). */
export function unpack(bits: bigint, fmt: FpFormat): Unpacked {
  const sign = (bits & fmt.signBit) !== 0n ? 1 : 0;
  const e = Number((bits & fmt.expMask) >> BigInt(fmt.p - 1));
  const frac = bits & fmt.fracMask;
  const maxField = 2 * fmt.bias + 1;
  if (e === maxField) {
    if (frac === 0n) return { cls: FpClass.Inf, sign, mant: 0n, exp: 0 };
    return { cls: (frac & fmt.quietBit) !== 0n ? FpClass.QNaN : FpClass.SNaN, sign, mant: 0n, exp: 0 };
  }
  const minQ = fmt.emin - (fmt.p - 1);
  if (e === 0) {
    if (frac === 0n) return { cls: FpClass.Zero, sign, mant: 0n, exp: 0 };
    return { cls: FpClass.Finite, sign, mant: frac, exp: minQ };
  }
  return { cls: FpClass.Finite, sign, mant: frac | (fmt.fracMask + 1n), exp: e - fmt.bias - (fmt.p - 1) };
}

/** Returns true if v is a NaN (quiet or signaling). */
export function isNaNClass(v: Unpacked): boolean {
  return v.cls === FpClass.QNaN || v.cls === FpClass.SNaN;
}
