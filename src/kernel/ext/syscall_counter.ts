// ecall extension "syscall-counter" (seed 000, Niels Möller's "counter in the thread control
// block which is incremented by the kernel for each ipc call"): a 64-bit count in user memory
// that the thread registers and the kernel increments exactly when a system call completes and
// its result is written to a0 (entry.ts's complete()), and never when the call was interrupted
// before it had any effect (the ERESTART* codes, whether the call is then restarted or turned into
// EINTR). A signal handler that compares it with a value saved before the call knows, without a
// race, whether that call completed: the increment and the a0 write happen together, before any
// signal is delivered.
import { GuestFaultError } from '../../mem/guest_memory.js';
import { SI_KERNEL, SIGSEGV } from '../signal.js';
import { forceSignal } from '../signal_deliver.js';
import type { Task } from '../task.js';

/** Adds one to t's registered counter. A counter that became unwritable is dropped and the thread
 *  gets SIGSEGV, as a bad rseq area does. */
export function countSyscall(t: Task): void {
  const mem = t.mm.mem, addr = t.syscallCounter;
  try {
    mem.writeBig64(addr, mem.readBig64(addr) + 1n);
  } catch (e) {
    if (!(e instanceof GuestFaultError)) throw e;
    t.syscallCounter = 0;
    forceSignal(t, { signo: SIGSEGV, code: SI_KERNEL });
  }
}
