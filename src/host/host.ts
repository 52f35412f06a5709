// The host interface: everything nondeterministic (time, randomness, stdio, host files) and the
// host's event loop come through here, so the kernel itself uses no Node API: the same kernel runs
// on the Node host (node.ts), under the deterministic simulated host (sim.ts), and in a browser.
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

/** A timer armed with Host.armTimer. */
export interface HostTimer {
  /** Disarms the timer: onFire will not run (a no-op once it has fired). */
  cancel(): void;
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
  /**
   * Login name and home directory of uid() on the host, if the host knows them; optional. They
   * name the guest's own entry in the synthetic /etc/passwd (default: "user" and "/").
   */
  user?(): { name: string; home: string } | null;
  /**
   * The host's working directory as an absolute host path, or null when the host has none (a
   * browser). Without a root option the VFS mounts it at the same guest path, and spawn starts the
   * first process there, so relative program paths mean what they mean to the host user.
   */
  cwd(): string | null;
  /** Number of processors the host offers: the default count of virtual CPUs in real-time mode. */
  cpuCount(): number;
  /**
   * Resolves once the host's event loop has had a turn (pending I/O callbacks, timers, other host
   * code). While guests compute, the kernel awaits it every few milliseconds of host time, so host
   * events such as stdin data are not starved and host code keeps running beside the kernel.
   */
  yieldToHost(): Promise<void>;
  /**
   * Calls onFire once, from the host's event loop, after delayMs milliseconds of host time
   * (Infinity: never), unless cancelled first; never calls it before returning. In real-time mode
   * the kernel arms one when every task sleeps, for its earliest timer, and cancels it when a host
   * event wakes a task first. While a timer is armed the host must keep running (a Node process
   * must not exit), so a guest that waits forever hangs, as on Linux.
   */
  armTimer(delayMs: number, onFire: () => void): HostTimer;
  /**
   * Subscribes to signals the host process receives: from then on, each of `signals` (Linux
   * numbers) that arrives calls onSignal from the host's event loop instead of the host's own
   * handling (a Node process no longer exits on SIGINT). Returns the function that ends the
   * subscription. The kernel subscribes while a foreground process lives (one started with the
   * host's stdio, such as the ecall command's) and posts each signal as a host event. Optional:
   * a host without signals (a browser, the simulated host) leaves it out.
   */
  onSignals?(signals: readonly number[], onSignal: (signo: number) => void): () => void;
  /**
   * Stops the host process as a terminal's Ctrl-Z stops a job (SIGSTOP to itself) and returns when
   * it is continued; the kernel calls it when a forwarded SIGTSTP stops the guest. Optional.
   */
  suspend?(): void;
}
