// One submitted SQE (Linux's io_kiocb): its decoded fields, the Request it runs as (each SQE is
// its own request, so several can sleep at once for one task), its place in a link chain, and
// what the opcode keeps while it waits (a timer, a poll registration).
import type { SysArgs } from '../request.js';
import { Request, type RequestSink } from '../request.js';
import type { Task } from '../task.js';
import type { WakeReason } from '../wait.js';
import type { OpenFile } from '../vfs/file.js';
import type { TimerHandle } from '../time/timer_queue.js';
import {
  SQE_ADDR, SQE_ADDR3, SQE_BUF_INDEX, SQE_FD, SQE_FLAGS, SQE_IOPRIO, SQE_LEN, SQE_OFF, SQE_OP_FLAGS, SQE_OPCODE,
  SQE_PERSONALITY, SQE_SPLICE_FD_IN, SQE_USER_DATA,
} from './abi.js';

/** A request run on behalf of an SQE: it knows its kiocb, so the ring can resume it. */
export class UringRequest extends Request {
  override readonly asyncIo = true;
  /** POLL* bits of the keyed wake-ups since the request last looked (Linux's poll wake mask): a
   *  poll reports them even if the file is no longer ready when the request runs again. */
  wakeKey = 0;

  constructor(caller: Task, args: SysArgs, sink: RequestSink, readonly kiocb: IoKiocb) {
    super(caller, args, sink);
  }

  /** Called by a wait list: notes the wake-up's POLL* bits, then hands the request to its ring. */
  override wake(reason: WakeReason, key?: number): void {
    if (key !== undefined) this.wakeKey |= key;
    super.wake(reason);
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

/** The little-endian u64 at byte p of dv (0n without an allocation when it is zero). */
function u64At(dv: DataView, p: number): bigint {
  return dv.getUint32(p, true) === 0 && dv.getUint32(p + 4, true) === 0 ? 0n : dv.getBigUint64(p, true);
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
  /** The opcode ran at least once (a later run is a resumption). */
  started = false;

  /**
   * Decodes the 64-byte SQE at byte p of dv (physical memory): every field is copied now, so
   * later stores by the guest change nothing (FEAT_SUBMIT_STABLE). Zero u64 fields share 0n
   * instead of allocating a BigInt each.
   */
  constructor(readonly task: Task, dv: DataView, p: number) {
    this.opcode = dv.getUint8(p + SQE_OPCODE);
    this.flags = dv.getUint8(p + SQE_FLAGS);
    this.ioprio = dv.getUint16(p + SQE_IOPRIO, true);
    this.fd = dv.getInt32(p + SQE_FD, true);
    this.off = u64At(dv, p + SQE_OFF);
    this.addrRaw = u64At(dv, p + SQE_ADDR);
    this.addr = Number(this.addrRaw);
    this.len = dv.getUint32(p + SQE_LEN, true);
    this.opFlags = dv.getUint32(p + SQE_OP_FLAGS, true);
    this.userData = u64At(dv, p + SQE_USER_DATA);
    this.bufIndex = dv.getUint16(p + SQE_BUF_INDEX, true);
    this.personality = dv.getUint16(p + SQE_PERSONALITY, true);
    this.spliceFdIn = dv.getInt32(p + SQE_SPLICE_FD_IN, true);
    this.addr3 = u64At(dv, p + SQE_ADDR3);
  }

  /** off as a signed 64-bit number (file offsets; -1 = the file position). */
  get offset(): number {
    return Number(BigInt.asIntN(64, this.off));
  }
}
