// The browser host: clocks from performance.now (and Date for the wall clock), randomness from
// crypto.getRandomValues, stdio to a terminal the page supplies as callbacks (xterm.js in the
// playground), the terminal's size, and Ctrl-C as SIGINT through the line discipline
// (browser_tty.ts). A page has no host files and no sockets: HostFs answers ENOENT, Host.net is
// absent (the kernel simulates a loopback network), and files come from the kernel's own tmpfs,
// which the page fills before a program starts (src/browser.ts). Uses no Node API.
import type { HostFs, HostStat } from './fs.js';
import type { Host, HostStdioInfo, HostTimer } from './host.js';
import { armSetTimeout } from './timer.js';
import { BrowserTty, type LineSettings } from './browser_tty.js';

/** Linux errno values the empty host filesystem returns (asm-generic/errno-base.h). */
const ENOENT = 2, EBADF = 9;
/** crypto.getRandomValues fills at most 65536 bytes per call (the Web Crypto limit). */
const RANDOM_CHUNK = 65536;
/** Terminal size before the page reports one (a VT100's). */
const DEFAULT_ROWS = 24, DEFAULT_COLS = 80;
/** Unix-98 pty major (Linux devices.txt): the terminal is /dev/pts/0, 136:0, as Linux encodes it. */
const PTS0_RDEV = 136 << 8;
/** SIGWINCH (asm-generic/signal.h): sent when the page resizes the terminal. */
const SIGWINCH = 28;
/** Processors reported when navigator.hardwareConcurrency is missing. */
const FALLBACK_CPUS = 1;

/** What a page connects the host to. */
export interface BrowserTerminal {
  /** Bytes the guest wrote to fd 1 or 2 (called synchronously, in order). */
  write(fd: 1 | 2, data: Uint8Array): void;
  /** The line discipline's echo of typed input (default: write(1, ...)); the guest did not write it. */
  echo?(data: Uint8Array): void;
}

export interface BrowserHostOptions {
  /** Where stdout and stderr go (default: nowhere). */
  terminal?: BrowserTerminal;
  /** The guest's user and group ids (default 1000, a first ordinary user). */
  uid?: number;
  gid?: number;
  /** uname nodename (default "browser"). */
  hostname?: string;
}

/** A host filesystem with nothing in it: a page cannot reach the user's files by path. */
class NoHostFs implements HostFs {
  lstat(): HostStat | number { return -ENOENT; }
  readdir(): string[] | number { return -ENOENT; }
  readlink(): string | number { return -ENOENT; }
  realpath(): string | number { return -ENOENT; }
  open(): number { return -ENOENT; }
  close(): void {}
  pread(): number { return -EBADF; }
  pwrite(): number { return -EBADF; }
  fstat(): HostStat | number { return -EBADF; }
  ftruncate(): number { return -EBADF; }
  fsync(): number { return -EBADF; }
  mkdir(): number { return -ENOENT; }
  mkfifo(): number { return -ENOENT; }
  rmdir(): number { return -ENOENT; }
  unlink(): number { return -ENOENT; }
  symlink(): number { return -ENOENT; }
  link(): number { return -ENOENT; }
  rename(): number { return -ENOENT; }
  chmod(): number { return -ENOENT; }
  utimes(): number { return -ENOENT; }
  truncate(): number { return -ENOENT; }
}

/** The Host for a web page (or any JavaScript runtime with the Web APIs). */
export class BrowserHost implements Host {
  /** Keystrokes in, edited lines out: the guest's fd 0. */
  readonly stdin: BrowserTty;
  readonly fs: HostFs = new NoHostFs();
  /** No host network in a page: the kernel's simulated loopback carries IP sockets. */
  readonly net = undefined;
  private terminal: BrowserTerminal | null;
  private size = { rows: DEFAULT_ROWS, cols: DEFAULT_COLS };
  private signalSubscribers = new Set<(signo: number) => void>();
  /** The guest's termios, once a kernel is attached (src/browser.ts sets it). */
  lineSettings: () => LineSettings | null = () => null;

  constructor(private readonly opts: BrowserHostOptions = {}) {
    this.terminal = opts.terminal ?? null;
    this.stdin = new BrowserTty({
      echo: (b) => { if (this.terminal?.echo) this.terminal.echo(b); else this.terminal?.write(1, b); },
      signal: (sig) => this.raise(sig),
    }, () => this.lineSettings());
  }

  /** Connects stdout and stderr to a terminal (null: discard them). */
  setTerminal(t: BrowserTerminal | null): void {
    this.terminal = t;
  }

  /** The page's terminal changed size: TIOCGWINSZ reports it and the foreground job gets SIGWINCH. */
  resize(rows: number, cols: number): void {
    if (rows === this.size.rows && cols === this.size.cols) return;
    this.size = { rows, cols };
    this.raise(SIGWINCH);
  }

  /** Sends a signal (Linux number) to the kernel's foreground processes, as a terminal would. */
  raise(signo: number): void {
    for (const f of [...this.signalSubscribers]) f(signo);
  }

  realtimeNs(): bigint {
    return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e3)) * 1000n;
  }

  monotonicNs(): bigint {
    return BigInt(Math.round(performance.now() * 1e6));
  }

  randomFill(buf: Uint8Array): void {
    for (let off = 0; off < buf.length; off += RANDOM_CHUNK) {
      crypto.getRandomValues(buf.subarray(off, Math.min(buf.length, off + RANDOM_CHUNK)));
    }
  }

  writeStdio(fd: 1 | 2, data: Uint8Array): number {
    this.terminal?.write(fd, data.slice());
    return data.length;
  }

  isatty(fd: number): boolean {
    return fd >= 0 && fd <= 2;
  }

  winsize(fd: number): { rows: number; cols: number } | null {
    return this.isatty(fd) ? { ...this.size } : null;
  }

  stdioInfo(fd: 0 | 1 | 2): HostStdioInfo | null {
    void fd; // all three are the one terminal
    return { kind: 'tty', ino: 3, size: 0, rdev: PTS0_RDEV, path: '/dev/pts/0' };
  }

  uid(): number {
    return this.opts.uid ?? 1000;
  }

  gid(): number {
    return this.opts.gid ?? 1000;
  }

  user(): { name: string; home: string } {
    return { name: 'user', home: '/home/user' };
  }

  hostname(): string {
    return this.opts.hostname ?? 'browser';
  }

  /** A page has no working directory: the guest's "/" is the in-memory tmpfs. */
  cwd(): string | null {
    return null;
  }

  cpuCount(): number {
    return (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? FALLBACK_CPUS;
  }

  /**
   * A message through a fresh MessageChannel is a task of its own, so input events and painting
   * run before it, without setTimeout's 4 ms clamp on nested timers.
   */
  yieldToHost(): Promise<void> {
    return new Promise<void>((resolve) => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => { ch.port1.close(); resolve(); };
      ch.port2.postMessage(0);
    });
  }

  armTimer(delayMs: number, onFire: () => void): HostTimer {
    return armSetTimeout(delayMs, onFire);
  }

  /** Ctrl-C, Ctrl-\ and resizes reach the kernel here (see raise). */
  onSignals(signals: readonly number[], onSignal: (signo: number) => void): () => void {
    const wanted = new Set(signals);
    const f = (sig: number): void => { if (wanted.has(sig)) onSignal(sig); };
    this.signalSubscribers.add(f);
    return () => { this.signalSubscribers.delete(f); };
  }
}
