// Error-free transforms on binary64 numbers: the exact rounding error of a sum or a product,
// and rounding to odd. The fast paths use them to prove exactness and to fuse without BigInt.

/** 2^27 + 1: Veltkamp's constant, splitting a 53-bit significand into two 26-bit halves. */
const SPLITTER = 134217729;

/** Returns e with a + b = s + e exactly, where s = fl(a + b); assumes no step overflows (else e is inf/NaN). */
export function twoSumErr(a: number, b: number, s: number): number {
  const bb = s - a;
  return (a - (s - bb)) + (b - bb);
}

/**
 * Returns e with a * b = p + e exactly, where p = fl(a * b) (Dekker). Assumes |a|, |b| < 2^995
 * (the split does not overflow) and e_a + e_b >= -970 (no partial product loses bits to underflow).
 */
export function twoProdErr(a: number, b: number, p: number): number {
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return al * bl - (((p - ah * bh) - al * bh) - ah * bl);
}

const scratchF64 = new Float64Array(1);
const scratchI32 = new Int32Array(scratchF64.buffer); // little-endian host, like the hart layout

/**
 * Returns the round-to-odd value of s + err, where s = fl(x) is nonzero and err = x - s exactly:
 * s itself if err = 0 or s is odd, else s's neighbour on err's side (odd by construction).
 */
export function toOdd(s: number, err: number): number {
  if (err === 0) return s;
  scratchF64[0] = s;
  const lo = scratchI32[0]!;
  if ((lo & 1) !== 0) return s;
  if ((err > 0) === (s > 0)) {
    scratchI32[0] = (lo + 1) | 0; // lo is even, so no carry into the high word
  } else {
    if (lo === 0) scratchI32[1] = (scratchI32[1]! - 1) | 0;
    scratchI32[0] = (lo - 1) | 0;
  }
  return scratchF64[0]!;
}
