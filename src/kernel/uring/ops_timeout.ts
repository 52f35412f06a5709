// TIMEOUT (relative or absolute, on the monotonic, boot or real-time clock; a completion count;
// multishot), TIMEOUT_REMOVE (cancel or re-arm a timeout or a link timeout) and the prep of
// LINK_TIMEOUT, whose arming lifecycle.ts does when the request it guards is issued (§5.10).
import { EALREADY, EINVAL, ENOENT, ETIME } from '../../abi/errno.js';
import { readTimespec, timespecToNs, timespecValid } from '../structs.js';
import type { KernelServices } from '../task.js';
import { type Deadline, monotonicAt, monotonicDeadline } from '../time/deadline.js';
import {
  LINK_TIMEOUT_UPDATE, Op, TIMEOUT_ABS, TIMEOUT_BOOTTIME, TIMEOUT_ETIME_SUCCESS, TIMEOUT_MULTISHOT, TIMEOUT_REALTIME,
  TIMEOUT_UPDATE,
} from './abi.js';
import { type IoKiocb, KState } from './kiocb.js';
import { cancelKiocb, complete, timeoutDeadline } from './lifecycle.js';
import { type OpResult, PENDING } from './op_result.js';
import type { OpDef } from './op_def.js';
import type { RingCore } from './ring_state.js';

/** The clock bits of timeout_flags (at most one may be set). */
const TIMEOUT_CLOCK_MASK = TIMEOUT_BOOTTIME | TIMEOUT_REALTIME;

/** Reads the __kernel_timespec at addr as ns, or -EINVAL (invalid) ; throws EFAULT. */
function readTs(k: IoKiocb, addr: number): bigint | number {
  const ts = readTimespec(k.task.mm.mem, addr);
  return timespecValid(ts) ? timespecToNs(ts) : -EINVAL;
}

/** TIMEOUT and LINK_TIMEOUT prep: len 1, known flags, one clock, a valid timespec at addr. */
function prepTimeout(_g: RingCore, k: IoKiocb, link: boolean): number {
  if (k.len !== 1 || k.bufIndex || k.spliceFdIn || k.ioprio) return -EINVAL;
  const known = TIMEOUT_ABS | TIMEOUT_CLOCK_MASK | TIMEOUT_ETIME_SUCCESS | (link ? 0 : TIMEOUT_MULTISHOT);
  const f = k.opFlags;
  if (f & ~known || (f & TIMEOUT_CLOCK_MASK) === TIMEOUT_CLOCK_MASK) return -EINVAL;
  if (link && k.off !== 0n) return -EINVAL;
  if (f & TIMEOUT_MULTISHOT && f & TIMEOUT_ABS) return -EINVAL;
  const ns = readTs(k, k.addr);
  if (typeof ns === 'number') return ns;
  k.priv.ns = ns;
  return 0;
}

/** Arms k's timer for its deadline; fire() runs when it expires. */
function arm(ring: RingCore, k: IoKiocb, fire: () => void): void {
  const d = timeoutDeadline(ring.kernel, k.opFlags, k.priv.ns as bigint);
  ring.kernel.timers.cancel(k.timer);
  k.timer = ring.kernel.timers.add(monotonicAt(ring.kernel, d), () => { k.timer = null; fire(); });
}

/** A TIMEOUT expired: -ETIME; a multishot one posts with F_MORE and re-arms until its count is spent. */
function timeoutFired(ring: RingCore, k: IoKiocb): void {
  if (k.state !== KState.Active) return;
  ring.timeoutsFired++;
  if (k.opFlags & TIMEOUT_MULTISHOT) {
    const left = k.priv.left as number;
    if (left !== 1) {
      if (left > 1) k.priv.left = left - 1;
      ring.postMore(k, -ETIME);
      arm(ring, k, () => timeoutFired(ring, k));
      return;
    }
  }
  complete(ring, k, -ETIME);
}

/** TIMEOUT: armed; it completes by its timer (-ETIME), its count (0) or a removal (-ECANCELED). */
function timeout(ring: RingCore, k: IoKiocb): OpResult {
  const count = Number(k.off);
  if (k.opFlags & TIMEOUT_MULTISHOT) k.priv.left = count;
  else if (count > 0) k.priv.target = ring.completions + count;
  ring.timeouts.push(k);
  k.cancelHook = () => {};
  arm(ring, k, () => timeoutFired(ring, k));
  return PENDING;
}

/** TIMEOUT_REMOVE: cancels the TIMEOUT with user_data addr, or re-arms it (UPDATE) or a LINK_TIMEOUT. */
function timeoutRemove(ring: RingCore, k: IoKiocb): OpResult {
  const ud = BigInt(k.addr);
  const linkUpdate = (k.opFlags & LINK_TIMEOUT_UPDATE) !== 0;
  const want = linkUpdate ? Op.LINK_TIMEOUT : Op.TIMEOUT;
  let target: IoKiocb | null = null;
  for (const t of ring.inflight) if (t.opcode === want && t.userData === ud && t.state === KState.Active) target = t;
  if (target === null) return -ENOENT;
  if (!(k.opFlags & (TIMEOUT_UPDATE | LINK_TIMEOUT_UPDATE))) {
    if (target.timer === null) return -EALREADY;
    cancelKiocb(ring, target);
    return 0;
  }
  const ns = readTs(k, Number(k.off));
  if (typeof ns === 'number') return ns;
  if (target.timer === null) return -EALREADY;
  const t = target;
  t.priv.ns = ns;
  t.opFlags = (t.opFlags & ~(TIMEOUT_ABS | TIMEOUT_CLOCK_MASK)) | (k.opFlags & (TIMEOUT_ABS | TIMEOUT_CLOCK_MASK));
  const fire = (t as { priv: { fire?: () => void } }).priv.fire;
  arm(ring, t, linkUpdate && fire ? fire : () => timeoutFired(ring, t));
  return 0;
}

export const timeoutOps: [number, OpDef][] = [
  [Op.TIMEOUT, { prep: (g, k) => prepTimeout(g, k, false), issue: timeout }],
  [Op.LINK_TIMEOUT, { prep: (g, k) => prepTimeout(g, k, true), issue: () => -EINVAL }],
  [Op.TIMEOUT_REMOVE, {
    prep: (_g, k) => {
      const f = k.opFlags;
      if (k.bufIndex || k.spliceFdIn || k.len || k.ioprio) return -EINVAL;
      if (f & ~(TIMEOUT_UPDATE | LINK_TIMEOUT_UPDATE | TIMEOUT_ABS | TIMEOUT_CLOCK_MASK)) return -EINVAL;
      if (f & TIMEOUT_UPDATE && f & LINK_TIMEOUT_UPDATE) return -EINVAL;
      if (!(f & (TIMEOUT_UPDATE | LINK_TIMEOUT_UPDATE)) && f) return -EINVAL;
      return 0;
    },
    issue: timeoutRemove,
  }],
];
