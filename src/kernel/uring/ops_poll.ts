// POLL_ADD (one-shot, and multishot with IORING_POLL_ADD_MULTI) and POLL_REMOVE (cancel, or
// update the events and user_data of an armed poll). A poll is a request parked on the file's
// poll queues: each wake-up looks at the file's readiness again, with the events a keyed wake-up
// reported (as Linux's poll wake mask); a multishot poll posts a CQE with IORING_CQE_F_MORE for
// each wake-up that finds it ready and stays armed.
import { EINVAL, ENOENT } from '../../abi/errno.js';
import { POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM } from '../vfs/file.js';
import { Op, POLL_ADD_LEVEL, POLL_ADD_MULTI, POLL_UPDATE_EVENTS, POLL_UPDATE_USER_DATA } from './abi.js';
import { fileFor } from './files.js';
import { type IoKiocb, KState, type UringRequest } from './kiocb.js';
import { cancelKiocb, resumeKiocb } from './lifecycle.js';
import type { OpResult } from './op_result.js';
import type { OpDef } from './op_def.js';
import type { RingCore } from './ring_state.js';

/** Readiness of a file without a poll method (Linux's DEFAULT_POLLMASK). */
const DEFAULT_POLLMASK = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
/** EPOLLONESHOT, EPOLLEXCLUSIVE and the other high event bits a poll32 mask may carry. */
const EPOLL_HIGH = 0xf0000000;

/** POLL_ADD: the revents mask once the file is ready for opFlags (poll32_events). */
function pollAdd(ring: RingCore, k: IoKiocb, r: UringRequest): OpResult {
  const f = fileFor(ring, k);
  if (typeof f === 'number') return f;
  const events = ((k.priv.events as number | undefined) ?? k.opFlags) & ~EPOLL_HIGH;
  // What a keyed wake-up reported counts even if it is gone by now (read back in the same slice).
  const woke = r.resumed ? r.wakeKey : 0;
  r.wakeKey = 0;
  const mask = ((f.poll ? f.poll(k.task) : DEFAULT_POLLMASK) | woke) & (events | POLLERR | POLLHUP);
  const multi = (k.len & POLL_ADD_MULTI) !== 0;
  if (mask !== 0) {
    if (!multi) return mask;
    // Each wake-up that finds the file ready is one event; the first run posts what it finds.
    ring.postMore(k, mask);
  }
  return r.block(f.pollQueues ? f.pollQueues(k.task) : []);
}

/** Finds the armed poll with user_data ud. */
function findPoll(ring: RingCore, ud: bigint): IoKiocb | null {
  for (const k of ring.inflight) if (k.opcode === Op.POLL_ADD && k.state === KState.Active && k.userData === ud) return k;
  return null;
}

/** POLL_REMOVE: cancels the poll whose user_data is addr (its CQE: -ECANCELED), or updates it. */
function pollRemove(ring: RingCore, k: IoKiocb): OpResult {
  const target = findPoll(ring, BigInt(k.addr));
  if (target === null) return -ENOENT;
  if (!(k.len & (POLL_UPDATE_EVENTS | POLL_UPDATE_USER_DATA))) {
    cancelKiocb(ring, target);
    return 0;
  }
  if (k.len & POLL_UPDATE_EVENTS) target.priv.events = k.opFlags;
  if (k.len & POLL_UPDATE_USER_DATA) target.userData = k.off;
  if (k.len & POLL_UPDATE_EVENTS) {
    // Look at the file again with the new events.
    target.cancelHook?.();
    target.cancelHook = null;
    resumeKiocb(ring, target);
  }
  return 0;
}

export const pollOps: [number, OpDef][] = [
  [Op.POLL_ADD, {
    prep: (_g, k) => (k.len & ~(POLL_ADD_MULTI | POLL_ADD_LEVEL) || k.addr || k.off ? -EINVAL : 0),
    issue: pollAdd,
  }],
  [Op.POLL_REMOVE, {
    prep: (_g, k) => (k.len & ~(POLL_UPDATE_EVENTS | POLL_UPDATE_USER_DATA | POLL_ADD_MULTI) || k.len === POLL_ADD_MULTI ? -EINVAL : 0),
    issue: (g, k) => pollRemove(g, k),
  }],
];
