// The opcode table: which opcodes exist (the probe reports exactly these), their SQE checks at
// submission, and the function each runs as.
import { EACCES, EINVAL } from '../../abi/errno.js';
import { IOSQE_BUFFER_SELECT, IOSQE_KNOWN } from './abi.js';
import type { IoKiocb, UringRequest } from './kiocb.js';
import type { OpResult } from './op_result.js';
import type { OpDef } from './op_def.js';
import { cancelOps } from './ops_cancel.js';
import { fsOps } from './ops_fs.js';
import { miscOps } from './ops_misc.js';
import { netOps } from './ops_net.js';
import { pollOps } from './ops_poll.js';
import { rwOps } from './ops_rw.js';
import { timeoutOps } from './ops_timeout.js';
import type { RingCore } from './ring_state.js';

const OPS = new Map<number, OpDef>([...rwOps, ...fsOps, ...pollOps, ...timeoutOps, ...cancelOps, ...miscOps, ...netOps]);

/** True if ecall runs opcode op (what IORING_REGISTER_PROBE reports). */
export function opSupported(op: number): boolean {
  return OPS.has(op);
}

/** Checks k at submission: 0, or the -errno its CQE gets (unknown opcode or flags: -EINVAL). */
export function opPrep(ring: RingCore, k: IoKiocb): number {
  const def = OPS.get(k.opcode);
  if (def === undefined || k.flags & ~IOSQE_KNOWN) return -EINVAL;
  const rs = ring.restrictions;
  if (rs !== null) {
    if (!rs.sqeOps.has(k.opcode)) return -EACCES;
    if (k.flags & ~rs.sqeFlagsAllowed & ~rs.sqeFlagsRequired) return -EACCES;
    if ((k.flags & rs.sqeFlagsRequired) !== rs.sqeFlagsRequired) return -EACCES;
  }
  if (k.flags & IOSQE_BUFFER_SELECT && !def.bufferSelect) return -EINVAL;
  return def.prep ? def.prep(ring, k) : 0;
}

/** Runs k's opcode (assumes opPrep accepted it). */
export function opIssue(ring: RingCore, k: IoKiocb, r: UringRequest): OpResult {
  return OPS.get(k.opcode)!.issue(ring, k, r);
}

