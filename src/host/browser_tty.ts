// The browser's terminal line discipline. A Node host reads a real tty whose kernel edits lines,
// echoes and turns Ctrl-C into SIGINT; a page only has keystrokes (xterm.js's onData), so this
// does that job: canonical mode (a line is delivered at Enter, with backspace, Ctrl-U and Ctrl-W
// editing it, Ctrl-D ending input), echo, and the signal characters, all following the termios
// flags the guest set (TCSETS), so a program that turns ICANON or ECHO off gets raw keystrokes.
import { ChunkQueue } from './chunk_queue.js';
import type { HostStdin } from './host.js';

// Linux's termios bits and c_cc indexes (asm-generic/termbits.h), kept here so that the host layer
// does not import the kernel's copy.
const ISIG = 0x1, ICANON = 0x2, ECHO = 0x8, ECHOE = 0x10, ECHOCTL = 0x200;
const VINTR = 0, VQUIT = 1, VERASE = 2, VKILL = 3, VEOF = 4, VWERASE = 14;
/** Signal numbers a terminal sends (asm-generic/signal.h). */
const SIGINT = 2, SIGQUIT = 3;
/** What a terminal without a guest setting uses: ISIG|ICANON|ECHO|ECHOE|ECHOCTL and ^C ^\ DEL ^U ^D ^W. */
const DEFAULT_LFLAG = ISIG | ICANON | ECHO | ECHOE | ECHOCTL;
const DEFAULT_CC: readonly number[] = (() => {
  const cc = new Array<number>(19).fill(0);
  cc[VINTR] = 0x03; cc[VQUIT] = 0x1c; cc[VERASE] = 0x7f; cc[VKILL] = 0x15; cc[VEOF] = 0x04; cc[VWERASE] = 0x17;
  return cc;
})();
/** Longest line canonical mode holds (Linux's N_TTY_BUF_SIZE); further characters are dropped. */
const MAX_CANON = 4096;

/** The termios fields the line discipline reads: local flags and the control characters. */
export interface LineSettings {
  lflag: number;
  cc: ArrayLike<number>;
}

/** Where the line discipline sends its effects. */
export interface TtySinks {
  /** Echo back to the terminal's screen. */
  echo(bytes: Uint8Array): void;
  /** A signal character was typed (Linux signal number). */
  signal(signo: number): void;
}

/**
 * Terminal input for the guest's fd 0: keystrokes go in through input(), edited per the guest's
 * termios, and come out through the HostStdin the kernel reads. Ctrl-D on an empty line makes one
 * read return 0 (end of file for that read, as on a tty), not a permanent end.
 */
export class BrowserTty implements HostStdin {
  private line: number[] = [];
  private readonly ready = new ChunkQueue();
  /** An end-of-file mark (Ctrl-D on an empty line) the next read consumes. */
  private eofMark = false;
  /** Permanent end of input (end()): the page closed the terminal's input. */
  private ended = false;
  private callbacks: (() => void)[] = [];

  /** settings: the guest's current termios (null: a terminal's defaults). */
  constructor(private readonly sinks: TtySinks, private readonly settings: () => LineSettings | null = () => null) {}

  /** Types text (UTF-8 encoded) as the keyboard would. */
  input(text: string | Uint8Array): void {
    const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
    const s = this.settings();
    const lflag = s?.lflag ?? DEFAULT_LFLAG;
    const cc = s?.cc ?? DEFAULT_CC;
    const raw: number[] = [];
    for (const b of bytes) {
      if ((lflag & ISIG) !== 0 && (b === cc[VINTR] || b === cc[VQUIT])) {
        this.line = [];
        if ((lflag & ECHO) !== 0 && (lflag & ECHOCTL) !== 0) this.sinks.echo(new Uint8Array([0x5e, b + 0x40, 0x0d, 0x0a]));
        this.sinks.signal(b === cc[VINTR] ? SIGINT : SIGQUIT);
        continue;
      }
      if ((lflag & ICANON) === 0) {
        raw.push(b);
        if ((lflag & ECHO) !== 0) this.sinks.echo(new Uint8Array([b]));
        continue;
      }
      this.canonical(b, lflag, cc);
    }
    if (raw.length > 0) this.deliver(new Uint8Array(raw));
  }

  /** One byte in canonical mode: editing characters change the line, Enter and Ctrl-D deliver it. */
  private canonical(b: number, lflag: number, cc: ArrayLike<number>): void {
    const echo = (lflag & ECHO) !== 0;
    if (b === cc[VERASE] || b === 0x08) {
      if (this.line.length === 0) return;
      this.eraseChars(1, echo && (lflag & ECHOE) !== 0);
    } else if (b === cc[VKILL]) {
      this.eraseChars(this.line.length, echo);
    } else if (b === cc[VWERASE]) {
      let n = 0;
      while (n < this.line.length && this.line[this.line.length - 1 - n] === 0x20) n++;
      while (n < this.line.length && this.line[this.line.length - 1 - n] !== 0x20) n++;
      this.eraseChars(n, echo);
    } else if (b === cc[VEOF]) {
      if (this.line.length === 0) { this.eofMark = true; this.notify(); return; }
      this.deliverLine();
    } else if (b === 0x0d || b === 0x0a) {
      if (echo) this.sinks.echo(new Uint8Array([0x0d, 0x0a]));
      this.line.push(0x0a);
      this.deliverLine();
    } else if (this.line.length < MAX_CANON) {
      this.line.push(b);
      if (echo) this.sinks.echo(new Uint8Array([b]));
    }
  }

  /** Drops the last n characters of the line (a UTF-8 sequence counts as one), rubbing them out on screen. */
  private eraseChars(n: number, visual: boolean): void {
    for (let k = 0; k < n && this.line.length > 0; k++) {
      while (this.line.length > 1 && (this.line[this.line.length - 1]! & 0xc0) === 0x80) this.line.pop();
      this.line.pop();
      if (visual) this.sinks.echo(new Uint8Array([0x08, 0x20, 0x08]));
    }
  }

  private deliverLine(): void {
    const l = new Uint8Array(this.line);
    this.line = [];
    this.deliver(l);
  }

  private deliver(bytes: Uint8Array): void {
    this.ready.push(bytes);
    this.notify();
  }

  /** Ends input for good (reads return 0 from now on, after what is buffered). */
  end(): void {
    this.ended = true;
    this.notify();
  }

  /** Forgets a half-typed line and undelivered input (a new program starts on the terminal). */
  reset(): void {
    this.line = [];
    this.ready.clear();
    this.eofMark = false;
    this.ended = false;
    this.callbacks = [];
  }

  take(max: number): Uint8Array | null {
    if (this.ready.bytes === 0) {
      if (this.eofMark) { this.eofMark = false; return new Uint8Array(0); }
      return this.ended ? new Uint8Array(0) : null;
    }
    return this.ready.take(max);
  }

  available(): number {
    return this.ready.bytes;
  }

  atEof(): boolean {
    return this.ready.bytes === 0 && (this.eofMark || this.ended);
  }

  request(onData: () => void): void {
    this.callbacks.push(onData);
    if (this.ready.bytes > 0 || this.eofMark || this.ended) queueMicrotask(() => this.notify());
  }

  private notify(): void {
    const cbs = this.callbacks;
    this.callbacks = [];
    for (const cb of cbs) cb();
  }

  close(): void {
    this.callbacks = [];
  }
}
