// clone and clone3: threads (the flag set glibc's pthread_create and Go's runtime use,
// abi-riscv64.md §2.7) and new processes (fork, vfork, posix_spawn; process/fork.ts), with the
// vfork wait (the parent sleeps until the child execs or exits).
import { E2BIG, EFAULT, EINVAL, EPERM } from '../../abi/errno.js';
import { PROT_WRITE } from '../../mem/guest_memory.js';
import { inheritTask } from '../inherit.js';
import { copyProcess } from '../process/fork.js';
import { installPidFd } from './pidfd.js';
import type { Request } from '../request.js';
import { Task, type ThreadGroup } from '../task.js';
import { WaitQueue } from '../wait.js';
import type { SyscallDef, SysArgs, SysResult } from './types.js';

export const CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800,
  CLONE_PIDFD = 0x1000, CLONE_PTRACE = 0x2000, CLONE_VFORK = 0x4000, CLONE_PARENT = 0x8000,
  CLONE_THREAD = 0x10000, CLONE_NEWNS = 0x20000, CLONE_SYSVSEM = 0x40000, CLONE_SETTLS = 0x80000,
  CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000, CLONE_DETACHED = 0x400000,
  CLONE_UNTRACED = 0x800000, CLONE_CHILD_SETTID = 0x1000000, CLONE_IO = 0x80000000;
/** The low byte of clone's flags is the exit signal. */
const CSIGNAL = 0xff;
/** Flags a thread clone may carry; anything else is EINVAL (namespaces, ptrace, ...). */
const THREAD_FLAGS = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
  CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | CLONE_DETACHED |
  CLONE_UNTRACED | CLONE_IO;
/** Flags a new process may carry besides the thread ones (CLONE_PTRACE is accepted and does nothing: no tracer). */
const PROCESS_FLAGS = CLONE_VFORK | CLONE_PARENT | CLONE_PTRACE | CLONE_PIDFD;
/** clone3's flag bit 32: reset handled signals to SIG_DFL in the child. */
const CLONE_CLEAR_SIGHAND = 1n << 32n;
/** Highest signal number (an exit signal above it is never sent). */
const NSIG = 64;
/** struct clone_args sizes: VER0 (64), VER1 (80, set_tid) and VER2 (88, cgroup). */
const CLONE_ARGS_SIZE_VER0 = 64, CLONE_ARGS_SIZE_MAX = 88;
/** clone3 rejects argument structs larger than a page. */
const PAGE = 4096;

interface CloneRequest {
  flags: number;
  stack: number; // child sp, or 0 to inherit
  parentTid: number;
  childTid: number;
  tls: bigint;
  /** Signal the parent gets when a new process exits (0: none). */
  exitSignal: number;
  clearSighand: boolean;
  /** CLONE_PIDFD: where the parent's pidfd for the child goes (clone: parent_tid; clone3: pidfd). */
  pidfdAddr: number;
}

/**
 * Creates a thread or a process as clone would; returns the child's tid, a Blocked marker (the
 * vfork wait), or -errno. Validation follows Linux's copy_process: THREAD needs SIGHAND, SIGHAND
 * needs VM, and NEWNS excludes FS.
 */
function cloneAny(t: Task, r: CloneRequest, req: Request): SysResult {
  const f = r.flags;
  if ((f & CLONE_THREAD) && !(f & CLONE_SIGHAND)) return -EINVAL;
  if ((f & CLONE_SIGHAND) && !(f & CLONE_VM)) return -EINVAL;
  if ((f & CLONE_NEWNS) && (f & CLONE_FS)) return -EINVAL;
  if ((f & ~THREAD_FLAGS & ~PROCESS_FLAGS & ~CSIGNAL) !== 0) return -EINVAL;
  if ((f & CLONE_PIDFD) && (f & (CLONE_DETACHED | CLONE_THREAD))) return -EINVAL;
  if (!(f & CLONE_THREAD)) {
    if (f & CLONE_PIDFD) {
      // The pidfd is stored before the child runs, and a full fd table fails the call first.
      if (!t.mm.mem.accessible(r.pidfdAddr, 4, PROT_WRITE)) return -EFAULT;
      const probe = installPidFd(t, t.tg, false);
      if (probe < 0) return probe;
      t.files.close(probe);
    }
    const child = copyProcess(t, {
      flags: f & ~CSIGNAL & ~CLONE_PIDFD, exitSignal: r.exitSignal <= NSIG ? r.exitSignal : 0, stack: r.stack,
      parentTid: r.parentTid, childTid: r.childTid, tls: r.tls, clearSighand: r.clearSighand,
    });
    if (typeof child === 'number') return child;
    if (f & CLONE_PIDFD) t.mm.mem.writeI32(r.pidfdAddr, installPidFd(t, child.tg, false));
    if (f & CLONE_VFORK) return startVforkWait(t, child.tg, req);
    return child.tid;
  }
  return cloneThread(t, r);
}

/**
 * The vfork parent sleeps until child execs or exits (process/exit.ts's releaseVfork wakes it).
 * Linux's wait is killable only; here every other signal is held back by a temporary full mask
 * (restored on the way back to user space), so a handler cannot run on the shared stack.
 */
function startVforkWait(t: Task, child: ThreadGroup, req: Request): SysResult {
  child.node.vforkDone = new WaitQueue();
  req.state = child;
  t.setTemporarySigmask(~0n);
  return vforkWait(t, req);
}

/** The vfork wait's (re)check: the child's pid once it has let the parent go, else sleep again. */
function vforkWait(_t: Task, req: Request): SysResult {
  const child = req.state as ThreadGroup;
  const q = child.node.vforkDone;
  if (q === null) return child.pid;
  // SIGSTOP cannot be masked: if it interrupts the wait, the call returns the child's pid.
  return req.block([q], 0, () => child.pid);
}

/** Creates a thread (CLONE_THREAD); returns the child's tid or -errno. */
function cloneThread(t: Task, r: CloneRequest): number {
  const f = r.flags;
  const k = t.kernel;
  const mem = t.mm.mem;
  const tid = k.allocTid();
  // The tid stores happen before the child runs; a fault fails the whole call, as in Linux.
  if (f & CLONE_PARENT_SETTID) mem.writeI32(r.parentTid, tid);
  if (f & CLONE_CHILD_SETTID) mem.writeI32(r.childTid, tid);
  const files = f & CLONE_FILES ? t.files : t.files.fork();
  const fs = f & CLONE_FS ? t.fs : t.fs.clone();
  const child = new Task(k, tid, t.tg, files, fs);
  child.hart.copyFrom(t.hart);
  child.hart.pc = t.hart.pc + 4;
  child.hart.setX(10, 0);
  if (r.stack !== 0) child.hart.setX(2, r.stack);
  if (f & CLONE_SETTLS) child.hart.setXBig(4, r.tls);
  inheritTask(t, child, true); // a thread shares the mm (CLONE_VM, no CLONE_VFORK)
  if (f & CLONE_CHILD_CLEARTID) child.clearChildTid = r.childTid;
  k.addTask(child);
  return tid;
}

/** clone(flags, newsp, parent_tid, tls, child_tid): riscv uses CLONE_BACKWARDS order. */
function sysClone(t: Task, a: SysArgs, req: Request): SysResult {
  if (req.resumed) return vforkWait(t, req);
  const flags = a.u32(0);
  // clone() stores the pidfd where the parent's tid would go: both at once is EINVAL.
  if ((flags & CLONE_PIDFD) && (flags & CLONE_PARENT_SETTID)) return -EINVAL;
  return cloneAny(t, {
    flags, stack: a.num(1), parentTid: a.addr(2), tls: a.big(3), childTid: a.addr(4), exitSignal: flags & CSIGNAL,
    clearSighand: false, pidfdAddr: a.addr(2),
  }, req);
}

/** clone3(args, size): the extensible form; the child's sp is stack + stack_size. */
function sysClone3(t: Task, a: SysArgs, req: Request): SysResult {
  if (req.resumed) return vforkWait(t, req);
  const addr = a.addr(0), size = a.num(1);
  if (size < CLONE_ARGS_SIZE_VER0 || size > PAGE) return -EINVAL;
  const mem = t.mm.mem;
  const raw = mem.read(addr, Math.min(size, PAGE));
  // Fields beyond the ones we know must be zero (Linux's copy_struct_from_user: E2BIG).
  for (let i = CLONE_ARGS_SIZE_MAX; i < raw.length; i++) if (raw[i] !== 0) return -E2BIG;
  const dv = new DataView(raw.buffer);
  const rd = (off: number): bigint => (off + 8 <= raw.length ? dv.getBigUint64(off, true) : 0n);
  const flags = rd(0), exitSignal = rd(32), stack = rd(40), stackSize = rd(48), setTidSize = rd(72), cgroup = rd(80);
  if ((flags & ~CLONE_CLEAR_SIGHAND) >> 32n !== 0n) return -EINVAL; // CLONE_INTO_CGROUP is not supported
  if (exitSignal > 64n || (exitSignal & ~BigInt(CSIGNAL)) !== 0n) return -EINVAL;
  if ((stack === 0n) !== (stackSize === 0n)) return -EINVAL;
  if (setTidSize !== 0n) return -EPERM; // choosing tids needs CAP_SYS_ADMIN in the pid namespace
  if (cgroup !== 0n) return -EINVAL;
  const f = Number(flags & 0xffffffffn);
  if (f & CSIGNAL) return -EINVAL; // clone3 passes the exit signal separately
  if ((f & (CLONE_THREAD | CLONE_PARENT)) && exitSignal !== 0n) return -EINVAL;
  // A new process's pidfd is stored before it runs: an unwritable pointer fails the call.
  if ((f & CLONE_PIDFD) && !(f & CLONE_THREAD) && !mem.accessible(Number(rd(8)), 4, PROT_WRITE)) return -EFAULT;
  return cloneAny(t, {
    flags: f, stack: Number(stack + stackSize), parentTid: Number(rd(24)), childTid: Number(rd(16)), tls: rd(56),
    exitSignal: Number(exitSignal), clearSighand: (flags & CLONE_CLEAR_SIGHAND) !== 0n, pidfdAddr: Number(rd(8)),
  }, req);
}

export const defs: SyscallDef[] = [
  { nr: 220, name: 'clone', handler: sysClone, status: 'partial', note: 'threads and processes (fork, vfork, CLONE_PARENT, CLONE_PIDFD); no namespaces', args: ['cloneflags', 'ptr', 'ptr', 'ptr', 'ptr'] },
  { nr: 435, name: 'clone3', handler: sysClone3, status: 'partial', note: 'as clone, with CLONE_CLEAR_SIGHAND; set_tid and cgroup are refused', args: ['ptr', 'size'] },
];
