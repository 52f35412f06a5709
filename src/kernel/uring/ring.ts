// An io_uring instance: the ring of ring_state.ts, with the parts that reach the request lifecycle
// and the opcode table (running woken requests, dispatching an opcode, cancelling everything at
// release). Only this module imports both sides, so the opcodes and the lifecycle never import
// the ring that runs them.
import { SETUP_TASKRUN_FLAG, SQ_TASKRUN } from './abi.js';
import type { IoKiocb, UringRequest } from './kiocb.js';
import { cancelAll, resumeKiocb } from './lifecycle.js';
import type { OpResult } from './op_result.js';
import { opIssue } from './ops.js';
import { RingCore } from './ring_state.js';
import { filePut } from '../vfs/fdtable.js';

export type { BufferGroup, Restrictions } from './ring_state.js';

export class IoRing extends RingCore {
  /** Runs k's opcode from the opcode table. */
  issue(k: IoKiocb, r: UringRequest): OpResult {
    return opIssue(this, k, r);
  }

  /** Runs the woken requests again. */
  runReady(): void {
    if (this.setupFlags & SETUP_TASKRUN_FLAG) this.setSqFlag(SQ_TASKRUN, false);
    while (this.ready.length > 0) {
      const batch = this.ready;
      this.ready = [];
      for (const k of batch) resumeKiocb(this, k);
    }
  }

  /** The last fd closed: every request in flight completes (cancelled), then the memory goes. */
  release(): void {
    if (this.dead) return;
    cancelAll(this);
    this.dead = true;
    this.unixNames?.holders.delete(this);
    for (const f of this.files ?? []) if (f) filePut(f);
    this.files = null;
    this.mem.release();
  }
}
