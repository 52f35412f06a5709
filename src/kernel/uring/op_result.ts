// What an opcode's issue function returns, and the opcode table's entry shape.
import type { Blocked } from '../request.js';
import type { IoKiocb, UringRequest } from './kiocb.js';
import type { IoRing } from './ring.js';

/** The opcode armed something (a timer, a count) and completes the request itself later. */
export const PENDING = Symbol('io_uring pending');

/** A result (>= 0, or -errno), a sleep of the request, or PENDING. */
export type OpResult = number | Blocked | typeof PENDING;

export interface OpDef {
  /** Checks the SQE at submission: 0, or the -errno its CQE gets (the chain then fails). */
  prep?(ring: IoRing, k: IoKiocb): number;
  /** Runs the request (again after each wake-up, with r.resumed set). */
  issue(ring: IoRing, k: IoKiocb, r: UringRequest): OpResult;
  /** The opcode accepts IOSQE_BUFFER_SELECT. */
  bufferSelect?: boolean;
}
