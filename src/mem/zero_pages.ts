// Page zeroing that never writes a page that is already zero. Guest memory is a lazily backed
// WebAssembly.Memory: a page that was never written costs no host memory, and reading it (to
// compare against zeros, a native memcmp) does not commit it either. Only non-zero pages are
// written, so mapping, unmapping and MADV_DONTNEED over untouched ranges stay free.
import { PAGE_SIZE } from './guest_memory.js';

/** Pages compared at once before narrowing down to single pages (64 KiB: one wasm page). */
const CHUNK_PAGES = 16;
const CHUNK_BYTES = CHUNK_PAGES * PAGE_SIZE;
const ZERO = Buffer.alloc(CHUNK_BYTES);

const views = new WeakMap<ArrayBufferLike, Buffer>();

/** Returns a Buffer over the whole of u8's backing store (cached; no copy). */
function bufferOf(u8: Uint8Array): Buffer {
  let b = views.get(u8.buffer);
  if (!b) {
    b = Buffer.from(u8.buffer, 0, u8.buffer.byteLength);
    views.set(u8.buffer, b);
  }
  return b;
}

/** True if page `page` of u8 (a whole-memory view) is all zero bytes; only reads it. */
export function isZeroPage(u8: Uint8Array, page: number): boolean {
  const off = page * PAGE_SIZE;
  return ZERO.compare(bufferOf(u8), off, off + PAGE_SIZE, 0, PAGE_SIZE) === 0;
}

/**
 * Calls fn(page) for each page in [first, first+count) that holds a non-zero byte, in order.
 * Zero pages are only read. Assumes u8 views the whole guest memory from offset 0.
 */
export function forEachNonZeroPage(u8: Uint8Array, first: number, count: number, fn: (page: number) => void): void {
  const buf = bufferOf(u8);
  const end = first + count;
  let p = first;
  while (p < end) {
    const n = Math.min(end - p, CHUNK_PAGES - (p % CHUNK_PAGES));
    const off = p * PAGE_SIZE;
    if (ZERO.compare(buf, off, off + n * PAGE_SIZE, 0, n * PAGE_SIZE) !== 0) {
      for (let q = p; q < p + n; q++) {
        const o = q * PAGE_SIZE;
        if (ZERO.compare(buf, o, o + PAGE_SIZE, 0, PAGE_SIZE) !== 0) fn(q);
      }
    }
    p += n;
  }
}

/**
 * Zeroes the non-zero pages of [first, first+count); returns the pages written, in order.
 * Only pages marked in `touched` can be non-zero, so only those are compared; with `forget`
 * (the range is being unmapped) their marks are cleared.
 */
export function zeroPages(u8: Uint8Array, first: number, count: number, touched: Uint8Array, forget: boolean): number[] {
  const written: number[] = [];
  const end = first + count;
  let p = touched.indexOf(1, first);
  while (p >= 0 && p < end) {
    let q = p;
    while (q < end && touched[q] === 1) q++;
    forEachNonZeroPage(u8, p, q - p, (page) => {
      u8.fill(0, page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
      written.push(page);
    });
    if (forget) touched.fill(0, p, q);
    p = touched.indexOf(1, q);
  }
  return written;
}

/** Copies page contents src[from..] to dst[to..] for count pages, skipping source pages that are zero
 * (the destination is assumed zero there already). */
export function copyNonZeroPages(src: Uint8Array, from: number, dst: Uint8Array, to: number, count: number): void {
  forEachNonZeroPage(src, from, count, (q) => {
    const o = q * PAGE_SIZE;
    dst.set(src.subarray(o, o + PAGE_SIZE), (to + (q - from)) * PAGE_SIZE);
  });
}
