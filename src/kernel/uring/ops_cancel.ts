// ASYNC_CANCEL: finds active requests by user_data, by fd (IORING_ASYNC_CANCEL_FD, fixed or
// not), or any (IORING_ASYNC_CANCEL_ANY), one or all (IORING_ASYNC_CANCEL_ALL). Every request
// here waits by being parked or armed, never in the middle of running, so a found request is
// always cancelled before it ran again: its CQE is -ECANCELED and the cancel's is 0 (or the
// number cancelled with ALL/ANY); nothing found is -ENOENT.
import { EINVAL, ENOENT } from '../../abi/errno.js';
import { ASYNC_CANCEL_ALL, ASYNC_CANCEL_ANY, ASYNC_CANCEL_FD, ASYNC_CANCEL_FD_FIXED, IOSQE_FIXED_FILE, Op } from './abi.js';
import { type IoKiocb, KState } from './kiocb.js';
import { cancelKiocb } from './lifecycle.js';
import type { OpResult } from './op_result.js';
import type { OpDef } from './op_def.js';
import type { RingCore } from './ring_state.js';

const CANCEL_KNOWN = ASYNC_CANCEL_ALL | ASYNC_CANCEL_FD | ASYNC_CANCEL_ANY | ASYNC_CANCEL_FD_FIXED;

/** True if the cancel request c names request k. */
function matches(c: IoKiocb, k: IoKiocb): boolean {
  const f = c.opFlags;
  if (f & ASYNC_CANCEL_ANY) return true;
  if (f & ASYNC_CANCEL_FD) {
    const fixed = (f & ASYNC_CANCEL_FD_FIXED) !== 0;
    return k.fd === c.fd && ((k.flags & IOSQE_FIXED_FILE) !== 0) === fixed;
  }
  return k.userData === BigInt(c.addr);
}

/** Cancels the requests c names: 0 (one), the count (ALL/ANY), or -ENOENT. */
function asyncCancel(ring: RingCore, c: IoKiocb): OpResult {
  const all = (c.opFlags & (ASYNC_CANCEL_ALL | ASYNC_CANCEL_ANY)) !== 0;
  const found = [...ring.inflight].filter((k) => k !== c && k.state === KState.Active && matches(c, k));
  if (found.length === 0) return -ENOENT;
  let n = 0;
  for (const k of all ? found : found.slice(0, 1)) if (cancelKiocb(ring, k)) n++;
  return all ? n : 0;
}

export const cancelOps: [number, OpDef][] = [
  [Op.ASYNC_CANCEL, {
    prep: (_g, c) => {
      if (c.opFlags & ~CANCEL_KNOWN || c.off || c.len || c.bufIndex || c.spliceFdIn) return -EINVAL;
      if (c.opFlags & ASYNC_CANCEL_FD && c.opFlags & ASYNC_CANCEL_ANY) return -EINVAL;
      if (c.opFlags & ASYNC_CANCEL_FD_FIXED && !(c.opFlags & ASYNC_CANCEL_FD)) return -EINVAL;
      return 0;
    },
    issue: asyncCancel,
  }],
];
