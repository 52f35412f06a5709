// Signal syscalls: dispositions and masks are recorded exactly; signals sent to the process apply
// their default action (terminate, core, ignore). Running handlers needs signal delivery, which
// builds on this (see README, deviations).
import { EINVAL, ENOMEM, EPERM, ESRCH } from '../errno.js';
import { signalName } from '../strace.js';
import { NSIG, SIGKILL, SIGSTOP, signalFatal, DefaultAction, defaultAction } from '../signal.js';
import type { Task } from '../task.js';
import type { SyscallDef, SysArgs } from './types.js';

/** The kernel sigset is 8 bytes on riscv64 (_NSIG / 8). */
const SIGSET_SIZE = 8;
/** sa_flags bits Linux accepts on riscv (uapi asm-generic/signal-defs.h); others are dropped on readback. */
const SA_KNOWN = 0x1n | 0x2n | 0x4n | 0x8000000n | 0x10000000n | 0x40000000n | 0x80000000n | 0x800n;
const SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;
const UNBLOCKABLE = (1n << BigInt(SIGKILL - 1)) | (1n << BigInt(SIGSTOP - 1));
const SS_ONSTACK = 1, SS_DISABLE = 2, SS_AUTODISARM = 1 << 31;
/** Linux's MINSIGSTKSZ check in sigaltstack. */
const MINSIGSTKSZ = 2048;

/** rt_sigaction(sig, act, oact, sigsetsize) */
function sysRtSigaction(t: Task, a: SysArgs): number {
  const sig = a.int(0), act = a.addr(1), oact = a.addr(2);
  if (a.num(3) !== SIGSET_SIZE) return -EINVAL;
  if (sig < 1 || sig > NSIG) return -EINVAL;
  if (act !== 0 && (sig === SIGKILL || sig === SIGSTOP)) return -EINVAL;
  const mem = t.mm.mem;
  const cur = t.tg.actions[sig]!;
  let next = null;
  if (act !== 0) {
    next = { handler: mem.readBig64(act), flags: mem.readBig64(act + 8), mask: mem.readBig64(act + 16) & ~UNBLOCKABLE };
  }
  if (oact !== 0) {
    mem.writeBig64(oact, cur.handler);
    mem.writeBig64(oact + 8, cur.flags & SA_KNOWN);
    mem.writeBig64(oact + 16, cur.mask);
  }
  if (next !== null) t.tg.actions[sig] = next;
  return 0;
}

/** rt_sigprocmask(how, set, oset, sigsetsize) */
function sysRtSigprocmask(t: Task, a: SysArgs): number {
  const how = a.int(0), set = a.addr(1), oset = a.addr(2);
  if (a.num(3) !== SIGSET_SIZE) return -EINVAL;
  const mem = t.mm.mem;
  let next = t.sigmask;
  if (set !== 0) {
    const s = mem.readBig64(set);
    if (how === SIG_BLOCK) next = t.sigmask | s;
    else if (how === SIG_UNBLOCK) next = t.sigmask & ~s;
    else if (how === SIG_SETMASK) next = s;
    else return -EINVAL;
  }
  if (oset !== 0) mem.writeBig64(oset, t.sigmask);
  t.sigmask = next & ~UNBLOCKABLE;
  return 0;
}

/** rt_sigpending(set, sigsetsize) */
function sysRtSigpending(t: Task, a: SysArgs): number {
  if (a.num(1) > SIGSET_SIZE) return -EINVAL;
  t.mm.mem.writeBig64(a.addr(0), (t.sigpending | t.tg.sharedPending) & t.sigmask);
  return 0;
}

/** sigaltstack(ss, old_ss) */
function sysSigaltstack(t: Task, a: SysArgs): number {
  const ss = a.addr(0), old = a.addr(1), mem = t.mm.mem;
  let next = null;
  if (ss !== 0) {
    const sp = mem.readU64(ss), flags = mem.readI32(ss + 8), size = mem.readU64(ss + 16);
    const mode = flags & ~SS_AUTODISARM;
    if (mode !== 0 && mode !== SS_DISABLE && mode !== SS_ONSTACK) return -EINVAL;
    if (onAltStack(t)) return -EPERM;
    if (mode === SS_DISABLE) next = { sp: 0, flags: SS_DISABLE, size: 0 };
    else {
      if (size < MINSIGSTKSZ) return -ENOMEM;
      next = { sp, flags, size };
    }
  }
  if (old !== 0) {
    const cur = t.altstack;
    mem.writeU64(old, cur.sp);
    mem.writeI32(old + 8, onAltStack(t) ? SS_ONSTACK : cur.flags);
    mem.writeU64(old + 16, cur.size);
  }
  if (next !== null) t.altstack = next;
  return 0;
}

/** True if t's sp is inside its enabled alternate signal stack. */
function onAltStack(t: Task): boolean {
  const s = t.altstack;
  if (s.flags & SS_DISABLE) return false;
  const sp = t.hart.getX(2);
  return sp > s.sp && sp - s.sp <= s.size;
}

/** Sends sig to task target: the default action now; a handler or a block leaves it pending. */
export function sendSignal(target: Task, sig: number, threadDirected: boolean): void {
  if (sig === 0) return;
  const bit = 1n << BigInt(sig - 1);
  const act = target.tg.actions[sig]!;
  if (sig !== SIGKILL && act.handler === 1n) return; // SIG_IGN
  if (sig !== SIGKILL && act.handler === 0n && defaultAction(sig) === DefaultAction.Ignore) return;
  if (sig !== SIGKILL && ((target.sigmask & bit) !== 0n || act.handler > 1n)) {
    if (threadDirected) target.sigpending |= bit;
    else target.tg.sharedPending |= bit;
    return;
  }
  target.kernel.trace(target, `--- ${signalName(sig)} {si_signo=${signalName(sig)}, si_code=${threadDirected ? 'SI_TKILL' : 'SI_USER'}, si_pid=${target.tg.pid}, si_uid=${target.kernel.host.uid()}} ---`);
  signalFatal(target, sig);
}


/** kill(pid, sig): only this process exists, so pid must name it (or be 0 / -1 / -pgid). */
function sysKill(t: Task, a: SysArgs): number {
  const pid = a.int(0), sig = a.int(1);
  if (sig < 0 || sig > NSIG) return -EINVAL;
  if (pid !== t.tg.pid && pid !== 0 && pid !== -1 && pid !== -t.tg.pid) return -ESRCH;
  sendSignal(t, sig, false);
  return 0;
}

/** tkill(tid, sig) */
function sysTkill(t: Task, a: SysArgs): number {
  const tid = a.int(0), sig = a.int(1);
  if (sig < 0 || sig > NSIG || tid <= 0) return -EINVAL;
  const target = t.kernel.tasks.get(tid);
  if (target === undefined) return -ESRCH;
  sendSignal(target, sig, true);
  return 0;
}

/** tgkill(tgid, tid, sig) */
function sysTgkill(t: Task, a: SysArgs): number {
  const tgid = a.int(0), tid = a.int(1), sig = a.int(2);
  if (sig < 0 || sig > NSIG || tid <= 0 || tgid <= 0) return -EINVAL;
  const target = t.kernel.tasks.get(tid);
  if (target === undefined || target.tg.pid !== tgid) return -ESRCH;
  sendSignal(target, sig, true);
  return 0;
}

export const defs: SyscallDef[] = [
  { nr: 134, name: 'rt_sigaction', handler: sysRtSigaction, status: 'partial', note: 'dispositions recorded; handlers run once signal delivery lands', args: ['signal', 'ptr', 'ptr', 'size'] },
  { nr: 135, name: 'rt_sigprocmask', handler: sysRtSigprocmask, status: 'full', args: ['int', 'sigset', 'ptr', 'size'] },
  { nr: 136, name: 'rt_sigpending', handler: sysRtSigpending, status: 'full', args: ['ptr', 'size'] },
  { nr: 132, name: 'sigaltstack', handler: sysSigaltstack, status: 'full', args: ['ptr', 'ptr'] },
  { nr: 129, name: 'kill', handler: sysKill, status: 'partial', note: 'single process: default actions apply; caught signals stay pending', args: ['int', 'signal'] },
  { nr: 130, name: 'tkill', handler: sysTkill, status: 'partial', note: 'default actions apply; caught signals stay pending', args: ['int', 'signal'] },
  { nr: 131, name: 'tgkill', handler: sysTgkill, status: 'partial', note: 'default actions apply; caught signals stay pending', args: ['int', 'int', 'signal'] },
  { nr: 139, name: 'rt_sigreturn', status: 'enosys', note: 'needs signal delivery' },
  { nr: 133, name: 'rt_sigsuspend', status: 'enosys', note: 'needs signal delivery' },
  { nr: 137, name: 'rt_sigtimedwait', status: 'enosys', note: 'needs signal delivery' },
];
