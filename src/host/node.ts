// The Node.js host: clocks, randomness, stdio and host files for a kernel running in Node 20.
import type * as Crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import type * as Tty from 'node:tty';
import { ChunkQueue } from './chunk_queue.js';
import type { HostFs } from './fs.js';
import type { Host, HostNet, HostStdin, HostStdioInfo, HostTimer } from './host.js';
import { armSetTimeout } from './timer.js';
import { NodeHostFs } from './node_fs.js';
import { lazyBuiltin } from './node_builtin.js';
import { NodeHostNet } from './node_net.js';
import { SimHost } from './sim.js';

/** Linux errno values for host write failures (asm-generic/errno-base.h); others become EIO. */
const EIO = 5;
const WRITE_ERRNO: Record<string, number> = { EPIPE: 32, EBADF: 9, ENOSPC: 28, EFBIG: 27, EDQUOT: 122, EIO };
/** Wall clock drift from Date.now() that makes realtimeNs re-anchor (a host clock step). */
const REALTIME_RESYNC_NS = 50_000_000n;
/** Pause between retries when host stdout is non-blocking and full (EAGAIN). */
const EAGAIN_RETRY_MS = 1;
/** Largest buffer randomFillSync accepts in one call (2^31 - 1). */
const RANDOM_FILL_MAX = 0x7fffffff;
/** Chunk size for the synchronous read of all of host stdin (readStdinSync). */
const STDIN_CHUNK = 65536;

/** Node's names of the Linux signal numbers the kernel may forward (asm-generic numbering). */
const NODE_SIGNAL_NAMES: Record<number, NodeJS.Signals> = {
  1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 10: 'SIGUSR1', 12: 'SIGUSR2', 15: 'SIGTERM', 18: 'SIGCONT', 20: 'SIGTSTP',
  28: 'SIGWINCH',
};

/** The host kernel's random source, read when there is one (it spares loading node:crypto). */
const URANDOM = '/dev/urandom';

/** node:tty (which loads node:net) is consulted only for character devices; node:crypto only without URANDOM. */
const tty = lazyBuiltin<typeof Tty>('node:tty');
const crypto = lazyBuiltin<typeof Crypto>('node:crypto');

/** Linux's major device number of the memory devices (/dev/null, zero, full, random, urandom): never terminals. */
const LINUX_MEM_MAJOR = 1;

/** Returns the major number of a Linux device number (glibc's encoding: bits 8-19 and 44-63). */
function linuxMajor(rdev: number): number {
  return ((rdev >>> 8) & 0xfff) | ((Math.floor(rdev / 2 ** 32) >>> 0) & 0xfffff000);
}

/**
 * Returns whether host fd, whose fstat is st, is a terminal. Only a character device other than
 * Linux's memory devices can be, so for pipes, files and /dev/null node:tty is never loaded.
 */
function isTerminalStat(fd: number, st: fs.Stats): boolean {
  if (!st.isCharacterDevice()) return false;
  if (process.platform === 'linux' && linuxMajor(st.rdev) === LINUX_MEM_MAJOR) return false;
  return tty().isatty(fd);
}

/** Returns whether host fd is a terminal (isTerminalStat); false for a closed fd. */
function isTerminal(fd: number): boolean {
  let st: fs.Stats;
  try {
    st = fs.fstatSync(fd);
  } catch {
    return false;
  }
  return isTerminalStat(fd, st);
}

/** URANDOM's fd once opened (null before, -1 when it cannot be opened: node:crypto then). */
let urandomFd: number | null = null;

/** Fills buf with random bytes from URANDOM, or node:crypto where the host has no such file. */
function hostRandomFill(buf: Uint8Array): void {
  if (urandomFd === null) {
    try {
      urandomFd = fs.openSync(URANDOM, 'r');
    } catch {
      urandomFd = -1;
    }
  }
  let off = 0;
  while (urandomFd >= 0 && off < buf.length) {
    let n = 0;
    try {
      n = fs.readSync(urandomFd, buf, off, Math.min(buf.length - off, RANDOM_FILL_MAX), null);
    } catch {
      n = 0;
    }
    if (n <= 0) urandomFd = -1; // unreadable after all: the rest from node:crypto
    off += n > 0 ? n : 0;
  }
  for (; off < buf.length; off += RANDOM_FILL_MAX) {
    crypto().randomFillSync(buf.subarray(off, Math.min(buf.length, off + RANDOM_FILL_MAX)));
  }
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the host thread for ms milliseconds (used only to wait for a full host pipe). */
function sleepSync(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms);
}

/**
 * Host fd 0 as an event source. Nothing is read until the guest asks (request), and after each
 * chunk the stream is paused again, so unread input stays in the host pipe or file, and an idle
 * stdin never keeps the Node process alive.
 */
export class NodeStdin implements HostStdin {
  private readonly chunks = new ChunkQueue();
  private eof = false;
  private started = false;
  private closed = false;
  private callbacks: (() => void)[] = [];

  constructor(private readonly stream: () => NodeJS.ReadableStream & { destroy?(): void } = () => process.stdin) {}

  take(max: number): Uint8Array | null {
    if (this.chunks.bytes === 0) return this.eof ? new Uint8Array(0) : null;
    return this.chunks.take(max);
  }

  available(): number {
    return this.chunks.bytes;
  }

  atEof(): boolean {
    return this.eof && this.chunks.bytes === 0;
  }

  request(onData: () => void): void {
    if (this.closed) return;
    this.callbacks.push(onData);
    if (this.chunks.bytes > 0 || this.eof) {
      setImmediate(() => this.notify());
      return;
    }
    let s: ReturnType<typeof this.stream>;
    try {
      s = this.stream();
    } catch {
      this.eof = true; // host fd 0 is closed or unusable: the guest sees EOF
      setImmediate(() => this.notify());
      return;
    }
    if (!this.started) {
      this.started = true;
      s.on('data', (chunk: Buffer | string) => {
        const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : new Uint8Array(chunk);
        if (bytes.length > 0) {
          this.chunks.push(bytes);
        }
        s.pause(); // one chunk at a time: read more only when the guest asks again
        this.notify();
      });
      s.on('end', () => {
        this.eof = true;
        this.notify();
      });
      s.on('error', () => {
        this.eof = true; // a host read error ends input, as EIO would for the guest
        this.notify();
      });
    }
    s.resume();
  }

  private notify(): void {
    const cbs = this.callbacks;
    this.callbacks = [];
    for (const cb of cbs) cb();
  }

  close(): void {
    this.closed = true;
    this.callbacks = [];
    if (this.started) {
      const s = this.stream();
      s.pause();
      s.removeAllListeners('data');
      s.destroy?.();
      this.started = false;
    }
  }
}

/** The Host for Node.js: real clocks, node:crypto randomness, the process's own stdio. */
export class NodeHost implements Host {
  readonly stdin: HostStdin;
  readonly fs: HostFs;
  /** TCP and UDP through node:net and node:dgram. */
  readonly net: HostNet | undefined = new NodeHostNet();
  private realBase: bigint;
  private monoBase: bigint;

  constructor(opts: { fs?: HostFs; stdin?: HostStdin } = {}) {
    this.stdin = opts.stdin ?? new NodeStdin();
    this.fs = opts.fs ?? new NodeHostFs();
    this.monoBase = process.hrtime.bigint();
    this.realBase = BigInt(Date.now()) * 1_000_000n;
  }

  realtimeNs(): bigint {
    // Date.now() has millisecond resolution; hrtime adds nanoseconds to a Date.now() anchor,
    // re-anchored when the host wall clock steps.
    const mono = process.hrtime.bigint();
    const est = this.realBase + (mono - this.monoBase);
    const wall = BigInt(Date.now()) * 1_000_000n;
    const drift = est - wall;
    if (drift > REALTIME_RESYNC_NS || drift < -REALTIME_RESYNC_NS) {
      this.realBase = wall;
      this.monoBase = mono;
      return wall;
    }
    return est;
  }

  monotonicNs(): bigint {
    return process.hrtime.bigint();
  }

  randomFill(buf: Uint8Array): void {
    hostRandomFill(buf);
  }

  writeStdio(fd: 1 | 2, data: Uint8Array): number {
    let off = 0;
    while (off < data.length) {
      try {
        off += fs.writeSync(fd, data, off, data.length - off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') {
          sleepSync(EAGAIN_RETRY_MS);
          continue;
        }
        if (off > 0) return off; // the bytes already written are delivered (a short write)
        return -(WRITE_ERRNO[code ?? ''] ?? EIO);
      }
    }
    return off;
  }

  isatty(fd: number): boolean {
    return isTerminal(fd);
  }

  winsize(fd: number): { rows: number; cols: number } | null {
    if (!isTerminal(fd)) return null;
    // Only the output streams know the size; a terminal on fd 0 usually is the one on 1 or 2.
    for (const s of [fd === 2 ? process.stderr : process.stdout, process.stdout, process.stderr]) {
      if (s.isTTY) {
        const [cols, rows] = s.getWindowSize();
        return { rows, cols };
      }
    }
    return null;
  }

  stdioInfo(fd: 0 | 1 | 2): HostStdioInfo | null {
    let st: fs.Stats;
    try {
      st = fs.fstatSync(fd);
    } catch {
      return null;
    }
    let path: string | null = null;
    try {
      path = fs.readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      path = null;
    }
    const kind: HostStdioInfo['kind'] = isTerminalStat(fd, st) ? 'tty' : st.isFIFO() ? 'pipe' : st.isSocket() ? 'socket'
      : st.isCharacterDevice() ? 'chr' : 'file';
    return { kind, ino: st.ino, size: kind === 'file' ? st.size : 0, rdev: st.rdev, path };
  }

  uid(): number {
    return process.getuid?.() ?? 0;
  }

  gid(): number {
    return process.getgid?.() ?? 0;
  }

  hostname(): string {
    return os.hostname();
  }

  user(): { name: string; home: string } | null {
    try {
      const u = os.userInfo();
      return { name: u.username, home: u.homedir };
    } catch {
      return null; // the uid has no entry in the host's user database
    }
  }

  cwd(): string | null {
    return process.cwd();
  }

  cpuCount(): number {
    return os.availableParallelism();
  }

  /** setImmediate runs after the I/O callbacks of the current event-loop turn. */
  yieldToHost(): Promise<void> {
    return new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** process.on for each signal's name; listening replaces Node's default action (exiting). */
  onSignals(signals: readonly number[], onSignal: (signo: number) => void): () => void {
    const listeners: [NodeJS.Signals, () => void][] = [];
    for (const sig of signals) {
      const name = NODE_SIGNAL_NAMES[sig];
      if (name === undefined) continue;
      const f = (): void => onSignal(sig);
      process.on(name, f);
      listeners.push([name, f]);
    }
    return () => { for (const [name, f] of listeners) process.off(name, f); };
  }

  suspend(): void {
    process.kill(process.pid, 'SIGSTOP');
  }

  /** A pending setTimeout keeps Node's event loop alive; delays past its limit are re-armed. */
  armTimer(delayMs: number, onFire: () => void): HostTimer {
    return armSetTimeout(delayMs, onFire);
  }
}

/**
 * Reads host fd 0 until EOF, synchronously (for the deterministic host, whose input must not
 * depend on when it arrives). A closed or unreadable stdin reads as empty.
 */
export function readStdinSync(): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const buf = new Uint8Array(STDIN_CHUNK);
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(0, buf, 0, buf.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      break; // EOF-like: closed or unreadable stdin
    }
    if (n === 0) break;
    chunks.push(buf.slice(0, n));
    total += n;
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) { out.set(c, off); off += c.length; }
  return out;
}

/** Returns a NodeHost on this process's stdio and host filesystem. */
export function createNodeHost(): NodeHost {
  return new NodeHost();
}

/**
 * Returns the deterministic host for a seed, over this process: stdin read whole when the guest
 * first looks at it, output, host files and the event loop those of a NodeHost.
 */
export function createSimHost(seed: number | bigint): SimHost {
  return new SimHost(seed, { outer: new NodeHost(), stdin: readStdinSync });
}
