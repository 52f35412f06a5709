// The deterministic host (--seed): virtual clocks advanced by the kernel, randomness from the
// seed, a fixed host name, identity (uid 0) and processor count, and stdin known whole before the
// guest reads it, so that the same seed, binary and input give the same run on any machine.
// Output, host files, the terminal and the event loop are those of the host it runs on (its
// `outer` host), so a guest that prints host file metadata still sees the host's. It uses no Node
// API: the Node side (node.ts) hands it stdin's bytes.
import type { Host, HostStdin, HostStdioInfo, HostTimer } from './host.js';
import type { HostFs } from './fs.js';
import { Prng } from '../util/prng.js';

/** The virtual wall clock starts at 2026-01-01T00:00:00Z, so dates in the guest are stable. */
export const SIM_EPOCH_NS = 1_767_225_600n * 1_000_000_000n;
/** Processors the simulated machine reports: fixed, so nothing the guest sees depends on the host. */
export const SIM_CPU_COUNT = 4;

/** What the simulated host takes from the host it runs on. */
export type SimOuterHost = Pick<Host, 'writeStdio' | 'isatty' | 'winsize' | 'stdioInfo' | 'fs' | 'cwd' | 'yieldToHost' | 'armTimer'>;

export interface SimHostOptions {
  /** The host it runs on: output, host files, the terminal and the event loop are that host's. */
  outer: SimOuterHost;
  /**
   * All of the guest's standard input, or a function that returns it, called once when the guest
   * first looks at stdin (so a guest that never reads does not wait for the end of a terminal's
   * input). Default: empty (EOF at once).
   */
  stdin?: Uint8Array | (() => Uint8Array);
}

/** Stdin whose whole content is known at the first look, so no read ever waits on timing. */
export class SimStdin implements HostStdin {
  private data: Uint8Array | null = null;
  private off = 0;

  constructor(private readonly source: Uint8Array | (() => Uint8Array)) {}

  private load(): Uint8Array {
    this.data ??= typeof this.source === 'function' ? this.source() : this.source;
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

/** A host whose time and randomness come from the seed (see KernelOptions.seed). */
export class SimHost implements Host {
  readonly stdin: HostStdin;
  readonly fs: HostFs;
  private now = 0n;
  private readonly rng: Prng;
  private readonly outer: SimOuterHost;

  constructor(seed: number | bigint, opts: SimHostOptions) {
    this.outer = opts.outer;
    this.fs = opts.outer.fs;
    this.stdin = new SimStdin(opts.stdin ?? new Uint8Array(0));
    this.rng = new Prng(seed, 1);
  }

  monotonicNs(): bigint {
    return this.now;
  }

  realtimeNs(): bigint {
    return SIM_EPOCH_NS + this.now;
  }

  randomFill(buf: Uint8Array): void {
    this.rng.fill(buf);
  }

  hostname(): string {
    return 'ecall';
  }

  /** No host network: the kernel's simulated loopback network carries IP sockets, so runs replay. */
  readonly net = undefined;

  /** A fixed identity (root), so traces and siginfo do not depend on who runs the host. */
  uid(): number {
    return 0;
  }

  gid(): number {
    return 0;
  }

  cpuCount(): number {
    return SIM_CPU_COUNT;
  }

  writeStdio(fd: 1 | 2, data: Uint8Array): number {
    return this.outer.writeStdio(fd, data);
  }

  isatty(fd: number): boolean {
    return this.outer.isatty(fd);
  }

  winsize(fd: number): { rows: number; cols: number } | null {
    return this.outer.winsize(fd);
  }

  stdioInfo(fd: 0 | 1 | 2): HostStdioInfo | null {
    return this.outer.stdioInfo?.(fd) ?? null;
  }

  cwd(): string | null {
    return this.outer.cwd();
  }

  yieldToHost(): Promise<void> {
    return this.outer.yieldToHost();
  }

  armTimer(delayMs: number, onFire: () => void): HostTimer {
    return this.outer.armTimer(delayMs, onFire);
  }

  /** The kernel's hook: virtual time moves only when the kernel says so. */
  readonly virtualClock = {
    advance: (ns: bigint): void => { if (ns > 0n) this.now += ns; },
    now: (): bigint => this.now,
  };
}
