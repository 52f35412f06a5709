// 64-bit multiply and divide on (hi, lo) pairs of int32, for the interpreter.
// Results go to the exported rHi/rLo (no allocation on the hot path).

export let rHi = 0;
export let rLo = 0;

const TWO32 = 4294967296;

/** Low 64 bits of a*b. */
export function mul64(ah: number, al: number, bh: number, bl: number): void {
  mulu32(al, bl);
  // Each sum wrapped at once: V8 then adds in int32 without an overflow check (one that could
  // fail deoptimizes the interpreter, into which this is inlined).
  rHi = (((rHi + Math.imul(ah, bl)) | 0) + Math.imul(al, bh)) | 0;
}

/** Full unsigned 32x32 -> 64 product of a and b (as uint32), into rHi:rLo. */
function mulu32(a: number, b: number): void {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const mid = a0 * b1 + a1 * b0; // < 2^33
  const low = a0 * b0 + (mid % 65536) * 65536; // < 2^33
  rLo = low | 0;
  rHi = (a1 * b1 + Math.floor(mid / 65536) + Math.floor(low / TWO32)) | 0;
}

/** High 64 bits of the unsigned 128-bit product a*b. */
export function mulhu64(ah: number, al: number, bh: number, bl: number): void {
  // Four 32x32 partial products, summed with carries in 32-bit columns.
  mulu32(al, bl);
  const ll_hi = rHi >>> 0;
  mulu32(al, bh);
  const lh_lo = rLo >>> 0, lh_hi = rHi >>> 0;
  mulu32(ah, bl);
  const hl_lo = rLo >>> 0, hl_hi = rHi >>> 0;
  mulu32(ah, bh);
  const hh_lo = rLo >>> 0, hh_hi = rHi >>> 0;
  const col1 = ll_hi + lh_lo + hl_lo; // < 3*2^32
  const col2 = lh_hi + hl_hi + hh_lo + Math.floor(col1 / TWO32);
  rLo = col2 | 0;
  rHi = (hh_hi + Math.floor(col2 / TWO32)) | 0;
}

/** High 64 bits of the signed product (mulh). */
export function mulh64(ah: number, al: number, bh: number, bl: number): void {
  mulhu64(ah, al, bh, bl);
  if (ah < 0) sub64From(bh, bl);
  if (bh < 0) sub64From(ah, al);
}

/** High 64 bits of signed a times unsigned b (mulhsu). */
export function mulhsu64(ah: number, al: number, bh: number, bl: number): void {
  mulhu64(ah, al, bh, bl);
  if (ah < 0) sub64From(bh, bl);
}

/** rHi:rLo -= h:l */
function sub64From(h: number, l: number): void {
  const lo = (rLo - l) | 0;
  const borrow = (rLo >>> 0) < (l >>> 0) ? 1 : 0;
  rHi = (rHi - h - borrow) | 0;
  rLo = lo;
}

const toBig = (h: number, l: number): bigint => (BigInt(h) << 32n) | BigInt(l >>> 0);
function setBig(v: bigint): void {
  rLo = Number(BigInt.asIntN(32, v));
  rHi = Number(BigInt.asIntN(32, v >> 32n));
}
/** True if the pair is a signed value within +-2^53 (exact as a double). */
const small = (h: number): boolean => h >= -0x200000 && h < 0x200000;
const toNum = (h: number, l: number): number => h * TWO32 + (l >>> 0);
function setNum(v: number): void {
  rLo = v | 0;
  rHi = Math.floor(v / TWO32) | 0;
}

/** Signed 64-bit division (div): x/0 = -1, MIN/-1 = MIN. */
export function div64(ah: number, al: number, bh: number, bl: number): void {
  if (bh === 0 && bl === 0) { rHi = -1; rLo = -1; return; }
  if (small(ah) && small(bh)) { setNum(Math.trunc(toNum(ah, al) / toNum(bh, bl))); return; }
  const a = toBig(ah, al), b = toBig(bh, bl);
  if (b === -1n) { setBig(-a); return; } // MIN / -1 wraps to MIN
  setBig(a / b);
}

/** Unsigned 64-bit division (divu): x/0 = 2^64-1. */
export function divu64(ah: number, al: number, bh: number, bl: number): void {
  if (bh === 0 && bl === 0) { rHi = -1; rLo = -1; return; }
  if (ah >= 0 && ah < 0x200000 && bh >= 0) { setNum(Math.floor(toNum(ah, al) / toNum(bh, bl))); return; }
  setBig(BigInt.asUintN(64, toBig(ah, al)) / BigInt.asUintN(64, toBig(bh, bl)));
}

/** Signed 64-bit remainder (rem): x%0 = x, MIN%-1 = 0; sign follows the dividend. */
export function rem64(ah: number, al: number, bh: number, bl: number): void {
  if (bh === 0 && bl === 0) { rHi = ah; rLo = al; return; }
  if (small(ah) && small(bh)) {
    const a = toNum(ah, al), b = toNum(bh, bl);
    const r = a - Math.trunc(a / b) * b;
    setNum(r === 0 ? 0 : r);
    return;
  }
  const b = toBig(bh, bl);
  if (b === -1n) { rHi = 0; rLo = 0; return; }
  setBig(toBig(ah, al) % b);
}

/** Unsigned 64-bit remainder (remu): x%0 = x. */
export function remu64(ah: number, al: number, bh: number, bl: number): void {
  if (bh === 0 && bl === 0) { rHi = ah; rLo = al; return; }
  if (ah >= 0 && ah < 0x200000 && bh >= 0) {
    const a = toNum(ah, al), b = toNum(bh, bl);
    setNum(a - Math.floor(a / b) * b);
    return;
  }
  setBig(BigInt.asUintN(64, toBig(ah, al)) % BigInt.asUintN(64, toBig(bh, bl)));
}
