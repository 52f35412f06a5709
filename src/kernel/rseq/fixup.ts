// What the kernel does to a thread's user state on its way back to user mode (abi-riscv64.md
// §4.3; Linux's rseq_handle_notify_resume, on exit to user mode, as Andy Lutomirski asks in seed
// 002): after a preemption, a migration or a signal, a thread inside a critical section is sent to
// its abort handler, and a registered thread's cpu_id fields are brought up to date. Signal
// delivery runs it before the frame is built, so the frame holds the abort address.
import { GuestFaultError, TASK_SIZE } from '../../mem/guest_memory.js';
import {
  RSEQ_CPU_ID, RSEQ_CPU_ID_START, RSEQ_CS, RSEQ_CS_ABORT_IP, RSEQ_CS_FLAGS, RSEQ_CS_POST_COMMIT_OFFSET, RSEQ_CS_SIZE,
  RSEQ_CS_START_IP, RSEQ_CS_VERSION, RSEQ_EVENT_MIGRATE, RSEQ_EVENT_PREEMPT, RSEQ_EVENT_SIGNAL, RSEQ_FLAGS, RSEQ_MM_CID,
  RSEQ_NODE_ID,
} from '../../abi/rseq.js';
import { SI_KERNEL, SIGSEGV } from '../signal.js';
import { forceSignal } from '../signal_deliver.js';
import { type Task, TaskState } from '../task.js';
import type { RseqArea } from './state.js';

const TASK_SIZE_BIG = BigInt(TASK_SIZE);
const U64 = (v: bigint): bigint => BigInt.asUintN(64, v);

/** A validated struct rseq_cs. */
interface RseqCs {
  flags: number;
  start: bigint;
  postCommitOffset: bigint;
  abort: bigint;
}

/** Thrown by the steps below when the area or a descriptor is bad: the thread gets SIGSEGV. */
class BadRseq extends Error {}

/** Runs a guest memory access, turning a fault into BadRseq. */
function user<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof GuestFaultError) throw new BadRseq();
    throw e;
  }
}

/**
 * Reads and validates the descriptor that area's rseq_cs points to (Linux's rseq_get_rseq_cs):
 * null when rseq_cs is 0. Every address below TASK_SIZE, version 0, no overflow, abort_ip outside
 * the section, and the registered signature in the 4 bytes before abort_ip; else BadRseq.
 */
function readRseqCs(t: Task, area: RseqArea): RseqCs | null {
  const mem = t.mm.mem;
  const ptr = user(() => mem.readBig64(area.addr + RSEQ_CS));
  if (ptr === 0n) return null;
  if (ptr >= TASK_SIZE_BIG) throw new BadRseq();
  const raw = user(() => mem.read(Number(ptr), RSEQ_CS_SIZE));
  const dv = new DataView(raw.buffer);
  const version = dv.getUint32(RSEQ_CS_VERSION, true);
  const cs: RseqCs = {
    flags: dv.getUint32(RSEQ_CS_FLAGS, true),
    start: dv.getBigUint64(RSEQ_CS_START_IP, true),
    postCommitOffset: dv.getBigUint64(RSEQ_CS_POST_COMMIT_OFFSET, true),
    abort: dv.getBigUint64(RSEQ_CS_ABORT_IP, true),
  };
  const end = cs.start + cs.postCommitOffset; // a bigint: no wrap, so an overflow is >= TASK_SIZE
  if (cs.start >= TASK_SIZE_BIG || end >= TASK_SIZE_BIG || cs.abort >= TASK_SIZE_BIG || version > 0) throw new BadRseq();
  if (U64(cs.abort - cs.start) < cs.postCommitOffset) throw new BadRseq(); // abort_ip inside the section
  if (cs.abort < 4n) throw new BadRseq(); // the signature would lie below address 0
  const sig = user(() => mem.readU32(Number(cs.abort) - 4));
  if (sig !== area.sig) throw new BadRseq();
  return cs;
}

/** Names the events in a trace line. */
function eventNames(ev: number): string {
  const names: string[] = [];
  if (ev & RSEQ_EVENT_PREEMPT) names.push('preempt');
  if (ev & RSEQ_EVENT_MIGRATE) names.push('migrate');
  if (ev & RSEQ_EVENT_SIGNAL) names.push('signal');
  return names.join('|');
}

/**
 * Linux's rseq_ip_fixup: outside a critical section, clears rseq_cs (the lazy clear); inside one
 * with an event pending, clears rseq_cs and moves pc to abort_ip. Non-zero flags in the
 * descriptor or in struct rseq (the deprecated NO_RESTART bits, or unknown ones) are BadRseq.
 */
function ipFixup(t: Task, area: RseqArea): void {
  const mem = t.mm.mem;
  const cs = readRseqCs(t, area);
  const pc = BigInt(t.hart.pc);
  if (cs === null || U64(pc - cs.start) >= cs.postCommitOffset) {
    user(() => mem.writeBig64(area.addr + RSEQ_CS, 0n));
    return;
  }
  if (cs.flags !== 0) throw new BadRseq();
  if (user(() => mem.readU32(area.addr + RSEQ_FLAGS)) !== 0) throw new BadRseq();
  const ev = t.rseq.events;
  t.rseq.events = 0;
  if (ev === 0) return;
  user(() => mem.writeBig64(area.addr + RSEQ_CS, 0n));
  t.hart.pc = Number(cs.abort);
  t.rseq.aborts++;
  t.kernel.mark?.(t, 'rseq-abort', 0);
  if (t.kernel.tracing) t.kernel.trace(t, `--- rseq abort {ip=0x${pc.toString(16)}, abort_ip=0x${cs.abort.toString(16)}, event=${eventNames(ev)}} ---`);
}

/** Writes cpu_id_start, cpu_id, node_id and mm_cid for the CPU t runs on (Linux's rseq_update_cpu_node_id). */
function updateIds(t: Task, area: RseqArea): void {
  const mem = t.mm.mem;
  const cid = t.tg.rseqMm.cid(t.cpu, t.tg.tasks.map((x) => ({ cpu: x.cpu, live: x.state !== TaskState.Exited })));
  user(() => {
    mem.writeU32(area.addr + RSEQ_CPU_ID_START, t.cpu);
    mem.writeU32(area.addr + RSEQ_CPU_ID, t.cpu);
    mem.writeU32(area.addr + RSEQ_NODE_ID, 0);
    mem.writeU32(area.addr + RSEQ_MM_CID, cid);
  });
}

/**
 * The vDSO's own critical section (the percpu extension's __vdso_percpu_cmpxchg): after an event,
 * a thread stopped before the commit store goes back to the section's start, which checks again.
 * No registration is involved: the kernel knows where the section is.
 */
function vdsoFixup(t: Task): void {
  const p = t.tg.vdso?.map.percpu;
  const pc = t.hart.pc;
  if (p === undefined || p === null || pc < p.start || pc >= p.commit || t.rseq.events === 0) return;
  const ev = t.rseq.events;
  t.rseq.events = 0;
  t.hart.pc = p.start;
  t.rseq.aborts++;
  t.kernel.mark?.(t, 'rseq-abort', 0);
  if (t.kernel.tracing) t.kernel.trace(t, `--- vdso percpu restart {ip=0x${pc.toString(16)}, event=${eventNames(ev)}} ---`);
}

/**
 * Linux's force_sigsegv: SIGSEGV from the kernel, unblocked and with its handler reset to SIG_DFL
 * when it is the signal being delivered (so a broken handler cannot loop).
 */
function forceSigsegv(t: Task, sig: number): void {
  if (sig === SIGSEGV) t.tg.actions[SIGSEGV] = { handler: 0n, flags: 0n, mask: 0n };
  forceSignal(t, { signo: SIGSEGV, code: SI_KERNEL });
}

/**
 * Runs the fixup if an event or a registration asked for it (Linux's rseq_handle_notify_resume);
 * `sig` is the signal whose frame is about to be built, or 0. A bad area or descriptor forces
 * SIGSEGV, which the caller's delivery loop then takes.
 */
export function rseqNotifyResume(t: Task, sig: number): void {
  const r = t.rseq;
  if (!r.notify) return;
  r.notify = false;
  vdsoFixup(t);
  const area = r.area;
  if (area === null) return;
  try {
    ipFixup(t, area);
    updateIds(t, area);
  } catch (e) {
    if (!(e instanceof BadRseq)) throw e;
    forceSigsegv(t, sig);
  }
}

/** Signal delivery's part (Linux's rseq_signal_deliver): a signal event, then the fixup, before the frame. */
export function rseqSignalDeliver(t: Task, sig: number): void {
  t.rseq.event(RSEQ_EVENT_SIGNAL);
  rseqNotifyResume(t, sig);
}
