// What an opcode's issue function returns (op_def.ts has the opcode table's entry shape).
import type { Blocked } from '../request.js';

/** The opcode armed something (a timer, a count) and completes the request itself later. */
export const PENDING = Symbol('io_uring pending');

/** A result (>= 0, or -errno), a sleep of the request, or PENDING. */
export type OpResult = number | Blocked | typeof PENDING;
