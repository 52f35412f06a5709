// Byte strings: file names and paths are bytes in Linux, and the VFS keeps them as JavaScript
// strings with one character per byte (char codes 0..255, what Node calls "latin1"). Any byte
// sequence round-trips exactly, two different names never compare equal, and Map keys, slicing and
// `length` (the byte count) work as for any string. Text from a user (a Unicode string) becomes a
// byte string by its UTF-8 encoding (utf8ToBytes), and goes back the same way for display.

/** Characters per String.fromCharCode call (stays well below engines' argument limits). */
const CHUNK = 8192;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** Returns the byte string whose characters are the bytes of b. */
export function bytesToStr(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += CHUNK) {
    s += String.fromCharCode.apply(null, b.subarray(i, i + CHUNK) as unknown as number[]);
  }
  return s;
}

/** Returns the bytes of byte string s (each character's low 8 bits; assumes s is a byte string). */
export function strToBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Returns the byte string of Unicode text s: its UTF-8 bytes, one character each. */
export function utf8ToBytes(s: string): string {
  // ASCII, the common case, is already its own byte string.
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(s) ? s : bytesToStr(utf8Encoder.encode(s));
}

/** Returns byte string s decoded as UTF-8, for display (invalid sequences become U+FFFD). */
export function bytesToUtf8(s: string): string {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(s) ? s : utf8Decoder.decode(strToBytes(s));
}
