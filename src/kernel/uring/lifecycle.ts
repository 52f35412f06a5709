// The life of a request after its SQE was consumed (§5.8, §5.10): a chain waits for IO_DRAIN,
// its head is issued, each request runs as its own Request (a sleep parks that request, never
// the submitter), and completion posts exactly one CQE (none for CQE_SKIP_SUCCESS on success)
// and then starts the next link, or fails the rest of the chain with -ECANCELED.
import { ECANCELED, ENOMEM, ETIME } from '../../abi/errno.js';
import { SyscallError } from '../../abi/errno.js';
import { isHostAllocationFailure } from '../host_alloc.js';
import { Blocked } from '../request.js';
import { type KernelServices, TaskState } from '../task.js';
import { type Deadline, monotonicAt, monotonicDeadline } from '../time/deadline.js';
import { WakeReason } from '../wait.js';
import { ValueArgs } from '../args.js';
import { IOSQE_ASYNC, IOSQE_CQE_SKIP_SUCCESS, IOSQE_IO_DRAIN, IOSQE_IO_HARDLINK, Op, TIMEOUT_ABS, TIMEOUT_ETIME_SUCCESS,
  TIMEOUT_REALTIME } from './abi.js';
import { type IoKiocb, KState, UringRequest } from './kiocb.js';
import { PENDING } from './op_result.js';
import type { RingCore } from './ring_state.js';

/** The arguments of a request before an opcode sets its own (shared: ValueArgs is never changed). */
const NO_ARGS = new ValueArgs([]);

/** A closed chain (or a single request) enters the ring: failed at prep, held by a drain, or issued. */
export function submitChain(ring: RingCore, head: IoKiocb): void {
  let failed = false;
  for (let k: IoKiocb | null = head; k; k = k.link) if (k.prepError) failed = true;
  if (failed) {
    failFrom(ring, head, false, true);
    return;
  }
  if (head.flags & IOSQE_IO_DRAIN || ring.drainQueue.length > 0) {
    ring.drainQueue.push(head);
    runDrained(ring);
    return;
  }
  startHead(ring, head);
}

/** Issues the heads held by IO_DRAIN whose turn has come (in submission order). */
function runDrained(ring: RingCore): void {
  while (ring.drainQueue.length > 0) {
    const h = ring.drainQueue[0]!;
    for (const k of ring.inflight) {
      if (k.seq >= h.seq) continue;
      // A drain waits for everything before it; everything waits for an earlier drain to finish.
      if (h.flags & IOSQE_IO_DRAIN || k.flags & IOSQE_IO_DRAIN) return;
    }
    ring.drainQueue.shift();
    startHead(ring, h);
  }
}

/** Issues a head (a chain's first request). */
function startHead(ring: RingCore, k: IoKiocb): void {
  issue(ring, k);
}

/** The request k runs as (made on first use). */
function request(ring: RingCore, k: IoKiocb): UringRequest {
  k.req ??= new UringRequest(k.task, NO_ARGS, ring, k);
  return k.req;
}

/** First run of k: arms a LINK_TIMEOUT guarding it, then runs the opcode (at the next event point with IOSQE_ASYNC). */
function issue(ring: RingCore, k: IoKiocb): void {
  k.state = KState.Active;
  const lt = k.linkTimeout;
  if (lt !== null && lt.state === KState.Queued) armLinkTimeout(ring, lt, k);
  if (k.flags & IOSQE_ASYNC) {
    k.cancelHook = () => {};
    ring.wakeRequest(request(ring, k), WakeReason.Event);
    return;
  }
  run(ring, k);
}

/** Runs k again after a wake-up (or for the first time after IOSQE_ASYNC). */
export function resumeKiocb(ring: RingCore, k: IoKiocb): void {
  if (k.state !== KState.Active) return;
  const r = request(ring, k);
  if (k.started) r.resumed = true;
  run(ring, k);
}

/** Runs the opcode: completes k with its result, parks its request, or leaves it armed. */
function run(ring: RingCore, k: IoKiocb): void {
  if (k.task.state === TaskState.Exited || ring.dead) {
    complete(ring, k, -ECANCELED);
    return;
  }
  const r = request(ring, k);
  k.started = true;
  let res: number | Blocked | typeof PENDING;
  try {
    res = ring.issue(k, r);
  } catch (e) {
    if (isHostAllocationFailure(e)) res = -ENOMEM;
    else if (e instanceof SyscallError) res = -e.errno;
    else throw e;
  }
  if (res === PENDING) return;
  if (res instanceof Blocked) {
    park(ring, k, res);
    return;
  }
  complete(ring, k, res);
}

/** Parks k's request on the marker's queues and its deadline; a wake-up runs it again (ring.wakeRequest). */
function park(ring: RingCore, k: IoKiocb, b: Blocked): void {
  const r = request(ring, k);
  const kernel = ring.kernel;
  r.blocked = b;
  for (const q of b.queues) q.add(r);
  if (r.deadline !== null) {
    r.timer = kernel.timers.add(monotonicAt(kernel, r.deadline), () => { if (r.blocked === b) r.wake(WakeReason.Timeout); });
  }
  k.cancelHook = () => {
    for (const q of b.queues) q.remove(r);
    kernel.timers.cancel(r.timer);
    r.timer = null;
    r.blocked = null;
  };
}

/** True if a request ending with res breaks its link chain (§5.8). */
function failed(k: IoKiocb, res: number): boolean {
  if (k.short) return true;
  if (res >= 0) return false;
  if (k.opcode === Op.TIMEOUT && res === -ETIME && k.opFlags & TIMEOUT_ETIME_SUCCESS) return false;
  return true;
}

/** Completes k with res: one CQE, then its chain goes on, or fails behind it. */
export function complete(ring: RingCore, k: IoKiocb, res: number): void {
  if (k.state === KState.Done) return;
  const bad = failed(k, res);
  finish(ring, k, res, bad);
  let next = k.link;
  const lt = k.linkTimeout;
  if (lt !== null && next === lt) {
    next = lt.link;
    if (lt.state !== KState.Done && !lt.firing) finish(ring, lt, -ECANCELED, false);
  }
  if (next !== null) {
    // A failed request that had CQE_SKIP_SUCCESS silences the cancellations behind it (Linux's REQ_F_SKIP_LINK_CQES).
    if (bad && !(k.flags & IOSQE_IO_HARDLINK)) failFrom(ring, next, (k.flags & IOSQE_CQE_SKIP_SUCCESS) !== 0);
    else issue(ring, next);
  }
  runDrained(ring);
}

/**
 * Completes every request of a chain from k on without running it: its own prep error, else
 * -ECANCELED; with silent, none of them posts a CQE. The first of a chain that failed at prep
 * is its head, which decides silence for the rest.
 */
function failFrom(ring: RingCore, k: IoKiocb | null, silent = false, head = false): void {
  for (let first = head; k !== null; k = k.link, first = false) {
    if (k.state === KState.Done) continue;
    if (first) {
      finish(ring, k, k.prepError || -ECANCELED, true);
      silent = (k.flags & IOSQE_CQE_SKIP_SUCCESS) !== 0;
      continue;
    }
    if (silent) k.flags |= IOSQE_CQE_SKIP_SUCCESS;
    finish(ring, k, k.prepError || -ECANCELED, !silent);
  }
  runDrained(ring);
}

/** Marks k done, drops what it holds, and posts its CQE (unless CQE_SKIP_SUCCESS and it succeeded). */
function finish(ring: RingCore, k: IoKiocb, res: number, bad: boolean): void {
  k.state = KState.Done;
  ring.inflight.delete(k);
  k.cancelHook?.();
  k.cancelHook = null;
  ring.kernel.timers.cancel(k.timer);
  k.timer = null;
  const ti = ring.timeouts.indexOf(k);
  if (ti >= 0) ring.timeouts.splice(ti, 1);
  if (k.flags & IOSQE_CQE_SKIP_SUCCESS && !bad) return;
  ring.post(k.userData, res, k.cflags);
  if (k.opcode === Op.TIMEOUT || k.opcode === Op.LINK_TIMEOUT) return;
  ring.completions++;
  flushCountedTimeouts(ring);
}

/** Completes TIMEOUTs whose completion count was reached (res 0). */
function flushCountedTimeouts(ring: RingCore): void {
  if (ring.timeouts.length === 0) return;
  for (const t of [...ring.timeouts]) {
    const target = t.priv.target as number | undefined;
    if (target === undefined || ring.completions < target) continue;
    complete(ring, t, 0);
  }
}

/**
 * Cancels an active request: it completes with res (-ECANCELED), whatever it waited for is
 * dropped (a half-done sleep is abandoned). Returns false if it was not active.
 */
export function cancelKiocb(ring: RingCore, k: IoKiocb, res = -ECANCELED): boolean {
  if (k.state !== KState.Active) return false;
  const b = k.req?.blocked;
  k.cancelHook?.();
  k.cancelHook = null;
  if (b) b.onAbandon?.(k.req!);
  complete(ring, k, res);
  return true;
}

/** Ring teardown: every request in flight completes with -ECANCELED (the CQEs still land in the ring). */
export function cancelAll(ring: RingCore): void {
  for (const h of ring.drainQueue.splice(0)) failFrom(ring, h, false, true);
  for (const k of [...ring.inflight]) {
    if (k.state === KState.Active) cancelKiocb(ring, k);
  }
  for (const k of [...ring.inflight]) failFrom(ring, k, false, true);
}

/** Arms the LINK_TIMEOUT lt that guards target: when it fires first, target is cancelled (§5.10). */
function armLinkTimeout(ring: RingCore, lt: IoKiocb, target: IoKiocb): void {
  lt.state = KState.Active;
  lt.cancelHook = () => {};
  const fire = (): void => {
    lt.timer = null;
    if (lt.state !== KState.Active) return;
    lt.firing = true;
    // The cancel's result, 0 mapped to -ETIME; a target no longer active is -ENOENT... but then
    // it has completed and disarmed this timeout already, so the cancel always finds it.
    cancelKiocb(ring, target);
    finish(ring, lt, -ETIME, false); // not a failure: CQE_SKIP_SUCCESS silences it (Linux sets no REQ_F_FAIL)
    // The drain check that ran when the target completed still saw this timeout in flight.
    runDrained(ring);
  };
  lt.priv.fire = fire;
  const d = timeoutDeadline(ring.kernel, lt.opFlags, lt.priv.ns as bigint);
  lt.timer = ring.kernel.timers.add(monotonicAt(ring.kernel, d), fire);
}

/** The deadline of a timeout of ns with flags, started now. */
export function timeoutDeadline(kernel: KernelServices, flags: number, ns: bigint): Deadline {
  if (!(flags & TIMEOUT_ABS)) return monotonicDeadline(kernel.monotonicNs() + ns);
  return flags & TIMEOUT_REALTIME ? { realtime: true, ns } : monotonicDeadline(ns);
}
