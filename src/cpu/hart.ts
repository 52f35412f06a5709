// Hart (hardware thread) state: registers in typed arrays over one buffer, so that a later
// WebAssembly translator or a worker thread can share the same layout, and the hart's TLB.
import type { Tlb } from '../mem/tlb.js';

/** ABI register numbers (riscv psABI): return address, stack pointer, a0 (syscall argument 0 and
 *  return value) and a7 (syscall number). */
export const REG_RA = 1, REG_SP = 2, REG_A0 = 10, REG_A7 = 17;

/** Register slot that absorbs writes to x0: decode maps rd=0 to this slot, so x[0] stays zero. */
export const X_SINK = 32;

/** Byte layout of the state buffer (all little-endian). */
export const STATE_X = 0;          // 33 x 8 bytes: x0..x31 and the sink, each as (lo i32, hi i32)
export const STATE_F = 33 * 8;     // 32 x 8 bytes: f0..f31 raw bits (NaN-boxed singles: hi = -1)
export const STATE_BYTES = STATE_F + 32 * 8;

/** Why run() stopped. */
export const enum Stop {
  Budget = 0,   // instruction budget spent; pc is the next instruction
  Ecall = 1,    // pc is at the ecall instruction (not advanced)
  Ebreak = 2,   // pc is at the ebreak instruction
  Fault = 3,    // memory fault: faultAddr/faultAccess/faultKind describe it; pc is the faulting instruction
  Illegal = 4,  // illegal instruction at pc; faultAddr holds the instruction bits (or 0)
  Misaligned = 5, // misaligned atomic at pc: faultAddr is the address (Linux sends SIGBUS)
}

/**
 * rdtime frequency: 1 GHz, so that one tick is one nanosecond of the kernel's monotonic clock and
 * the vDSO's clock_gettime equals the system call's exactly (real SoCs use 1 to 25 MHz).
 */
export const TIMEBASE_HZ = 1_000_000_000;

/** Kinds of memory access, as recorded in a fault. */
export const enum Access {
  Read = 1,
  Write = 2,
  Exec = 4,
}

/** One RISC-V hart's user-visible state plus the LR/SC reservation and counters. */
export class Hart {
  readonly buffer: ArrayBuffer;
  /** x registers as 32-bit halves: x[2*i] = low word, x[2*i+1] = high word (signed views). */
  readonly x: Int32Array;
  /** The same registers as 64-bit integers (for the kernel and debugging; not the hot path). */
  readonly x64: BigInt64Array;
  /** f registers as raw 32-bit halves: f[2*i] = low word, f[2*i+1] = high word. */
  readonly f: Int32Array;
  /** f registers viewed as doubles (same memory as f). */
  readonly fd: Float64Array;
  /** f registers viewed as floats: fs[2*i] is the low word of f_i as a binary32. */
  readonly fs: Float32Array;
  pc = 0;
  /** fflags (bits 4:0) */
  fflags = 0;
  /** frm (bits 2:0) */
  frm = 0;
  /** LR/SC reservation: physical address of the reserved doubleword/word, or -1 when none. */
  reservation = -1;
  /** Retired instruction count (instret CSR), as a float (exact to 2^53). */
  instret = 0;
  /** Set when run() stops with Stop.Fault or Stop.Illegal. */
  faultAddr = 0;
  faultAccess: Access = Access.Read;
  /** Why a Stop.Fault happened: a FAULT_* code of src/mem/fault.ts (MAPERR, ACCERR, BUS, OOM). */
  faultKind = 0;
  /** The software TLB run() translates through (created on the first run). */
  tlb: Tlb | null = null;
  /** The virtual CPU the hart runs for (set by the kernel before each run), and whether the
   *  custom CSR that reads it (CSR_ECALL_CPU in run.ts) exists. */
  cpuId = 0;
  cpuCsr = false;
  /** Source of the `time` CSR in TIMEBASE_HZ ticks; the kernel replaces it (virtual time). */
  timeSource: () => number = () => Math.floor(performance.now() * (TIMEBASE_HZ / 1000));

  constructor() {
    this.buffer = new ArrayBuffer(STATE_BYTES);
    this.x = new Int32Array(this.buffer, STATE_X, 66);
    this.x64 = new BigInt64Array(this.buffer, STATE_X, 33);
    this.f = new Int32Array(this.buffer, STATE_F, 64);
    this.fd = new Float64Array(this.buffer, STATE_F, 32);
    this.fs = new Float32Array(this.buffer, STATE_F, 64);
  }

  /** Returns x[r] as a JS number; exact for values in the safe-integer range (sign-extended). */
  getX(r: number): number {
    return this.x[2 * r + 1]! * 4294967296 + (this.x[2 * r]! >>> 0);
  }

  /** Returns x[r] as an unsigned 64-bit bigint. */
  getXU(r: number): bigint {
    return BigInt.asUintN(64, this.x64[r]!);
  }

  /** Sets x[r] from a JS integer (negative values are two's complement); r = 0 is ignored. */
  setX(r: number, v: number): void {
    if (r === 0) return;
    const lo = v | 0;
    const hi = Math.floor(v / 4294967296) | 0;
    this.x[2 * r] = lo;
    this.x[2 * r + 1] = hi;
  }

  /** Sets x[r] from a bigint (taken modulo 2^64); r = 0 is ignored. */
  setXBig(r: number, v: bigint): void {
    if (r === 0) return;
    this.x64[r] = BigInt.asIntN(64, v);
  }

  get fcsr(): number {
    return (this.frm << 5) | this.fflags;
  }
  set fcsr(v: number) {
    this.frm = (v >>> 5) & 7;
    this.fflags = v & 0x1f;
  }

  /** Returns the TLB's frames to the pool (the task has exited; the hart will not run again). */
  release(): void {
    this.tlb?.release();
    this.tlb = null;
  }

  /** Copies every register, pc and fcsr from another hart (used by clone and tests). */
  copyFrom(o: Hart): void {
    new Uint8Array(this.buffer).set(new Uint8Array(o.buffer));
    this.pc = o.pc;
    this.fflags = o.fflags;
    this.frm = o.frm;
    this.reservation = -1;
  }
}
