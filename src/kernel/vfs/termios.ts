// Terminal ioctl ABI: the kernel struct termios and struct winsize layouts, tty ioctl numbers,
// and the default settings a fresh Linux pty has (include/uapi/asm-generic/{termbits,ioctls}.h).
/** tty ioctl request numbers (asm-generic/ioctls.h). */
export const TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404, TCSBRK = 0x5409,
  TCXONC = 0x540a, TCFLSH = 0x540b, TIOCSCTTY = 0x540e, TIOCGPGRP = 0x540f, TIOCSPGRP = 0x5410,
  TIOCOUTQ = 0x5411, TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414, FIONREAD = 0x541b, FIONBIO = 0x5421,
  TIOCNOTTY = 0x5422, TIOCGSID = 0x5429;

/** Control characters in c_cc (NCCS in asm-generic/termbits.h). */
export const NCCS = 19;
/** sizeof(struct termios) for the kernel's TCGETS: 4 tcflag_t + c_line + c_cc[19]. */
export const TERMIOS_SIZE = 4 * 4 + 1 + NCCS;
/** sizeof(struct winsize): four unsigned shorts. */
export const WINSIZE_SIZE = 8;

/** c_cc indices (asm-generic/termbits.h). */
export const VINTR = 0, VQUIT = 1, VERASE = 2, VKILL = 3, VEOF = 4, VTIME = 5, VMIN = 6, VSWTC = 7,
  VSTART = 8, VSTOP = 9, VSUSP = 10, VEOL = 11, VREPRINT = 12, VDISCARD = 13, VWERASE = 14,
  VLNEXT = 15, VEOL2 = 16;

/** Flag bits used by the defaults (asm-generic/termbits{,-common}.h). */
export const BRKINT = 0x002, ICRNL = 0x100, IXON = 0x400, IMAXBEL = 0x2000, IUTF8 = 0x4000;
export const OPOST = 0x01, ONLCR = 0x04;
export const B38400 = 0x0f, CS8 = 0x30, CREAD = 0x80, HUPCL = 0x400;
export const ISIG = 0x1, ICANON = 0x2, ECHO = 0x8, ECHOE = 0x10, ECHOK = 0x20, ECHOCTL = 0x200,
  ECHOKE = 0x800, IEXTEN = 0x8000;
/** c_lflag TOSTOP: a background process group's write raises SIGTTOU. */
export const TOSTOP = 0x100;

/** The kernel struct termios, as TCGETS/TCSETS copy it. */
export interface Termios {
  iflag: number;
  oflag: number;
  cflag: number;
  lflag: number;
  line: number;
  cc: Uint8Array; // NCCS bytes
}

/** Returns the settings of a freshly opened Linux pty (what `stty -a` shows in a new terminal). */
export function defaultTermios(): Termios {
  const cc = new Uint8Array(NCCS);
  cc[VINTR] = 0x03; // ^C
  cc[VQUIT] = 0x1c; // ^\
  cc[VERASE] = 0x7f; // DEL
  cc[VKILL] = 0x15; // ^U
  cc[VEOF] = 0x04; // ^D
  cc[VTIME] = 0;
  cc[VMIN] = 1;
  cc[VSTART] = 0x11; // ^Q
  cc[VSTOP] = 0x13; // ^S
  cc[VSUSP] = 0x1a; // ^Z
  cc[VREPRINT] = 0x12; // ^R
  cc[VDISCARD] = 0x0f; // ^O
  cc[VWERASE] = 0x17; // ^W
  cc[VLNEXT] = 0x16; // ^V
  return {
    iflag: BRKINT | ICRNL | IXON | IMAXBEL | IUTF8,
    oflag: OPOST | ONLCR,
    cflag: B38400 | CS8 | CREAD | HUPCL,
    lflag: ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
    line: 0,
    cc,
  };
}

/** Returns the TERMIOS_SIZE-byte little-endian image of tio, as TCGETS writes it. */
export function encodeTermios(tio: Termios): Uint8Array {
  const out = new Uint8Array(TERMIOS_SIZE);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, tio.iflag >>> 0, true);
  dv.setUint32(4, tio.oflag >>> 0, true);
  dv.setUint32(8, tio.cflag >>> 0, true);
  dv.setUint32(12, tio.lflag >>> 0, true);
  out[16] = tio.line & 0xff;
  out.set(tio.cc.subarray(0, NCCS), 17);
  return out;
}

/** Returns the termios decoded from a TERMIOS_SIZE-byte image (assumes bytes.length >= TERMIOS_SIZE). */
export function decodeTermios(bytes: Uint8Array): Termios {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, TERMIOS_SIZE);
  return {
    iflag: dv.getUint32(0, true),
    oflag: dv.getUint32(4, true),
    cflag: dv.getUint32(8, true),
    lflag: dv.getUint32(12, true),
    line: bytes[16]!,
    cc: bytes.slice(17, 17 + NCCS),
  };
}

/** Returns the 8-byte struct winsize {ws_row, ws_col, ws_xpixel, ws_ypixel} image. */
export function encodeWinsize(rows: number, cols: number): Uint8Array {
  const out = new Uint8Array(WINSIZE_SIZE);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, rows & 0xffff, true);
  dv.setUint16(2, cols & 0xffff, true);
  return out;
}

/** Size reported for a terminal whose host size is unknown (the VT100 default). */
export const DEFAULT_ROWS = 24, DEFAULT_COLS = 80;

/**
 * The state of the one host terminal: what TCSETS stored, a TIOCSWINSZ override, and the job
 * control state Linux keeps in tty->ctrl: the session it is the controlling terminal of and its
 * foreground process group (0 for none).
 */
export interface TerminalState {
  termios: Termios;
  winsize: { rows: number; cols: number } | null;
  session: number;
  pgrp: number;
}
