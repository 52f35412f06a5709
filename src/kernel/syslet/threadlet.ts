// Threadlets: a user function that runs inline in the calling thread, on a stack of its own, and
// moves to a new thread only if a call it makes would block. threadlet_exec saves the caller's
// whole user context in the kernel (every register and the pc after the ecall: a
// set_user_context, not a raw ip/sp pair the user supplies) and calls fn(arg) on the threadlet's
// stack with ra = THREADLET_RETURN_ADDR. Then one of two things happens:
// - fn returns: the fetch at THREADLET_RETURN_ADDR faults into threadletReturn, which stores fn's
//   value in th->result and resumes the saved caller with THREADLET_DONE: the stack is free.
// - a call fn makes would block (entry.ts asks threadletBlocked): a new thread of the process takes
//   over fn's context, blocked in that call, and the caller resumes with THREADLET_ASYNC: the
//   stack belongs to the new thread until th appears in the completion ring (no scanning for a
//   consumed stack: the return code says it). When fn returns there, its value goes to
//   th->result and the ring, and the thread exits.
import { EBUSY, EFAULT } from '../../abi/errno.js';
import { Access, REG_A0, REG_RA, REG_SP, STATE_BYTES } from '../../cpu/hart.js';
import { inheritTask } from '../inherit.js';
import { type Blocked, REGS_SET, type Request, type SysResult } from '../request.js';
import { Task } from '../task.js';
import {
  ASYNC_COMPLETION_THREADLET, decodeThreadlet, THREADLET_ASYNC, THREADLET_DONE, THREADLET_RESULT, THREADLET_RETURN_ADDR,
  THREADLET_SIZE, type ThreadletDesc,
} from './abi.js';
import { type AsyncHead, headAt } from './ring.js';

/** The caller's user context as threadlet_exec saved it: the register file, pc and fcsr. */
interface SavedContext {
  regs: Uint8Array;
  pc: number;
  fcsr: number;
}

/** A threadlet in a thread (in `threadlets`): the caller's (with its saved context) or the thread it moved to. */
export interface ThreadletState {
  th: number;
  desc: ThreadletDesc;
  head: AsyncHead;
  /** The caller to resume; null once the threadlet runs in a thread of its own. */
  saved: SavedContext | null;
}

/** The threadlet each thread runs, by task (none: absent); kept here, not on Task, so task.ts need not import this file. */
const threadlets = new WeakMap<Task, ThreadletState>();

/** The threadlet's stack as [low, high). */
function stackRange(d: ThreadletDesc): [number, number] {
  return [d.stack, d.stack + d.stackSize];
}

/**
 * threadlet_exec(th, ahu): reads struct threadlet with one checked copy, saves the caller's
 * context and starts fn(arg) on the threadlet's stack (REGS_SET: this call's a0 comes later, from
 * threadletReturn or threadletBlocked). EBUSY while the caller runs a threadlet already (its sp is
 * inside that threadlet's stack; one left by a longjmp is dropped).
 */
export function threadletExec(t: Task, th: number, ahu: number): SysResult {
  const cur = threadlets.get(t) ?? null;
  if (cur !== null && cur.saved !== null) {
    const sp = t.hart.getX(REG_SP), [lo, hi] = stackRange(cur.desc);
    if (sp >= lo && sp <= hi) return -EBUSY;
    threadlets.delete(t);
  }
  if (cur !== null && cur.saved === null) return -EBUSY; // the thread a threadlet moved to
  const desc = decodeThreadlet(t.mm.mem.read(th, THREADLET_SIZE));
  if (typeof desc === 'number') return desc;
  const head = headAt(t.tg, ahu);
  if (typeof head === 'number') return head;
  const h = t.hart;
  const saved: SavedContext = { regs: new Uint8Array(h.buffer.slice(0, STATE_BYTES)), pc: h.pc + 4, fcsr: h.fcsr };
  threadlets.set(t, { th, desc, head, saved });
  h.pc = desc.fn;
  h.setXBig(REG_A0, desc.arg);
  h.setX(REG_SP, Math.floor((desc.stack + desc.stackSize) / 16) * 16);
  h.setXBig(REG_RA, THREADLET_RETURN_ADDR);
  return REGS_SET;
}

/** Puts t's registers back to ctx with a0 = ret (the caller resumes after its threadlet_exec). */
function resumeCaller(t: Task, ctx: SavedContext, ret: number): void {
  const h = t.hart;
  new Uint8Array(h.buffer).set(ctx.regs);
  h.pc = ctx.pc;
  h.fcsr = ctx.fcsr;
  h.reservation = -1;
  h.setX(REG_A0, ret);
}

/**
 * Called when t's call r would block with b: if t runs a threadlet inline (with sp on its stack),
 * moves the threadlet to a new thread blocked in that call and resumes the caller with
 * THREADLET_ASYNC; returns true then, false if the call should just sleep.
 */
export function threadletBlocked(t: Task, r: Request, b: Blocked): boolean {
  const s = threadlets.get(t) ?? null;
  if (s === null || s.saved === null) return false;
  const sp = t.hart.getX(REG_SP), [lo, hi] = stackRange(s.desc);
  if (sp < lo || sp > hi) return false; // say, a handler on the alternate stack: it just sleeps
  const k = t.kernel;
  const child = new Task(k, k.allocTid(), t.tg, t.files, t.fs);
  child.hart.copyFrom(t.hart); // pc is still on the ecall
  inheritTask(t, child, true);
  child.sigmask = t.savedSigmask ?? t.sigmask;
  k.addTask(child);
  if (r.progress > 0) {
    // The call already moved data: the new thread goes on with it, asleep in the same call.
    const cr = child.syscall;
    cr.begin(r.nr);
    cr.deadline = r.deadline;
    cr.progress = r.progress;
    cr.state = r.state;
    child.origA0Lo = t.origA0Lo;
    child.origA0Hi = t.origA0Hi;
    child.inSyscall = true;
    k.sched.remove(child);
    k.sleep(child, b);
  } else {
    // Nothing happened yet: the new thread makes the call again from its ecall, as its own.
    b.onAbandon?.(r);
    child.hart.x[2 * REG_A0] = t.origA0Lo;
    child.hart.x[2 * REG_A0 + 1] = t.origA0Hi;
  }
  threadlets.delete(t);
  threadlets.set(child, { ...s, saved: null });
  s.head.inflight++;
  if (t.savedSigmask !== null) { t.sigmask = t.savedSigmask; t.savedSigmask = null; }
  t.restartRet = null;
  t.inSyscall = false;
  resumeCaller(t, s.saved, THREADLET_ASYNC);
  if (k.tracing) k.trace(t, `--- threadlet ${hex(s.th)} would block: it goes on as thread ${child.tid} ---`);
  return true;
}

/**
 * The fetch fault at THREADLET_RETURN_ADDR: t's threadlet function returned with a0. Inline, the
 * caller resumes with THREADLET_DONE (or -EFAULT if th->result cannot be written); in the thread
 * it moved to, the value goes to th->result and the completion ring, and the thread exits.
 * Returns false for any other fault.
 */
export function threadletReturn(t: Task): boolean {
  const h = t.hart;
  if (h.faultAccess !== Access.Exec || BigInt(h.pc) !== THREADLET_RETURN_ADDR) return false;
  const s = threadlets.get(t) ?? null;
  if (s === null) return false;
  threadlets.delete(t);
  const result = h.x64[REG_A0]!;
  let stored = true;
  try {
    t.mm.mem.writeBig64(s.th + THREADLET_RESULT, result);
  } catch {
    stored = false;
  }
  if (s.saved !== null) {
    resumeCaller(t, s.saved, stored ? THREADLET_DONE : -EFAULT);
    return true;
  }
  s.head.inflight--;
  s.head.post(t.mm.mem, { atom: s.th, result, flags: ASYNC_COMPLETION_THREADLET, private: s.desc.private });
  t.kernel.exitTask(t);
  return true;
}

/** An address in the kernel's trace notation. */
function hex(a: number): string {
  return `0x${a.toString(16)}`;
}
