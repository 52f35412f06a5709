// A minimal gzip writer (RFC 1952 around RFC 1951 "stored" blocks): the output is a valid .gz
// file that any gunzip reads, without compression. /proc/config.gz is a few kilobytes, so
// size does not matter and the kernel stays free of host compression libraries.

/** Largest payload of one stored deflate block (LEN is 16 bits). */
const STORED_BLOCK_MAX = 0xffff;
/** The gzip header: magic, CM=8 (deflate), no flags, mtime 0, XFL 0, OS 255 (unknown). */
const GZIP_HEADER = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];

let crcTable: Uint32Array | null = null;

/** Returns the CRC-32 (IEEE 802.3, reflected, as gzip uses) of data. */
export function crc32(data: Uint8Array): number {
  if (crcTable === null) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Returns data as a gzip file made of stored (uncompressed) deflate blocks. */
export function gzipStored(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / STORED_BLOCK_MAX));
  const out = new Uint8Array(GZIP_HEADER.length + blocks * 5 + data.length + 8);
  out.set(GZIP_HEADER);
  let at = GZIP_HEADER.length;
  for (let b = 0; b < blocks; b++) {
    const start = b * STORED_BLOCK_MAX;
    const len = Math.min(STORED_BLOCK_MAX, data.length - start);
    out[at++] = b === blocks - 1 ? 1 : 0; // BFINAL, BTYPE 00 (stored); byte-aligned already
    out[at++] = len & 0xff;
    out[at++] = len >>> 8;
    out[at++] = ~len & 0xff;
    out[at++] = (~len >>> 8) & 0xff;
    out.set(data.subarray(start, start + len), at);
    at += len;
  }
  const dv = new DataView(out.buffer);
  dv.setUint32(at, crc32(data), true);
  dv.setUint32(at + 4, data.length >>> 0, true);
  return out;
}
