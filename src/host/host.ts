// The host interface: everything nondeterministic (time, randomness, stdio, host files) comes
// through here, so a simulated host can control it (Node now; browser and sim later).
import type { HostFs } from './fs.js';

/** Host standard input as an event source: data arrives asynchronously and is buffered. */
export interface HostStdin {
  /** Takes up to max buffered bytes; returns null if none are buffered yet, empty at EOF. */
  take(max: number): Uint8Array | null;
  /** Bytes buffered now (for FIONREAD and poll). */
  available(): number;
  /** True once EOF was seen and the buffer is drained. */
  atEof(): boolean;
  /** Asks the host to start reading; onData runs (from the event loop) when data or EOF arrives. */
  request(onData: () => void): void;
  /** Stops reading, so the host process can exit. */
  close(): void;
}

/** What a host stdio fd refers to, for the guest's fstat and /proc/self/fd (see Host.stdioInfo). */
export interface HostStdioInfo {
  kind: 'tty' | 'pipe' | 'file' | 'chr' | 'socket';
  /** Host inode number (shown in "pipe:[N]"), or 0 if unknown. */
  ino: number;
  /** Size in bytes for a regular file, else 0. */
  size: number;
  /** Device number of a character device (encoded as new_encode_dev), else 0. */
  rdev: number;
  /** Host path of a file or device, if known. */
  path: string | null;
}

export interface Host {
  /** Wall-clock time in nanoseconds since the epoch. */
  realtimeNs(): bigint;
  /** Monotonic time in nanoseconds since an arbitrary start. */
  monotonicNs(): bigint;
  /** Fills buf with random bytes. */
  randomFill(buf: Uint8Array): void;
  /** Writes bytes to host fd 1 or 2, synchronously; returns bytes written or -errno. */
  writeStdio(fd: 1 | 2, data: Uint8Array): number;
  readonly stdin: HostStdin;
  /** Whether host fd 0, 1 or 2 is a terminal. */
  isatty(fd: number): boolean;
  /** Terminal size of host fd, or null if not a terminal. */
  winsize(fd: number): { rows: number; cols: number } | null;
  /** Host file access, for directory mounts. */
  readonly fs: HostFs;
  /** The user and group ids the guest runs as (the host user's). */
  uid(): number;
  gid(): number;
  /** What host fd 0, 1 or 2 is; optional (without it stdio is a tty when isatty, else a pipe). */
  stdioInfo?(fd: 0 | 1 | 2): HostStdioInfo | null;
  /**
   * Present on deterministic hosts: time is virtual and moves only when the kernel advances it
   * (by retired instructions, and to the next timer when every task sleeps).
   */
  readonly virtualClock?: { advance(ns: bigint): void; now(): bigint };
  /** Host identity for uname(2) nodename. */
  hostname(): string;
}
