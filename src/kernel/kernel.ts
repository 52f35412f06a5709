// SKELETON: the Kernel (library entry). Filled in by the lead; helpers may rely on these members.
import type { Host } from '../host/host.js';
import type { Task } from './task.js';
import { Vfs, type VfsOptions } from './vfs/vfs.js';
import type { WakeReason } from './wait.js';

export interface KernelOptions extends Partial<VfsOptions> {
  host: Host;
  /** Receives one line per syscall when tracing (strace format, no trailing newline). */
  strace?: (line: string) => void;
}

export class Kernel {
  readonly host: Host;
  readonly vfs: Vfs;
  /** Boot time on the host monotonic clock, so CLOCK_MONOTONIC starts near zero like a fresh boot. */
  readonly bootNs: bigint;

  constructor(readonly options: KernelOptions) {
    this.host = options.host;
    this.vfs = new Vfs({ mounts: options.mounts ?? [], root: options.root ?? null }, this.host);
    this.bootNs = this.host.monotonicNs();
  }

  /** CLOCK_MONOTONIC in nanoseconds. */
  monotonicNs(): bigint {
    return this.host.monotonicNs() - this.bootNs;
  }

  /** CLOCK_REALTIME in nanoseconds since the epoch. */
  realtimeNs(): bigint {
    return this.host.realtimeNs();
  }

  /** Sends signal sig to task t from the kernel (e.g. SIGPIPE on a broken pipe write). */
  raiseSignal(t: Task, sig: number): void {
    void t; void sig;
  }

  /** Makes a blocked task runnable (the scheduler re-runs its syscall). */
  wakeTask(t: Task, reason: WakeReason): void {
    void t; void reason;
  }
}
