// The riscv64 rt_sigframe (abi-riscv64.md §3.1-3.5): building it at delivery and restoring it
// in rt_sigreturn. Offsets are from the frame start, which is the handler's sp.
import { GuestFaultError } from '../mem/guest_memory.js';
import { encodeSigInfo, type SigInfo } from './signal.js';
import type { SigAction, Task } from './task.js';

/** sizeof(struct rt_sigframe) without the vector extension. */
export const FRAME_SIZE = 1088;
const UC = 128;
const UC_FLAGS = UC, UC_LINK = UC + 8, UC_STACK = UC + 16, UC_SIGMASK = UC + 40;
/** uc_mcontext: sc_regs.pc then x1..x31, 8 bytes each. */
const MC_REGS = 304;
/** sc_fpregs D-state: f0..f31 then fcsr. */
const MC_FPREGS = 560, MC_FCSR = 816;
/** The last 12 bytes of the FP union: must be zero (a 6.1 kernel rejects anything else). */
const MC_RESERVED = 1076;

export const SS_ONSTACK = 1, SS_DISABLE = 2, SS_AUTODISARM = 1 << 31;
export const SA_SIGINFO = 0x4n, SA_ONSTACK = 0x08000000n, SA_RESTART = 0x10000000n,
  SA_NODEFER = 0x40000000n, SA_RESETHAND = 0x80000000n;

/** True if sp is on t's alternate signal stack (the stack grows down from ss_sp + ss_size). */
export function onSigStack(t: Task, sp: number): boolean {
  const s = t.altstack;
  return s.size !== 0 && sp > s.sp && sp - s.sp <= s.size;
}

/** Linux's sas_ss_flags: SS_DISABLE if no altstack, SS_ONSTACK if sp is on it, else 0. */
export function sasSsFlags(t: Task, sp: number): number {
  if (t.altstack.size === 0) return SS_DISABLE;
  return onSigStack(t, sp) ? SS_ONSTACK : 0;
}

/**
 * Builds the frame for info on t's stack (or altstack) and points the hart at the handler.
 * `savedMask` is the mask sigreturn will restore. Returns false if the frame cannot be
 * written (the caller then forces SIGSEGV).
 */
export function setupFrame(t: Task, info: SigInfo, act: SigAction, savedMask: bigint): boolean {
  const h = t.hart, mem = t.mm.mem;
  const userSp = h.getX(2);
  let sp = userSp;
  if (onSigStack(t, sp) && !onSigStack(t, sp - FRAME_SIZE)) return false; // would overflow the altstack
  if ((act.flags & SA_ONSTACK) !== 0n && sasSsFlags(t, sp) === 0) sp = t.altstack.sp + t.altstack.size;
  const frame = Math.floor((sp - FRAME_SIZE) / 16) * 16; // no red zone on RISC-V
  if (frame < 0) return false;
  const buf = new Uint8Array(FRAME_SIZE);
  const dv = new DataView(buf.buffer);
  buf.set(encodeSigInfo(info), 0);
  dv.setBigUint64(UC_FLAGS, 0n, true);
  dv.setBigUint64(UC_LINK, 0n, true);
  dv.setBigUint64(UC_STACK, BigInt(t.altstack.sp), true);
  dv.setInt32(UC_STACK + 8, sasSsFlags(t, userSp) | (t.altstack.flags & SS_AUTODISARM), true);
  dv.setBigUint64(UC_STACK + 16, BigInt(t.altstack.size), true);
  dv.setBigUint64(UC_SIGMASK, BigInt.asUintN(64, savedMask), true);
  dv.setBigUint64(MC_REGS, BigInt(h.pc), true);
  for (let r = 1; r < 32; r++) {
    dv.setInt32(MC_REGS + 8 * r, h.x[2 * r]!, true);
    dv.setInt32(MC_REGS + 8 * r + 4, h.x[2 * r + 1]!, true);
  }
  for (let r = 0; r < 32; r++) {
    dv.setInt32(MC_FPREGS + 8 * r, h.f[2 * r]!, true);
    dv.setInt32(MC_FPREGS + 8 * r + 4, h.f[2 * r + 1]!, true);
  }
  dv.setUint32(MC_FCSR, h.fcsr, true);
  try {
    mem.write(frame, buf);
  } catch (e) {
    if (e instanceof GuestFaultError) return false;
    throw e;
  }
  if (t.altstack.flags & SS_AUTODISARM) t.altstack = { sp: 0, flags: SS_DISABLE, size: 0 };
  h.pc = Number(act.handler);
  h.setX(2, frame);
  h.setX(10, info.signo);
  h.setX(11, frame);
  h.setX(12, frame + UC);
  h.setX(1, t.tg.sigreturnAddr);
  return true;
}

/**
 * rt_sigreturn: restores the registers, mask and altstack saved in the frame at sp. Returns
 * false for a bad frame (unreadable, or non-zero reserved words), which Linux punishes with SIGSEGV.
 */
export function restoreFrame(t: Task, restoreAltstack: (sp: number, flags: number, size: number) => number): boolean {
  const h = t.hart, mem = t.mm.mem;
  const frame = h.getX(2);
  let buf: Uint8Array;
  try {
    buf = mem.read(frame, FRAME_SIZE);
  } catch (e) {
    if (e instanceof GuestFaultError) return false;
    throw e;
  }
  const dv = new DataView(buf.buffer);
  for (let off = MC_RESERVED; off < FRAME_SIZE; off += 4) if (dv.getUint32(off, true) !== 0) return false;
  const pc = dv.getBigUint64(MC_REGS, true);
  for (let r = 1; r < 32; r++) {
    h.x[2 * r] = dv.getInt32(MC_REGS + 8 * r, true);
    h.x[2 * r + 1] = dv.getInt32(MC_REGS + 8 * r + 4, true);
  }
  for (let r = 0; r < 32; r++) {
    h.f[2 * r] = dv.getInt32(MC_FPREGS + 8 * r, true);
    h.f[2 * r + 1] = dv.getInt32(MC_FPREGS + 8 * r + 4, true);
  }
  h.fcsr = dv.getUint32(MC_FCSR, true) & 0xff;
  h.pc = Number(pc);
  t.sigmask = dv.getBigUint64(UC_SIGMASK, true) & ~(sigbit9 | sigbit19);
  const ssSp = Number(dv.getBigUint64(UC_STACK, true));
  const ssFlags = dv.getInt32(UC_STACK + 8, true);
  const ssSize = Number(dv.getBigUint64(UC_STACK + 16, true));
  // Only EFAULT from the altstack restore is fatal; EPERM and EINVAL are ignored, as in Linux.
  if (restoreAltstack(ssSp, ssFlags, ssSize) === -14) return false;
  return true;
}

const sigbit9 = 1n << 8n, sigbit19 = 1n << 18n;
