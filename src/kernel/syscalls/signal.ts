// Signal syscalls: dispositions, masks, the alternate stack, sending (with the siginfo each sender
// must fill, §3.8), waiting (sigsuspend, sigtimedwait), rt_sigreturn and restart_syscall.
import { EAGAIN, EINTR, EINVAL, ENOMEM, EPERM, ERESTARTNOHAND, ESRCH } from '../../abi/errno.js';
import { decodeSigInfo, NSIG, SI_TKILL, SI_USER, SIGINFO_SIZE, SIGKILL, SIGSEGV, SIGSTOP,
  encodeSigInfo, type SigInfo } from '../signal.js';
import { dequeueSignal, forceSignal } from '../signal_deliver.js';
import { onSigStack, restoreFrame, SS_AUTODISARM, SS_DISABLE, SS_ONSTACK } from '../signal_frame.js';
import { sigbit } from '../signal_queue.js';
import { readTimespec, timespecToNs, timespecValid } from '../structs.js';
import { Blocked, type Request } from '../request.js';
import { type Task, TaskState, type ThreadGroup } from '../task.js';
import { killSomething, mayKill, processByPid } from '../process/kill.js';
import { RLIMIT_SIGPENDING, rlimitGet } from './rlimit.js';
import { deadlinePassed, monotonicDeadline } from '../time/deadline.js';
import { REGS_SET, type SyscallDef, type SysArgs, type SysResult } from './types.js';

/** The kernel sigset is 8 bytes on riscv64 (_NSIG / 8). */
const SIGSET_SIZE = 8;
/** sa_flags bits Linux keeps on riscv (uapi asm-generic/signal-defs.h); others are dropped on readback. */
const SA_KNOWN = 0x1n | 0x2n | 0x4n | 0x800n | 0x8000000n | 0x10000000n | 0x40000000n | 0x80000000n;
const SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;
const UNBLOCKABLE = sigbit(SIGKILL) | sigbit(SIGSTOP);
/** Linux's MINSIGSTKSZ check in sigaltstack. */
const MINSIGSTKSZ = 2048;
const SIG_IGN = 1n, SIG_DFL = 0n;

const validSig = (sig: number): boolean => sig >= 1 && sig <= NSIG;

/** rt_sigaction(sig, act, oact, sigsetsize) */
function sysRtSigaction(t: Task, a: SysArgs): number {
  const sig = a.int(0), act = a.addr(1), oact = a.addr(2);
  if (a.num(3) !== SIGSET_SIZE || !validSig(sig)) return -EINVAL;
  if (act !== 0 && (sig === SIGKILL || sig === SIGSTOP)) return -EINVAL;
  const mem = t.mm.mem;
  const cur = t.tg.actions[sig]!;
  let next = null;
  if (act !== 0) {
    next = { handler: mem.readBig64(act), flags: mem.readBig64(act + 8) & SA_KNOWN, mask: mem.readBig64(act + 16) & ~UNBLOCKABLE };
  }
  if (oact !== 0) {
    mem.writeBig64(oact, cur.handler);
    mem.writeBig64(oact + 8, cur.flags);
    mem.writeBig64(oact + 16, cur.mask);
  }
  if (next !== null) {
    t.tg.actions[sig] = next;
    // Setting an ignoring disposition discards what is pending (POSIX; Linux does it too).
    const dflIgnore = sig === 17 || sig === 23 || sig === 28 || sig === 18;
    if (next.handler === SIG_IGN || (next.handler === SIG_DFL && dflIgnore)) {
      t.tg.shared.discard(sigbit(sig));
      for (const x of t.tg.tasks) x.pending.discard(sigbit(sig));
    }
  }
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

/** rt_sigpending(set, sigsetsize): pending signals that are blocked. */
function sysRtSigpending(t: Task, a: SysArgs): number {
  if (a.num(1) > SIGSET_SIZE) return -EINVAL;
  t.mm.mem.writeBig64(a.addr(0), (t.pending.mask | t.tg.shared.mask) & t.sigmask);
  return 0;
}

/** Applies a new alternate stack as sigaltstack does; returns 0 or -errno. */
export function setAltstack(t: Task, sp: number, flags: number, size: number): number {
  const mode = flags & ~SS_AUTODISARM;
  if (mode !== 0 && mode !== SS_DISABLE && mode !== SS_ONSTACK) return -EINVAL;
  if (onSigStack(t, t.hart.getX(2))) return -EPERM;
  if (mode === SS_DISABLE) { t.altstack = { sp: 0, flags: SS_DISABLE, size: 0 }; return 0; }
  if (size < MINSIGSTKSZ) return -ENOMEM;
  t.altstack = { sp, flags: flags & SS_AUTODISARM, size };
  return 0;
}

/** sigaltstack(ss, old_ss) */
function sysSigaltstack(t: Task, a: SysArgs): number {
  const ss = a.addr(0), old = a.addr(1), mem = t.mm.mem;
  let req: [number, number, number] | null = null;
  if (ss !== 0) req = [mem.readU64(ss), mem.readI32(ss + 8), mem.readU64(ss + 16)];
  if (old !== 0) {
    const cur = t.altstack, sp = t.hart.getX(2);
    mem.writeU64(old, cur.sp);
    mem.writeI32(old + 8, (cur.size === 0 ? SS_DISABLE : onSigStack(t, sp) ? SS_ONSTACK : 0) | (cur.flags & SS_AUTODISARM));
    mem.writeU64(old + 16, cur.size);
  }
  return req === null ? 0 : setAltstack(t, ...req);
}

/** The siginfo a user-space sender produces (kill: SI_USER, tkill/tgkill: SI_TKILL). */
function userInfo(t: Task, sig: number, code: number): SigInfo {
  return { signo: sig, code, pid: t.tg.pid, uid: t.tg.cred.ruid };
}

/** kill(pid, sig): one process (pid > 0), the caller's group (0), every other process (-1), or group -pid. */
function sysKill(t: Task, a: SysArgs): number {
  const pid = a.int(0), sig = a.int(1);
  if (sig < 0 || sig > NSIG) return -EINVAL;
  return killSomething(t, pid, userInfo(t, sig, SI_USER));
}

/** Finds a live task by tid (and, if tgid > 0, in that thread group). */
function findThread(t: Task, tid: number, tgid: number): Task | null {
  const x = t.kernel.tasks.get(tid);
  if (x === undefined || x.state === TaskState.Exited || (tgid > 0 && x.tg.pid !== tgid)) return null;
  return x;
}

/** First real-time signal number (SIGRTMIN in the kernel's numbering). */
const SIGRTMIN = 32;

/**
 * True if queuing real-time signal sig for target would exceed RLIMIT_SIGPENDING: the signals
 * pending for every process of target's real user, against target's limit (Linux counts per user
 * and refuses a queued real-time signal with EAGAIN; standard signals override the limit).
 */
function sigpendingFull(t: Task, target: ThreadGroup, sig: number): boolean {
  if (sig < SIGRTMIN) return false;
  const uid = target.cred.ruid;
  let n = 0;
  for (const x of t.kernel.tasks.values()) {
    if (x.tg.cred.ruid !== uid || x.state === TaskState.Exited) continue;
    n += x.pending.length;
    if (x.tg.tasks[0] === x) n += x.tg.shared.length;
  }
  return BigInt(n) >= rlimitGet(target, RLIMIT_SIGPENDING)[0];
}

/** tkill(tid, sig) */
function sysTkill(t: Task, a: SysArgs): number {
  const tid = a.int(0), sig = a.int(1);
  if (sig < 0 || sig > NSIG || tid <= 0) return -EINVAL;
  const target = findThread(t, tid, 0);
  if (target === null) return -ESRCH;
  if (!mayKill(t, target.tg, sig)) return -EPERM;
  if (sigpendingFull(t, target.tg, sig)) return -EAGAIN;
  if (sig !== 0) t.kernel.signalTask(target, userInfo(t, sig, SI_TKILL));
  return 0;
}

/** tgkill(tgid, tid, sig) */
function sysTgkill(t: Task, a: SysArgs): number {
  const tgid = a.int(0), tid = a.int(1), sig = a.int(2);
  if (sig < 0 || sig > NSIG || tid <= 0 || tgid <= 0) return -EINVAL;
  const target = findThread(t, tid, tgid);
  if (target === null) return -ESRCH;
  if (!mayKill(t, target.tg, sig)) return -EPERM;
  if (sigpendingFull(t, target.tg, sig)) return -EAGAIN;
  if (sig !== 0) t.kernel.signalTask(target, userInfo(t, sig, SI_TKILL));
  return 0;
}

/** Reads a sender-supplied siginfo; a caller may not forge kernel or tkill codes for another process. */
function queuedInfo(t: Task, sig: number, uinfo: number, targetPid: number): SigInfo | number {
  const info = decodeSigInfo(t.mm.mem.read(uinfo, SIGINFO_SIZE));
  if ((info.code >= 0 || info.code === SI_TKILL) && targetPid !== t.tg.pid) return -EPERM;
  return { ...info, signo: sig };
}

/** rt_sigqueueinfo(tgid, sig, uinfo) */
function sysRtSigqueueinfo(t: Task, a: SysArgs): number {
  const pid = a.int(0), sig = a.int(1);
  if (!validSig(sig) && sig !== 0) return -EINVAL;
  const info = queuedInfo(t, sig, a.addr(2), pid);
  if (typeof info === 'number') return info;
  const tg = pid > 0 ? processByPid(t, pid) : undefined;
  if (tg === undefined) return -ESRCH;
  if (!mayKill(t, tg, sig)) return -EPERM;
  if (sigpendingFull(t, tg, sig)) return -EAGAIN;
  if (sig !== 0) t.kernel.signalGroup(tg, info);
  return 0;
}

/** rt_tgsigqueueinfo(tgid, tid, sig, uinfo) */
function sysRtTgsigqueueinfo(t: Task, a: SysArgs): number {
  const tgid = a.int(0), tid = a.int(1), sig = a.int(2);
  if ((!validSig(sig) && sig !== 0) || tgid <= 0 || tid <= 0) return -EINVAL;
  const target = findThread(t, tid, tgid);
  if (target === null) return -ESRCH;
  const info = queuedInfo(t, sig, a.addr(3), tgid);
  if (typeof info === 'number') return info;
  if (!mayKill(t, target.tg, sig)) return -EPERM;
  if (sigpendingFull(t, target.tg, sig)) return -EAGAIN;
  if (sig !== 0) t.kernel.signalTask(target, info);
  return 0;
}

/** rt_sigsuspend(mask, sigsetsize): waits for a signal with a temporary mask; returns -EINTR. */
function sysRtSigsuspend(t: Task, a: SysArgs, r: Request): SysResult {
  if (a.num(1) !== SIGSET_SIZE) return -EINVAL;
  if (!r.resumed) t.setTemporarySigmask(t.mm.mem.readBig64(a.addr(0)));
  return r.block([], ERESTARTNOHAND);
}

/** rt_sigtimedwait(set, info, timeout, sigsetsize): the signal taken, -EAGAIN on timeout, or -EINTR. */
function sysRtSigtimedwait(t: Task, a: SysArgs, r: Request): SysResult {
  if (a.num(3) !== SIGSET_SIZE) return -EINVAL;
  const mem = t.mm.mem;
  const set = mem.readBig64(a.addr(0)) & ~UNBLOCKABLE;
  const tsp = a.addr(2);
  if (!r.resumed && tsp !== 0) {
    const ts = readTimespec(mem, tsp);
    if (!timespecValid(ts)) return -EINVAL;
    r.deadline = monotonicDeadline(t.kernel.monotonicNs() + timespecToNs(ts));
  }
  t.sigwaitSet = 0n;
  const info = dequeueSignal(t, set);
  if (info !== null) {
    const out = a.addr(1);
    if (out !== 0) mem.write(out, encodeSigInfo(info));
    return info.signo;
  }
  if (r.deadline !== null && deadlinePassed(t.kernel, r.deadline)) return -EAGAIN;
  t.sigwaitSet = set;
  return r.block([], EINTR, () => { t.sigwaitSet = 0n; return -EINTR; });
}

/** rt_sigreturn(): restores the interrupted context from the frame at sp; a bad frame is SIGSEGV. */
function sysRtSigreturn(t: Task): SysResult {
  t.restartBlock = null;
  if (!restoreFrame(t, (sp, flags, size) => {
    const r = setAltstack(t, sp, flags, size);
    return r === -EPERM || r === -EINVAL || r === -ENOMEM ? 0 : r;
  })) {
    // Linux forces SIGSEGV; the context stays as it was, past the ecall.
    forceSignal(t, { signo: SIGSEGV, code: 0x80 });
    t.hart.pc += 4;
    return REGS_SET;
  }
  return REGS_SET;
}

/** restart_syscall(): resumes the call recorded in the restart block (nanosleep, futex with timeout...). */
function sysRestartSyscall(t: Task, r: Request): SysResult {
  const fn = t.restartBlock;
  if (fn === null) return -EINTR;
  const res = fn(t, r);
  // Once the resumed call is over there is nothing left to resume (Linux would run fn again).
  if (!(res instanceof Blocked)) t.restartBlock = null;
  return res;
}

export const defs: SyscallDef[] = [
  { nr: 134, name: 'rt_sigaction', handler: sysRtSigaction, status: 'full', args: ['signal', 'ptr', 'ptr', 'size'] },
  { nr: 135, name: 'rt_sigprocmask', handler: sysRtSigprocmask, status: 'full', args: ['sighow', 'sigset', 'ptr', 'size'] },
  { nr: 136, name: 'rt_sigpending', handler: sysRtSigpending, status: 'full', args: ['ptr', 'size'] },
  { nr: 132, name: 'sigaltstack', handler: sysSigaltstack, status: 'full', args: ['ptr', 'ptr'] },
  { nr: 129, name: 'kill', handler: sysKill, status: 'partial', note: 'no init protection for pid 1 (see README)', args: ['int', 'signal'] },
  { nr: 130, name: 'tkill', handler: sysTkill, status: 'full', args: ['int', 'signal'] },
  { nr: 131, name: 'tgkill', handler: sysTgkill, status: 'full', args: ['int', 'int', 'signal'] },
  { nr: 138, name: 'rt_sigqueueinfo', handler: sysRtSigqueueinfo, status: 'full', args: ['int', 'signal', 'ptr'] },
  { nr: 240, name: 'rt_tgsigqueueinfo', handler: sysRtTgsigqueueinfo, status: 'full', args: ['int', 'int', 'signal', 'ptr'] },
  { nr: 133, name: 'rt_sigsuspend', handler: sysRtSigsuspend, status: 'full', args: ['sigset', 'size'] },
  { nr: 137, name: 'rt_sigtimedwait', handler: sysRtSigtimedwait, status: 'full', args: ['sigset', 'ptr', 'ptr', 'size'] },
  { nr: 139, name: 'rt_sigreturn', handler: (t) => sysRtSigreturn(t), status: 'full', args: [] },
  { nr: 128, name: 'restart_syscall', handler: (t, _a, r) => sysRestartSyscall(t, r), status: 'full', args: [] },
];

