// The file an SQE names: a registered (fixed) file with IOSQE_FIXED_FILE, else a descriptor of
// the submitting task; and the invoke() path for opcodes that are a syscall with other arguments.
import { EBADF } from '../../abi/errno.js';
import { ValueArgs } from '../args.js';
import { Blocked } from '../request.js';
import { ioFileAt } from '../syscalls/fs_common.js';
import type { OpenFile } from '../vfs/file.js';
import { IOSQE_FIXED_FILE } from './abi.js';
import type { IoKiocb, UringRequest } from './kiocb.js';
import type { RingCore } from './ring_state.js';

/** The file k works on, or -EBADF (an empty slot, an index past the table, a closed fd). */
export function fileFor(ring: RingCore, k: IoKiocb): OpenFile | number {
  if (k.flags & IOSQE_FIXED_FILE) {
    const fs = ring.files;
    if (fs === null || k.fd < 0 || k.fd >= fs.length) return -EBADF;
    return fs[k.fd] ?? -EBADF;
  }
  return ioFileAt(k.task, k.fd);
}

/**
 * Runs syscall nr with args as k's own request through the one syscall table (its first run sets
 * the arguments; a run after a wake-up keeps them): the result or a Blocked marker.
 */
export function viaSyscall(k: IoKiocb, r: UringRequest, nr: number, args: (number | bigint)[]): number | Blocked {
  if (!r.resumed) {
    r.begin(nr);
    r.args = new ValueArgs(args);
  }
  const res = k.task.kernel.invoke(k.task, r);
  if (res instanceof Blocked) return res;
  return typeof res === 'bigint' ? Number(BigInt.asIntN(64, res)) : (res as number);
}
