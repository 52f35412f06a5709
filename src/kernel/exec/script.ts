// binfmt_script: the "#!" line of an interpreter script (fs/binfmt_script.c's rules, as facts):
// only the first BINPRM_BUF_SIZE-1 bytes are looked at; spaces and tabs separate; the interpreter
// name ends at a space, tab or NUL, and whatever follows (spaces and tabs trimmed at both ends) is
// one optional argument, spaces included.
import { bytesToStr } from '../../util/bytestr.js';

/** Bytes of the file the kernel reads to pick a format (Linux's BINPRM_BUF_SIZE). */
export const BINPRM_BUF_SIZE = 256;

/** What a "#!" line asks for: the interpreter path and its optional single argument (byte strings). */
export interface Shebang {
  interp: string;
  arg: string | null;
}

const isSpaceTab = (c: number): boolean => c === 0x20 || c === 0x09;
const isTerminator = (c: number): boolean => isSpaceTab(c) || c === 0;

/** True if data starts with "#!" (the script format; anything else is for another handler). */
export function isScript(data: Uint8Array): boolean {
  return data.length >= 2 && data[0] === 0x23 && data[1] === 0x21;
}

/**
 * Returns the interpreter and argument of a script's "#!" line, or null where Linux gives ENOEXEC:
 * no interpreter name, or a first line longer than the buffer whose interpreter name may be cut off.
 * Assumes isScript(data).
 */
export function parseShebang(data: Uint8Array): Shebang | null {
  // The kernel's buffer starts zeroed, so a file shorter than it ends in NULs; its last byte is
  // always a NUL, so only BINPRM_BUF_SIZE-1 bytes of the file count.
  const buf = new Uint8Array(BINPRM_BUF_SIZE - 1);
  buf.set(data.subarray(0, BINPRM_BUF_SIZE - 1));
  let end = buf.indexOf(0x0a);
  if (end < 0) {
    // No newline within the buffer: acceptable only if the interpreter name visibly ends in it.
    let p = 2;
    while (p < buf.length && isSpaceTab(buf[p]!)) p++;
    if (p >= buf.length) return null;
    while (p < buf.length && !isTerminator(buf[p]!)) p++;
    if (p >= buf.length) return null;
    end = buf.length;
  }
  while (end > 2 && isSpaceTab(buf[end - 1]!)) end--;
  let name = 2;
  while (name < end && isSpaceTab(buf[name]!)) name++;
  if (name >= end) return null;
  let sep = name;
  while (sep < end && !isTerminator(buf[sep]!)) sep++;
  const interp = bytesToStr(buf.subarray(name, sep));
  if (sep >= end || buf[sep] === 0) return { interp, arg: null };
  let a = sep;
  while (a < end && isSpaceTab(buf[a]!)) a++;
  if (a >= end) return { interp, arg: null };
  // The argument is a C string: a NUL inside it ends it.
  const raw = buf.subarray(a, end);
  const nul = raw.indexOf(0);
  return { interp, arg: bytesToStr(nul >= 0 ? raw.subarray(0, nul) : raw) };
}
