// Signals: numbers, siginfo (and its 128-byte encoding) and default actions. Generation and
// delivery (signal_deliver.ts) build on this; see abi-riscv64.md §3.

export const SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7,
  SIGFPE = 8, SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14,
  SIGTERM = 15, SIGSTKFLT = 16, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21,
  SIGTTOU = 22, SIGURG = 23, SIGXCPU = 24, SIGXFSZ = 25, SIGVTALRM = 26, SIGPROF = 27, SIGWINCH = 28,
  SIGIO = 29, SIGPWR = 30, SIGSYS = 31;
/** _NSIG: signals are 1..64. */
export const NSIG = 64;

export const SEGV_MAPERR = 1, SEGV_ACCERR = 2, BUS_ADRALN = 1, BUS_ADRERR = 2, ILL_ILLOPC = 1, TRAP_BRKPT = 1;
/** si_code values (include/uapi/asm-generic/siginfo.h). */
export const SI_USER = 0, SI_KERNEL = 0x80, SI_QUEUE = -1, SI_TIMER = -2, SI_MESGQ = -3, SI_ASYNCIO = -4,
  SI_SIGIO = -5, SI_TKILL = -6;
export const CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3, CLD_STOPPED = 5, CLD_CONTINUED = 6;
/** Size of siginfo_t. */
export const SIGINFO_SIZE = 128;

/**
 * A signal's siginfo. Which union fields are meaningful depends on signo and code (§3.8):
 * kill/tkill/sigqueue use pid, uid, value; POSIX timers timerid, overrun, value; SIGCHLD pid,
 * uid, status, utime, stime; faults addr; SIGPOLL band, fd.
 */
export interface SigInfo {
  signo: number;
  code: number;
  errno?: number;
  pid?: number;
  uid?: number;
  /** si_value (sigval: int or pointer), 8 bytes at offset 24. */
  value?: bigint;
  timerid?: number;
  overrun?: number;
  addr?: number;
  status?: number;
  utime?: bigint;
  stime?: bigint;
  band?: bigint;
  fd?: number;
}

/** Encodes a siginfo into the 128-byte riscv64 siginfo_t layout (§3.8). */
export function encodeSigInfo(info: SigInfo): Uint8Array {
  const b = new Uint8Array(SIGINFO_SIZE);
  const dv = new DataView(b.buffer);
  dv.setInt32(0, info.signo, true);
  dv.setInt32(4, info.errno ?? 0, true);
  dv.setInt32(8, info.code, true);
  if (info.addr !== undefined) { dv.setBigUint64(16, BigInt(info.addr), true); return b; }
  if (info.band !== undefined) { dv.setBigInt64(16, info.band, true); dv.setInt32(24, info.fd ?? 0, true); return b; }
  if (info.timerid !== undefined) {
    dv.setInt32(16, info.timerid, true);
    dv.setInt32(20, info.overrun ?? 0, true);
  } else {
    dv.setInt32(16, info.pid ?? 0, true);
    dv.setUint32(20, info.uid ?? 0, true);
  }
  if (info.status !== undefined) {
    dv.setInt32(24, info.status, true);
    dv.setBigInt64(32, info.utime ?? 0n, true);
    dv.setBigInt64(40, info.stime ?? 0n, true);
  } else if (info.value !== undefined) {
    dv.setBigUint64(24, BigInt.asUintN(64, info.value), true);
  }
  return b;
}

/** Decodes a guest siginfo_t (for rt_sigqueueinfo): the fields a sender may set. */
export function decodeSigInfo(b: Uint8Array): SigInfo {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return {
    signo: dv.getInt32(0, true), errno: dv.getInt32(4, true), code: dv.getInt32(8, true),
    pid: dv.getInt32(16, true), uid: dv.getUint32(20, true), value: dv.getBigUint64(24, true),
  };
}

export const enum DefaultAction {
  Terminate,
  Core,
  Ignore,
  Stop,
  Continue,
}

/** Default action of a signal (signal(7)); real-time signals terminate. */
export function defaultAction(sig: number): DefaultAction {
  switch (sig) {
    case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS: case SIGFPE: case SIGSEGV:
    case SIGXCPU: case SIGXFSZ: case SIGSYS:
      return DefaultAction.Core;
    case SIGCHLD: case SIGURG: case SIGWINCH:
      return DefaultAction.Ignore;
    case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
      return DefaultAction.Stop;
    case SIGCONT:
      return DefaultAction.Continue;
    default:
      return DefaultAction.Terminate;
  }
}
