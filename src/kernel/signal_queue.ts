// Pending signals: a per-task queue (thread-directed) and a per-process queue (process-directed).
// Standard signals (1..31) have at most one pending instance; real-time signals (32..64) queue
// every instance in order, as Linux does.
import type { SigInfo } from './signal.js';

/** Synchronous signals are dequeued first (Linux's SYNCHRONOUS_MASK). */
const SYNCHRONOUS = [11, 7, 4, 5, 8, 31]; // SEGV BUS ILL TRAP FPE SYS
/** Queued real-time signal instances per queue (Linux's RLIMIT_SIGPENDING default is larger; this bounds guest memory use). */
export const MAX_QUEUED_RT = 4096;

export const sigbit = (sig: number): bigint => 1n << BigInt(sig - 1);

export class SigPending {
  /** Bit (n-1) set while signal n has a pending instance. */
  mask = 0n;
  private readonly list: SigInfo[] = [];

  /** Queues info; a standard signal already pending is dropped. Returns false if dropped. */
  add(info: SigInfo): boolean {
    const bit = sigbit(info.signo);
    if (info.signo < 32 && (this.mask & bit) !== 0n) return false;
    if (info.signo >= 32 && this.list.length >= MAX_QUEUED_RT) return false;
    this.list.push(info);
    this.mask |= bit;
    return true;
  }

  /** Instances queued (what counts against RLIMIT_SIGPENDING). */
  get length(): number {
    return this.list.length;
  }

  /** True while this exact siginfo object is queued (POSIX timers count overruns against it). */
  has(info: SigInfo): boolean {
    return this.list.includes(info);
  }

  /** The signal that would be dequeued from `allowed` (synchronous first, then lowest), or 0. */
  next(allowed: bigint): number {
    const ready = this.mask & allowed;
    if (ready === 0n) return 0;
    for (const s of SYNCHRONOUS) if ((ready & sigbit(s)) !== 0n) return s;
    for (let s = 1; s <= 64; s++) if ((ready & sigbit(s)) !== 0n) return s;
    return 0;
  }

  /** Removes and returns the oldest instance of sig, or null. */
  take(sig: number): SigInfo | null {
    const i = this.list.findIndex((x) => x.signo === sig);
    if (i < 0) return null;
    const [info] = this.list.splice(i, 1);
    if (!this.list.some((x) => x.signo === sig)) this.mask &= ~sigbit(sig);
    return info!;
  }

  /** Drops every pending instance of the signals in set. */
  discard(set: bigint): void {
    if ((this.mask & set) === 0n) return;
    for (let i = this.list.length - 1; i >= 0; i--) {
      if ((sigbit(this.list[i]!.signo) & set) !== 0n) this.list.splice(i, 1);
    }
    this.mask &= ~set;
  }
}
