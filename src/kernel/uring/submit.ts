// Consuming the SQ ring (§5.6, §5.7): SQEs from head to tail, in order, each decoded into a
// request; link chains are assembled (IO_LINK, IO_HARDLINK, a LINK_TIMEOUT attached to the
// request before it), a prep error fails its chain, and without IORING_SETUP_SUBMIT_ALL the
// submission stops after the chain that failed. Returns the number of SQEs consumed.
import { EINVAL } from '../../abi/errno.js';
import type { Task } from '../task.js';
import { IOSQE_IO_DRAIN, IOSQE_IO_HARDLINK, IOSQE_IO_LINK, Op, SETUP_SUBMIT_ALL } from './abi.js';
import { IoKiocb } from './kiocb.js';
import { submitChain } from './lifecycle.js';
import { opPrep } from './ops.js';
import type { RingCore } from './ring_state.js';
import { R_SQ_DROPPED, R_SQ_HEAD, R_SQ_TAIL } from './ring_memory.js';

/** Consumes up to max SQEs as task t; returns how many were consumed. */
export function submitSqes(ring: RingCore, t: Task, max: number): number {
  const m = ring.mem, L = ring.layout;
  let head = m.u32(R_SQ_HEAD);
  const avail = Math.min((m.u32(R_SQ_TAIL) - head) >>> 0, L.sqEntries);
  const n = Math.min(max, avail);
  let consumed = 0;
  let chainHead: IoKiocb | null = null, chainTail: IoKiocb | null = null;
  ring.inSubmit = true;
  try {
    for (let i = 0; i < n; i++) {
      const idx = m.u32(L.sqArray + (head & (L.sqEntries - 1)) * 4);
      head = (head + 1) >>> 0;
      m.setU32(R_SQ_HEAD, head);
      if (idx >= L.sqEntries) {
        m.setU32(R_SQ_DROPPED, m.u32(R_SQ_DROPPED) + 1); // an index out of range is skipped (§5.6)
        continue;
      }
      const k = new IoKiocb(t, m.dv, m.sqeAddr(idx));
      k.seq = ring.seq++;
      ring.inflight.add(k);
      consumed++;
      k.prepError = opPrep(ring, k);
      // A drain on a link member drains its whole chain and the request after it (Linux's drain_next).
      if (ring.drainNext && chainHead === null) { k.flags |= IOSQE_IO_DRAIN; ring.drainNext = false; }
      if (k.flags & IOSQE_IO_DRAIN && chainHead !== null) { chainHead.flags |= IOSQE_IO_DRAIN; ring.drainNext = true; }
      if (k.opcode === Op.LINK_TIMEOUT && k.prepError === 0) {
        if (chainTail === null || chainTail.opcode === Op.LINK_TIMEOUT || chainTail.linkTimeout !== null) k.prepError = -EINVAL;
        else chainTail.linkTimeout = k;
      }
      if (chainTail !== null) chainTail.link = k;
      else chainHead = k;
      chainTail = k;
      if (k.flags & (IOSQE_IO_LINK | IOSQE_IO_HARDLINK)) continue;
      const h = chainHead!;
      chainHead = chainTail = null;
      let bad = false;
      for (let c: IoKiocb | null = h; c; c = c.link) if (c.prepError) bad = true;
      submitChain(ring, h);
      if (bad && !(ring.setupFlags & SETUP_SUBMIT_ALL)) break;
    }
    // A chain still open when the SQEs run out is submitted as it is.
    if (chainHead !== null) submitChain(ring, chainHead);
  } finally {
    ring.inSubmit = false;
  }
  return consumed;
}
