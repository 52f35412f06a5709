// The initial process stack (abi-riscv64.md §1.3): strings at the top, AT_RANDOM bytes, then
// argc, argv[], NULL, envp[], NULL and the auxv, with sp 16-byte aligned.
import { E2BIG, errnoName } from '../abi/errno.js';
import { PROT_READ, PROT_WRITE } from '../mem/guest_memory.js';
import { type AuxvInputs, buildAuxv } from './auxv.js';
import { type LoadError, noexec } from './elf.js';
import type { LoaderMm } from './segments.js';
import {
  MAP_ANONYMOUS, MAP_FIXED, MAP_GROWSDOWN, MAP_PRIVATE, MAP_STACK, MAX_ARG_STRLEN, MAX_ARG_TOTAL,
  STACK_EXPAND, STACK_SIZE_MAX, STACK_TOP, pageFloor,
} from './layout.js';

/** A string argument: text (encoded as UTF-8) or raw bytes (paths are bytes in Linux). */
export type ArgString = string | Uint8Array;

/** What goes on the stack. */
export interface StackInputs {
  argv: ArgString[];
  envp: ArgString[];
  execfn: ArgString;
  /** Exactly 16 bytes for AT_RANDOM (glibc's stack and pointer guards). */
  random: Uint8Array;
  /** The auxv fields that do not point into the stack. */
  aux: Omit<AuxvInputs, 'random' | 'execfn'>;
}

/** Bytes of the AT_RANDOM block. */
export const AT_RANDOM_SIZE = 16;
/** Zero bytes left at the very top of the stack, above the execfn string (as Linux does). */
const STACK_TOP_PAD = 8;

const encoder = new TextEncoder();
const toBytes = (s: ArgString): Uint8Array => (typeof s === 'string' ? encoder.encode(s) : s);

/** Bounds the arguments as Linux does before it touches memory: returns null, or the E2BIG
 *  LoadError execve gives (a string over MAX_ARG_STRLEN, or all of them over MAX_ARG_TOTAL). */
export function checkArgs(argv: ArgString[], envp: ArgString[], execfn: ArgString): LoadError | null {
  let total = 0;
  for (const x of [...argv, ...envp, execfn]) {
    const s = toBytes(x);
    if (s.length + 1 > MAX_ARG_STRLEN) return noexec('argument list too long (one string exceeds MAX_ARG_STRLEN)', E2BIG);
    if (s.includes(0)) return noexec('argument or environment string contains a NUL byte');
    total += s.length + 1 + 8;
  }
  return total > MAX_ARG_TOTAL ? noexec('argument list too long', E2BIG) : null;
}

/**
 * Maps the "[stack]" VMA below STACK_TOP and fills it; returns the initial sp or a LoadError.
 * As Linux's setup_arg_pages, the VMA covers the arguments plus STACK_EXPAND (128 KiB) and
 * grows on demand from there (up to RLIMIT_STACK).
 */
export function setupStack(mm: LoaderMm, inp: StackInputs): number | LoadError {
  if (inp.random.length !== AT_RANDOM_SIZE) return noexec(`AT_RANDOM needs ${AT_RANDOM_SIZE} bytes`);
  const argv = inp.argv.map(toBytes), envp = inp.envp.map(toBytes), execfn = toBytes(inp.execfn);
  const bad = checkArgs(argv, envp, execfn);
  if (bad !== null) return bad;

  // The VMA reaches STACK_EXPAND below the page holding the lowest string; the vectors and the
  // auxv go below the strings, into that room (Linux's setup_arg_pages and create_elf_tables).
  let strings = STACK_TOP_PAD;
  for (const s of [...argv, ...envp, execfn]) strings += s.length + 1;
  const size = Math.min(STACK_TOP - pageFloor(STACK_TOP - strings) + STACK_EXPAND, STACK_SIZE_MAX);
  const flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_GROWSDOWN | MAP_STACK;
  const r = mm.mmap(STACK_TOP - size, size, PROT_READ | PROT_WRITE, flags, null, 0, '[stack]');
  if (r < 0) return noexec(`cannot map the stack: ${errnoName(-r)}`, -r);
  const mem = mm.mem;

  // Strings, top down: execfn, then envp (last first), then argv (last first), so argv[0] is lowest.
  let p = STACK_TOP - STACK_TOP_PAD;
  const putString = (s: Uint8Array): number => {
    p -= s.length + 1;
    mem.write(p, s);
    mem.writeU8(p + s.length, 0);
    return p;
  };
  const execfnAddr = putString(execfn);
  const envAddrs: number[] = new Array<number>(envp.length);
  for (let i = envp.length - 1; i >= 0; i--) envAddrs[i] = putString(envp[i]!);
  const argAddrs: number[] = new Array<number>(argv.length);
  for (let i = argv.length - 1; i >= 0; i--) argAddrs[i] = putString(argv[i]!);

  p -= p % 16; // (no bitwise ops: addresses reach 2^32, beyond int32)
  p -= AT_RANDOM_SIZE;
  mem.write(p, inp.random);
  const auxv = buildAuxv({ ...inp.aux, random: p, execfn: execfnAddr });

  // argc, argv[] + NULL, envp[] + NULL, then the auxv; sp rounded down to 16.
  const words = 1 + (argv.length + 1) + (envp.length + 1);
  const top = p - auxv.length * 16 - words * 8;
  const sp = top - (top % 16);
  let w = sp;
  const put = (v: number): void => { mem.writeU64(w, v); w += 8; };
  put(argv.length);
  for (const a of argAddrs) put(a);
  put(0);
  for (const e of envAddrs) put(e);
  put(0);
  for (const [type, val] of auxv) { put(type); put(val); }
  return sp;
}
