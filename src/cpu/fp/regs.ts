// Access to the F register file: NaN-boxed singles, raw doubles, and bit-exact reads for the
// exact path. f[2i] is the low word of f_i, f[2i+1] the high word.
import type { Hart } from '../hart.js';

/** RISC-V canonical single NaN bits. */
export const CANON_NAN_S = 0x7fc00000;
/** High word of the canonical double NaN (low word 0). */
export const CANON_NAN_D_HI = 0x7ff80000;

/** Returns the raw low word of f_r if it is properly NaN-boxed, else the canonical NaN bits. */
export function boxedBits(h: Hart, r: number): number {
  return h.f[2 * r + 1] === -1 ? h.f[2 * r]! : CANON_NAN_S;
}

/** Returns f_r as a single widened to a number (NaN when unboxed or NaN; signaling-ness is lost). */
export function readS(h: Hart, r: number): number {
  return h.f[2 * r + 1] === -1 ? h.fs[2 * r]! : NaN;
}

/** Returns f_r's single bits as a bigint (unboxed reads as the canonical NaN). */
export function bitsS(h: Hart, r: number): bigint {
  return BigInt(boxedBits(h, r) >>> 0);
}

/** Returns f_r's 64 raw bits as a bigint. */
export function bitsD(h: Hart, r: number): bigint {
  return (BigInt(h.f[2 * r + 1]! >>> 0) << 32n) | BigInt(h.f[2 * r]! >>> 0);
}

/** Writes a non-NaN single value (exactly representable as binary32) NaN-boxed into f_rd. */
export function writeS(h: Hart, rd: number, v: number): void {
  h.fs[2 * rd] = v;
  h.f[2 * rd + 1] = -1;
}

/** Writes single bits NaN-boxed into f_rd. */
export function writeBitsS(h: Hart, rd: number, bits: bigint | number): void {
  h.f[2 * rd] = Number(bits) | 0;
  h.f[2 * rd + 1] = -1;
}

/** Writes 64 raw bits into f_rd. */
export function writeBitsD(h: Hart, rd: number, bits: bigint): void {
  h.f[2 * rd] = Number(bits & 0xffffffffn) | 0;
  h.f[2 * rd + 1] = Number(bits >> 32n) | 0;
}

/** Returns true if single bits are a signaling NaN. */
export function isSNaNS(bits: number): boolean {
  return (bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0 && (bits & 0x400000) === 0;
}

/** Returns true if the double with high word hi and low word lo is a signaling NaN. */
export function isSNaND(hi: number, lo: number): boolean {
  return (hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) | lo) !== 0 && (hi & 0x80000) === 0;
}

/** Returns true if f_r (as a single, NaN-boxing applied) is a signaling NaN. */
export function regIsSNaNS(h: Hart, r: number): boolean {
  return isSNaNS(boxedBits(h, r));
}

/** Returns true if f_r (as a double) is a signaling NaN. */
export function regIsSNaND(h: Hart, r: number): boolean {
  return isSNaND(h.f[2 * r + 1]!, h.f[2 * r]!);
}
