// Signals: numbers, default actions, and the siginfo of synchronous faults.
// Full delivery (frames, handlers, restart) builds on this; see abi-riscv64.md §3.
import { Stop } from '../cpu/hart.js';
import { PAGE_MAPPED } from '../mem/guest_memory.js';
import type { Task } from './task.js';

export const SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7,
  SIGFPE = 8, SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14,
  SIGTERM = 15, SIGSTKFLT = 16, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21,
  SIGTTOU = 22, SIGURG = 23, SIGXCPU = 24, SIGXFSZ = 25, SIGVTALRM = 26, SIGPROF = 27, SIGWINCH = 28,
  SIGIO = 29, SIGPWR = 30, SIGSYS = 31;
/** _NSIG: signals are 1..64. */
export const NSIG = 64;

export const SEGV_MAPERR = 1, SEGV_ACCERR = 2, BUS_ADRALN = 1;

/** The part of siginfo that the kernel fills for a signal it generates. */
export interface SigInfo {
  signo: number;
  code: number;
  /** si_addr for fault signals (SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE). */
  addr: number;
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

/** Builds the siginfo for a memory fault or misaligned atomic that stopped t's hart. */
export function faultSignal(t: Task, stop: Stop): SigInfo {
  const h = t.hart;
  if (stop === Stop.Misaligned) return { signo: SIGBUS, code: BUS_ADRALN, addr: h.faultAddr };
  const addr = h.faultAddr;
  const mapped = addr < 2 ** 32 && (t.mm.mem.prot[Math.floor(addr / 4096)]! & PAGE_MAPPED) !== 0;
  return { signo: SIGSEGV, code: mapped ? SEGV_ACCERR : SEGV_MAPERR, addr };
}

/**
 * Applies the default action of sig to t's process: terminate (with a core flag for the core
 * signals); ignore-by-default signals and stop/continue do nothing yet.
 */
export function signalFatal(t: Task, sig: number): void {
  const act = defaultAction(sig);
  if (act === DefaultAction.Terminate || act === DefaultAction.Core || sig === SIGKILL) {
    t.kernel.exitGroup(t.tg, 128 + sig, sig, act === DefaultAction.Core);
  }
}
