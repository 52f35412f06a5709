// The syslet and threadlet ABI (abi-riscv64.md §6, Ingo Molnar's v5 with the review's flaws
// fixed): ecall extension syscall numbers, the fixed-width layouts of struct syslet_uatom,
// struct async_head_user, struct async_completion and struct threadlet, the atom flags, and
// decoding with every field checked. Nothing here touches tasks; chain.ts and threadlet.ts do.
import { EFAULT, EINVAL } from '../../abi/errno.js';

/**
 * ecall's extension numbers are "ECL" in ASCII plus an index (README "ecall extensions"):
 * 0x45434c00 ecall_features and 0x45434c01 ecall_syscall_counter come first; these follow.
 */
export const NR_ASYNC_EXEC = 0x45434c02, NR_ASYNC_WAIT = 0x45434c03, NR_THREADLET_EXEC = 0x45434c04,
  NR_UMEM_ADD = 0x45434c05;

/** Atom flags (v5 values, §6.3), plus SYSLET_STOP_ON_ERROR, the review's "stop on ERROR". */
export const SYSLET_ASYNC = 0x1, SYSLET_SYNC = 0x2, SYSLET_NO_COMPLETE = 0x4, SYSLET_STOP_ON_NONZERO = 0x8,
  SYSLET_STOP_ON_ZERO = 0x10, SYSLET_STOP_ON_NEGATIVE = 0x20, SYSLET_STOP_ON_NON_POSITIVE = 0x40,
  SYSLET_SKIP_TO_NEXT_ON_STOP = 0x80, SYSLET_STOP_ON_ERROR = 0x100;
/** The stop-condition bits: one-hot, so at most one may be set (several are EINVAL). */
export const SYSLET_STOP_MASK = SYSLET_STOP_ON_NONZERO | SYSLET_STOP_ON_ZERO | SYSLET_STOP_ON_NEGATIVE |
  SYSLET_STOP_ON_NON_POSITIVE | SYSLET_STOP_ON_ERROR;
/** Every flag this kernel knows; any other bit is EINVAL, so a future flag is never ignored. */
export const SYSLET_KNOWN_FLAGS = SYSLET_ASYNC | SYSLET_SYNC | SYSLET_NO_COMPLETE | SYSLET_STOP_MASK |
  SYSLET_SKIP_TO_NEXT_ON_STOP;

/**
 * struct syslet_uatom: v5's fields in v5's order at fixed widths (u32 flags, u32 nr, u64 ret_ptr,
 * u64 next, u64 arg_ptr[6], u64 private), then u32 nargs and a u32 that must be zero.
 */
export const ATOM_SIZE = 88;
/** Offset of the atom's private word (copied into its completion, even when the atom is rejected). */
export const ATOM_PRIVATE = 72;
/** At most six arguments, as a riscv64 syscall has (a0..a5). */
export const ATOM_MAX_ARGS = 6;
/** struct async_completion: u64 atom (0: empty slot), i64 result, u32 flags, u32 reserved, u64 private. */
export const COMPLETION_SIZE = 32;
/** async_completion.flags: result is the error that ended the chain (the atom did not run). */
export const ASYNC_COMPLETION_CHAIN_ERROR = 1;
/** async_completion.flags: the entry is a threadlet (atom is the struct threadlet). */
export const ASYNC_COMPLETION_THREADLET = 2;
/** struct async_head_user: u64 kernel_ring_idx, user_ring_idx, completion_ring, ring_size_bytes, flags. */
export const HEAD_SIZE = 40;
export const HEAD_KERNEL_IDX = 0;
/** Largest ring: 65536 entries (2 MiB), a bound on what the kernel scans and keeps. */
export const RING_MAX_ENTRIES = 65536;
/** struct threadlet: u64 fn, arg, stack, stack_size, flags; i64 result; u64 private. */
export const THREADLET_SIZE = 56;
export const THREADLET_RESULT = 40;
/** The smallest threadlet stack: one page, enough for a leaf function and a signal frame's worth. */
export const THREADLET_MIN_STACK = 4096;
/** threadlet_exec's return codes: the function ran to its end (its stack is free again), or it
 *  blocked and goes on in a new thread that owns the stack until its completion is posted. */
export const THREADLET_DONE = 0, THREADLET_ASYNC = 1;
/**
 * Where a threadlet's function returns to: an address above every user mapping (Sv39 ends at
 * 2^38), so the fetch faults into the kernel, which ends the threadlet there (as Linux emulates
 * its x86 vsyscall page at fixed faulting addresses).
 */
export const THREADLET_RETURN_ADDR = 0xfffffffffffff000n;
/** Largest user address + 1 (Sv39, abi §9.4): any pointer field at or above it is EFAULT. */
export const USER_ADDR_END = 2n ** 38n;

/** A decoded atom. */
export interface Atom {
  flags: number;
  nr: number;
  nargs: number;
  retPtr: number;
  next: number;
  argPtr: number[];
  private: bigint;
}

/** A decoded async_head_user: where its ring is and how many entries it has. */
export interface HeadDesc {
  ring: number;
  entries: number;
}

/** A decoded struct threadlet. */
export interface ThreadletDesc {
  fn: number;
  arg: bigint;
  stack: number;
  stackSize: number;
  private: bigint;
}

/** A u64 pointer field as an address: EFAULT for one beyond the user address space (no truncation). */
function ptr(v: bigint): number | null {
  return v < USER_ADDR_END ? Number(v) : null;
}

/**
 * Decodes the ATOM_SIZE bytes of an atom read with one checked copy; returns the atom or
 * -EINVAL/-EFAULT: unknown flags or a non-zero reserved word, several stop bits, ASYNC with SYNC, SKIP without a stop bit, nargs > 6, a
 * non-zero arg_ptr beyond nargs (EINVAL); a pointer field beyond the address space (EFAULT).
 */
export function decodeAtom(raw: Uint8Array): Atom | number {
  const dv = new DataView(raw.buffer, raw.byteOffset, ATOM_SIZE);
  const flags = dv.getUint32(0, true), nr = dv.getUint32(4, true), nargs = dv.getUint32(80, true);
  if ((flags & ~SYSLET_KNOWN_FLAGS) !== 0 || dv.getUint32(84, true) !== 0) return -EINVAL;
  const stop = flags & SYSLET_STOP_MASK;
  if ((stop & (stop - 1)) !== 0) return -EINVAL;
  if ((flags & SYSLET_ASYNC) && (flags & SYSLET_SYNC)) return -EINVAL;
  if ((flags & SYSLET_SKIP_TO_NEXT_ON_STOP) && stop === 0) return -EINVAL;
  if (nargs > ATOM_MAX_ARGS) return -EINVAL;
  const retPtr = ptr(dv.getBigUint64(8, true)), next = ptr(dv.getBigUint64(16, true));
  if (retPtr === null || next === null) return -EFAULT;
  const argPtr: number[] = [];
  for (let i = 0; i < ATOM_MAX_ARGS; i++) {
    const v = dv.getBigUint64(24 + 8 * i, true);
    if (i >= nargs) {
      if (v !== 0n) return -EINVAL;
      continue;
    }
    const p = ptr(v);
    if (p === null || p === 0) return -EFAULT; // a NULL argument pointer is EFAULT, not a zero
    argPtr.push(p);
  }
  return { flags, nr, nargs, retPtr, next, argPtr, private: dv.getBigUint64(ATOM_PRIVATE, true) };
}

/**
 * Decodes an async_head_user read with one checked copy: -EINVAL for flags, a ring size that is
 * not a whole number of entries, or more than RING_MAX_ENTRIES; -EFAULT for a NULL ring or one
 * beyond the address space.
 */
export function decodeHead(raw: Uint8Array): HeadDesc | number {
  const dv = new DataView(raw.buffer, raw.byteOffset, HEAD_SIZE);
  const ring = ptr(dv.getBigUint64(16, true)), size = dv.getBigUint64(24, true), flags = dv.getBigUint64(32, true);
  if (flags !== 0n) return -EINVAL;
  if (size === 0n || size % BigInt(COMPLETION_SIZE) !== 0n || size / BigInt(COMPLETION_SIZE) > BigInt(RING_MAX_ENTRIES)) return -EINVAL;
  if (ring === null || ring === 0 || ring % 8 !== 0) return -EFAULT;
  return { ring, entries: Number(size) / COMPLETION_SIZE };
}

/** Decodes a struct threadlet: -EINVAL for flags, a NULL function or a stack below the minimum; -EFAULT for pointers beyond the address space. */
export function decodeThreadlet(raw: Uint8Array): ThreadletDesc | number {
  const dv = new DataView(raw.buffer, raw.byteOffset, THREADLET_SIZE);
  const fn = ptr(dv.getBigUint64(0, true)), stack = ptr(dv.getBigUint64(16, true));
  const size = dv.getBigUint64(24, true), flags = dv.getBigUint64(32, true);
  if (flags !== 0n) return -EINVAL;
  if (fn === null || stack === null || BigInt(stack) + size > USER_ADDR_END) return -EFAULT;
  if (fn === 0 || stack === 0 || size < BigInt(THREADLET_MIN_STACK)) return -EINVAL;
  return { fn, arg: dv.getBigUint64(8, true), stack, stackSize: Number(size), private: dv.getBigUint64(48, true) };
}

/**
 * True if an atom with these flags stops after returning ret. forceNoError (Linux's
 * force_successful_syscall_return, set by umem_add) makes an error-looking value a success.
 */
export function stopHolds(flags: number, ret: bigint, forceNoError: boolean): boolean {
  switch (flags & SYSLET_STOP_MASK) {
    case SYSLET_STOP_ON_NONZERO: return ret !== 0n;
    case SYSLET_STOP_ON_ZERO: return ret === 0n;
    case SYSLET_STOP_ON_NEGATIVE: return ret < 0n;
    case SYSLET_STOP_ON_NON_POSITIVE: return ret <= 0n;
    case SYSLET_STOP_ON_ERROR: return !forceNoError && ret >= -4095n && ret < 0n;
    default: return false;
  }
}
