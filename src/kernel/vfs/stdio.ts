// Guest fds 0, 1 and 2 bound to the host's stdio, and /dev/tty on the host terminal.
// Output is written synchronously; input comes from host.stdin as events (a read with nothing
// buffered asks the host for data and sleeps on a wait queue the host callback wakes).
import { utf8ToBytes } from '../../util/bytestr.js';
import type { Host, HostStdioInfo } from '../../host/host.js';
import { EAGAIN, EBADF, EIO, ENOTTY, EPIPE, ESPIPE } from '../../abi/errno.js';
import type { Blocked, Request } from '../request.js';
import { SIGTTIN, SIGTTOU } from '../signal.js';
import { WaitQueue } from '../wait.js';
import { O_ACCMODE, O_NONBLOCK, O_RDONLY, O_WRONLY, S_IFCHR, S_IFIFO, S_IFREG, S_IFSOCK } from './constants.js';
import { type OpenFile, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, type StatInfo } from './file.js';
import { PIPEFS_DEV } from './pipe.js';
import {
  DEFAULT_COLS, DEFAULT_ROWS, FIONBIO, FIONREAD, TCFLSH, TCGETS, TCSBRK, TCSETS, TCSETSF, TCSETSW, TCXONC,
  TERMIOS_SIZE, TIOCGPGRP, TIOCGSID, TIOCGWINSZ, TIOCNOTTY, TIOCOUTQ, TIOCSCTTY, TIOCSPGRP, TIOCSWINSZ, TOSTOP,
  WINSIZE_SIZE, ICANON, decodeTermios, defaultTermios, encodeTermios, encodeWinsize, type TerminalState,
} from './termios.js';
import type { TtyJobControl } from './tty_jobctl.js';

/** SIGPIPE (asm-generic/signal.h): a write to a host pipe with no reader raises it, as on Linux. */
const SIGPIPE = 13;
/** Unix-98 pty major (Documentation/admin-guide/devices.txt): /dev/pts/N is 136:N. */
const PTY_SLAVE_MAJOR = 136;
/** st_dev of the devpts mount (an anonymous 0:N superblock; N is arbitrary). */
export const DEVPTS_DEV = 0x19;
/** devpts numbers inodes minor+3 (1 is the root, 2 is ptmx). */
const DEVPTS_FIRST_INO = 3;
/** The tty group's gid on Debian, which owns /dev/pts/N and /dev/tty. */
export const TTY_GID = 5;

/** Bytes a canonical terminal read takes from the host at once (N_TTY_BUF_SIZE, its line limit). */
const CANON_TAKE = 4096;
/** A canonical read ends after a newline. */
const NEWLINE = 0x0a;

/** Returns Linux's new_encode_dev(major, minor): the dev_t layout st_rdev uses. */
export function makeDev(major: number, minor: number): number {
  return ((minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12)) >>> 0;
}

/**
 * The kernel's side of the host's stdio, one per Vfs and shared by every file on it: the queue
 * readers of host stdin sleep on, and the host terminal's settings (Linux's tty_struct).
 */
export class HostStdio {
  /** Readers of host stdin (and its pollers) sleep here until the host delivers data. */
  readonly stdinQueue = new WaitQueue();
  /** What TCSETS stored and TIOCSWINSZ set, reported back by TCGETS and TIOCGWINSZ. */
  readonly terminal: TerminalState = { termios: defaultTermios(), winsize: null, session: 0, pgrp: 0 };
  /** Queues the arrival of stdin data for the kernel's event point (the Kernel sets it; alone: runs at once). */
  post: (fn: () => void) => void = (fn) => fn();
  /** True while a host stdin request is outstanding. */
  private stdinRequested = false;
  /** Bytes taken from the host that a canonical (one line per read) terminal read left over. */
  private held: Uint8Array | null = null;

  /** jobControl: the checks and ioctls of job control on this terminal (the Kernel's, or none). */
  constructor(readonly host: Host, readonly jobControl: TtyJobControl) {}

  /** Reads host stdin into buf: bytes, 0 at EOF, or a sleep (EAGAIN when nonblocking) with nothing
   *  consumed. canonical: a terminal in ICANON mode, whose read returns at most one line. */
  readStdin(r: Request, buf: Uint8Array, nonblock: boolean, canonical = false): number | Blocked {
    if (buf.length === 0) return 0;
    const data = this.held ?? this.host.stdin.take(canonical ? CANON_TAKE : buf.length);
    this.held = null;
    if (data !== null) {
      let n = Math.min(data.length, buf.length);
      if (canonical) {
        const nl = data.subarray(0, n).indexOf(NEWLINE);
        if (nl >= 0) n = nl + 1;
      }
      buf.set(data.subarray(0, n));
      if (n < data.length) this.held = data.slice(n); // the rest of the line, or later lines
      return n;
    }
    this.requestStdin();
    if (nonblock) return -EAGAIN;
    return r.block([this.stdinQueue]);
  }

  /** Bytes a read would find at once: what a canonical read left, then the host's buffer. */
  available(): number {
    return (this.held?.length ?? 0) + this.host.stdin.available();
  }

  /** True when stdin is at its end and nothing is held back. */
  atEof(): boolean {
    return this.held === null && this.host.stdin.atEof();
  }

  /** Asks the host for stdin data (once until it arrives); its arrival wakes the stdin queue. */
  requestStdin(): void {
    if (this.stdinRequested) return;
    this.stdinRequested = true;
    this.host.stdin.request(() => this.post(() => {
      this.stdinRequested = false;
      this.stdinQueue.wake();
    }));
  }
}

/** A file on host stdio: fd 0 reads host stdin, fds 1 and 2 write host stdout/stderr. */
class StdioFile implements OpenFile {
  flags: number;
  readonly path: string;
  protected readonly host: Host;
  private readonly createdNs: bigint;

  constructor(protected readonly stdio: HostStdio, readonly hostFd: 0 | 1 | 2, flags: number) {
    this.host = stdio.host;
    this.flags = flags;
    this.createdNs = this.host.realtimeNs();
    this.path = this.describePath();
  }

  /** Whether this file is on the host terminal (ioctls like TCGETS work). */
  protected isTty(): boolean {
    return this.host.isatty(this.hostFd);
  }

  /** Whether reads come from host stdin. */
  protected readsStdin(): boolean {
    return this.hostFd === 0;
  }

  /** Host fd that output goes to, or null if there is none. */
  protected outputFd(): 1 | 2 | null {
    return this.hostFd === 0 ? null : this.hostFd;
  }

  private info(): HostStdioInfo {
    const i = this.host.stdioInfo?.(this.hostFd);
    if (i) return i;
    return { kind: this.isTty() ? 'tty' : 'pipe', ino: 0, size: 0, rdev: 0, path: null };
  }

  protected describePath(): string {
    const i = this.info();
    switch (i.kind) {
      case 'tty': return '/dev/pts/0';
      case 'pipe': return `pipe:[${i.ino}]`;
      case 'socket': return `socket:[${i.ino}]`;
      default: return i.path !== null ? utf8ToBytes(i.path) : i.kind === 'chr' ? '/dev/null' : `/proc/self/fd/${this.hostFd}`;
    }
  }

  read(r: Request, buf: Uint8Array): number | Blocked {
    if ((this.flags & O_ACCMODE) === O_WRONLY || !this.readsStdin()) return -EBADF;
    if (this.isTty()) {
      const chk = this.stdio.jobControl.checkChange(r, this.stdio.terminal, SIGTTIN); // a background reader
      if (chk !== 0) return chk;
    }
    const canonical = this.isTty() && (this.stdio.terminal.termios.lflag & ICANON) !== 0;
    return this.stdio.readStdin(r, buf, (this.flags & O_NONBLOCK) !== 0, canonical);
  }

  write(r: Request, data: Uint8Array): number {
    if ((this.flags & O_ACCMODE) === O_RDONLY) return -EBADF;
    const fd = this.outputFd();
    if (fd === null) return -EBADF;
    if (data.length === 0) return 0;
    if ((this.stdio.terminal.termios.lflag & TOSTOP) !== 0 && this.isTty()) {
      const chk = this.stdio.jobControl.checkChange(r, this.stdio.terminal, SIGTTOU); // a background writer under `stty tostop`
      if (chk !== 0) return chk;
    }
    const n = this.host.writeStdio(fd, data);
    if (n === -EPIPE) r.caller.raise(SIGPIPE);
    return n;
  }

  lseek(): number {
    return -ESPIPE;
  }

  stat(): StatInfo {
    const i = this.info();
    const uid = this.host.uid();
    const base = {
      nlink: 1, uid, gid: this.host.gid(), size: 0, blksize: 1024, blocks: 0,
      atimeNs: this.createdNs, mtimeNs: this.createdNs, ctimeNs: this.createdNs,
    };
    switch (i.kind) {
      case 'tty':
        return { ...base, dev: DEVPTS_DEV, ino: DEVPTS_FIRST_INO, mode: S_IFCHR | 0o620, gid: TTY_GID,
          rdev: makeDev(PTY_SLAVE_MAJOR, 0) };
      case 'pipe':
        return { ...base, dev: PIPEFS_DEV, ino: i.ino, mode: S_IFIFO | 0o600, rdev: 0, blksize: 4096 };
      case 'socket':
        return { ...base, dev: 0, ino: i.ino, mode: S_IFSOCK | 0o777, rdev: 0, blksize: 4096 };
      case 'chr':
        return { ...base, dev: 5, ino: i.ino, mode: S_IFCHR | 0o666, uid: 0, gid: 0, rdev: i.rdev };
      case 'file':
        return { ...base, dev: 0, ino: i.ino, mode: S_IFREG | 0o644, rdev: 0, size: i.size, blksize: 4096,
          blocks: Math.ceil(i.size / 512) };
    }
  }

  ioctl(r: Request, request: number, argAddr: number): number {
    const mem = r.caller.mm.mem;
    if (request === FIONBIO) {
      if (mem.readI32(argAddr) !== 0) this.flags |= O_NONBLOCK;
      else this.flags &= ~O_NONBLOCK;
      return 0;
    }
    const tty = this.isTty();
    if (request === FIONREAD && (tty || this.hostFd === 0)) {
      mem.writeI32(argAddr, this.stdio.available());
      return 0;
    }
    if (!tty) return -ENOTTY;
    const term = this.stdio.terminal;
    const jc = this.stdio.jobControl;
    switch (request) {
      case TCSETS: case TCSETSW: case TCSETSF: case TCFLSH: case TCXONC: case TCSBRK: {
        const chk = jc.checkChange(r, term, SIGTTOU); // a background group may not change the terminal
        if (chk !== 0) return chk;
        break;
      }
      case TIOCGPGRP: case TIOCGSID: {
        const id = jc.getPgrp(r, term, request === TIOCGSID);
        if (id < 0) return id;
        mem.writeI32(argAddr, id);
        return 0;
      }
      case TIOCSPGRP:
        return jc.setPgrp(r, term, () => mem.readI32(argAddr));
      case TIOCSCTTY:
        return jc.setCtty(r, term, argAddr === 1, (this.flags & O_ACCMODE) !== O_WRONLY);
      case TIOCNOTTY:
        return jc.noCtty(r, term);
    }
    switch (request) {
      case TCGETS:
        mem.write(argAddr, encodeTermios(term.termios));
        return 0;
      case TCSETS: case TCSETSW: case TCSETSF:
        // Stored and reported back by TCGETS; the host terminal's mode is not changed.
        term.termios = decodeTermios(mem.read(argAddr, TERMIOS_SIZE));
        return 0;
      case TIOCGWINSZ: {
        const ws = term.winsize ?? this.host.winsize(this.hostFd) ?? { rows: DEFAULT_ROWS, cols: DEFAULT_COLS };
        mem.write(argAddr, encodeWinsize(ws.rows, ws.cols));
        return 0;
      }
      case TIOCSWINSZ: {
        const b = mem.read(argAddr, WINSIZE_SIZE);
        term.winsize = { rows: b[0]! | (b[1]! << 8), cols: b[2]! | (b[3]! << 8) };
        return 0;
      }
      case TIOCOUTQ:
        mem.writeI32(argAddr, 0); // output is written synchronously, nothing is queued
        return 0;
      case TCFLSH: case TCXONC: case TCSBRK:
        return 0;
      default:
        return -ENOTTY;
    }
  }

  poll(): number {
    let mask = 0;
    const acc = this.flags & O_ACCMODE;
    if (acc !== O_WRONLY && this.readsStdin()) {
      const s = this.stdio;
      if (s.available() > 0 || s.atEof()) mask |= POLLIN | POLLRDNORM;
      else this.stdio.requestStdin(); // a poller waits for data, so the host must go and read it
    }
    if (acc !== O_RDONLY && this.outputFd() !== null) mask |= POLLOUT | POLLWRNORM;
    return mask;
  }

  /** Queues a poll/epoll sleeper should wait on (the stdin queue; output is always ready). */
  pollQueues(): WaitQueue[] {
    if ((this.flags & O_ACCMODE) !== O_WRONLY && this.readsStdin()) this.stdio.requestStdin();
    return [this.stdio.stdinQueue];
  }
}

/** /dev/tty on the host terminal: reads host stdin, writes whichever of host fd 1, 2 is the terminal. */
class TtyDeviceFile extends StdioFile {
  protected override readsStdin(): boolean {
    return true;
  }

  protected override isTty(): boolean {
    return true;
  }

  protected override outputFd(): 1 | 2 | null {
    if (this.host.isatty(1)) return 1;
    if (this.host.isatty(2)) return 2;
    return null;
  }

  protected override describePath(): string {
    return '/dev/tty';
  }

  override write(r: Request, data: Uint8Array): number {
    if ((this.flags & O_ACCMODE) !== O_RDONLY && this.outputFd() === null) return -EIO;
    return super.write(r, data);
  }

  override stat(): StatInfo {
    const s = super.stat();
    return { ...s, dev: 5, ino: 12, mode: S_IFCHR | 0o666, uid: 0, gid: TTY_GID, rdev: makeDev(5, 0) };
  }
}

/** Returns the file for guest fd 0 (O_RDONLY), 1 or 2 (O_WRONLY) on the host's stdio. */
export function createStdioFile(stdio: HostStdio, fd: 0 | 1 | 2): OpenFile {
  return new StdioFile(stdio, fd, fd === 0 ? O_RDONLY : O_WRONLY);
}

/** Returns /dev/tty on the host terminal (assumes host.isatty(0)); flags are the open flags. */
export function createTtyFile(stdio: HostStdio, flags: number): OpenFile {
  return new TtyDeviceFile(stdio, 0, flags);
}
