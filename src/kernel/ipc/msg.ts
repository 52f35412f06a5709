// SysV message queues (Linux's ipc/msg.c): typed messages in arrival order, a byte limit per
// queue (msg_qbytes), and receivers that pick by type. Senders and receivers that cannot go on
// sleep on the queue's wait queue and try again when it changes.
import type { IpcPerm } from './ids.js';
import { WaitQueue } from '../wait.js';

/** msgrcv flags. */
export const MSG_NOERROR = 0o10000, MSG_EXCEPT = 0o20000, MSG_COPY = 0o40000;
/** msgctl commands beyond the IPC_* ones. */
export const MSG_STAT = 11, MSG_INFO = 12, MSG_STAT_ANY = 13;

/** One message. */
export interface Msg {
  type: bigint;
  text: Uint8Array;
}

/** One message queue. */
export class MsgQueue {
  readonly msgs: Msg[] = [];
  cbytes = 0;
  stime = 0n;
  rtime = 0n;
  ctime: bigint;
  lspid = 0;
  lrpid = 0;
  /** Woken when a message arrives or leaves, or the queue is removed. */
  readonly queue = new WaitQueue();

  constructor(readonly perm: IpcPerm, public qbytes: number, now: bigint) {
    this.ctime = now;
  }

  /** Index of the message msgrcv(type, flags) takes, or -1 (Linux's testmsg rules). */
  find(type: bigint, flags: number): number {
    if (type === 0n) return this.msgs.length > 0 ? 0 : -1;
    if (type > 0n) {
      const except = (flags & MSG_EXCEPT) !== 0;
      return this.msgs.findIndex((m) => (m.type === type) !== except);
    }
    // type < 0: the lowest type not above |type|, first of those.
    let best = -1;
    for (let i = 0; i < this.msgs.length; i++) {
      const m = this.msgs[i]!;
      if (m.type <= -type && (best < 0 || m.type < this.msgs[best]!.type)) best = i;
    }
    return best;
  }
}
