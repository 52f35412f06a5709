// The deterministic host (--seed): virtual clocks advanced by the kernel, randomness from the
// seed, a fixed host name and identity (uid 0), and stdin read whole on first use, so that the
// same seed, binary and input give the same run on any machine. Output and host files are the
// Node host's (a guest that prints host file metadata still sees the host's).
import * as fs from 'node:fs';
import type { HostStdin } from './host.js';
import { NodeHost } from './node.js';
import { Prng } from '../util/prng.js';

/** The virtual wall clock starts at 2026-01-01T00:00:00Z, so dates in the guest are stable. */
export const SIM_EPOCH_NS = 1_767_225_600n * 1_000_000_000n;
/** Chunk size for the one synchronous read of host stdin. */
const STDIN_CHUNK = 65536;

/** Host stdin read completely (until EOF) at the first take(), so no read ever waits on timing. */
export class SimStdin implements HostStdin {
  private data: Uint8Array | null = null;
  private off = 0;

  private load(): Uint8Array {
    if (this.data !== null) return this.data;
    const chunks: Buffer[] = [];
    const buf = Buffer.alloc(STDIN_CHUNK);
    for (;;) {
      let n: number;
      try {
        n = fs.readSync(0, buf, 0, buf.length, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') continue;
        break; // EOF-like: closed or unreadable stdin
      }
      if (n === 0) break;
      chunks.push(Buffer.from(buf.subarray(0, n)));
    }
    this.data = new Uint8Array(Buffer.concat(chunks));
    return this.data;
  }

  take(max: number): Uint8Array | null {
    const d = this.load();
    const n = Math.min(max, d.length - this.off);
    const out = d.slice(this.off, this.off + n);
    this.off += n;
    return out;
  }

  available(): number {
    return this.load().length - this.off;
  }

  atEof(): boolean {
    return this.available() === 0;
  }

  request(onData: () => void): void {
    void onData; // data is always available at once: take() never returns null
  }

  close(): void {}
}

/** A Node host whose time and randomness come from the seed (see KernelOptions.seed). */
export class SimHost extends NodeHost {
  private now = 0n;
  private readonly rng: Prng;

  constructor(seed: number | bigint) {
    super({ stdin: new SimStdin() });
    this.rng = new Prng(seed, 1);
  }

  override monotonicNs(): bigint {
    return this.now;
  }

  override realtimeNs(): bigint {
    return SIM_EPOCH_NS + this.now;
  }

  override randomFill(buf: Uint8Array): void {
    this.rng.fill(buf);
  }

  override hostname(): string {
    return 'ecall';
  }

  /** No host network: the kernel's simulated loopback network carries IP sockets, so runs replay. */
  override readonly net = undefined;

  /** A fixed identity (root), so traces and siginfo do not depend on who runs the host. */
  override uid(): number {
    return 0;
  }

  override gid(): number {
    return 0;
  }

  /** The kernel's hook: virtual time moves only when the kernel says so. */
  readonly virtualClock = {
    advance: (ns: bigint): void => { if (ns > 0n) this.now += ns; },
    now: (): bigint => this.now,
  };
}
