// The opcode table's entry shape: an opcode's SQE check and the function it runs as.
import type { IoKiocb, UringRequest } from './kiocb.js';
import type { OpResult } from './op_result.js';
import type { RingCore } from './ring_state.js';

export interface OpDef {
  /** Checks the SQE at submission: 0, or the -errno its CQE gets (the chain then fails). */
  prep?(ring: RingCore, k: IoKiocb): number;
  /** Runs the request (again after each wake-up, with r.resumed set). */
  issue(ring: RingCore, k: IoKiocb, r: UringRequest): OpResult;
  /** The opcode accepts IOSQE_BUFFER_SELECT. */
  bufferSelect?: boolean;
}
