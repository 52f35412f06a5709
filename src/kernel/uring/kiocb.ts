// One submitted SQE (Linux's io_kiocb): its decoded fields, the Request it runs as (each SQE is
// its own request, so several can sleep at once for one task), its place in a link chain, and
// what the opcode keeps while it waits (a timer, a poll registration).
import type { SysArgs } from '../request.js';
import { Request, type RequestSink } from '../request.js';
import type { Task } from '../task.js';
import type { OpenFile } from '../vfs/file.js';
import type { TimerHandle } from '../time/timer_queue.js';
import {
  SQE_ADDR, SQE_ADDR3, SQE_BUF_INDEX, SQE_FD, SQE_FLAGS, SQE_IOPRIO, SQE_LEN, SQE_OFF, SQE_OP_FLAGS, SQE_OPCODE,
  SQE_PERSONALITY, SQE_SPLICE_FD_IN, SQE_USER_DATA,
} from './abi.js';

/** A request run on behalf of an SQE: it knows its kiocb, so the ring can resume it. */
export class UringRequest extends Request {
  constructor(caller: Task, args: SysArgs, sink: RequestSink, readonly kiocb: IoKiocb) {
    super(caller, args, sink);
  }
}

/** Where a kiocb is in its life. */
export const enum KState {
  /** Consumed, waiting for its link predecessor or a drain. */
  Queued = 0,
  /** Issued and not complete (running, parked on a wait queue, or armed: timer, poll). */
  Active = 1,
  Done = 2,
}

export class IoKiocb {
  opcode: number;
  flags: number;
  ioprio: number;
  fd: number;
  off: bigint;
  addr: number;
  /** addr as the raw u64 (splice_off_in: -1 must stay -1). */
  addrRaw: bigint;
  len: number;
  opFlags: number;
  userData: bigint;
  bufIndex: number;
  personality: number;
  spliceFdIn: number;
  addr3: bigint;
  /** Submission order (for IO_DRAIN). */
  seq = 0;
  state = KState.Queued;
  /** The next request of the link chain, and a LINK_TIMEOUT guarding this one. */
  link: IoKiocb | null = null;
  linkTimeout: IoKiocb | null = null;
  /** An error found while preparing the SQE: the request completes with it when its chain runs. */
  prepError = 0;
  /** Set by a read or write that moved fewer bytes than asked (a short transfer breaks a link). */
  short = false;
  /** The request the opcode runs as (created on first issue). */
  req: UringRequest | null = null;
  /** The file the opcode works on, once resolved (a fixed file or an fd's). */
  file: OpenFile | null = null;
  /** A timer the opcode armed (TIMEOUT, LINK_TIMEOUT, the poll of a deadline). */
  timer: TimerHandle | null = null;
  /** Undoes what the opcode holds while it waits (unparks, disarms); set while Active and waiting. */
  cancelHook: (() => void) | null = null;
  /** Opcode-owned state (timeout counts, poll events, a selected buffer). */
  priv: Record<string, unknown> = {};
  /** A LINK_TIMEOUT that is firing (its target is being cancelled by it). */
  firing = false;
  /** Flags added to the CQE (a selected buffer). */
  cflags = 0;

  /** Decodes a 64-byte SQE. */
  constructor(readonly task: Task, sqe: DataView) {
    this.opcode = sqe.getUint8(SQE_OPCODE);
    this.flags = sqe.getUint8(SQE_FLAGS);
    this.ioprio = sqe.getUint16(SQE_IOPRIO, true);
    this.fd = sqe.getInt32(SQE_FD, true);
    this.off = sqe.getBigUint64(SQE_OFF, true);
    this.addrRaw = sqe.getBigUint64(SQE_ADDR, true);
    this.addr = Number(this.addrRaw);
    this.len = sqe.getUint32(SQE_LEN, true);
    this.opFlags = sqe.getUint32(SQE_OP_FLAGS, true);
    this.userData = sqe.getBigUint64(SQE_USER_DATA, true);
    this.bufIndex = sqe.getUint16(SQE_BUF_INDEX, true);
    this.personality = sqe.getUint16(SQE_PERSONALITY, true);
    this.spliceFdIn = sqe.getInt32(SQE_SPLICE_FD_IN, true);
    this.addr3 = sqe.getBigUint64(SQE_ADDR3, true);
  }

  /** off as a signed 64-bit number (file offsets; -1 = the file position). */
  get offset(): number {
    return Number(BigInt.asIntN(64, this.off));
  }
}
